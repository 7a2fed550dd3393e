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
