import { parseAllDocuments } from 'yaml';
import { loadFleet } from '../../src/config/fleet';
import { renderInstance } from '../../src/render/render';
import { canonical } from '../../src/diff/objects';
import { libraryYaml, toSortedYaml, toYaml } from '../../src/render/yaml-emit';
import { mixedFleet } from '../fleet/fleet-fixtures';
import { join } from 'node:path';

/** The reference: what the `yaml` package writes (ambiguous strings quoted). The fast path must give the same bytes. */
const reference = (value: unknown) => libraryYaml(value);

/** What a reader of the given YAML version gets back from `text`. */
const readAs = (version: '1.1' | '1.2', text: string) => parseAllDocuments(text, { version }).map((d) => d.toJS());

/** Values that tempt a YAML writer into the wrong form. */
const awkward: unknown[] = [
  '', ' lead', 'trail ', 'a: b', 'a #b', 'key:', '- dash', 'yes', 'No', 'null', '~', '1', '1.5', '0x1F', '.inf', '1e3',
  // YAML 1.1 (what kubectl, Argo CD and Flux read) types that 1.2 writes plain: booleans, numbers, timestamps
  'on', 'Off', 'y', 'N', '1_000', '0o17', '017', '0b101', '12:30', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=',
  // numbers to Go's reader (sigs.k8s.io/yaml) though not to the JavaScript one
  '0X1F', '0O17', '0B11', '-0x1f', '10.4.3', '1 apple',
  'multi\nline', 'two\nlines\n', 'keep\n\nblank\n\n', '  lead\nx', 'x\n  indented\n', '\nstart', 'a\r\nb', 'trail \nx', 'tab\there', 'q"uote', "it's", '@at', '*star', '&amp', '!tag', '%pct', '[x]', '{y}', 'a,b', '$x:y',
  'https://x.example/p?a=b&c=%20', 'ünïcode', null, true, false, 0, -0, 3.25, 1e21, -7, {}, [], [1, [2]], { k: 'v', l: [] },
  [{}], [[]], { 'needs quote: key': 1 }, { '1': 'numeric key' }, { a: undefined, b: 1 }, { only: undefined },
];

describe('fast YAML emitter', () => {
  test('gives the yaml package\'s bytes for every object of the example and a mixed fleet', () => {
    const example = loadFleet(join(__dirname, '..', '..', 'examples', 'tenants.yaml'));
    const fleets = [example, mixedFleet(9)];
    const manifests = fleets.flatMap((f) => f.tenants.flatMap((t) => renderInstance({ ...t, apiVersions: f.apiVersions })));
    expect(manifests.length).toBeGreaterThan(20);
    for (const m of manifests) expect(toYaml(m)).toBe(reference(m));
  });

  test.each(awkward.map((v) => [JSON.stringify(v) ?? String(v), v]))('awkward value %s gives the same bytes in every position', (_, value) => {
    const doc = { v: value, nested: { v: value, deeper: { v: value } }, list: [value], items: [{ v: value, w: 'x' }, { w: 'x', v: value }] };
    expect(toYaml(structuredClone(doc))).toBe(reference(structuredClone(doc)));
  });

  const awkwardStrings = awkward.filter((v): v is string => typeof v === 'string');
  test.each(awkwardStrings.map((v) => [JSON.stringify(v), v]))('GIVEN the string %s WHEN written THEN YAML 1.1 and 1.2 readers both get it back unchanged', (_, value) => {
    const doc = { v: value, list: [value], [String(value)]: 'as a key' };
    const expected = JSON.parse(JSON.stringify(doc));
    const text = toYaml(structuredClone(doc));
    expect(readAs('1.1', text)).toEqual([expected]);
    expect(readAs('1.2', text)).toEqual([expected]);
  });

  /** A small seeded generator, so a failure names a string that fails again. */
  function randomStrings(count: number, seed: number): string[] {
    const pieces = [
      'a', 'Z', 'x', '0', '7', ' ', ':', ': ', '#', ' #', '-', '- ', '?', '.', '...', '---', '/', '(', ')', '"', "'", '\t', '\n', '%', '@', '`', '!',
      '&', '*', '|', '>', '{', '}', '[', ']', ',', '~', '<<', '=', '+', '_', '\\', 'ü', '\u2028', '\x85', '\x01', '\x7f', '\ud800', 'yes', 'No',
      'null', 'true', 'on', '.inf', '0x', '1_0', '2001-12-14', 'e3', 'http://', '?a=b&c=%20',
    ];
    let state = seed;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    return Array.from({ length: count }, () => Array.from({ length: next(5) }, () => pieces[next(pieces.length)]).join(''));
  }

  test('GIVEN thousands of generated strings WHEN each is written as a value, a list item and a key THEN the bytes are the library\'s', () => {
    const strings = randomStrings(4000, 42);
    expect(new Set(strings).size).toBeGreaterThan(2000);
    for (const value of strings) {
      const doc = { v: value, nested: { list: [value, 'x'] }, [value]: 'as a key', [`k${value}`]: value };
      expect([value, toYaml(structuredClone(doc))]).toEqual([value, reference(structuredClone(doc))]);
    }
  });

  test('GIVEN a key longer than 1024 characters WHEN written THEN the library\'s explicit-key form is kept', () => {
    const doc = { ['k'.repeat(1100)]: 'v', short: 'v' };
    expect(toYaml(doc)).toBe(reference(doc));
    expect(toYaml(doc).startsWith('? ')).toBe(true);
  });

  test('an object used twice is left to the library (anchors), not duplicated', () => {
    const shared = { a: 1 };
    const doc = { x: shared, y: shared };
    expect(toYaml(doc)).toBe(reference(doc));
    expect(toSortedYaml(doc)).toBeUndefined();
  });
});

describe('toSortedYaml: the YAML of a copy with every mapping\'s keys sorted, without the copy', () => {
  test('GIVEN every object of the example and a mixed fleet, and their keys reversed at every level THEN the bytes are those of the sorted copy', () => {
    const example = loadFleet(join(__dirname, '..', '..', 'examples', 'tenants.yaml'));
    const manifests = [example, mixedFleet(9)].flatMap((f) => f.tenants.flatMap((t) => renderInstance({ ...t, apiVersions: f.apiVersions })));
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reversed((value as Record<string, unknown>)[k])]));
    };
    for (const m of [...manifests, ...manifests.map(reversed)]) expect(toSortedYaml(m)).toBe(toYaml(canonical(m)));
  });

  test('GIVEN the awkward values under keys out of order THEN most are written by this writer, not left to the library', () => {
    const written = awkward.filter((value) => toSortedYaml({ z: value, a: [{ w: 'x', v: value }] }) !== undefined);
    expect(written.length).toBeGreaterThan(awkward.length / 2);
  });

  test.each(awkward.map((v) => [JSON.stringify(v) ?? String(v), v]))('awkward value %s, under keys out of order, gives the sorted copy\'s bytes or is left to it', (_, value) => {
    const doc = { z: value, nested: { v: value, b: { y: value, x: 1 } }, a: [{ w: 'x', v: value }] };
    const sorted = toSortedYaml(structuredClone(doc));
    if (sorted !== undefined) expect(sorted).toBe(toYaml(canonical(structuredClone(doc))));
  });
});
