import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseInstanceValues } from '../../src/config/parse';
import { ObjectCounter } from '../../src/diff/sides';
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
    },
  );
});
