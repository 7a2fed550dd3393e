import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

/*
 * A real S3 API on loopback: moto_server from the project venv (scripts/install-s3-tools.sh),
 * driven with the real AWS CLI from the same venv, the CLI the containers run.
 */

export const S3_VENV_BIN = join(__dirname, '../../../.tools/s3-venv/bin');
export const AWS_CLI = join(S3_VENV_BIN, 'aws');

/** Static credentials: moto accepts any unless IAM is enforced. */
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'backup-test', AWS_SECRET_ACCESS_KEY: 'backup-test-secret', AWS_REGION: 'us-east-1' };

export function requireS3Tools(): void {
  if (!existsSync(AWS_CLI) || !existsSync(join(S3_VENV_BIN, 'moto_server'))) {
    throw new Error(`${S3_VENV_BIN} has no aws or moto_server: run scripts/install-s3-tools.sh (npm test runs it first)`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** moto_server on a free loopback port, stopped by its PID. */
export class MotoServer {
  url = '';
  private child: ChildProcess | undefined;

  async start(): Promise<string> {
    requireS3Tools();
    const port = await freePort();
    this.child = spawn(join(S3_VENV_BIN, 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    this.url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const up = await new Promise<boolean>((resolve) => {
        http.get(`${this.url}/`, (res) => { res.resume(); resolve(true); }).on('error', () => resolve(false));
      });
      if (up) return this.url;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`moto_server did not answer on ${this.url} within 30 s`);
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child!.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/*
 * Test-side reads and writes go straight to the S3 REST API (path style; moto does not check
 * signatures): only the containers' own commands pay the AWS CLI's start-up time.
 */
function s3Request(endpoint: string, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // moto treats a request without Authorization as anonymous (private objects: 403); it does not check the signature.
    const authorization = `AWS4-HMAC-SHA256 Credential=${S3_CREDENTIALS.AWS_ACCESS_KEY_ID}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`;
    const req = http.request(`${endpoint}${path}`, { method, headers: { Authorization: authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function ok(endpoint: string, method: string, path: string, body?: string): Promise<string> {
  const res = await s3Request(endpoint, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text}`);
  return res.text;
}

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  await ok(endpoint, 'PUT', `/${bucket}`);
}

export async function putObject(endpoint: string, bucket: string, key: string, body: string): Promise<void> {
  await ok(endpoint, 'PUT', `/${bucket}/${encodeKey(key)}`, body);
}

/** Every key under `prefix`, sorted (ListObjectsV2, all pages). */
export async function listKeys(endpoint: string, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token = '';
  for (;;) {
    const query = `list-type=2&prefix=${encodeURIComponent(prefix)}${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
    const xml = await ok(endpoint, 'GET', `/${bucket}?${query}`);
    keys.push(...[...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]));
    token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1] ?? '';
    if (!token) return keys.sort();
  }
}

export async function readObject(endpoint: string, bucket: string, key: string): Promise<string> {
  return ok(endpoint, 'GET', `/${bucket}/${encodeKey(key)}`);
}

/**
 * Fault injection in front of moto: forwards every request, except that a PUT whose path
 * matches `refusePut` gets S3's documented AccessDenied error (403, XML body).
 */
export class RefusingS3Proxy {
  url = '';
  refused = 0;
  private server: http.Server | undefined;

  constructor(private readonly upstream: string, private readonly refusePut: RegExp) {}

  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = http.createServer((req, res) => {
      if (req.method === 'PUT' && this.refusePut.test(decodeURIComponent(req.url ?? ''))) {
        this.refused++;
        req.resume();
        res.writeHead(403, { 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
        return;
      }
      const forward = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
