import { stringify } from 'yaml';
import { loadFleet } from '../../src/config/fleet';
import { renderInstance } from '../../src/render/render';
import { toYaml } from '../../src/render/yaml-emit';
import { mixedFleet } from '../fleet/fleet-fixtures';
import { join } from 'node:path';

/** The reference: what the `yaml` package writes. The fast path must give the same bytes. */
const reference = (value: unknown) => stringify(value, { lineWidth: 0 });

describe('fast YAML emitter', () => {
  test('gives the yaml package\'s bytes for every object of the example and a mixed fleet', () => {
    const example = loadFleet(join(__dirname, '..', '..', 'examples', 'tenants.yaml'));
    const fleets = [example, mixedFleet(9)];
    const manifests = fleets.flatMap((f) => f.tenants.flatMap((t) => renderInstance({ ...t, apiVersions: f.apiVersions })));
    expect(manifests.length).toBeGreaterThan(20);
    for (const m of manifests) expect(toYaml(m)).toBe(reference(m));
  });

  const awkward: unknown[] = [
    '', ' lead', 'trail ', 'a: b', 'a #b', 'key:', '- dash', 'yes', 'No', 'null', '~', '1', '1.5', '0x1F', '.inf', '1e3',
    'multi\nline', 'two\nlines\n', 'keep\n\nblank\n\n', '  lead\nx', 'x\n  indented\n', '\nstart', 'a\r\nb', 'trail \nx', 'tab\there', 'q"uote', "it's", '@at', '*star', '&amp', '!tag', '%pct', '[x]', '{y}', 'a,b', '$x:y',
    'https://x.example/p?a=b&c=%20', 'ünïcode', null, true, false, 0, -0, 3.25, 1e21, -7, {}, [], [1, [2]], { k: 'v', l: [] },
    [{}], [[]], { 'needs quote: key': 1 }, { '1': 'numeric key' }, { a: undefined, b: 1 }, { only: undefined },
  ];
  test.each(awkward.map((v) => [JSON.stringify(v) ?? String(v), v]))('awkward value %s gives the same bytes in every position', (_, value) => {
    const doc = { v: value, nested: { v: value, deeper: { v: value } }, list: [value], items: [{ v: value, w: 'x' }, { w: 'x', v: value }] };
    expect(toYaml(structuredClone(doc))).toBe(reference(structuredClone(doc)));
  });

  test('an object used twice is left to the library (anchors), not duplicated', () => {
    const shared = { a: 1 };
    const doc = { x: shared, y: shared };
    expect(toYaml(doc)).toBe(reference(doc));
  });
});
