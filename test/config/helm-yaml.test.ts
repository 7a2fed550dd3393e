/*
 * The CLI reads values and fleet files the way Helm does. Helm is the reference: a one-template
 * chart prints `toJson .Values`, which is exactly what Helm made of a values file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { HELM_YAML, parseHelmYaml, readYamlFile } from '../../src/config/helm-yaml';
import { InputError } from '../../src/config/parse';
import { KUBE_VERSION, requireTools, runHelm } from '../chart/renderers';

beforeAll(() => requireTools());

const tmp = mkdtempSync(join(tmpdir(), 'grafana-tenancy-helm-yaml-'));
const readerChart = join(tmp, 'reader');
mkdirSync(join(readerChart, 'templates'), { recursive: true });
writeFileSync(join(readerChart, 'Chart.yaml'), 'apiVersion: v2\nname: reader\nversion: 0.1.0\n');
writeFileSync(join(readerChart, 'templates', 'values.yaml'), 'json: {{ toJson .Values | b64enc }}\n');

let fileCount = 0;
function writeFile(content: string | Buffer): string {
  const file = join(tmp, `values-${fileCount++}.yaml`);
  writeFileSync(file, content);
  return file;
}

/** What Helm's values hold for this file, or its error. */
async function helmRead(file: string): Promise<{ ok: true; values: unknown } | { ok: false; error: string }> {
  const r = await runHelm(['template', 'r', readerChart, '--kube-version', KUBE_VERSION, '-f', file]);
  if (!r.ok) return { ok: false, error: r.stderr };
  const b64 = /^json: (\S+)$/m.exec(r.stdout)![1];
  return { ok: true, values: JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) };
}

