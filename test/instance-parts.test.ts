import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkInstance } from '../src/config/checks';
import { parseInstanceValues } from '../src/config/parse';
import { InstanceValues } from '../src/config/schema';
import { INSTANCE_PARTS, InstancePart, PART_FIELDS, partsReading } from '../src/instance-parts';
import { objectJson } from '../src/render/object-json';
import { Manifest, renderObjects } from '../src/render/render';
import { CI_FIXTURES, ciFixturePath } from './chart/fixtures';

const FIXTURES = CI_FIXTURES.filter((f) => !f.helmOnly).map((f) => ({
  ...f,
  values: parseInstanceValues(parse(readFileSync(ciFixturePath(f), 'utf8'))),
}));
type Fixture = (typeof FIXTURES)[number];

/** The part of a whole instance each construct id under the instance belongs to. */
const PART_OF_ID: Readonly<Record<string, InstancePart>> = {
  'client-secret': 'keycloak',
  keycloak: 'keycloak',
  grafana: 'grafana',
  datasources: 'datasources',
  dashboards: 'dashboards',
  token: 'token',
  backup: 'backup',
};

/** Each object a render gives, with the part its construct path says it belongs to. */
function objectsByPart(fixture: Fixture, values: InstanceValues, parts?: ReadonlySet<InstancePart>): { part: InstancePart; manifest: Manifest }[] {
  const rendered = renderObjects({ namespace: fixture.namespace, release: fixture.release, values, apiVersions: fixture.apiVersions }, parts);
  if (!('apiObjects' in rendered)) throw new Error('the instance declares no dependencies: its objects come in construct order');
  return rendered.apiObjects.map((o) => {
    // <release>/instance/<id>/...
    const id = o.node.path.split('/')[2];
    const part = PART_OF_ID[id];
    if (part === undefined) throw new Error(`${o.node.path}: no part holds construct id ${id}`);
    return { part, manifest: objectJson(o) };
  });
}

function manifestsOf(objects: readonly { part: InstancePart; manifest: Manifest }[], parts: ReadonlySet<InstancePart>): Manifest[] {
  return objects.filter((o) => parts.has(o.part)).map((o) => o.manifest);
}

function passesChecks(fixture: Fixture, values: InstanceValues): boolean {
  try {
    checkInstance(fixture, values);
    return true;
  } catch {
    return false;
  }
}

describe('the parts of an instance', () => {
  test.each(FIXTURES.map((f) => [f.file, f] as const))(
    'GIVEN %s WHEN rendered with only some parts THEN they are exactly the whole render\'s objects of those parts, in order',
    (_, fixture) => {
      const whole = objectsByPart(fixture, fixture.values);
      expect(whole.length).toBeGreaterThan(0);
      const subsets: ReadonlySet<InstancePart>[] = [...INSTANCE_PARTS.map((part) => new Set([part])), new Set<InstancePart>(['grafana', 'token']), new Set<InstancePart>(['keycloak', 'dashboards', 'backup'])];
      for (const parts of subsets) {
        expect(objectsByPart(fixture, fixture.values, parts).map((o) => o.manifest)).toEqual(manifestsOf(whole, parts));
      }
    },
  );

  // The part's code takes only its own fields (PartValues): this holds the lists to the renders.
  test('GIVEN one field of a fixture\'s values taken from another fixture WHEN rendered THEN only the parts that read that field render other objects', () => {
    let swaps = 0;
    const reachedBy = new Map<string, Set<InstancePart>>();
    for (const fixture of FIXTURES) {
      const whole = objectsByPart(fixture, fixture.values);
      for (const donor of FIXTURES) {
        for (const field of Object.keys(fixture.values) as (keyof InstanceValues)[]) {
          if (JSON.stringify(fixture.values[field]) === JSON.stringify(donor.values[field])) continue;
          const values = { ...fixture.values, [field]: donor.values[field] } as InstanceValues;
          if (!passesChecks(fixture, values)) continue;
          swaps++;
          const swapped = objectsByPart(fixture, values);
          const readers = partsReading([field]);
          for (const part of INSTANCE_PARTS.filter((p) => !readers.has(p))) {
            expect([fixture.file, donor.file, field, part, manifestsOf(swapped, new Set([part]))]).toEqual([fixture.file, donor.file, field, part, manifestsOf(whole, new Set([part]))]);
          }
          for (const part of INSTANCE_PARTS) {
            if (JSON.stringify(manifestsOf(swapped, new Set([part]))) !== JSON.stringify(manifestsOf(whole, new Set([part])))) {
              reachedBy.set(field, (reachedBy.get(field) ?? new Set()).add(part));
            }
          }
        }
      }
    }
    // THEN the swaps covered every part's fields (each declared field changed some part's objects)
    expect(swaps).toBeGreaterThan(300);
    for (const part of INSTANCE_PARTS) {
      for (const field of PART_FIELDS[part]) expect([part, field, reachedBy.has(field)]).toEqual([part, field, true]);
    }
  });

  test.each([
    [['grafana'], ['grafana']],
    [['datasources'], ['grafana', 'datasources', 'dashboards']],
    [['serviceAccountToken'], ['token', 'backup']],
    [['host', 'backup'], ['keycloak', 'grafana', 'backup']],
    [['commonLabels'], INSTANCE_PARTS],
    // Read by the instance's checks, or by no part: every part is rendered.
    [['apiVersions'], INSTANCE_PARTS],
    [['grafana', 'global'], INSTANCE_PARTS],
    [[], []],
  ])('GIVEN the changed fields %j WHEN asked which parts they reach THEN they are %j', (fields, parts) => {
    expect([...partsReading(fields)].sort()).toEqual([...parts].sort());
  });
});
