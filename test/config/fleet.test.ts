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

  test('a tenant without namespace or release is refused, field by field', () => {
    expect(problems({ tenants: [{ host: 'x.example.org' }] })).toEqual([
      'fleet.yaml: tenants[0] (?/?): namespace is missing: every tenant needs a namespace and a release',
      'fleet.yaml: tenants[0] (?/?): release is missing: every tenant needs a namespace and a release',
    ]);
  });

  test('a YAML 1.1 boolean where a string belongs gets a quoting hint', () => {
    // GIVEN `release: on` and `version: yes`, which Helm's YAML reads as booleans
    const found = problems({ tenants: [
      { namespace: 'a', release: true, host: 'a.example.org' },
      { namespace: 'b', release: 'm', host: 'b.example.org', grafana: { version: true } },
    ] });
    // THEN each names the field, the value and the fix
    expect(found).toEqual([
      'fleet.yaml: tenants[0] (a/?): release: expected a string, got the boolean true: quote it (YAML 1.1 reads unquoted y, yes, on, off as booleans)',
      'fleet.yaml: tenants[1] (b/m): grafana.version: expected a string, got the boolean true: quote it (YAML 1.1 reads unquoted y, yes, on, off as booleans)',
    ]);
  });

  test('a list in the free-form Grafana config says what is allowed', () => {
    const found = problems({ tenants: [{ namespace: 'a', release: 'm', host: 'a.example.org', oidc: { customConfig: { config: { scopes: ['openid'] } } } }] });
    expect(found).toEqual(['fleet.yaml: tenants[0] (a/m): oidc.customConfig.config.scopes: must be a string, number or boolean: Grafana ini values are scalars']);
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
