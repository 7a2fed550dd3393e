import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHelmYaml } from '../../src/config/helm-yaml';
import { loadAll } from 'js-yaml';
import { parse, stringify } from 'yaml';
import { parseFleet } from '../../src/config/fleet';
import { readEmittedDocument, readPlainDocument, readPlainEntry } from '../../src/config/plain-entry';
import { splitDocuments } from '../../src/diff/compare';
import { renderInstance, toYamlStream } from '../../src/render/render';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';
import { splitTenants } from '../../src/config/fleet-text';

/*
 * The plain-entry reader must agree with parseHelmYaml (the reader every command uses, itself
 * held to Helm in test/config/helm-yaml.test.ts) on every entry it accepts, and leave the rest
 * to it. Each check below reads an entry both ways.
 */

/** parseHelmYaml's value of an entry, or 'refused' when it throws. */
function helmEntry(text: string, indent: number): unknown {
  try {
    const items = parseHelmYaml(' '.repeat(indent) + text, 'entry.yaml') as unknown[];
    return items.length === 1 ? items[0] : 'not one item';
  } catch {
    return 'refused';
  }
}

/** Reads `text` both ways; returns whether the plain reader accepted it (and then agreed). */
function agrees(text: string, indent = 2): boolean {
  const plain = readPlainEntry(text, indent);
  if (plain === undefined) return false;
  expect({ text, value: plain }).toEqual({ text, value: helmEntry(text, indent) });
  return true;
}

const CHART_CI = join(__dirname, '..', '..', 'charts', 'grafana-tenancy', 'ci');

const TRICKY = [
  // numbers in every spelling go-yaml, YAML 1.1 and 1.2 read differently
  '0', '7', '017', '08', '0x1F', '0o17', '0b11', '1_000', '+1', '-1', '-0', '1.5', '.5', '1e3', 'e2', '1:30', '2001-12-14',
  '9223372036854775807', '9223372036854775808', '123456789012345', '1234567890123456', '.inf', '.nan',
  // booleans and nulls of YAML 1.1 and their near misses
  'y', 'n', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'tRUE', '~', 'null', 'Null', 'nULL',
  // indicators, comments and quotes
  'a#b', 'a #b', 'a # b', '#a', '-a', '- a', '?a', ':a', 'a:b', 'a: b', 'a:', '%a', '@a', '`a', '!a', '&a', '*a', '|', '>',
  'a, b', '[a]', '[]', '{}', '{a: 1}', "'a'", "'it''s'", "'a' #c", "'a'#c", '"a"', '"a" # c', '"a"#c', '"a\\nb"', '"\\u00e9"',
  '"a\'b"', "'a\"b'", 'a "b"', "it's", 'https://example.org/a?b=c#d', 'é', '日本', 'a  b', 'a b ', '""', "''",
];

/** Characters JavaScript's trim takes for white space and YAML does not: part of a value. */
const NOT_YAML_SPACE = ['a\u00a0', '\u00a0a', '"a\u00a0"', 'a\u2003', '\u3000', 'a \u00a0'];

