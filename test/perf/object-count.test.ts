import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KEYCLOAK_API_VERSION } from '../../src/config/checks';
import { parseInstanceValues } from '../../src/config/parse';
import { ObjectCounter } from '../../src/diff/object-counter';
import { renderInstance } from '../../src/render/render';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';

/** Another tenant of the same shape: other names, another host, other custom-config text. */
function renamed(values: Record<string, any>): Record<string, any> {
  const config = values.oidc?.customConfig?.config;
  return {
    ...values,
    host: 'other-host.example.net',
    oidc: config ? { ...values.oidc, customConfig: { ...values.oidc.customConfig, config: Object.fromEntries(Object.keys(config).map((k) => [k, `other-${k}`])) } } : values.oidc,
  };
}

describe('object counts of unchanged tenants (diff of fleet files)', () => {
  test.each(CI_FIXTURES.filter((f) => !f.helmOnly).map((f) => [f.file, f] as const))(
    'GIVEN %s WHEN a tenant of the same shape is counted THEN the shared count is what each renders',
    (_, fixture) => {
      const values = parse(readFileSync(ciFixturePath(fixture), 'utf8'));
      const counter = new ObjectCounter(fixture.apiVersions);
      // GIVEN the fixture and a tenant that differs in names, host and config text only
      const tenants = [
        { namespace: fixture.namespace, release: fixture.release, values: parseInstanceValues(values) },
        { namespace: 'renamed-ns', release: 'renamed', values: parseInstanceValues(renamed(values)) },
      ];
      for (const t of tenants) {
        // WHEN counted (the second from the first's memo) THEN it is the number of objects it renders
        const rendered = renderInstance({ ...t, apiVersions: fixture.apiVersions }).length;
        expect(counter.of(t)).toBe(rendered);
      }
      // AND the second was the first's shape: one instance built for both
      expect(counter['byShape'].size).toBe(1);
    },
  );

  test('GIVEN every fixture counted by one counter THEN no two shapes share a count by mistake', () => {
    // GIVEN one counter (one memo) for all fixtures, each rendered with the Keycloak API served
    const apiVersions = [KEYCLOAK_API_VERSION];
    const counter = new ObjectCounter(apiVersions);
    const fixtures = CI_FIXTURES.filter((f) => !f.helmOnly);
    for (const fixture of fixtures) {
      const t = { namespace: fixture.namespace, release: fixture.release, values: parseInstanceValues(parse(readFileSync(ciFixturePath(fixture), 'utf8'))) };
      // WHEN counted THEN each is what it renders
      expect([fixture.file, counter.of(t)]).toEqual([fixture.file, renderInstance({ ...t, apiVersions }).length]);
    }
    expect(counter['byShape'].size).toBe(fixtures.length);
  });

  test('GIVEN values that differ in a field name only, or in the host only THEN shapes tell the first apart and not the second', () => {
    // The shape keys of the counter (white-box: any values object is taken as a tenant's).
    const shapes = new ObjectCounter([])['shapes'] as { of(values: unknown): number };
    // WHEN the same value sits under another field THEN it is another shape
    expect(shapes.of({ grafana: { replicas: 1 } })).not.toBe(shapes.of({ keycloak: { replicas: 1 } }));
    // WHEN a field is missing at the end THEN it is another shape (a shape is not a prefix of another)
    expect(shapes.of({ grafana: {}, keycloak: {} })).not.toBe(shapes.of({ grafana: {} }));
    // WHEN only the host differs THEN it is the same shape
    expect(shapes.of({ host: 'a.example.org', grafana: {} })).toBe(shapes.of({ host: 'b.example.org', grafana: {} }));
  });
});