function cliRead(file: string): { ok: true; values: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, values: readYamlFile(file) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Plain scalars on which YAML 1.1, YAML 1.2 and go-yaml v2 (Helm) disagree somewhere. */
const TRICKY_SCALARS = [
  // exponents, hex, octal, binary, in every case
  'e2', 'E5', '1e3', '1E3', '12e03', '.5e3', '1e-7', '1e', '1e+', '0x1F', '0X1F', '0x_1F', '0x', '0x1p-2',
  '0o17', '0O17', '0o', '0o_17', '017', '08', '0777777777777777777777777', '0b11', '0B11', '0b', '0b1_0', '0b-1', '-0b11',
  // sexagesimal (YAML 1.1) and dates: strings in Helm
  '1:30', '190:20:30', '-1:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  // signs, dots, underscores
  '.5', '+.5', '1.', '0.', '+1', '-0', '-0.0', '_1', '1_000', '1__0', '-1_0', '1.5_0', '.5_0', '._5', '+',
  // int64 and uint64 edges, float overflow and underflow
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '18446744073709551615', '18446744073709551616', '0x10000000000000000', '9007199254740993', '1e999', '.5e999', '1e-400',
  // booleans and nulls of YAML 1.1, and near misses
  'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'on', 'On', 'ON', 'oN', 'off', 'Off', 'true', 'True', 'tRUE', 'false',
  '~', 'null', 'Null', 'NULL', 'nULL', '',
  // spelled-out infinities and NaN are strings
  'Inf', 'infinity', '-inf', '+Inf', 'nan', 'NaN', '+.nan',
];

describe('reading YAML like Helm', () => {
  test('GIVEN tricky plain scalars as values WHEN read by the CLI and by Helm THEN both hold the same values', async () => {
    const lines = TRICKY_SCALARS.map((s, i) => `k${String(i).padStart(3, '0')}: ${s}`);
    const file = writeFile(`${lines.join('\n')}\n`);
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(helm.ok).toBe(true);
    expect(cli).toEqual(helm);
    // Spot checks of the audited differences, so a broken reference cannot pass silently.
    const values = (cli as { values: Record<string, unknown> }).values;
    const at = (s: string) => values[`k${String(TRICKY_SCALARS.indexOf(s)).padStart(3, '0')}`];
    expect([at('e2'), at('1:30'), at('0X1F'), at('0o17'), at('0B11'), at('017'), at('yes'), at('2001-12-14')])
      .toEqual(['e2', '1:30', 31, 15, 3, 15, true, '2001-12-14']);
  });

  test('GIVEN tricky scalars as map keys WHEN read by both THEN the keys become the same strings', async () => {
    const keys = ['1', '1.5', '1e8', '100000000', '0.1', '3.14159265358979', '1e-5', '123456.7', '0x1F', 'yes', 'off',
      '.inf', '-.inf', '.nan', '-0.0', '1:30', '2001-12-14', '"quoted"', '9223372036854775807'];
    const file = writeFile(keys.map((k, i) => `${k}: v${i}`).join('\n') + '\n');
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(helm.ok).toBe(true);
    expect(cli).toEqual(helm);
    expect(Object.keys((cli as { values: object }).values)).toEqual(expect.arrayContaining(['1e+08', '3.1415927', '31', 'true', '.inf']));
  });

  test('GIVEN anchors, merge keys, explicit tags and a BOM WHEN read by both THEN the values are the same', async () => {
    const file = writeFile(
      '\ufeffbase: &base {p: 1, q: 2}\n' +
        'other: &other {p: 3, r: 4}\n' +
        'before: {q: 0, <<: *base}\n' + // go-yaml v2: a merge key after a key overrides it
        'after: {<<: *base, q: 5}\n' +
        'list: {<<: [*base, *other]}\n' + // earlier maps in the list win
        'alias: [*base, *base]\n' +
        'tagged: {a: !!str 12, b: !!int "12", c: !!float 1, d: !!bool yes, e: !custom text, f: !!binary aGVsbG8=}\n' +
        'quoted: {a: "<<", b: "yes", c: \'1:30\'}\n' +
        'set: !!set {x, y}\n',
    );
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(helm.ok).toBe(true);
    expect(cli).toEqual(helm);
  });

  test.each([
    ['a NaN value', 'a: .nan\n', /line 1: a: \.nan is not a number Helm can read .*quote it/],
    ['an infinite value', 'a:\n  b: -.inf\n', /line 2: a\.b: -\.inf is not a number Helm can read/],
    ['a null key', 'config:\n  null: c\n', /line 2: config: a null key .* quote it \("null"\)/],
    ['a key above int64', '9223372036854775808: x\n', /key 9223372036854775808 is an integer above 2\^63-1/],
    ['a merge of a scalar', 'a:\n  <<: 5\n', /a\.<<: a merge key needs a mapping or a list of mappings/],
    ['a list as a key', '? [a]\n: b\n', /a mapping or list as a key/],
    ['an alias inside its own anchor', 'a: &a [*a]\n', /a\[0\]: an alias here refers to a value that contains it/],
    ['half a surrogate pair', 'a: "x\\ud800"\n', /a: a \\u escape that is half a UTF-16 surrogate pair/],
    ['an explicit tag that does not fit', 'a: !!int 1.5\n', /not valid YAML: cannot decode 1\.5 as a !!int/],
    ['bytes that are not UTF-8', Buffer.from('a: \xff\n', 'latin1'), /not valid UTF-8/],
  ])('GIVEN %s WHEN read by both THEN Helm fails and the CLI names the line, field and fix', async (_name, content, problem) => {
    const file = writeFile(content);
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(helm.ok).toBe(false);
    expect(cli.ok).toBe(false);
    expect((cli as { error: string }).error).toMatch(problem);
    expect((cli as { error: string }).error.startsWith(file)).toBe(true);
  });

  test('GIVEN two documents WHEN read THEN Helm silently uses the first and the CLI refuses with how to fix it', async () => {
    const file = writeFile('host: a.example.org\n---\nhost: b.example.org\n');
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(helm).toEqual({ ok: true, values: { host: 'a.example.org' } });
    expect(cli).toEqual({
      ok: false,
      error: `${file}: holds 2 YAML documents (separated by ---) but is read as one: Helm uses only the first and silently ignores the rest. ` +
        'Merge them into one document (several values files: pass -f once per file)',
    });
  });

  test('GIVEN document markers around one document WHEN read THEN both read it', async () => {
    const file = writeFile('---\nhost: a.example.org\n---\n# nothing here\n');
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(cli).toEqual(helm);
    expect(cli).toEqual({ ok: true, values: { host: 'a.example.org' } });
  });

  test('GIVEN a key twice WHEN read THEN Helm silently keeps the last and the CLI refuses it (deliberately stricter)', async () => {
    const file = writeFile('host: a.example.org\nhost: b.example.org\n');
    const [helm, cli] = [await helmRead(file), cliRead(file)];
    expect(helm).toEqual({ ok: true, values: { host: 'b.example.org' } });
    expect(cli.ok).toBe(false);
    expect((cli as { error: string }).error).toBe(
      `${file}: line 2: host: set twice in one mapping (first at line 1): Helm silently keeps the last value, so this reader refuses it as a likely slip; delete one of them`,
    );
  });

  test('GIVEN keys that Helm turns into the same string WHEN read THEN the CLI calls them a repeated key too', () => {
    expect(() => parseHelmYaml('yes: a\ntrue: b\n', 'f.yaml')).toThrow('f.yaml: line 2: true: set twice in one mapping (first at line 1)');
  });

  test('GIVEN an empty file or a bare null WHEN read THEN the values are empty, as in Helm', () => {
    expect(parseHelmYaml('', 'f.yaml')).toEqual({});
    expect(parseHelmYaml('~\n', 'f.yaml')).toEqual({});
  });

  test('GIVEN a __proto__ key WHEN read THEN it is an ordinary key, not a prototype', () => {
    const values = parseHelmYaml('__proto__: {polluted: true}\n', 'f.yaml') as Record<string, unknown>;
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.keys(values)).toEqual(['__proto__']);
  });

  test('GIVEN the Document options WHEN a file is read and written back THEN values keep their text and strings that Helm would misread get quoted', () => {
    // GIVEN numbers written the go-yaml way, and strings that only look like numbers in YAML 1.1
    const doc = parseDocument('a: 0o17\nb: 1_000\nc: 1:30\nd: e2\n', HELM_YAML);
    expect(doc.toJS()).toEqual({ a: 15, b: 1000, c: '1:30', d: 'e2' });
    // WHEN new string values that go-yaml reads as numbers are added
    doc.set('e', '0X1F');
    doc.set('f', '1:30');
    // THEN existing text is kept, the number-like string is quoted, and the sexagesimal-like one need not be
    expect(doc.toString()).toBe('a: 0o17\nb: 1_000\nc: 1:30\nd: e2\ne: "0X1F"\nf: 1:30\n');
  });
});
