import { AddressInfo } from 'node:net';
import * as http from 'node:http';
import * as https from 'node:https';

/** One request a fake received. */
export interface RecordedCall {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
}

/** What a route handler returns. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** A one-off reply that replaces the real handler for the next `times` matching calls. */
export interface Fault {
  readonly method: string;
  readonly path: RegExp;
  times: number;
  readonly reply: Reply;
}

/**
 * A local HTTP server on 127.0.0.1 (random port) that records every call, lets tests inject
 * faults, and hands requests to `handle`. Subclasses implement the real API semantics.
 */
export abstract class HttpFake {
  readonly calls: RecordedCall[] = [];
  private readonly faults: Fault[] = [];
  /** Computed replies that take precedence over the API (first non-undefined wins). */
  readonly replies: ((call: RecordedCall) => Reply | undefined)[] = [];
  /** Runs before a call is handled, e.g. to simulate another client racing the script. */
  readonly beforeHandle: ((call: RecordedCall) => void)[] = [];
  private server: http.Server | undefined;

  /** @param tls key and certificate to serve HTTPS instead of plain HTTP. */
  constructor(private readonly tls?: { key: string; cert: string }) {}

  protected abstract handle(call: RecordedCall): Reply;

  /** The next `times` calls of `method` to a path matching `path` get `reply`. */
  fail(method: string, path: RegExp, times: number, reply: Reply): void {
    this.faults.push({ method, path, times, reply });
  }

  /** Calls with `method` whose path matches `path`. */
  count(method: string, path: RegExp): number {
    return this.callsTo(method, path).length;
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  /** @param port a fixed loopback port (the e2e suite stays inside its assigned range); default any free one. */
  async start(port = 0): Promise<string> {
    const listener: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const raw = Buffer.concat(chunks).toString('utf8');
        const call: RecordedCall = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: raw ? JSON.parse(raw) : undefined,
        };
        this.calls.push(call);
        const reply = this.computed(call) ?? this.injected(call) ?? this.run(call);
        res.writeHead(reply.status, { 'Content-Type': 'application/json' });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    };
    this.server = this.tls ? https.createServer(this.tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private run(call: RecordedCall): Reply {
    for (const hook of this.beforeHandle) hook(call);
    return this.handle(call);
  }

  private computed(call: RecordedCall): Reply | undefined {
    for (const reply of this.replies) {
      const result = reply(call);
      if (result) return result;
    }
    return undefined;
  }

  private injected(call: RecordedCall): Reply | undefined {
    const fault = this.faults.find((f) => f.times > 0 && f.method === call.method && f.path.test(call.path));
    if (!fault) return undefined;
    fault.times--;
    return fault.reply;
  }
}
