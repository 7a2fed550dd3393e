import { parseFleet } from '../../src/config/fleet';
import { InputError } from '../../src/config/parse';
import { PLATFORM } from '../support/fixtures';

function problems(tenants: object[], defaults: object = {}): string[] {
  try {
    parseFleet({ apiVersions: ['v1.edp.epam.com/v1'], defaults, tenants }, 'fleet.yaml');
  } catch (e) {
    if (e instanceof InputError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('fleet-wide checks', () => {
  test('two different pairs that join into the same clientId are refused, naming both tenants', () => {
    // GIVEN a-b/c and a/b-c: both give the Keycloak clientId a-b-c
    const found = problems([
      { namespace: 'a-b', release: 'c', host: 'one.example.org' },
      { namespace: 'a', release: 'b-c', host: 'two.example.org' },
    ]);
    // THEN one problem names both tenants and the shared clientId
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('tenants[0] (a-b/c)');
    expect(found[0]).toContain('tenants[1] (a/b-c)');
    expect(found[0]).toContain('"a-b-c"');
    expect(found[0]).toMatch(/clientId collision/);
  });

  test.each([
    ['different hosts', 'two.example.org'],
    ['the same host (a copy-pasted entry)', 'one.example.org'],
  ])('the same (namespace, release) twice, with %s, is one duplicate problem', (_, secondHost) => {
    const found = problems([
      { namespace: 'team', release: 'm', host: 'one.example.org' },
      { namespace: 'team', release: 'm', host: secondHost },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^fleet.yaml: tenants\[1\] \(team\/m\): duplicate tenant/);
    expect(found[0]).toContain('tenants[0]');
  });

  test('two tenants on one host are refused, the host given as a field path', () => {
    // GIVEN the host comes from defaults for both tenants
    const found = problems(
      [
        { namespace: 'a', release: 'm' },
        { namespace: 'b', release: 'm' },
      ],
      { host: 'shared.example.org' },
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^fleet.yaml: tenants\[1\] \(b\/m\)\.host: duplicate host "shared.example.org"/);
    expect(found[0]).toContain('tenants[0] (a/m)');
  });

  test('System mode with the platform flag off is reported with the other problems, all at once', () => {
    // GIVEN one System tenant without platform OIDC, plus a collision and a schema error
    const found = problems([
      { namespace: 'sys', release: 'm', host: 'sys.example.org', oidc: { mode: 'System' } },
      { namespace: 'a-b', release: 'c', host: 'one.example.org' },
      { namespace: 'a', release: 'b-c', host: 'two.example.org', grafana: { nope: 1 } },
    ]);
    // THEN every one of them is in the list, each with its tenant
    expect(found).toHaveLength(3);
    expect(found.find((p) => p.includes('tenants[0] (sys/m)'))).toMatch(/platform.oidc.enabled/);
    expect(found.find((p) => p.startsWith('fleet.yaml: tenants[2] (a/b-c): grafana.nope'))).toBeDefined();
    expect(found.find((p) => p.includes('clientId collision'))).toBeDefined();
  });

  test('a valid fleet with System mode and distinct names passes', () => {
    expect(
      problems([
        { namespace: 'a', release: 'm', host: 'a.example.org', oidc: { mode: 'System' }, platform: PLATFORM },
        { namespace: 'b', release: 'm', host: 'b.example.org' },
      ]),
    ).toEqual([]);
  });
});
