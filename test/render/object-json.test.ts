import { readFileSync } from 'node:fs';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { KeycloakRealmGroup } from '../../imports/keycloak';
import { KubeConfigMap, KubeJob, Quantity } from '../../imports/k8s';
import { MonitoringInstance } from '../../src/monitoring-instance';
import { objectJson, plainManifest, sameManifestSource } from '../../src/render/object-json';
import { parseFleet } from '../../src/config/fleet';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { syntheticFleet } = require('../../scripts/synthetic-fleet');

/*
 * objectJson copies a manifest once instead of letting cdk8s resolve it value by value: these
 * hold it to cdk8s's own toJson(), key order included (the YAML is written in that order), and
 * check that whatever only cdk8s may render still goes to cdk8s.
 */

const apiObjectsOf = (chart: Chart) => chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
/** JSON text: toEqual ignores key order, which the rendered YAML keeps. */
const text = (value: unknown) => JSON.stringify(value);

describe('objectJson on the instances this project renders', () => {
  test.each(CI_FIXTURES.filter((f) => !f.helmOnly).map((f) => [f.file, f] as const))('GIVEN fixture %s THEN every object takes the one-copy path AND gives toJson()\'s keys in its order', (_, fixture) => {
    // GIVEN
    const values = parse(readFileSync(ciFixturePath(fixture), 'utf8'));
    const chart = new MonitoringInstance(Testing.app(), fixture.release, { namespace: fixture.namespace, release: fixture.release, values, apiVersions: fixture.apiVersions });
    // WHEN / THEN
    const objects = apiObjectsOf(chart);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      const fast = plainManifest(o);
      expect(fast).toBeDefined();
      expect(text(fast)).toBe(text(o.toJson()));
    }
  });

  test('GIVEN a synthetic fleet of every mode THEN each tenant\'s objects equal toJson() byte for byte', () => {
    // GIVEN
    const fleet = parseFleet(syntheticFleet(40), 'synthetic.yaml');
    for (const { namespace, release, values } of fleet.tenants) {
      const chart = new MonitoringInstance(Testing.app(), release, { namespace, release, values, apiVersions: fleet.apiVersions });
      // WHEN / THEN
      for (const o of apiObjectsOf(chart)) expect(text(objectJson(o))).toBe(text(o.toJson()));
    }
  });
});

describe('objectJson leaves to cdk8s what only cdk8s may render', () => {
  const chartIn = (app = Testing.app()) => new Chart(app, 'test');

  test('GIVEN a Lazy value WHEN rendered THEN cdk8s produces it', () => {
    // GIVEN
    const map = new KubeConfigMap(chartIn(), 'cm', { metadata: { name: 'cm' }, data: { later: Lazy.any({ produce: () => 'produced' }) as unknown as string } });
    // WHEN / THEN
    expect(plainManifest(map)).toBeUndefined();
    expect(objectJson(map).data).toEqual({ later: 'produced' });
  });

  test('GIVEN an implicit token (an object with resolve()) THEN cdk8s resolves it', () => {
    const token = { resolve: () => 'resolved' };
    const map = new KubeConfigMap(chartIn(), 'cm', { metadata: { name: 'cm' }, data: { token: token as unknown as string } });
    expect(plainManifest(map)).toBeUndefined();
    expect(objectJson(map).data).toEqual({ token: 'resolved' });
  });

  test('GIVEN a JSON patch THEN the patched manifest is cdk8s\'s', () => {
    const map = new KubeConfigMap(chartIn(), 'cm', { metadata: { name: 'cm' }, data: { a: '1' } });
    map.addJsonPatch(JsonPatch.add('/data/b', '2'));
    expect(plainManifest(map)).toBeUndefined();
    expect(objectJson(map).data).toEqual({ a: '1', b: '2' });
  });

  test('GIVEN an App with a resolver of its own THEN that resolver is applied', () => {
    class Upper implements IResolver {
      resolve(context: ResolutionContext): void {
        if (context.value === 'shout') context.replaceValue('SHOUT');
      }
    }
    const map = new KubeConfigMap(chartIn(new App({ resolvers: [new Upper()] })), 'cm', { metadata: { name: 'cm' }, data: { a: 'shout' } });
    expect(plainManifest(map)).toBeUndefined();
    expect(objectJson(map).data).toEqual({ a: 'SHOUT' });
  });

  test('GIVEN a subclass of a generated class that overrides toJson THEN its override renders', () => {
    class Labelled extends KeycloakRealmGroup {
      public override toJson(): any {
        return { ...super.toJson(), extra: true };
      }
    }
    const group = new Labelled(chartIn(), 'g', { metadata: { name: 'g' }, spec: { name: 'g', realmRef: { name: 'realm' } } });
    expect(plainManifest(group)).toBeUndefined();
    expect(objectJson(group).extra).toBe(true);
  });

  test('GIVEN a class instance that is no number-or-string union THEN cdk8s refuses it, with its message', () => {
    class Opaque {
      readonly inner = 1;
    }
    const map = new KubeConfigMap(chartIn(), 'cm', { metadata: { name: 'cm' }, data: { a: new Opaque() as unknown as string } });
    expect(plainManifest(map)).toBeUndefined();
    expect(() => objectJson(map)).toThrow(/can't render non-simple object of type 'Opaque'/);
  });

  test('GIVEN a __proto__ key THEN cdk8s renders the object', () => {
    const data = JSON.parse('{"__proto__": "x", "a": "1"}');
    const map = new KubeConfigMap(chartIn(), 'cm', { metadata: { name: 'cm' }, data });
    expect(plainManifest(map)).toBeUndefined();
    expect(text(objectJson(map))).toBe(text(map.toJson()));
  });

  test('GIVEN CDK8S_DISABLE_SORT THEN keys keep cdk8s\'s unsorted order', () => {
    const previous = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const map = new KubeConfigMap(chartIn(), 'cm', { metadata: { name: 'cm' }, data: { b: '2', a: '1' } });
      expect(plainManifest(map)).toBeUndefined();
      expect(Object.keys(objectJson(map).data)).toEqual(['b', 'a']);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = previous;
    }
  });
});

