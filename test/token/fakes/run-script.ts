import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, ADMIN_USER } from './fake-grafana';
import { API_TOKEN } from './fake-kubernetes';

/** The committed script both renderers ship; the scenarios run exactly this file. */
export const SHIPPED_SCRIPT = join(__dirname, '../../../charts/grafana-tenancy/files/token-bootstrap.js');

export interface ScriptResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together. */
  readonly output: string;
}

/**
 * Runs the shipped script in a child process (asynchronously: the fakes live in this process)
 * with only the given environment, killed after 60 s so a hang fails the test instead of jest.
 */
export function runScript(env: Record<string, string>, args: string[] = []): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SHIPPED_SCRIPT, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, output: stdout + stderr });
      },
    );
  });
}

/** A temp directory with the Kubernetes service-account token file the script reads. */
export function kubernetesTokenFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-bootstrap-'));
  const file = join(dir, 'token');
  writeFileSync(file, `${API_TOKEN}\n`);
  return file;
}

/** Environment for a run against the fakes; retries are fast so no test waits on real backoff. */
export function scriptEnv(grafanaUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    GRAFANA_URL: grafanaUrl,
    GRAFANA_ADMIN_USER: ADMIN_USER,
    GRAFANA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SERVICE_ACCOUNT_NAME: 'kagent',
    SERVICE_ACCOUNT_ROLE: 'Admin',
    RETRY_BASE_DELAY_MS: '1',
    RETRY_ATTEMPTS: '5',
    ...overrides,
  };
}

/** A server that accepts connections and drops them at once: Grafana "down", with a call count. */
export class DroppingServer {
  connections = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((socket) => {
      this.connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
