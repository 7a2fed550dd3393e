import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet, loadFleetBytes, parseFleet, parseHelmYaml } from '../../src/config/fleet';
import { readFleetDocument, splitTenants } from '../../src/config/fleet-text';
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
});
