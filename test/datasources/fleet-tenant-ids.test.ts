import { parseFleet } from '../../src/config/fleet';
import { InputError } from '../../src/config/parse';

const MIMIR = 'http://mimir.mimir.svc/prometheus';

function problems(tenants: object[], defaults: object = {}): string[] {
  try {
    parseFleet({ apiVersions: [], defaults, tenants }, 'fleet.yaml');
  } catch (e) {
    if (e instanceof InputError) return [...e.problems];
    throw e;
  }
  return [];
}

const tenant = (namespace: string, release: string, datasources: object = {}) => ({ namespace, release, host: `${namespace}-${release}.example.org`, datasources });

describe('fleet check: one tenant id per tenant', () => {
  test('GIVEN a tenantId in the fleet defaults WHEN two namespaces inherit it THEN it is refused, naming both tenants and the fix', () => {
    const found = problems([tenant('tenant-a', 'm'), tenant('tenant-b', 'm')], { datasources: { metrics: { url: MIMIR, tenantId: 'acme' } } });
    expect(found).toEqual([
      expect.stringMatching(/^fleet.yaml: tenants\[1\] \(tenant-b\/m\)\.datasources\.metrics\.tenantId: tenant id "acme" \(X-Scope-OrgID\) is also sent by tenants\[0\] \(tenant-a\/m\)/),
    ]);
    expect(found[0]).toContain('sharedTenantId: true');
  });

  test('GIVEN a tenant setting another namespace as its logs tenant id WHEN validated THEN it is refused', () => {
    const found = problems([tenant('tenant-a', 'm', { logs: { url: MIMIR } }), tenant('tenant-b', 'm', { logs: { url: MIMIR, tenantId: 'tenant-a' } })]);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('.datasources.logs.tenantId: tenant id "tenant-a"');
  });

  test('GIVEN both tenants say sharedTenantId WHEN validated THEN sharing is allowed; one side alone is not enough', () => {
    const shared = { metrics: { url: MIMIR, tenantId: 'platform', sharedTenantId: true } };
    expect(problems([tenant('tenant-a', 'm', shared), tenant('tenant-b', 'm', shared)])).toEqual([]);
    const oneSided = problems([tenant('tenant-a', 'm', shared), tenant('tenant-b', 'm', { metrics: { url: MIMIR, tenantId: 'platform' } })]);
    expect(oneSided).toHaveLength(1);
  });

  test('GIVEN two namespaces sharing an id WHEN a tenant that does not share it sends it too, after either of them THEN that tenant is refused, naming the one it may not share with', () => {
    const id = (sharedTenantId: boolean) => ({ metrics: { url: MIMIR, tenantId: 'platform', sharedTenantId } });
    // The unsharing tenant in the first namespace, then a sharing namespace after it.
    const after = problems([tenant('tenant-a', 'm', id(true)), tenant('tenant-a', 'n', id(false)), tenant('tenant-b', 'm', id(true))]);
    expect(after).toEqual([expect.stringMatching(/^fleet.yaml: tenants\[2\] \(tenant-b\/m\)\.datasources\.metrics\.tenantId: tenant id "platform" .* also sent by tenants\[1\] \(tenant-a\/n\)/)]);
    // Two sharing namespaces, then the unsharing tenant in the first of them.
    const last = problems([tenant('tenant-a', 'm', id(true)), tenant('tenant-b', 'm', id(true)), tenant('tenant-a', 'n', id(false))]);
    expect(last).toEqual([expect.stringMatching(/^fleet.yaml: tenants\[2\] \(tenant-a\/n\)\..* also sent by tenants\[1\] \(tenant-b\/m\)/)]);
  });

  test('GIVEN 300 random fleets of three namespaces WHEN checked in any order THEN they pass exactly when every two tenants of different namespaces with one id both share it', () => {
    let state = 7;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    for (let fleet = 0; fleet < 300; fleet++) {
      const members = Array.from({ length: 2 + next(4) }, (_, i) => ({ namespace: ['a', 'b', 'c'][next(3)], release: `r${i}`, tenantId: ['x', 'y'][next(2)], shares: next(2) === 1 }));
      const allowed = members.every((m) => members.every((o) => o === m || o.tenantId !== m.tenantId || o.namespace === m.namespace || (o.shares && m.shares)));
      for (const order of [members, [...members].reverse()]) {
        const found = problems(order.map((m) => tenant(m.namespace, m.release, { metrics: { url: MIMIR, tenantId: m.tenantId, sharedTenantId: m.shares } })));
        expect([order, found.length === 0]).toEqual([order, allowed]);
      }
    }
  });

  test('GIVEN two instances in one namespace WHEN both default to the namespace THEN that is one tenant, not a collision', () => {
    const metrics = { metrics: { url: MIMIR } };
    expect(problems([tenant('tenant-a', 'm', metrics), tenant('tenant-a', 'n', metrics)])).toEqual([]);
  });

  test('GIVEN distinct namespaces with default ids, or SigV4 sources, WHEN validated THEN nothing is refused', () => {
    const amp = { metrics: { url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/', tenantId: 'x', sigV4: { enabled: true, region: 'eu-west-1' } } };
    expect(problems([tenant('tenant-a', 'm', { metrics: { url: MIMIR } }), tenant('tenant-b', 'm', { metrics: { url: MIMIR } })])).toEqual([]);
    expect(problems([tenant('tenant-a', 'm', amp), tenant('tenant-b', 'm', amp)])).toEqual([]);
  });
});
