/*
 * Helpers for the control-plane scenarios: render what users render, apply it the way GitOps
 * tools do (server-side apply, strict field validation) and read back what the real systems made.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { attach, Cluster, REPO_ROOT } from '../harness/cluster';
import { KubeClient, KubeResponse, objectPath, waitFor } from '../harness/kube';
import { InstanceValuesInput } from '../../../src/config/schema';
import { loadFleet } from '../../../src/config/fleet';
import { Manifest, renderInstance } from '../../../src/render/render';
import { CI_FIXTURES, CiFixture, ciFixturePath } from '../../chart/fixtures';
import { helmTemplate, parseStream } from '../../chart/renderers';

export { waitFor };
export type { Manifest };

const run = promisify(execFile);

let cached: Cluster | undefined;
/** The cluster globalSetup started (or `npm run e2e:up` left running). */
export function cluster(): Cluster {
  cached ??= attach();
  return cached;
}

export const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/** A namespace enforcing the restricted Pod Security Standard (warn and audit too). */
export async function restrictedNamespace(kube: KubeClient, name: string): Promise<void> {
  const r = await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: RESTRICTED } });
  if (r.status >= 300) throw new Error(`namespace ${name}: HTTP ${r.status}: ${r.body?.message}`);
  // kube-controller-manager gives every namespace its `default` ServiceAccount and CA ConfigMap.
  await waitFor(`namespace ${name} ready`, async () => kube.getOrUndefined(`/api/v1/namespaces/${name}/serviceaccounts/default`));
}

/** Values of a ci fixture, with the System-mode API versions the parity suite renders it with. */
export function fixtureValues(f: CiFixture): InstanceValuesInput {
  return parse(readFileSync(ciFixturePath(f), 'utf8')) as InstanceValuesInput;
}

/** Renders a ci fixture as users would: cdk8s, or `helm template` for the Helm-only ones. */
export async function renderFixture(f: CiFixture, namespace = f.namespace, release = f.release, values?: InstanceValuesInput): Promise<Manifest[]> {
  if (f.helmOnly) {
    const res = await helmTemplate({ namespace, release, valuesFiles: [ciFixturePath(f)], apiVersions: f.apiVersions });
    if (!res.ok) throw new Error(`helm template ${f.file}: ${res.stderr}`);
    return parseStream(res.stdout);
  }
  return renderInstance({ namespace, release, values: values ?? fixtureValues(f), apiVersions: f.apiVersions });
}

export { CI_FIXTURES };
export type { CiFixture };

/** Every tenant of examples/tenants.yaml, rendered. */
export function renderExampleFleet(): { namespace: string; release: string; manifests: Manifest[] }[] {
  const fleet = loadFleet(join(REPO_ROOT, 'examples', 'tenants.yaml'));
  return fleet.tenants.map((t) => ({
    namespace: t.namespace,
    release: t.release,
    manifests: renderInstance({ namespace: t.namespace, release: t.release, values: t.values as InstanceValuesInput, apiVersions: fleet.apiVersions }),
  }));
}

/** Renders one instance with the values given (System mode needs the Keycloak API version). */
export function render(namespace: string, release: string, values: InstanceValuesInput, apiVersions: readonly string[] = ['v1.edp.epam.com/v1']): Manifest[] {
  return renderInstance({ namespace, release, values, apiVersions });
}

export interface ApplyOutcome {
  readonly key: string;
  readonly status: number;
  readonly message?: string;
  readonly warnings: string[];
  /** Paths of the applied object that the stored object does not have with the same value. */
  readonly pruned: string[];
  readonly live?: Manifest;
}

