import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet, loadFleetBytes, parseFleet, parseHelmYaml } from '../../src/config/fleet';
import { readFleetDocument, splitTenants, TenantsSplit } from '../../src/config/fleet-text';
import { BASE, entry, HEAD, SYSTEM } from '../support/fleet-texts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { syntheticFleetYaml } = require('../../scripts/synthetic-fleet');

const EXAMPLE = readFileSync(join(__dirname, '..', '..', 'examples', 'tenants.yaml'), 'utf8');

/** Writes `text` as a fleet file and returns its path. */
function fleetFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fleet-text-')), 'tenants.yaml');
  writeFileSync(file, text);
  return file;
}

/** The problems a check reports, or 'none'. */
function problems(read: () => unknown): string {
  try {
    read();
    return 'none';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('reading a fleet file entry by entry', () => {
  test.each([
    ['the bench fleet', syntheticFleetYaml(60, 1)],
    ['a fleet with comments between entries and a key after the list', BASE + 'apiVersions2: []\n'],
    ['a fleet whose entries need the yaml library (flow style, escapes)', BASE.replace('    oidc:\n      mode: System\n', '    oidc: {mode: System}\n').replace('host: b.example.org', 'host: "b.ex\\u0061mple.org"')],
  ])('GIVEN %s WHEN read by entry THEN the document is the one parseHelmYaml reads from the whole text', (_, text) => {
    const document = readFleetDocument(text, 'tenants.yaml');
    expect(document).toBeDefined();
    expect(document).toEqual(parseHelmYaml(text, 'tenants.yaml'));
    // AND the keys keep the file's order
    expect(Object.keys(document!)).toEqual(Object.keys(parseHelmYaml(text, 'tenants.yaml') as object));
  });

  test.each([
    ['a fleet in the plain layout', BASE, true],
    // Its JMESPath `groups[*]` looks like an alias to the splitter, which then leaves the file whole.
    ['the example fleet', EXAMPLE, false],
  ])('GIVEN %s WHEN loaded THEN the fleet equals a full read AND the tenant count is known once, before the checks', (_, text, byEntry) => {
    expect(readFleetDocument(text, 'tenants.yaml') !== undefined).toBe(byEntry);
    const counts: number[] = [];
    const fleet = loadFleetBytes(Buffer.from(text), 'tenants.yaml', (n) => counts.push(n));
    expect(fleet).toEqual(parseFleet(parseHelmYaml(text, 'tenants.yaml'), 'tenants.yaml'));
    expect(counts).toEqual([fleet.tenants.length]);
  });

  test.each([
    ['an invalid host', BASE.replace('host: c.example.org', 'host: "Not A Host"')],
    ['a duplicate tenant', BASE + entry('a')],
    ['an unknown field in an entry', BASE.replace('    host: b.example.org\n', '    host: b.example.org\n    hots: x\n')],
    ['a repeated key in an entry', BASE.replace('    host: b.example.org\n', '    host: b.example.org\n    host: c.example.org\n')],
    ['an entry that is not valid YAML', BASE.replace('    host: b.example.org\n', '    host: [b.example.org\n')],
  ])('GIVEN a fleet with %s WHEN loaded THEN every problem is reported word for word as by a full read', (_, text) => {
    const file = fleetFile(text);
    const fullRead = problems(() => parseFleet(parseHelmYaml(text, file), file));
    expect(fullRead).not.toBe('none');
    expect(problems(() => loadFleet(file))).toBe(fullRead);
  });

  test('GIVEN bytes that are not UTF-8 WHEN loaded THEN the full read reports it', () => {
    expect(problems(() => loadFleetBytes(Buffer.from([0x74, 0x3a, 0x20, 0xff, 0x0a]), 'bad.yaml'))).toMatch(/bad\.yaml: not valid UTF-8/);
  });

  test('GIVEN the plain layout WHEN split THEN each entry runs from its dash to the next one, comments included', () => {
    const split = splitTenants(BASE)!;
    expect(split.prefix).toBe(HEAD + '  ');
    expect(split.indent).toBe('  ');
    expect(split.entries).toHaveLength(3);
    expect(split.entries[1]).toBe('- namespace: b\n    release: monitoring\n    host: b.example.org\n  # a comment between entries\n  ');
    expect(split.suffix).toBe('');
    expect(splitTenants(BASE + 'apiVersions2: []\n')!.suffix).toBe('apiVersions2: []\n');
  });

  test.each([
    ['an anchor and an alias', BASE + '  - &x {namespace: e}\n  - *x\n'],
    ['a merge key', BASE + '  - <<: {namespace: e}\n'],
    ['a tag', BASE.replace('host: a.example.org', 'host: !!str a.example.org')],
    ['a tag at the very start of the file', `!!map\n${BASE}`],
    ['a block scalar', BASE.replace('host: a.example.org', 'host: |\n      a.example.org')],
    ['a quoted value over two lines', BASE.replace('host: a.example.org', 'host: "a.example\n      .org"')],
    ['a single-quoted value over two lines, after lines with whole quotes', BASE.replace('host: b.example.org', 'host: "b.example.org"').replace('host: c.example.org', "host: 'c.example\n      .org'")],
    ['a flow mapping over two lines, after a whole one', BASE.replace('host: a.example.org', 'host: a.example.org\n    grafana: {replicas: 1}').replace('host: c.example.org', 'host: c.example.org\n    grafana: {replicas:\n      1}')],
    ['a tab in a line', BASE.replace('host: b.example.org', 'host:\tb.example.org')],
    ['a flow list of tenants', HEAD.replace('tenants:\n', 'tenants: [{namespace: a}]\n')],
    ['two documents', BASE + '---\nx: 1\n'],
    ['a list followed by something that is not a top-level key', BASE + ' odd: 1\n'],
  ])('GIVEN %s WHEN split THEN the file is not split (read in full)', (_, text) => {
    expect(splitTenants(text)).toBeUndefined();
  });

  test('GIVEN random texts of fleet-like lines WHEN split THEN the split is the one a line-by-line reading gives', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    // Lines around the list, the list's own lines (mostly), and lines of either kind that may break it.
    const around = ['apiVersions:', 'defaults:', 'other: 1', '  key: v', '#top', ''];
    const list = ['  - namespace: a', '  -', '  - ', '    host: a.example.org', '      deep: 1', '    - item', '  # note', '   ', ''];
    const odd = ['tenants:', 'tenants:  ', 'tenants: []', 'tenants:\r', ' odd: 1', '  -x', '- namespace: z', 'x: "q', '  - host: "h"', '  - a: x&y', '  - a: &x', '---', '...'];
    let split = 0;
    for (let i = 0; i < 3000; i++) {
      const some = (pieces: readonly string[], most: number) => Array.from({ length: Math.floor(next() * most) }, () => (next() < 0.03 ? pick(odd) : pick(pieces)));
      const lines = [...some(around, 3), next() < 0.8 ? pick(['tenants:', 'tenants: ']) : pick(odd), ...some(list, 10), ...some(around, 3)];
      const text = lines.join('\n') + pick(['', '\n', '\n\n']);
      const ours = splitTenants(text);
      expect([text, ours]).toEqual([text, splitByLines(text)]);
      if (ours !== undefined) split++;
    }
    // AND the sample holds many texts that do split, not only refused ones
    expect(split).toBeGreaterThan(500);
  });
});

/** A seeded generator, so the random texts are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** splitTenants as a plain line-by-line reading of the text: what its scan of the text must agree with. */
function splitByLines(text: string): TenantsSplit | undefined {
  if (text.includes('<<') || /(?:^|[\s,[{])[&*!|>%]|^(?:---|\.\.\.)(?:\s|$)/m.test(text)) return undefined;
  const lines = text.split('\n');
  const openEnded = (line: string) => {
    const count = (c: string) => line.split(c).length - 1;
    return count('"') % 2 !== 0 || count("'") % 2 !== 0 || count('[') !== count(']') || count('{') !== count('}') || line.includes('\t');
  };
  if (lines.some(openEnded)) return undefined;
  const blankOrComment = (line: string) => /^\s*(?:#.*)?$/.test(line);
  const at = lines.findIndex((line) => /^tenants:\s*$/.test(line));
  if (at < 0 || lines.indexOf(lines[at], at + 1) >= 0) return undefined;
  let first = at + 1;
  while (first < lines.length && blankOrComment(lines[first])) first++;
  const head = /^( *)- /.exec(lines[first] ?? '');
  if (head === null) return undefined;
  const indent = head[1];
  const starts: number[] = [];
  let end = first;
  for (; end < lines.length; end++) {
    const line = lines[end];
    if (/^ */.exec(line)![0].length > indent.length) continue;
    if (line.startsWith(`${indent}- `) || line === `${indent}-`) starts.push(end);
    else if (!blankOrComment(line)) break;
  }
  if (end < lines.length && !/^[A-Za-z_][\w.-]*:(?:\s|$)/.test(lines[end])) return undefined;
  const offsetOf = lines.map((_, i) => lines.slice(0, i).join('\n').length + (i > 0 ? 1 : 0));
  const bounds = [...starts.map((i) => offsetOf[i] + indent.length), end < lines.length ? offsetOf[end] : text.length];
  return {
    prefix: text.slice(0, bounds[0]),
    suffix: text.slice(bounds[bounds.length - 1]),
    indent,
    entries: bounds.slice(0, -1).map((offset, i) => text.slice(offset, bounds[i + 1])),
  };
}