describe('objectJson on plain data', () => {
  test('GIVEN metadata with empty lists and maps, an added field and an owner THEN they render as cdk8s renders them', () => {
    // GIVEN
    const job = new KubeJob(new Chart(Testing.app(), 'test'), 'job', {
      metadata: { name: 'job', labels: {}, annotations: { a: 'b', empty: undefined as unknown as string }, finalizers: [] },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i', args: [], resources: { limits: { memory: Quantity.fromString('1Mi'), cpu: Quantity.fromNumber(1) } } }], restartPolicy: 'Never' } } },
    });
    job.metadata.add('generateName', 'job-');
    job.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u' });
    // WHEN
    const fast = plainManifest(job);
    // THEN
    expect(fast).toBeDefined();
    expect(text(fast)).toBe(text(job.toJson()));
    expect(fast!.metadata).not.toHaveProperty('labels');
    expect(fast!.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: 1, memory: '1Mi' });
    expect(fast!.spec.template.spec.containers[0].args).toEqual([]);
  });

  test('GIVEN a bare ApiObject with nulls and nested arrays THEN its manifest is toJson()\'s', () => {
    const o = new ApiObject(new Chart(Testing.app(), 'test'), 'o', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'o' }, spec: { z: null, a: [[1, null], { y: 1, b: undefined }] } } as any);
    const fast = plainManifest(o);
    expect(fast).toBeDefined();
    expect(text(fast)).toBe(text(o.toJson()));
    expect(Object.keys(fast!)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });
});

describe('sameManifestSource: the same manifest, told from what it is made of', () => {
  /** Every fixture and the synthetic fleet's first tenants, each rendered in an App of its own. */
  const instances = () => [
    ...CI_FIXTURES.filter((f) => !f.helmOnly).map((f) => ({ namespace: 'tenant-acme', release: 'monitoring', values: parse(readFileSync(ciFixturePath(f), 'utf8')) })),
    ...parseFleet(syntheticFleet(8), 'synthetic.yaml').tenants,
  ].map(({ namespace, release, values }) => apiObjectsOf(new MonitoringInstance(Testing.app(), release, { namespace, release, values, apiVersions: ['v1.edp.epam.com/v1'] })));

  test('GIVEN two renders of the same instances THEN every object is the same source as its twin', () => {
    const [first, second] = [instances(), instances()];
    first.forEach((objects, i) => objects.forEach((o, j) => expect([i, j, sameManifestSource(o, second[i][j])]).toEqual([i, j, true])));
  });

  test('GIVEN every pair of objects of different instances THEN "the same source" is said only of objects with the same manifest', () => {
    const all = instances().flat();
    let same = 0;
    for (const a of all) {
      for (const b of all) {
        if (!sameManifestSource(a, b)) continue;
        same++;
        expect(text(objectJson(a))).toBe(text(objectJson(b)));
      }
    }
    // Shared objects exist across instances (the same tenant id, names): both answers are exercised.
    expect(same).toBeGreaterThan(all.length);
  });

  test('GIVEN what is not plain data (a Lazy, a class instance) or another class THEN it does not tell; a number-or-string union is its value', () => {
    const app = Testing.app();
    let charts = 0;
    const chart = () => new Chart(app, `c${charts++}`);
    const map = (data: Record<string, unknown>) => new KubeConfigMap(chart(), 'cm', { metadata: { name: 'cm' }, data: data as Record<string, string> });
    expect(sameManifestSource(map({ a: '1' }), map({ a: '1' }))).toBe(true);
    expect(sameManifestSource(map({ a: '1' }), map({ a: '2' }))).toBe(false);
    expect(sameManifestSource(map({ v: Lazy.any({ produce: () => 'x' }) }), map({ v: Lazy.any({ produce: () => 'x' }) }))).toBe(false);
    expect(sameManifestSource(map({ v: new Date(0) }), map({ v: new Date(0) }))).toBe(false);
    const job = (cpu: string) => new KubeJob(chart(), 'job', { metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: Quantity.fromString(cpu) } } }] } } } });
    expect(sameManifestSource(job('1'), job('1'))).toBe(true);
    expect(sameManifestSource(job('1'), job('2'))).toBe(false);
    expect(sameManifestSource(map({ a: '1' }), new ApiObject(chart(), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } }))).toBe(false);
  });
});

describe('sameManifestSource and values shared by reference', () => {
  test('GIVEN one object holding a Lazy in both objects\' props THEN it does not tell (the Lazy may render otherwise each time)', () => {
    const app = Testing.app();
    let calls = 0;
    const shared = { v: Lazy.any({ produce: () => `call ${++calls}` }) as unknown as string };
    const map = (id: string) => new KubeConfigMap(new Chart(app, id), 'cm', { metadata: { name: 'cm' }, data: shared });
    const [a, b] = [map('a'), map('b')];
    expect(sameManifestSource(a, b)).toBe(false);
    expect(objectJson(a)).not.toEqual(objectJson(b));
  });
});
