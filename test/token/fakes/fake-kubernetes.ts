import { HttpFake, RecordedCall, Reply } from './http-fake';

export interface FakeSecret {
  metadata: { name: string; namespace: string; resourceVersion: string; annotations?: Record<string, string> };
  type: string;
  data?: Record<string, string>;
}

/** The service-account token the script must present (the tests write it to a file). */
export const API_TOKEN = 'fake-kubernetes-service-account-token';

export const KUBE = {
  secret: /^\/api\/v1\/namespaces\/[^/]+\/secrets\/[^/]+$/,
  secrets: /^\/api\/v1\/namespaces\/[^/]+\/secrets$/,
};

/**
 * The core/v1 Secret API: GET/PUT/PATCH (JSON merge patch)/POST with the API server's status
 * codes: 404 NotFound, 409 AlreadyExists on create, 409 Conflict when a write carries a stale
 * `metadata.resourceVersion`, 401 without the expected Bearer token.
 */
export class FakeKubernetes extends HttpFake {
  private readonly secrets = new Map<string, FakeSecret>();
  private version = 100;

  /** Stores a Secret as if applied by GitOps (`data` may be absent). */
  put(namespace: string, name: string, data?: Record<string, string>): FakeSecret {
    const secret: FakeSecret = {
      metadata: { name, namespace, resourceVersion: this.nextVersion() },
      type: 'Opaque',
      ...(data ? { data: encode(data) } : {}),
    };
    this.secrets.set(`${namespace}/${name}`, secret);
    return secret;
  }

  /** A Secret's decoded data, or undefined when the Secret does not exist. */
  read(namespace: string, name: string): Record<string, string> | undefined {
    const secret = this.secrets.get(`${namespace}/${name}`);
    if (!secret) return undefined;
    return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  /** Simulates another writer: bumps the resourceVersion so a write with the old one conflicts. */
  touch(namespace: string, name: string): void {
    const secret = this.secrets.get(`${namespace}/${name}`);
    if (secret) secret.metadata.resourceVersion = this.nextVersion();
  }

  /** Calls that change a Secret. */
  writes(): RecordedCall[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }

  protected handle(call: RecordedCall): Reply {
    if (call.headers.authorization !== `Bearer ${API_TOKEN}`) return status(401, 'Unauthorized', 'Unauthorized');
    const item = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(call.path);
    const collection = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(call.path);
    if (collection && call.method === 'POST') return this.create(collection[1], call.body as FakeSecret);
    if (!item) return status(404, 'NotFound', 'the server could not find the requested resource');
    const [, namespace, name] = item;
    const key = `${namespace}/${name}`;
    const current = this.secrets.get(key);
    if (!current) return status(404, 'NotFound', `secrets "${name}" not found`);
    const body = call.body as Partial<FakeSecret> | undefined;

    switch (call.method) {
      case 'GET':
        return { status: 200, body: current };
      case 'PUT':
      case 'PATCH': {
        if (call.method === 'PATCH' && call.headers['content-type'] !== 'application/merge-patch+json') {
          return status(415, 'UnsupportedMediaType', `unsupported patch type ${call.headers['content-type']}`);
        }
        const wanted = body?.metadata?.resourceVersion;
        if (call.method === 'PUT' && !wanted) return status(422, 'Invalid', 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
        if (wanted && wanted !== current.metadata.resourceVersion) {
          return status(409, 'Conflict', `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`);
        }
        const data = call.method === 'PUT' ? body?.data : { ...current.data, ...body?.data };
        const next: FakeSecret = { ...current, metadata: { ...current.metadata, resourceVersion: this.nextVersion() }, ...(data ? { data } : {}) };
        this.secrets.set(key, next);
        return { status: 200, body: next };
      }
      default:
        return status(405, 'MethodNotAllowed', 'method not allowed');
    }
  }

  private create(namespace: string, secret: FakeSecret): Reply {
    const key = `${namespace}/${secret.metadata.name}`;
    if (this.secrets.has(key)) return status(409, 'AlreadyExists', `secrets "${secret.metadata.name}" already exists`);
    const stored: FakeSecret = { ...secret, metadata: { ...secret.metadata, namespace, resourceVersion: this.nextVersion() } };
    this.secrets.set(key, stored);
    return { status: 201, body: stored };
  }

  private nextVersion(): string {
    return String(this.version++);
  }
}

function encode(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
}

function status(code: number, reason: string, message: string): Reply {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code } };
}
