import { KubeClient, objectPath } from '../harness/kube';
import { applyOrThrow, byKind, CI_FIXTURES, cluster, deleteObject, fixtureValues, Manifest, render, renderFixture, restrictedNamespace, waitFor } from './support';

/*
 * Removal: the three realm groups (and their members, in Keycloak) must outlive a release removal
 * and a mode change. Two removers are simulated against the real API server, each following its
 * tool's documented rule:
 * - `helm uninstall`: deletes every object of the release except those annotated
 *   `helm.sh/resource-policy: keep`;
 * - a GitOps prune (Flux kustomize-controller, Argo CD): deletes live objects of the release that
 *   are no longer rendered, except those annotated `kustomize.toolkit.fluxcd.io/prune: disabled`
 *   (Flux) or whose `argocd.argoproj.io/sync-options` contain `Prune=false` (Argo CD).
 */

const RELEASE = 'monitoring';
const LABEL = `app.kubernetes.io/instance=${RELEASE}`;

/** Kinds (with their API path) a release may have live. */
const KINDS: [string, string][] = [
  ['v1.edp.epam.com/v1', 'KeycloakRealmGroup'],
  ['v1.edp.epam.com/v1', 'KeycloakClient'],
  ['v1.edp.epam.com/v1', 'KeycloakClientScope'],
  ['external-secrets.io/v1', 'ExternalSecret'],
  ['external-secrets.io/v1', 'SecretStore'],
  ['generators.external-secrets.io/v1alpha1', 'Password'],
  ['grafana.integreatly.org/v1beta1', 'Grafana'],
  ['v1', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
];

async function liveObjects(kube: KubeClient, ns: string): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const [apiVersion, kind] of KINDS) {
    const path = objectPath({ apiVersion, kind, metadata: { name: '', namespace: ns } }).replace(/\/$/, '');
    const list = await kube.get(`${path}?labelSelector=${encodeURIComponent(LABEL)}`);
    for (const item of list.items) out.push({ ...item, apiVersion, kind });
  }
  return out;
}

const key = (m: Manifest) => `${m.kind}/${m.metadata.name}`;

function prunable(m: Manifest): boolean {
  const a = m.metadata.annotations ?? {};
  if (a['kustomize.toolkit.fluxcd.io/prune'] === 'disabled') return false;
  if ((a['argocd.argoproj.io/sync-options'] ?? '').split(',').map((s: string) => s.trim()).includes('Prune=false')) return false;
  return true;
}

async function groupsLeft(kube: KubeClient, ns: string): Promise<Manifest[]> {
  const list = await kube.get(`/apis/v1.edp.epam.com/v1/namespaces/${ns}/keycloakrealmgroups`);
  return list.items.filter((g: Manifest) => !g.metadata.deletionTimestamp);
}

describe('the realm groups survive a release removal', () => {
  const system = CI_FIXTURES.find((f) => f.file === 'system-values.yaml')!;

  test('helm uninstall (every object but helm.sh/resource-policy: keep) leaves the three groups', async () => {
    // GIVEN a System release applied
    const { kube } = cluster();
    const ns = 'e2e-removal-helm';
    await restrictedNamespace(kube, ns);
    const manifests = await renderFixture(system, ns, RELEASE);
    await applyOrThrow(kube, manifests);

    // WHEN the release is uninstalled the way Helm does it
    const kept = manifests.filter((m) => m.metadata.annotations?.['helm.sh/resource-policy'] === 'keep');
    for (const m of manifests.filter((x) => !kept.includes(x))) await deleteObject(kube, m);

    // THEN the KeycloakClient is going or gone, and the three realm groups are still there, annotated
    await waitFor('the KeycloakClient deleted (or terminating)', async () => {
      const c = await kube.getOrUndefined(objectPath(byKind(manifests, 'KeycloakClient')[0] as any));
      return !c || c.metadata.deletionTimestamp;
    });
    const groups = await groupsLeft(kube, ns);
    expect(groups.map((g) => g.spec.name).sort()).toEqual(['admin', 'editor', 'viewer'].map((r) => `${ns}-${RELEASE}-${r}`));
    for (const g of groups) expect(g.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
  });

  test('a GitOps prune after a switch to mode None (Flux/Argo CD rules) leaves the three groups', async () => {
    // GIVEN a System release applied
    const { kube } = cluster();
    const ns = 'e2e-removal-gitops';
    await restrictedNamespace(kube, ns);
    const before = await renderFixture(system, ns, RELEASE);
    await applyOrThrow(kube, before);

    // WHEN the tenant switches to mode None and the GitOps controller applies, then prunes
    const values = fixtureValues(system) as any;
    const after = render(ns, RELEASE, { ...values, oidc: { mode: 'None' } });
    await applyOrThrow(kube, after);
    const desired = new Set(after.map(key));
    const live = await liveObjects(kube, ns);
    const orphans = live.filter((m) => !desired.has(key(m)));
    const pruned = orphans.filter(prunable);
    for (const m of pruned) await deleteObject(kube, m);

    // THEN the prune did delete what System mode alone rendered, but not the groups
    expect(pruned.map(key)).toEqual(expect.arrayContaining([`KeycloakClient/${RELEASE}`, `ExternalSecret/${RELEASE}-oidc-client`]));
    expect(pruned.filter((m) => m.kind === 'KeycloakRealmGroup')).toEqual([]);
    const groups = await groupsLeft(kube, ns);
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
      expect(g.metadata.annotations['argocd.argoproj.io/sync-options']).toContain('Prune=false');
    }
  });
});