describe('reading a tenant entry without the yaml library', () => {
  test('GIVEN the entries of the synthetic bench fleet WHEN read THEN every one is read, the same as parseHelmYaml', () => {
    const { syntheticFleetYaml } = require('../../scripts/synthetic-fleet');
    const split = splitTenants(syntheticFleetYaml(40, 1))!;
    expect(split.entries.filter((entry) => agrees(entry, split.indent.length))).toHaveLength(40);
  });

  test('GIVEN the tenants of the example fleet written in block style WHEN read THEN each is read, the same as parseHelmYaml', () => {
    const example = parseHelmYaml(readFileSync(join(__dirname, '..', '..', 'examples', 'tenants.yaml'), 'utf8'), 'tenants.yaml') as { tenants: object[] };
    const entries = example.tenants.map((tenant) => stringify([tenant], { lineWidth: 0 }));
    expect(entries.filter((entry) => agrees(entry, 0))).toHaveLength(example.tenants.length);
  });

  test('GIVEN every chart CI values file as a block-style entry WHEN read THEN it agrees with parseHelmYaml', () => {
    let accepted = 0;
    for (const file of readdirSync(CHART_CI).filter((f) => f.endsWith('.yaml'))) {
      const values = parseHelmYaml(readFileSync(join(CHART_CI, file), 'utf8'), file) as object;
      const entry = stringify([{ namespace: 'tenant-a', release: 'monitoring', ...values }], { lineWidth: 0 });
      if (agrees(entry, 0)) accepted++;
      // Indented as in a fleet file, too.
      if (agrees(entry.replace(/\n(?=.)/g, '\n    '), 4)) accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(10);
  });


  test('GIVEN tricky scalars as values, list items and keys WHEN read THEN each is refused or read as parseHelmYaml reads it', () => {
    let accepted = 0;
    for (const s of [...TRICKY, ...NOT_YAML_SPACE]) {
      if (agrees(`- namespace: a\n    v: ${s}\n`)) accepted++;
      if (agrees(`- namespace: a\n    list:\n      - ${s}\n`)) accepted++;
      if (agrees(`- namespace: a\n    list:\n    - ${s}\n`)) accepted++;
      if (agrees(`- namespace: a\n    ${s}: v\n`)) accepted++;
    }
    // Strings, decimal integers and booleans are read here; the rest is left to parseHelmYaml.
    expect(accepted).toBeGreaterThan(60);
    expect(readPlainEntry('- namespace: a\n    v: 017\n', 2)).toBeUndefined();
    expect(readPlainEntry('- namespace: a\n    v: "a\\nb"\n', 2)).toBeUndefined();
  });

  test.each([
    ['a value over two lines', '- namespace: a\n    host: a.example\n      .org\n'],
    ['a repeated key', '- namespace: a\n    namespace: b\n'],
    ['a null value', '- namespace: a\n    host:\n'],
    ['a flow mapping', '- namespace: a\n    oidc: {mode: System}\n'],
    ['a float', '- namespace: a\n    replicas: 1.5\n'],
    ['a key Helm reads as a number', '- namespace: a\n    1: x\n'],
    ['a __proto__ key', '- namespace: a\n    __proto__: x\n'],
    ['a quoted key', '- namespace: a\n    "host": x\n'],
    ['a deeper line after a mapping', '- namespace: a\n    oidc:\n      mode: System\n     extra: 1\n'],
    ['two items', '- namespace: a\n  - namespace: b\n'],
    ['a nested dash on the dash line', '- - a\n'],
    ['CRLF line ends', '- namespace: a\r\n    host: b\r\n'],
    ['a tab', '- namespace: a\n    host:\tb\n'],
  ])('GIVEN %s WHEN read THEN it is left to parseHelmYaml', (_, text) => {
    expect(readPlainEntry(text, 2)).toBeUndefined();
  });

  test('GIVEN generated entries of random shape WHEN read THEN every accepted one agrees with parseHelmYaml', () => {
    // A small deterministic generator (no seed-dependent flakiness): keys, nesting, lists,
    // comments and blank lines, values drawn from the tricky scalars.
    let state = 12345;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    const KEYS = ['namespace', 'host', 'mode', 'a.b/c-d', 'x_y', 'key2', 'n'];
    // Mostly values the reader takes, so that deep entries get accepted too.
    const COMMON = ['a', 'tenant-1', 'true', 'no', '42', "'q'", '"d"', 'https://x.org/a', '[]', '{}', 'a b'];
    const node = (col: number, depth: number): string[] => {
      const lines: string[] = [];
      const asList = depth > 0 && random(4) === 0;
      for (let i = 0, n = 1 + random(3); i < n; i++) {
        const pad = ' '.repeat(col);
        // Now and then a repeated key or one Helm reads as a boolean (`n`): refused.
        const key = () => (random(5) === 0 ? KEYS[random(KEYS.length)] : `${KEYS[random(KEYS.length - 1)]}${i}`);
        if (random(8) === 0) lines.push(random(2) ? '' : `${' '.repeat(random(6))}# note`);
        const value = random(4) === 0 ? TRICKY[random(TRICKY.length)] : COMMON[random(COMMON.length)];
        if (asList) lines.push(random(3) === 0 && depth < 3 ? `${pad}- ${key()}: ${value}` : `${pad}- ${value}`);
        else if (random(3) === 0 && depth < 3) lines.push(`${pad}${key()}:`, ...node(col + 2 + (random(5) === 0 ? 1 : 0), depth + 1));
        else lines.push(`${pad}${key()}: ${value}${random(6) === 0 ? ' # c' : ''}`);
      }
      return lines;
    };
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const body = node(4, 0).join('\n');
      if (agrees(`- namespace: t${i}\n${body}\n  `)) accepted++;
    }
    expect(accepted).toBeGreaterThan(150);
  });
});

/** parseHelmYaml's value of a whole file, or 'refused' when it throws. */
function helmDocument(text: string): unknown {
  try {
    return parseHelmYaml(text, 'values.yaml');
  } catch {
    return 'refused';
  }
}

