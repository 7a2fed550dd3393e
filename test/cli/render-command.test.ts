import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { runBin } from './run-cli';
import { COMMANDS } from '../../src/cli/main';
import { PLATFORM } from '../support/fixtures';

function valuesFile(values: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'gt-render-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, stringify(values));
  return file;
}

const SYSTEM = { host: 'acme.example.org', oidc: { mode: 'System' }, platform: PLATFORM };

describe('grafana-tenancy render', () => {
  test('prints one instance as a YAML stream', () => {
    // GIVEN System-mode values and a cluster with the Keycloak API
    const file = valuesFile(SYSTEM);
    // WHEN rendered
    const result = runBin(['render', '--namespace', 'tenant-acme', '--release', 'monitoring', '-f', file, '--api-versions', 'v1.edp.epam.com/v1']);
    // THEN exit 0, nothing on stderr, and one document per object in the namespace
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toContain('KeycloakClient');
    expect(docs.every((d) => d.metadata.namespace === 'tenant-acme')).toBe(true);
  });

  test('GIVEN strings YAML 1.1 reads as booleans or numbers WHEN rendered THEN kubectl-style readers still get strings', () => {
    // GIVEN inline config and ingress annotations whose values are `on`, `yes`, `no`, `1_000`
    const odd = { on: 'on', yes: 'yes', no: 'no', digits: '1_000', date: '2001-12-14', octal: '0o17' };
    const file = join(mkdtempSync(join(tmpdir(), 'gt-render-')), 'values.json'); // JSON: quoted whatever the YAML version
    writeFileSync(file, JSON.stringify({
      host: 'acme.example.org',
      oidc: { mode: 'CustomConfig', customConfig: { config: { client_id: 'grafana', ...odd } } },
      grafana: { ingress: { annotations: odd } },
    }));
    // WHEN rendered
    const result = runBin(['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', file]);
    expect(result.status).toBe(0);
    // THEN a YAML 1.1 reader (sigs.k8s.io/yaml: kubectl, Argo CD, Flux) gets every value back as the same string
    const [grafana] = parseAllDocuments(result.stdout, { version: '1.1' }).map((d) => d.toJS());
    expect(grafana.spec.config['auth.generic_oauth']).toMatchObject(odd);
    expect(grafana.spec.ingress.metadata.annotations).toEqual(odd);
  });

  test('later values files win, like helm -f', () => {
    const base = valuesFile(SYSTEM);
    const override = valuesFile({ oidc: { mode: 'None' } });
    const result = runBin(['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', base, '-f', override]);
    expect(result.status).toBe(0);
    expect(parseAllDocuments(result.stdout).map((d) => d.toJS().kind)).toEqual(['Grafana']);
  });

  test.each([
    ['System without the Keycloak API', SYSTEM, [], /the cluster does not serve the Keycloak operator API/],
    ['an unknown mode', { host: 'a.example.org', oidc: { mode: 'Sytem' } }, [], /oidc.mode "Sytem" is not supported/],
    ['a misspelt field', { host: 'a.example.org', oidc: { mdoe: 'System' } }, [], /oidc.mdoe: unknown field/],
    ['a wrong type', { host: 'a.example.org', platform: { oidc: { enabled: 'maybe' } } }, [], /platform.oidc.enabled: /],
  ])('refuses %s: exit 1, message on stderr, nothing on stdout', (_, values, apiVersions, expected) => {
    const args = ['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', valuesFile(values)];
    for (const v of apiVersions as string[]) args.push('--api-versions', v);
    const result = runBin(args);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('refuses a missing values file by name', () => {
    const result = runBin(['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', '/nonexistent/values.yaml']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/nonexistent/values.yaml: cannot read the file (ENOENT)');
  });

  test('refuses a missing --namespace with the usage', () => {
    const result = runBin(['render', '--release', 'monitoring']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--namespace is required');
    expect(result.stderr).toContain('Usage: grafana-tenancy render');
  });

  test('--help prints the usage and exits 0', () => {
    const result = runBin(['render', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--api-versions');
  });

  test('the top-level --help lists render', () => {
    const result = runBin(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/render\s+print one instance/);
  });

  test('an unknown command exits 1', () => {
    const result = runBin(['rendr']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("unknown command 'rendr'");
  });
});

describe('every command', () => {
  test.each(COMMANDS.map((c) => [c.name]))('%s --help prints its usage and exits 0', (name) => {
    // GIVEN a registered command  WHEN asked for help  THEN its own usage is printed on stdout
    const result = runBin([name, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`grafana-tenancy ${name}`);
    expect(result.stderr).toBe('');
  });
});

describe('exit codes and streams', () => {
  test('no command prints the usage on stderr and exits 1', () => {
    const result = runBin([]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: grafana-tenancy <command>');
  });

  test('diff exits 2 on bad input, so CI tells it apart from changes (1)', () => {
    const result = runBin(['diff', '/nonexistent-old', '/nonexistent-new', '--exit-code']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: \/nonexistent-old: /);
  });

  test('a filesystem problem is one clean line, not a stack trace', () => {
    // GIVEN an output "folder" that is a file
    const file = join(mkdtempSync(join(tmpdir(), 'gt-out-')), 'not-a-dir');
    writeFileSync(file, '');
    // WHEN synthesizing into it  THEN exit 1 with the errno message
    const result = runBin(['synth', '-f', 'examples/tenants.yaml', '-d', file, '--quiet']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: ENOTDIR: not a directory/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('files', () => {
  test('render -f - reads the values from standard input, like helm', () => {
    const result = runBin(['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', '-'], { input: 'host: acme.example.org\n' });
    expect(result.status).toBe(0);
    expect(parseAllDocuments(result.stdout).map((d) => d.toJS().spec.config.server.root_url)).toEqual(['https://grafana.acme.example.org']);
  });

  test('add-tenant starts the fleet file when it does not exist yet', () => {
    // GIVEN no fleet file
    const file = join(mkdtempSync(join(tmpdir(), 'gt-new-')), 'tenants.yaml');
    // WHEN the first tenant is added
    const result = runBin(['add-tenant', '-f', file, '-n', 'tenant-a', '-r', 'monitoring', '--host', 'a.example.org']);
    // THEN the file exists, in block style, and validates
    expect(result.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^tenants:\n {2}- namespace: tenant-a\n/m);
    expect(runBin(['validate', '-f', file]).status).toBe(0);
    expect(result.stderr).toContain('did not exist: started a new fleet file');
  });

  test('GIVEN a fleet on stdin WHEN add-tenant -f - runs THEN the new fleet goes to stdout and no file named - is written', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gt-stdin-'));
    const fleet = 'tenants:   # the fleet\n  - {namespace: tenant-a, release: monitoring, host: a.example.org}\n';
    const result = runBin(['add-tenant', '-f', '-', '-n', 'tenant-b', '-r', 'monitoring', '--host', 'b.example.org'], { cwd, input: fleet });
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith(fleet)).toBe(true);
    expect(result.stdout).toContain('  - namespace: tenant-b\n');
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('GIVEN --secret-ref with a mode other than CustomConfig WHEN add-tenant runs THEN it is refused with the usage', () => {
    const result = runBin(['add-tenant', '-f', '-', '-n', 'a', '-r', 'm', '--host', 'a.example.org', '--secret-ref', 'oauth'], { input: 'tenants: []\n' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--secret-ref "oauth" needs --mode CustomConfig');
    expect(result.stderr).toContain('Usage: grafana-tenancy add-tenant');
  });
});
