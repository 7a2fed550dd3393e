import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstNullPath, valuePaths } from '../../src/config/value-paths';
import { defaultInstanceValues } from '../../src/config/schema';

describe('value paths', () => {
  test('reach every leaf of the defaults, free-form maps included, and nothing else', () => {
    // GIVEN the defaults  WHEN listed  THEN every path resolves to a non-object or an empty map
    const paths = valuePaths();
    for (const path of paths) {
      const leaf = path.reduce<any>((node, key) => node[key], defaultInstanceValues());
      expect({ path: path.join('.'), isStructure: typeof leaf === 'object' && leaf !== null && Object.keys(leaf).length > 0 })
        .toEqual({ path: path.join('.'), isStructure: false });
    }
    expect(paths.map((p) => p.join('.'))).toEqual(expect.arrayContaining(['host', 'grafana.ingress.annotations', 'oidc.customConfig.config']));
  });

  test('the chart walks the same list (files/value-paths.json is not stale)', () => {
    const file = join(__dirname, '..', '..', 'charts', 'grafana-tenancy', 'files', 'value-paths.json');
    // Regenerate with `npm run generate` when this fails.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(valuePaths());
  });

  test.each([
    ['a null leaf', { grafana: { version: null } }, 'grafana.version'],
    ['a null block', { oidc: { clientSecret: null } }, 'oidc.clientSecret'],
    ['the first in schema order', { grafana: { version: null }, host: null }, 'host'],
    ['a null free-form map', { grafana: { ingress: { annotations: null } } }, 'grafana.ingress.annotations'],
  ])('finds %s', (_, input, expected) => {
    expect(firstNullPath(input)).toBe(expected);
  });

  test.each([
    ['absent keys', {}],
    ['falsy non-null values', { host: '', grafana: { ingress: { enabled: false } }, serviceAccountToken: { orgId: 0 } }],
    ['a wrong type (left to the schema)', { grafana: 'x' }],
    ['a null in a list or a free-form map (left to the schema)', { dashboards: { extra: [null] }, commonLabels: { team: null } }],
  ])('accepts %s', (_, input) => {
    expect(firstNullPath(input)).toBeUndefined();
  });
});