describe('reading a whole values file without the yaml library', () => {
  test('GIVEN every chart CI values file WHEN read THEN each one read agrees with parseHelmYaml, and most are read', () => {
    const files = readdirSync(CHART_CI).filter((f) => f.endsWith('.yaml'));
    let accepted = 0;
    for (const file of files) {
      const text = readFileSync(join(CHART_CI, file), 'utf8');
      const plain = readPlainDocument(text);
      if (plain === undefined) continue;
      accepted++;
      expect({ file, value: plain }).toEqual({ file, value: helmDocument(text) });
    }
    expect(accepted).toBeGreaterThanOrEqual(files.length / 2);
  });

  test('GIVEN tricky scalars as top-level and nested values and keys WHEN read THEN each is refused or read as parseHelmYaml reads it', () => {
    let accepted = 0;
    for (const s of [...TRICKY, ...NOT_YAML_SPACE]) {
      for (const text of [`v: ${s}\n`, `a:\n  b: ${s}\n`, `list:\n- ${s}\n`, `${s}: v\n`]) {
        const plain = readPlainDocument(text);
        if (plain === undefined) continue;
        accepted++;
        expect({ text, value: plain }).toEqual({ text, value: helmDocument(text) });
      }
    }
    expect(accepted).toBeGreaterThan(60);
  });

  test.each([
    ['an empty file', ''],
    ['only comments', '# nothing\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a top-level list', '- a\n- b\n'],
    ['a top-level scalar', 'just text\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['a merge key', 'base: &b {x: 1}\nc:\n  <<: *b\n'],
    ['an indented first key', '  a: 1\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
  ])('GIVEN %s WHEN read THEN it is left to parseHelmYaml', (_, text) => {
    expect(readPlainDocument(text)).toBeUndefined();
  });
});

describe('reading a document the renderer wrote without js-yaml (for the diff)', () => {
  /** js-yaml's value of one document, or 'refused' when it throws. */
  const jsYaml = (text: string) => {
    try {
      return loadAll(text)[0];
    } catch {
      return 'refused';
    }
  };
  /** Reads `text` both ways; whether the fast reader took it (and then agreed, key order included). */
  const agreesWithJsYaml = (text: string) => {
    const fast = readEmittedDocument(text);
    if (fast === undefined) return false;
    expect({ text, value: JSON.stringify(fast) }).toEqual({ text, value: JSON.stringify(jsYaml(text)) });
    return true;
  };

  test('GIVEN every document of every rendered chart fixture and of a synthetic fleet WHEN read THEN each one read is js-yaml\'s value, and most are read', () => {
    const documents: string[] = [];
    for (const fixture of CI_FIXTURES.filter((f) => !f.helmOnly)) {
      const values = parse(readFileSync(ciFixturePath(fixture), 'utf8'));
      documents.push(...splitDocuments(toYamlStream(renderInstance({ namespace: fixture.namespace, release: fixture.release, values, apiVersions: fixture.apiVersions }))));
    }
    const fleet = parseFleet(require('../../scripts/synthetic-fleet').syntheticFleet(24, 1), 'synthetic.yaml');
    for (const t of fleet.tenants) documents.push(...splitDocuments(toYamlStream(renderInstance({ ...t, apiVersions: fleet.apiVersions }))));
    const read = documents.filter(agreesWithJsYaml).length;
    expect(read).toBeGreaterThan(documents.length * 0.8);
  });

  test('GIVEN tricky scalars as values, list items and keys WHEN read THEN each is refused or read as js-yaml reads it', () => {
    let accepted = 0;
    for (const s of [...TRICKY, ...NOT_YAML_SPACE, 'True', 'NULL', 'Yes', '.inf', '0x1F', '1e3', '"a\\tb"', "'a'"]) {
      for (const text of [`v: ${s}\n`, `a:\n  b: ${s}\n`, `list:\n- ${s}\n`, `list:\n  - k: ${s}\n`, `${s}: v\n`]) if (agreesWithJsYaml(text)) accepted++;
    }
    expect(accepted).toBeGreaterThan(60);
  });

  test.each([
    ['a block scalar', 'data:\n  script: |\n    echo hi\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['a boolean key', 'True: 1\n'],
    ['a comment after a value', 'a: b # c\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a float', 'a: 1.5\n'],
    ['an empty value', 'a:\nb: 1\n'],
  ])('GIVEN %s WHEN read THEN it is left to js-yaml', (_, text) => {
    expect(readEmittedDocument(text)).toBeUndefined();
  });
});
