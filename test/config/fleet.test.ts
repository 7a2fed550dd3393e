import { InputError } from '../../src/config/parse';
import { loadFleet, parseFleet } from '../../src/config/fleet';
import { defaultInstanceValues } from '../../src/config/schema';
import { PLATFORM } from '../support/fixtures';

function problems(document: unknown): string[] {
  try {
    parseFleet(document, 'fleet.yaml');
  } catch (e) {
    if (e instanceof InputError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('fleet file', () => {
  test('defaults are deep-merged into every tenant and the tenant wins', () => {
    // GIVEN defaults with platform settings and a tenant overriding one nested field
    const fleet = parseFleet({
      apiVersions: ['v1.edp.epam.com/v1'],
      defaults: { platform: PLATFORM, oidc: { mode: 'System' } },
      tenants: [
        { namespace: 'a', release: 'm', host: 'a.example.org' },
        { namespace: 'b', release: 'm', host: 'b.example.org', platform: { oidc: { realmRef: { name: 'other' } } } },
      ],
    }, 'fleet.yaml');
    // THEN both inherit, and the override replaced only its own field
    expect(fleet.tenants[0].values.oidc.mode).toBe('System');
    expect(fleet.tenants[1].values.platform.oidc.realmRef).toEqual({ kind: 'ClusterKeycloakRealm', name: 'other' });
    expect(fleet.tenants[1].values.platform.oidc.issuerUrl).toBe(PLATFORM!.oidc!.issuerUrl);
  });

  test('every error names the file, the tenant and the field path, all at once', () => {
    const found = problems({
      tenants: [
        { namespace: 'ok', release: 'm', host: 'ok.example.org' },
        { namespace: 'b', release: 'm', host: 'b.example.org', oidc: { mode: 'Sytem' } },
        { namespace: 'c', release: 'm', host: 'c.example.org', grafana: { ingres: {} } },
        { namespace: 'd', release: 'm', host: 'd.example.org', oidc: { customConfig: { config: { a: [1] } } } },
      ],
    });
    expect(found).toHaveLength(3);
    expect(found[0]).toBe('fleet.yaml: tenants[1] (b/m): oidc.mode "Sytem" is not supported: use one of None, System, CustomConfig');
    expect(found[1]).toBe('fleet.yaml: tenants[2] (c/m): grafana.ingres: unknown field; check the spelling against the values reference');
    expect(found[2]).toMatch(/^fleet.yaml: tenants\[3\] \(d\/m\): oidc.customConfig.config.a: /);
  });

  test('a tenant without namespace or release is refused', () => {
    expect(problems({ tenants: [{ host: 'x.example.org' }] })).toEqual([
      'fleet.yaml: tenants[0] (?/?): namespace and release are required strings',
    ]);
  });

  test('a document without tenants is refused with the field', () => {
    expect(problems({ tenant: [] })[0]).toMatch(/^fleet.yaml: (tenants|tenant)/);
  });

  test('a missing file is named', () => {
    expect(() => loadFleet('/nonexistent/tenants.yaml')).toThrow('/nonexistent/tenants.yaml: cannot read the file (ENOENT)');
  });

  test('defaults of an empty entry are the schema defaults', () => {
    const fleet = parseFleet({ tenants: [{ namespace: 'a', release: 'm', host: 'a.example.org' }] }, 'f.yaml');
    expect(fleet.tenants[0].values).toEqual({ ...defaultInstanceValues(), host: 'a.example.org' });
  });
});
