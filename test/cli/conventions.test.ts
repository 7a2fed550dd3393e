/*
 * The CLI behaves like kubectl and helm where users expect it to: --version, --set, -o as the
 * output format everywhere, one way to find the fleet file, and the README's onboarding works
 * in an empty folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CliIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';
import { parseSet, parseSetFlags } from '../../src/cli/set-values';
import { message } from '../../src/config/messages';
import { runBin } from './run-cli';

const ROOT = join(__dirname, '..', '..');
const PACKAGE_VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stderrIsTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const saved = process.env.TENANTS_FILE;
  if (env.TENANTS_FILE !== undefined) process.env.TENANTS_FILE = env.TENANTS_FILE;
  else delete process.env.TENANTS_FILE;
  try {
    const io = captureIo();
    const code = await runCli(args, io);
    return { code, out: io.out, err: io.err };
  } finally {
    if (saved === undefined) delete process.env.TENANTS_FILE;
    else process.env.TENANTS_FILE = saved;
  }
}

describe('version', () => {
  test('GIVEN --version or version WHEN run THEN the package version is printed', async () => {
    expect((await cli(['--version'])).out).toBe(`grafana-tenancy ${PACKAGE_VERSION}\n`);
    expect((await cli(['version'])).out).toMatch(new RegExp(`^grafana-tenancy ${PACKAGE_VERSION.replace(/\./g, '\\.')} \\(chart ${PACKAGE_VERSION.replace(/\./g, '\\.')}, node v\\d+`));
    expect(JSON.parse((await cli(['version', '-o', 'json'])).out)).toMatchObject({ version: PACKAGE_VERSION, chartVersion: PACKAGE_VERSION });
    expect((await cli(['version', '-o', 'xml'])).err).toContain('--output must be one of text, json, yaml, got "xml"');
  });
});

describe('--set (Helm strvals semantics)', () => {
  test.each<[string, unknown]>([
    ['a.b.c=x', { a: { b: { c: 'x' } } }],
    ['a=1,b=true,c=FALSE,d=0,e=007,f=1.5,g=1e3,h=yes,i=-3,j=', { a: 1, b: true, c: false, d: 0, e: '007', f: '1.5', g: '1e3', h: 'yes', i: -3, j: '' }],
    ['a=null', { a: null }],
    ['annotations.cert-manager\\.io/cluster-issuer=le', { annotations: { 'cert-manager.io/cluster-issuer': 'le' } }],
    ['a=x\\,y', { a: 'x,y' }],
    ['list[1]=b', { list: [null, 'b'] }],
    ['list[0].name=n,list[0].on=true', { list: [{ name: 'n', on: true }] }],
    ['apiVersions={v1.edp.epam.com/v1,apps/v1}', { apiVersions: ['v1.edp.epam.com/v1', 'apps/v1'] }],
  ])('GIVEN --set %s WHEN parsed THEN it gives what Helm gives', (text, expected) => {
    expect(parseSet(text)).toEqual(expected);
  });

  test('GIVEN --set-string WHEN parsed THEN every value stays a string', () => {
    expect(parseSet('a=1,b=true', true)).toEqual({ a: '1', b: 'true' });
  });

  test('GIVEN several flags WHEN merged THEN later ones win key by key', () => {
    expect(parseSetFlags([{ text: 'a.b=1,a.c=2', asString: false }, { text: 'a.b=3', asString: true }])).toEqual({ a: { b: '3', c: 2 } });
  });

  test.each(['novalue', '=x', 'a..b=x', '[0]=x', 'a[x]=1'])('GIVEN the malformed --set %s WHEN parsed THEN it is a usage error naming it', (text) => {
    expect(() => parseSet(text)).toThrow(/^--set /);
  });
});

describe('render --set and -o', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-conventions-'));
  const valuesFile = join(dir, 'values.yaml');
  writeFileSync(valuesFile, stringify({ host: 'acme.example.org', grafana: { ingress: { enabled: false } } }));
  const base = ['render', '-n', 'tenant-acme', '-r', 'monitoring'];

  test('GIVEN the same values as --set or as a file WHEN rendered THEN the bytes are the same', async () => {
    const fromFile = await cli([...base, '-f', valuesFile]);
    const fromSet = await cli([...base, '--set', 'host=acme.example.org,grafana.ingress.enabled=false']);
    expect(fromFile.code).toBe(0);
    expect(fromSet.out).toBe(fromFile.out);
  });

  test('GIVEN a file and a --set of the same key WHEN rendered THEN --set wins, like helm', async () => {
    const result = await cli([...base, '-f', valuesFile, '--set', 'host=other.example.org']);
    expect(parseAllDocuments(result.out)[0].toJS().spec.config.server.root_url).toBe('https://grafana.other.example.org');
  });

  test('GIVEN a bad --set value WHEN rendered THEN it is refused naming --set, the field and the fix', async () => {
    const result = await cli([...base, '--set', 'host=acme.example.org,oidc.mode=Keycloak']);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toBe(`error: --set: ${message('unknownMode', 'Keycloak')}\n`);
  });

  test('GIVEN -o json WHEN rendered THEN it is a kubectl-style List of the same objects as the YAML stream', async () => {
    const yaml = await cli([...base, '-f', valuesFile]);
    const json = await cli([...base, '-f', valuesFile, '-o', 'json']);
    const list = JSON.parse(json.out);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items).toEqual(parseAllDocuments(yaml.out).map((d) => d.toJS()));
    expect((await cli([...base, '-f', valuesFile, '-o', 'wide'])).err).toContain('--output must be one of yaml, json, got "wide"');
  });
});

describe('synth --output-dir', () => {
  test('GIVEN the old -o DIR WHEN synth runs THEN it is refused, pointing to --output-dir', async () => {
    const result = await cli(['synth', '-f', join(ROOT, 'examples', 'tenants.yaml'), '-o', 'out']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: synth writes into --output-dir DIR \(-d DIR\): -o is gone, since -o means the output format/);
  });
});

describe('finding the fleet file', () => {
  const example = join(ROOT, 'examples', 'tenants.yaml');

  test('GIVEN -f, a FILE argument or TENANTS_FILE WHEN validating THEN each finds the file', async () => {
    expect((await cli(['validate', '-f', example])).out).toMatch(/examples\/tenants\.yaml: valid/);
    expect((await cli(['validate', example])).out).toMatch(/examples\/tenants\.yaml: valid/);
    expect((await cli(['validate'], { TENANTS_FILE: example })).out).toMatch(/examples\/tenants\.yaml: valid/);
  });

  test('GIVEN no fleet file WHEN validating THEN the error says what it looked for and how to start one', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gt-nofleet-'));
    const result = runBin(['validate'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`no fleet file: looked for ${resolve(cwd, 'tenants.yaml')} (the default; lookup order: -f FILE, a FILE argument, $TENANTS_FILE, ./tenants.yaml)`);
    expect(result.stderr).toContain("'grafana-tenancy init'");
  });

  test('GIVEN both -f and a FILE argument WHEN validating THEN it is refused as ambiguous', async () => {
    expect((await cli(['validate', '-f', example, example])).err).toContain('give the fleet file once');
  });
});

describe('README onboarding in an empty folder', () => {
  /** The fleet workflow block of the README, as commands (continuations joined, comments dropped). */
  function readmeCommands(): string[][] {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Fleet workflow'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
    return block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('bin/grafana-tenancy '))
      .map((line) => line.split(/\s+/).slice(1));
  }

  test('GIVEN an empty folder WHEN the README\'s fleet commands run THEN each succeeds and the tenant is rendered in System mode', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gt-readme-'));
    const commands = readmeCommands();
    expect(commands.map((c) => c[0])).toEqual(['init', 'add-tenant', 'validate', 'synth', 'diff']);
    // diff --base needs a git history of the file; the others run as written.
    for (const args of commands.filter((c) => c[0] !== 'diff')) {
      const result = runBin(args, { cwd });
      expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: 0, stderr: expect.any(String) });
    }
    const fleet = readFileSync(join(cwd, 'tenants.yaml'), 'utf8');
    expect(fleet).not.toMatch(/mode: None|kind: ClusterKeycloakRealm|groupsClientScope/);
    const rendered = parseAllDocuments(readFileSync(join(cwd, 'rendered', 'tenant-foo', 'monitoring.yaml'), 'utf8')).map((d) => d.toJS());
    expect(rendered.map((m) => m.kind)).toEqual(expect.arrayContaining(['Grafana', 'KeycloakClient', 'ExternalSecret']));
  });

  test('GIVEN an empty folder WHEN add-tenant asks for System mode without init THEN the error points to init', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gt-noinit-'));
    const result = runBin(['add-tenant', '--namespace', 'tenant-foo', '--release', 'monitoring', '--host', 'foo.example.org', '--mode', 'System'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("tenants.yaml does not exist yet: start it with the platform's settings first, e.g. 'grafana-tenancy init");
  });

  test('GIVEN an existing fleet file WHEN init runs THEN it is refused and the file kept', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gt-reinit-'));
    writeFileSync(join(cwd, 'tenants.yaml'), 'tenants: []\n');
    const result = runBin(['init', '--issuer-url', 'https://kc.example.org/realms/x', '--realm', 'x'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tenants.yaml already exists');
    expect(readFileSync(join(cwd, 'tenants.yaml'), 'utf8')).toBe('tenants: []\n');
  });
});
