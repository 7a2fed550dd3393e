import { restartProcess } from '../harness/cluster';
import { isOurs } from '../harness/processes';
import {
  applyOrThrow,
  byKind,
  CI_FIXTURES,
  cluster,
  deleteObject,
  eventsFor,
  Manifest,
  renderFixture,
  restrictedNamespace,
  secretValue,
  waitFor,
} from './support';

/*
 * The OIDC client secret, for real: External Secrets Operator v0.16.2 creates it from the rendered
 * objects, and the value never changes once created - re-apply, relabel, operator restart, and
 * deleting and re-creating the ExternalSecret (a Helm reinstall, an Argo CD replace) or the whole
 * release.
 */

const NS = 'e2e-client-secret';
const RELEASE = 'monitoring';
const SECRET = `${RELEASE}-oidc-client`;
/** Kinds that make up the client secret (the rest of the release is applied too). */
const SECRET_KINDS = ['Password', 'ServiceAccount', 'Role', 'RoleBinding', 'SecretStore', 'ExternalSecret'];

const esPath = `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/${SECRET}`;
const secretPath = `/api/v1/namespaces/${NS}/secrets/${SECRET}`;

async function synced(since?: string): Promise<Manifest> {
  const { kube } = cluster();
  return waitFor(`ExternalSecret ${NS}/${SECRET} synced${since ? ` after ${since}` : ''}`, async () => {
    const es = await kube.getOrUndefined(esPath);
    const ready = es?.status?.conditions?.find((c: Manifest) => c.type === 'Ready');
    if (ready?.status !== 'True') return undefined;
    if (since && !(es.status.refreshTime > since)) return undefined;
    return es;
  }, 120_000, 500);
}

async function value(): Promise<string | undefined> {
  return secretValue(await cluster().kube.getOrUndefined(secretPath), 'client-secret');
}

describe('the OIDC client secret through the real External Secrets Operator', () => {
  let manifests: Manifest[];
  let first: string;

  beforeAll(async () => {
    // GIVEN the System fixture rendered into a restricted namespace and applied
    const { kube } = cluster();
    await restrictedNamespace(kube, NS);
    manifests = await renderFixture(CI_FIXTURES.find((f) => f.file === 'system-values.yaml')!, NS, RELEASE);
    await applyOrThrow(kube, manifests);
    await synced();
    first = (await value())!;
  });

  test('ESO creates the Secret with exactly the key the KeycloakClient references, and no owner', async () => {
    // THEN the Secret holds one key, the one in the KeycloakClient's `$<secret>:<key>` reference
    const { kube } = cluster();
    const client = byKind(manifests, 'KeycloakClient')[0];
    const [, name, key] = /^\$([^:]+):(.+)$/.exec(client.spec.secret)!;
    expect(name).toBe(SECRET);
    const secret = await kube.get(secretPath);
    expect(Object.keys(secret.data)).toEqual([key]);
    expect(secretValue(secret, key)).toMatch(/^[A-Za-z0-9]{32}$/);
    // the ExternalSecret does not own it: deleting the ExternalSecret cannot delete it
    expect(secret.metadata.ownerReferences).toBeUndefined();
    // and the generated value is in no rendered object
    expect(JSON.stringify(manifests)).not.toContain(first);
  });

  test('re-applying every object keeps the value', async () => {
    const { kube } = cluster();
    await applyOrThrow(kube, manifests);
    await synced();
    expect(await value()).toBe(first);
  });

  test('relabelling the ExternalSecret (a spec-less change) keeps the value', async () => {
    const { kube } = cluster();
    const es = byKind(manifests, 'ExternalSecret')[0];
    await applyOrThrow(kube, [{ ...es, metadata: { ...es.metadata, labels: { ...es.metadata.labels, 'e2e.example.org/relabel': 'yes' } } }]);
    await synced();
    expect(await value()).toBe(first);
  });

  test('an operator restart keeps the value', async () => {
    const c = cluster();
    const p = await restartProcess(c.stateDir, 'external-secrets');
    await waitFor('external-secrets running again', async () => isOurs(p));
    // the restarted operator reconciles every ExternalSecret at start; give it that pass
    await new Promise((r) => setTimeout(r, 5000));
    await synced();
    expect(await value()).toBe(first);
  });

  test('deleting and re-creating the ExternalSecret (Helm reinstall, Argo CD replace) keeps the value', async () => {
    // GIVEN the ExternalSecret deleted: the Secret stays (Orphan)
    const { kube } = cluster();
    const es = byKind(manifests, 'ExternalSecret')[0];
    await deleteObject(kube, es);
    await waitFor('ExternalSecret gone', async () => !(await kube.getOrUndefined(esPath)));
    expect(await value()).toBe(first);

    // WHEN it is created again: a new object with an empty status, so CreatedOnce syncs again
    const before = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    await applyOrThrow(kube, [es]);
    const again = await synced(before);

    // THEN it did sync (a fresh Password was generated) but the stored value is the first one
    expect(again.status.syncedResourceVersion).toBeTruthy();
    expect(await value()).toBe(first);
  });

  test('removing and re-installing the whole client-secret set (a moved or reinstalled release) keeps the value', async () => {
    // GIVEN every client-secret object deleted, as an uninstall does (the Secret is not rendered, so it stays)
    const { kube } = cluster();
    const set = manifests.filter((m) => SECRET_KINDS.includes(m.kind));
    for (const m of set) await deleteObject(kube, m);
    await waitFor('ExternalSecret gone', async () => !(await kube.getOrUndefined(esPath)));

    // WHEN the release is installed again
    const before = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    await applyOrThrow(kube, manifests);
    await synced(before);

    // THEN the Keycloak client's secret is still the first value
    expect(await value()).toBe(first);
  });

  test('the reader ServiceAccount gets exactly that Secret: another Secret in the namespace is not readable by the store', async () => {
    // GIVEN a second ExternalSecret that tries to extract another Secret through the same store
    const { kube } = cluster();
    await applyOrThrow(kube, [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unrelated', namespace: NS }, data: { k: Buffer.from('v').toString('base64') } }]);
    const probe = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'e2e-probe', namespace: NS },
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: { name: 'e2e-probe' },
        dataFrom: [{ extract: { key: 'unrelated' }, sourceRef: { storeRef: { kind: 'SecretStore', name: SECRET } } }],
      },
    };
    await applyOrThrow(kube, [probe]);

    // THEN ESO's read is refused by the real API server (its Warning event says why), and nothing is copied
    const events = await waitFor('a forbidden event for the probe ExternalSecret', async () => {
      const list = await eventsFor(kube, NS, 'ExternalSecret', 'e2e-probe');
      return list.some((e) => /forbidden/i.test(e.message)) ? list : undefined;
    }, 120_000, 500);
    expect(events.map((e) => e.message).join('\n')).toMatch(/secrets "unrelated" is forbidden.*cannot get resource "secrets"/);
    const o = await kube.get(`/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/e2e-probe`);
    expect(o.status.conditions.find((c: Manifest) => c.type === 'Ready').status).toBe('False');
    expect(await kube.getOrUndefined(`/api/v1/namespaces/${NS}/secrets/e2e-probe`)).toBeUndefined();
  });
});
