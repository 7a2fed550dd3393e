import { request } from 'node:https';

/** One answer of the API server: status, parsed JSON body, and every `Warning` header. */
export interface KubeResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly warnings: string[];
}

export interface KubeRequest {
  readonly method?: string;
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Bearer token for this request; default the client's. */
  readonly token?: string;
}

/** Thrown for a non-2xx answer: carries the API server's Status message. */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly body: any,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body?.message ?? JSON.stringify(body)}`);
  }
}

/**
 * A minimal Kubernetes REST client (node:https, the API server's CA, a bearer token): enough for
 * server-side apply, reads, deletes and reviews, and it returns the `Warning` headers a real
 * API server sends (the e2e suite asserts there are none).
 */
export class KubeClient {
  constructor(
    readonly server: string,
    readonly ca: string,
    readonly token: string,
  ) {}

  /** The same API server as another identity. */
  as(token: string): KubeClient {
    return new KubeClient(this.server, this.ca, token);
  }

  raw<T = any>(req: KubeRequest): Promise<KubeResponse<T>> {
    const url = new URL(req.path, this.server);
    const method = req.method ?? 'GET';
    const payload =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    return new Promise((resolve, reject) => {
      const r = request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${req.token ?? this.token}`,
            Accept: 'application/json',
            ...(payload !== undefined
              ? { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) }
              : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (e.g. /readyz): keep the text
            }
            const w = res.headers.warning;
            const warnings = w === undefined ? [] : Array.isArray(w) ? w : [w];
            resolve({ status: res.statusCode ?? 0, body, warnings });
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      r.on('error', reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }

  /** Like raw, but a non-2xx answer throws a KubeError. */
  async req<T = any>(req: KubeRequest): Promise<KubeResponse<T>> {
    const res = await this.raw<T>(req);
    if (res.status < 200 || res.status > 299) throw new KubeError(res.status, res.body, req.method ?? 'GET', req.path);
    return res;
  }

  async get<T = any>(path: string): Promise<T> {
    return (await this.req<T>({ path })).body;
  }

  /** The object, or undefined when it does not exist. */
  async getOrUndefined<T = any>(path: string): Promise<T | undefined> {
    const res = await this.raw<T>({ path });
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status > 299) throw new KubeError(res.status, res.body, 'GET', path);
    return res.body;
  }

  /** Server-side apply with strict field validation (unknown or duplicate fields are refused). */
  apply(obj: any, fieldManager = 'grafana-tenancy-e2e', force = true): Promise<KubeResponse> {
    return this.raw({
      method: 'PATCH',
      path: `${objectPath(obj)}?fieldManager=${fieldManager}&fieldValidation=Strict${force ? '&force=true' : ''}`,
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  async delete(path: string, body?: unknown): Promise<KubeResponse> {
    return this.raw({ method: 'DELETE', path, body });
  }

  /** Polls fn until it returns a truthy value; fails with the last value/error after timeoutMs. */
  async waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
    return waitFor(what, fn, timeoutMs, everyMs);
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false | null>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Plural resource names the suite meets; the REST path needs them. */
const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  Secret: 'secrets',
  ConfigMap: 'configmaps',
  Pod: 'pods',
  Service: 'services',
  Event: 'events',
  Job: 'jobs',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  CustomResourceDefinition: 'customresourcedefinitions',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  PersistentVolumeClaim: 'persistentvolumeclaims',
};

export function plural(kind: string): string {
  const k = kind.toLowerCase();
  return PLURALS[kind] ?? (k.endsWith('y') ? `${k.slice(0, -1)}ies` : k.endsWith('s') ? `${k}es` : `${k}s`);
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterKeycloak', 'ClusterKeycloakRealm', 'ClusterSecretStore', 'ClusterExternalSecret']);

/** REST collection path of apiVersion/kind in a namespace (or cluster-scoped). */
export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = !CLUSTER_SCOPED.has(kind) && namespace ? `/namespaces/${namespace}` : '';
  return `${base}${ns}/${plural(kind)}`;
}

/** REST path of one object. */
export function objectPath(obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace)}/${obj.metadata.name}`;
}
