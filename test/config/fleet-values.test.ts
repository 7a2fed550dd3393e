import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { exactText, FleetValuesParser } from '../../src/config/fleet-values';
import { explainIssue } from '../../src/config/issue-text';
import { deepMerge, PlainObject } from '../../src/config/merge';
import { instanceValuesSchema, isSchemaHost } from '../../src/config/schema';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';
import { PLATFORM } from '../support/fixtures';

/** What the schema itself makes of the values: the reference for every case here. */
const bySchema = (values: unknown) => instanceValuesSchema.safeParse(values, { error: explainIssue });

/** The same result as the schema's: success, the data (key order included) or the same issues. */
function expectSameAsSchema(parser: FleetValuesParser, values: unknown): void {
  const ours = parser.safeParse(values);
  const theirs = bySchema(values);
  expect(ours.success).toBe(theirs.success);
  if (ours.success && theirs.success) {
    expect(JSON.stringify(ours.data)).toBe(JSON.stringify(theirs.data));
    // keys holding undefined too, which JSON and toEqual leave out
    expect(Object.keys(ours.data)).toEqual(Object.keys(theirs.data));
    expect(ours.data).toEqual(theirs.data);
  } else {
    expect(ours.error?.issues).toEqual(theirs.error?.issues);
  }
}

/** A seeded generator, so the mutated cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** `values` with one leaf (picked by `next`) removed, or replaced by a value of another type. */
function mutate(values: PlainObject, next: () => number): PlainObject {
  const copy = structuredClone(values);
  let node: PlainObject = copy;
  for (;;) {
    const keys = Object.keys(node);
    if (keys.length === 0) return copy;
    const key = keys[Math.floor(next() * keys.length)];
    const child = node[key];
    if (typeof child === 'object' && child !== null && !Array.isArray(child) && next() < 0.7) {
      node = child as PlainObject;
      continue;
    }
    const replacements = [undefined, 'text', 7, true, [], {}, { unknownField: 1 }];
    const replacement = replacements[Math.floor(next() * replacements.length)];
    if (replacement === undefined) delete node[key];
    else node[key] = replacement;
    return copy;
  }
}

const fixtureValues = CI_FIXTURES.map((f) => parse(readFileSync(ciFixturePath(f), 'utf8')) as PlainObject);

describe('FleetValuesParser: the schema\'s result, parsing what tenants share once', () => {
  test('GIVEN every chart fixture merged under fleet defaults WHEN parsed THEN the result is the schema\'s', () => {
    const defaults: PlainObject = { platform: PLATFORM, grafana: { ingress: { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } } } };
    const parser = new FleetValuesParser(defaults);
    for (const values of fixtureValues) {
      expectSameAsSchema(parser, deepMerge(defaults, values));
      // AND again, now from what the parser remembers
      expectSameAsSchema(parser, deepMerge(defaults, values));
    }
  });

  test('GIVEN 400 mutations of the fixtures (fields removed or of the wrong type) THEN each result is the schema\'s, issues included', () => {
    const next = random(14);
    const parser = new FleetValuesParser({});
    let failures = 0;
    for (let i = 0; i < 400; i++) {
      const values = mutate(fixtureValues[i % fixtureValues.length], next);
      expectSameAsSchema(parser, values);
      if (!bySchema(values).success) failures++;
    }
    // Both ways are exercised: values that pass and values that fail.
    expect(failures).toBeGreaterThan(50);
    expect(failures).toBeLessThan(350);
  });

  test('GIVEN tenants that inherit a field from defaults or write it alike WHEN parsed THEN that field is parsed once and its output shared, frozen', () => {
    // GIVEN
    const defaults: PlainObject = { platform: PLATFORM };
    const parser = new FleetValuesParser(defaults);
    const platformParse = jest.spyOn(instanceValuesSchema.shape.platform, 'safeParse');
    const oidcParse = jest.spyOn(instanceValuesSchema.shape.oidc, 'safeParse');
    // WHEN
    const tenants = ['a', 'b', 'c'].map((name) => parser.safeParse(deepMerge(defaults, { host: `${name}.example.org`, oidc: { mode: 'System' } })));
    // THEN
    expect(platformParse).toHaveBeenCalledTimes(1);
    expect(oidcParse).toHaveBeenCalledTimes(1);
    const [a, b] = tenants.map((t) => t.data!);
    expect(a).not.toBe(b);
    expect(a.host).toBe('a.example.org');
    expect(b.host).toBe('b.example.org');
    expect(b.oidc).toBe(a.oidc);
    expect(b.platform).toBe(a.platform);
    expect(b.grafana).toBe(a.grafana);
    expect(Object.isFrozen(a.platform.oidc.realmRef)).toBe(true);
    expect(() => {
      'use strict';
      (a.oidc as { mode: string }).mode = 'None';
    }).toThrow(TypeError);
    platformParse.mockRestore();
    oidcParse.mockRestore();
  });

  test('GIVEN what it cannot tell apart exactly WHEN parsed THEN the schema parses it, with the schema\'s result', () => {
    const parser = new FleetValuesParser({});
    // a field present with the value undefined, an unknown field, not an object at all
    for (const values of [{ global: undefined }, { host: 'a.example.org', hots: 'b' }, 'text', null, []]) expectSameAsSchema(parser, values);
    // values a text cannot tell apart: NaN and null, 0 and -0 (a number where a string belongs fails either way)
    expectSameAsSchema(parser, { commonLabels: { a: NaN } });
    expectSameAsSchema(parser, { commonLabels: { a: null } });
  });
});

