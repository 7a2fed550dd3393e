import { InputError } from '../../src/config/parse';
import { loadFleet, parseFleet } from '../../src/config/fleet';
import { message } from '../../src/config/messages';
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

  test('GIVEN a document without tenants and with a misspelt field WHEN parsed THEN both are named, with what to write', () => {
    expect(problems({ tenant: [] })).toEqual([
      'fleet.yaml: tenant: unknown field; a fleet file has apiVersions, defaults, tenants',
      'fleet.yaml: tenants is missing: list one entry per Monitoring instance, e.g. tenants: [{namespace: tenant-acme, release: monitoring, host: acme.example.org}]',
    ]);
  });

  test('GIVEN an error in defaults WHEN two tenants inherit it THEN it is reported once, as defaults.<path>', () => {
    // GIVEN defaults with a misspelt field and a boolean where a string belongs, and two good tenants
    const found = problems({
      defaults: { oidc: { mod: 'System' }, grafana: { version: true } },
      tenants: [
        { namespace: 'a', release: 'm', host: 'a.example.org' },
        { namespace: 'b', release: 'm', host: 'b.example.org' },
      ],
    });
    // THEN each defaults problem appears once, with its full path and no tenant
    expect(found).toEqual([
      'fleet.yaml: defaults.oidc.mod: unknown field; check the spelling against the values reference',
      'fleet.yaml: defaults.grafana.version: expected a string, got the boolean true: quote it (YAML 1.1 reads unquoted y, yes, on, off as booleans)',
    ]);
  });

  test('GIVEN entries written alike but for their host WHEN parsed THEN each has the values it has alone, and a bad host is reported as alone', () => {
    // GIVEN entries like the first one but for the host (and where the host is written)
    const defaults = { platform: PLATFORM, grafana: { ingress: { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } } } };
    const entry = (n: string, host: string) => ({ namespace: n, release: 'm', host, oidc: { mode: 'System' }, serviceAccountToken: { enabled: true, serviceAccountName: 'agent' } });
    const tenants = [entry('a', 'a.example.org'), entry('b', 'b.example.org'), { namespace: 'c', release: 'm', oidc: { mode: 'System' }, serviceAccountToken: { enabled: true, serviceAccountName: 'agent' }, host: 'c.example.org' }];
    const apiVersions = ['v1.edp.epam.com/v1'];
    // WHEN
    const fleet = parseFleet({ apiVersions, defaults, tenants }, 'fleet.yaml');
    // THEN every tenant's values are those of its entry parsed in a fleet of its own, key order included
    fleet.tenants.forEach((tenant, i) => {
      const alone = parseFleet({ apiVersions, defaults, tenants: [tenants[i]] }, 'fleet.yaml').tenants[0];
      expect(JSON.stringify(tenant.values)).toBe(JSON.stringify(alone.values));
    });
    expect(fleet.tenants.map((t) => t.values.host)).toEqual(['a.example.org', 'b.example.org', 'c.example.org']);
    // AND a host that does not parse, in an entry like an earlier one, is reported as it is alone
    const bad = entry('d', 'Not A Host');
    const alone = problems({ apiVersions, defaults, tenants: [bad] });
    expect(alone).toHaveLength(1);
    expect(problems({ apiVersions, defaults, tenants: [...tenants, bad] })).toEqual(alone.map((p) => p.replace('tenants[0]', 'tenants[3]')));
  });

  test('GIVEN a choice in defaults that is not one WHEN many tenants inherit it THEN it is one line at defaults.<path>', () => {
    const tenants = ['a', 'b', 'c'].map((n) => ({ namespace: n, release: 'm', host: `${n}.example.org` }));
    expect(problems({ defaults: { oidc: { mode: 'Keycloak' } }, tenants })).toEqual([
      `fleet.yaml: defaults.${message('unknownMode', 'Keycloak')}`,
    ]);
  });

  test('GIVEN defaults that break a render check WHEN five tenants inherit it THEN one line names defaults.<path> and counts them', () => {
    // GIVEN platform OIDC switched off in defaults and five System tenants
    const tenants = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ namespace: n, release: 'm', host: `${n}.example.org`, oidc: { mode: 'System' } }));
    const found = problems({ apiVersions: ['v1.edp.epam.com/v1'], defaults: { platform: { oidc: { ...PLATFORM!.oidc, enabled: false } } }, tenants });
    // THEN the problem is reported once, at the defaults field, with the number of tenants affected
    expect(found).toEqual([
      `fleet.yaml: defaults.platform.oidc.enabled: ${message('systemNeedsPlatformOidc', false)} (inherited by 5 tenants: tenants[0] (a/m), tenants[1] (b/m), tenants[2] (c/m) and 2 more)`,
    ]);
  });

  test('GIVEN the same render failure in the own entries of several tenants WHEN parsed THEN it is one line naming them', () => {
    // GIVEN two System tenants and a cluster without the Keycloak API, and one tenant with its own different error
    const found = problems({
      defaults: { platform: PLATFORM },
      tenants: [
        { namespace: 'a', release: 'm', host: 'a.example.org', oidc: { mode: 'System' } },
        { namespace: 'b', release: 'm', host: 'b.example.org', oidc: { mode: 'System' } },
        { namespace: 'c', release: 'm' },
      ],
    });
    expect(found).toEqual([
      `fleet.yaml: 2 tenants (tenants[0] (a/m), tenants[1] (b/m)): ${message('systemNeedsKeycloakApi')}`,
      `fleet.yaml: tenants[2] (c/m): ${message('hostMissing')}`,
    ]);
  });

  test('GIVEN a null in defaults WHEN parsed THEN the catalogue message names defaults.<path> once', () => {
    const found = problems({ defaults: { grafana: { version: null } }, tenants: [{ namespace: 'a', release: 'm', host: 'a.example.org' }, { namespace: 'b', release: 'm', host: 'b.example.org' }] });
    expect(found).toEqual([`fleet.yaml: ${message('nullValue', 'defaults.grafana.version')}`]);
  });

  test('GIVEN broken defaults WHEN a tenant has its own error THEN both are reported, and no render check runs on half-merged values', () => {
    const found = problems({
      defaults: { platform: 'cozy' },
      tenants: [
        { namespace: 'a', release: 'm', host: 'a.example.org', oidc: { mode: 'System' } },
        { namespace: 'b', release: 'm', host: 'b.example.org', grafana: { ingres: {} } },
      ],
    });
    expect(found).toEqual([
      'fleet.yaml: defaults.platform: expected an object (a mapping of keys to values), got the string "cozy"',
      'fleet.yaml: tenants[1] (b/m): grafana.ingres: unknown field; check the spelling against the values reference',
    ]);
  });

  test('GIVEN a bad top-level field, a non-object entry and a bad tenant WHEN parsed THEN every problem is reported at once', () => {
    const found = problems({
      apiVersions: 'v1.edp.epam.com/v1',
      tenants: ['tenant-acme', { namespace: 'b', release: 'm', host: 'B.example.org' }, { namespace: 'c', release: 'm', host: 'c.example.org', oidc: { mode: 5 } }],
    });
    expect(found).toEqual([
      'fleet.yaml: apiVersions: expected a list, got the string "v1.edp.epam.com/v1": list the API versions the cluster serves, e.g. apiVersions: [v1.edp.epam.com/v1]',
      'fleet.yaml: tenants[0]: expected an object with namespace, release, host and the tenant\'s values, got the string "tenant-acme"',
      'fleet.yaml: tenants[1] (b/m): host "B.example.org" is not a DNS name: use lowercase letters, digits, \'-\' and \'.\', e.g. tenant-acme.example.org',
      'fleet.yaml: tenants[2] (c/m): oidc.mode: expected a string, got the number 5',
    ]);
  });

  test('GIVEN a good fleet with one non-object entry WHEN parsed THEN the other tenants\' render failures are still reported', () => {
    const found = problems({ tenants: [null, { namespace: 'b', release: 'm', host: 'B.example.org' }] });
    expect(found).toEqual([
      'fleet.yaml: tenants[0]: expected an object with namespace, release, host and the tenant\'s values, got null',
      `fleet.yaml: tenants[1] (b/m): ${message('hostInvalid', 'B.example.org')}`,
    ]);
  });

  test.each([
    ['a list', ['a'], 'a list'],
    ['a string', 'tenants', 'the string "tenants"'],
  ])('GIVEN %s as the whole document WHEN parsed THEN it says what a fleet file holds', (_name, document, got) => {
    expect(problems(document)).toEqual([`fleet.yaml: expected an object with apiVersions, defaults and tenants at the top level, got ${got}`]);
  });

  test('GIVEN tenants that is not a list and an apiVersions entry that is not a string WHEN parsed THEN both are named', () => {
    expect(problems({ apiVersions: ['v1', 2], tenants: { a: 1 } })).toEqual([
      'fleet.yaml: apiVersions[1]: expected a string, got the number 2: list the API versions the cluster serves, e.g. apiVersions: [v1.edp.epam.com/v1]',
      'fleet.yaml: tenants: expected a list of tenant entries, got an object (a mapping)',
    ]);
  });

  test('a missing file is named', () => {
    expect(() => loadFleet('/nonexistent/tenants.yaml')).toThrow('/nonexistent/tenants.yaml: cannot read the file (ENOENT)');
  });

  test('defaults of an empty entry are the schema defaults', () => {
    const fleet = parseFleet({ tenants: [{ namespace: 'a', release: 'm', host: 'a.example.org' }] }, 'f.yaml');
    expect(fleet.tenants[0].values).toEqual({ ...defaultInstanceValues(), host: 'a.example.org' });
  });
});