export function keyOf(m: Manifest): string {
  return `${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
}

/**
 * Server-side applies each object (fieldValidation=Strict, the way `kubectl apply --server-side`
 * and Argo CD/Flux apply) and compares what the API server stored with what was sent: a field
 * the schema does not know would be refused (strict) or silently dropped (pruned).
 */
export async function applyAll(kube: KubeClient, manifests: readonly Manifest[], fieldManager?: string): Promise<ApplyOutcome[]> {
  const out: ApplyOutcome[] = [];
  for (const m of manifests) {
    const r: KubeResponse = await kube.apply(m, fieldManager);
    out.push({
      key: keyOf(m),
      status: r.status,
      message: r.status >= 300 ? r.body?.message ?? String(r.body) : undefined,
      warnings: r.warnings,
      pruned: r.status < 300 ? missingIn(m, r.body) : [],
      live: r.status < 300 ? r.body : undefined,
    });
  }
  return out;
}

/** Paths of `sent` whose value `stored` does not have (stored may add defaults). */
export function missingIn(sent: unknown, stored: unknown, path = ''): string[] {
  if (sent !== null && typeof sent === 'object' && !Array.isArray(sent)) {
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return [path || '.'];
    return Object.entries(sent as Record<string, unknown>).flatMap(([k, v]) =>
      missingIn(v, (stored as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  if (Array.isArray(sent)) {
    if (!Array.isArray(stored) || stored.length !== sent.length) return [path];
    return sent.flatMap((v, i) => missingIn(v, stored[i], `${path}[${i}]`));
  }
  if (sent === stored) return [];
  // Quantities come back canonical ("1Gi" stays, "1000m" -> "1"): compare as strings too.
  if (String(sent) === String(stored)) return [];
  return [path];
}

/** Applies and throws with every refusal/warning/pruned field, for scenarios that need objects in place. */
export async function applyOrThrow(kube: KubeClient, manifests: readonly Manifest[], fieldManager?: string): Promise<Manifest[]> {
  const res = await applyAll(kube, manifests, fieldManager);
  const bad = res.filter((r) => r.status >= 300 || r.warnings.length || r.pruned.length);
  if (bad.length) throw new Error(bad.map((b) => `${b.key}: ${b.status} ${b.message ?? ''} ${b.warnings.join('; ')} ${b.pruned.join(',')}`).join('\n'));
  return res.map((r) => r.live!);
}

export function secretValue(secret: Manifest | undefined, key: string): string | undefined {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/** Events about an object (e.g. the Job controller's FailedCreate). */
export async function eventsFor(kube: KubeClient, namespace: string, kind: string, name: string): Promise<Manifest[]> {
  const list = await kube.get(`/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.kind=${kind},involvedObject.name=${name}`);
  return list.items;
}

export async function deleteObject(kube: KubeClient, m: Manifest, propagation = 'Background'): Promise<number> {
  const r = await kube.delete(objectPath(m as any), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: propagation });
  return r.status;
}

/** A token for a ServiceAccount from the TokenRequest API (what the kubelet mounts into a pod). */
export async function serviceAccountToken(kube: KubeClient, namespace: string, name: string): Promise<string> {
  const r = await kube.req({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return r.body.status.token;
}

/** Runs a command (e.g. node with the shipped script); never throws, returns code and output. */
export async function runProcess(file: string, args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { env, timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

/** Pods owned (directly) by an owner UID. */
export async function podsOwnedBy(kube: KubeClient, namespace: string, uid: string): Promise<Manifest[]> {
  const list = await kube.get(`/api/v1/namespaces/${namespace}/pods`);
  return list.items.filter((p: Manifest) => (p.metadata.ownerReferences ?? []).some((o: Manifest) => o.uid === uid));
}

export function byKind(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/**
 * The Pods a controller (Job, ReplicaSet) created for its owner, once it created one; fails with the
 * controller's FailedCreate events (e.g. "violates PodSecurity") when admission refused them.
 */
export async function admittedPods(kube: KubeClient, namespace: string, ownerKind: string, owner: Manifest): Promise<Manifest[]> {
  return waitFor(`a Pod of ${ownerKind} ${namespace}/${owner.metadata.name}, or a refusal`, async () => {
    const refused = (await eventsFor(kube, namespace, ownerKind, owner.metadata.name)).filter((e) => e.reason === 'FailedCreate');
    if (refused.length) throw new Error(refused.map((e) => e.message).join('\n'));
    const owned = await podsOwnedBy(kube, namespace, owner.metadata.uid);
    return owned.length ? owned : undefined;
  }, 120_000, 500).catch((e: Error) => {
    throw new Error(`${ownerKind} ${owner.metadata.name} got no admitted Pod: ${e.message}`);
  });
}