describe('FleetValuesParser.alike: an entry written like an earlier one but for its host', () => {
  const defaults: PlainObject = { platform: PLATFORM, grafana: { ingress: { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } } } };

  /** The values the whole way gives an entry (merged, then parsed by the schema). */
  const whole = (own: PlainObject) => bySchema(deepMerge(defaults, own)).data;

  test('GIVEN a remembered entry WHEN one differing only in host (anywhere among its fields) is looked up THEN its values are the whole way\'s, key order included', () => {
    // GIVEN
    const parser = new FleetValuesParser(defaults);
    const first = { host: 'a.example.org', oidc: { mode: 'System' }, serviceAccountToken: { enabled: true, serviceAccountName: 'agent' } };
    parser.remember(first, whole(first)!);
    for (const own of [
      { host: 'b.example.org', oidc: { mode: 'System' }, serviceAccountToken: { enabled: true, serviceAccountName: 'agent' } },
      { oidc: { mode: 'System' }, serviceAccountToken: { enabled: true, serviceAccountName: 'agent' }, host: 'c.example.org' },
    ]) {
      // WHEN
      const values = parser.alike(own);
      // THEN
      expect(values).toBeDefined();
      expect(JSON.stringify(values)).toBe(JSON.stringify(whole(own)));
      expect(Object.keys(values!)).toEqual(Object.keys(whole(own)!));
    }
  });

  test('GIVEN a remembered entry WHEN an entry differs in anything but host, has no string host, or a host that does not parse THEN there is nothing alike (the whole way decides)', () => {
    // GIVEN
    const parser = new FleetValuesParser(defaults);
    const first = { host: 'a.example.org', oidc: { mode: 'System' } };
    parser.remember(first, whole(first)!);
    // WHEN / THEN
    expect(parser.alike({ host: 'b.example.org', oidc: { mode: 'None' } })).toBeUndefined();
    expect(parser.alike({ host: 'b.example.org', oidc: { mode: 'System' }, commonLabels: { a: 'b' } })).toBeUndefined();
    expect(parser.alike({ host: 'b.example.org', oidc: { mode: 'System', extra: undefined } })).toBeUndefined();
    expect(parser.alike({ oidc: { mode: 'System' } })).toBeUndefined();
    expect(parser.alike({ host: 7, oidc: { mode: 'System' } })).toBeUndefined();
    expect(parser.alike({ host: 'Not A Host!', oidc: { mode: 'System' } })).toBeUndefined();
    expect(bySchema(deepMerge(defaults, { host: 'Not A Host!' })).success).toBe(false);
  });

  test('GIVEN nothing remembered, or an entry remembered without a string host THEN nothing is alike', () => {
    const parser = new FleetValuesParser(defaults);
    expect(parser.alike({ host: 'a.example.org' })).toBeUndefined();
    parser.remember({ oidc: { mode: 'System' } }, whole({ oidc: { mode: 'System' } })!);
    expect(parser.alike({ host: 'a.example.org', oidc: { mode: 'System' } })).toBeUndefined();
  });
});

describe('exactText', () => {
  test('GIVEN values JSON would confuse THEN they have different texts, or none', () => {
    expect(exactText({ a: null })).not.toBe(exactText({ a: NaN }));
    expect(exactText(NaN)).toBeUndefined();
    expect(exactText(Infinity)).toBeUndefined();
    expect(exactText(-0)).toBeUndefined();
    expect(exactText(new Date(0))).toBeUndefined();
    expect(exactText({ a: undefined })).toBeUndefined();
    expect(exactText({ a: () => 1 })).toBeUndefined();
  });

  test('GIVEN the same keys in another order, or a string and a number THEN the texts differ', () => {
    expect(exactText({ a: 1, b: 2 })).not.toBe(exactText({ b: 2, a: 1 }));
    expect(exactText(['1'])).not.toBe(exactText([1]));
    expect(exactText({ a: [true, 'x', 1.5, { b: null }] })).toBe('{"a":[true,"x",1.5,{"b":null}]}');
  });
});

describe('isSchemaHost: the host rule without zod', () => {
  test('GIVEN thousands of generated hosts, near misses and edge lengths THEN it takes exactly what the schema takes, and the schema gives each back unchanged', () => {
    const pieces = ['a', 'z', '0', '9', '-', '.', 'A', '_', ' ', 'é', 'xn--', 'example', 'org', '..', '-a', 'a-'];
    let state = 5;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    const hosts = Array.from({ length: 4000 }, () => Array.from({ length: next(8) }, () => pieces[next(pieces.length)]).join(''));
    const label = 'a'.repeat(63);
    hosts.push('', `${label}.${label}.${label}.${'a'.repeat(61)}`, `${label}.${label}.${label}.${'a'.repeat(62)}`, `${'a'.repeat(64)}.org`, 'tenant-00001.example.org');
    let taken = 0;
    for (const host of hosts) {
      const parsed = instanceValuesSchema.shape.host.safeParse(host);
      expect([host, isSchemaHost(host)]).toEqual([host, parsed.success]);
      if (parsed.success) {
        expect(parsed.data).toBe(host);
        taken++;
      }
    }
    // AND both verdicts came up often
    expect(taken).toBeGreaterThan(300);
    expect(hosts.length - taken).toBeGreaterThan(300);
  });
});
