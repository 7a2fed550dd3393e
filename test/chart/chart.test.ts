/*
 * The chart as a package: version, lint, the failure catalogue it uses and the NOTES it prints.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { message, MESSAGE_KEYS, MessageKey } from '../../src/config/messages';
import { SCHEMA_MESSAGE_KEYS } from '../../src/config/schema';
import { CI_FIXTURES, ciFixturePath, loadFailureFixtures } from './fixtures';
import { OidcMode } from '../../src/config/choices';
import { CHART_DIR, helmFailure, helmLint, helmTemplate, KUBE_VERSION, parseStream, requireTools, ROOT, runHelm } from './renderers';

beforeAll(requireTools);

const TEMPLATES_DIR = join(CHART_DIR, 'templates');
const templates = readdirSync(TEMPLATES_DIR).map((f) => readFileSync(join(TEMPLATES_DIR, f), 'utf8')).join('\n');

/** Only the TypeScript side refuses these; the chart implements them with Helm features. */
const TS_ONLY: readonly MessageKey[] = ['helmLookupNeedsHelm'];

describe('Chart.yaml', () => {
  test('GIVEN Chart.yaml and package.json WHEN compared THEN the chart version is the package version', () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('grafana-tenancy');
    expect(chart.version).toBe(pkg.version);
  });
});

describe('failure catalogue', () => {
  test.each(MESSAGE_KEYS.filter((k) => !TS_ONLY.includes(k) && !SCHEMA_MESSAGE_KEYS.has(k)))(
    'GIVEN catalogue key %s WHEN reading the templates THEN the chart fails with it from the shared file',
    (key) => {
      expect(templates).toContain(`(index $m "${key}")`);
    },
  );

  test.each([...SCHEMA_MESSAGE_KEYS])(
    'GIVEN schema-enforced key %s WHEN reading the templates THEN no template repeats the schema\'s check',
    (key) => {
      // values.schema.json refuses these before any template runs: a template check would be dead code.
      expect(templates).not.toContain(`"${key}"`);
    },
  );

  test('GIVEN the templates WHEN looking for failures THEN every fail reads its text from the catalogue', () => {
    const fails = [...templates.matchAll(/\bfail\s+(.*?)\s*-?\}\}/g)].map((m) => m[1]);
    expect(fails.length).toBeGreaterThan(0);
    expect(fails.filter((f) => !/index \$m "\w+"/.test(f))).toEqual([]);
  });

  test('GIVEN the templates WHEN counting validate calls THEN the checks run from exactly one include', () => {
    expect(templates.match(/include "grafana-tenancy\.validate"/g)).toHaveLength(1);
  });

  test('GIVEN the failure fixtures WHEN listing their keys THEN every chart-side catalogue message is proven on both sides', () => {
    const covered = new Set(loadFailureFixtures().map((f) => f.expect.key));
    expect(MESSAGE_KEYS.filter((k) => !TS_ONLY.includes(k) && !covered.has(k))).toEqual([]);
  });
});

describe('packaged chart', () => {
  test('GIVEN helm package WHEN the archive is rendered THEN it carries the catalogue and schema, not the ci fixtures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'grafana-tenancy-package-'));
    const packaged = await runHelm(['package', CHART_DIR, '--destination', out]);
    expect(packaged.ok).toBe(true);
    const archive = join(out, 'grafana-tenancy-0.1.0.tgz');
    const listing = (await runHelm(['show', 'chart', archive])).stdout;
    expect(listing).toMatch(/^name: grafana-tenancy$/m);

    const files = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(expect.arrayContaining(['grafana-tenancy/files/messages.json', 'grafana-tenancy/values.schema.json']));
    expect(files.filter((f) => f.includes('/ci/'))).toEqual([]);

    // The failure texts come from files/messages.json at render time: prove it is read from the archive.
    const failure = loadFailureFixtures().find((f) => f.expect.key === 'hostMissing')!;
    const rendered = await helmTemplate({ ...failure, chartDir: archive, valuesFiles: [] });
    expect(helmFailure(rendered.stderr)).toBe(message('hostMissing'));
  });
});

describe('helm lint --strict', () => {
  test.each(CI_FIXTURES)('GIVEN $file WHEN linting THEN there are no errors or warnings', async (fixture) => {
    const result = await helmLint(ciFixturePath(fixture));
    expect({ ok: result.ok, out: result.stdout + result.stderr }).toMatchObject({ ok: true });
    expect(result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    // Lint mode turns a template's `fail` into an INFO line instead of failing: there must be none.
    expect(result.stdout + result.stderr).not.toContain('[INFO] Fail:');
  });

  test('GIVEN one ci values file per mode WHEN listing them THEN None, System and CustomConfig each have one', () => {
    const modes = CI_FIXTURES.map((f) => (parse(readFileSync(ciFixturePath(f), 'utf8')) as { oidc?: { mode?: string } }).oidc?.mode ?? 'None');
    expect(new Set(modes)).toEqual(new Set(Object.values(OidcMode)));
  });

  test('GIVEN the README\'s Helm values WHEN linting THEN the chart passes without a Fail line', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```yaml\n# acme\.yaml\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const file = join(mkdtempSync(join(tmpdir(), 'grafana-tenancy-readme-')), 'acme.yaml');
    writeFileSync(file, block![1]);
    const result = await helmLint(file);
    expect(result.ok).toBe(true);
    expect(result.stdout + result.stderr).not.toMatch(/\[(WARNING|ERROR)\]|\[INFO\] Fail:/);
  });

  test('GIVEN the chart\'s default values (no host) WHEN linting THEN the one failure is the missing host', async () => {
    // Documents why lint needs values: host has no sensible default.
    const result = await runHelm(['lint', CHART_DIR, '--kube-version', KUBE_VERSION]);
    const fails = (result.stdout + result.stderr).split('\n').filter((l) => l.includes('[INFO] Fail:'));
    expect(fails.map((l) => l.replace(/^.*\[INFO\] Fail: /, ''))).toEqual([message('hostMissing')]);
  });
});

describe('NOTES.txt', () => {
  // helm template does not print NOTES; render its helper through a test-only template instead.
  const chartCopy = mkdtempSync(join(tmpdir(), 'grafana-tenancy-notes-'));
  cpSync(CHART_DIR, chartCopy, { recursive: true });
  writeFileSync(
    join(chartCopy, 'templates', 'zz-notes-under-test.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ include "grafana-tenancy.notes" . | quote }}\n',
  );

  async function notes(file: string, extraValues: string[] = []): Promise<string> {
    const fixture = CI_FIXTURES.find((f) => f.file === file)!;
    const result = await helmTemplate({ ...fixture, chartDir: chartCopy, valuesFiles: [ciFixturePath(fixture), ...extraValues] });
    if (!result.ok) throw new Error(result.stderr);
    return parseStream(result.stdout).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'notes')!.data.notes;
  }

  test('GIVEN NOTES.txt WHEN read THEN it prints the tested helper', () => {
    expect(readFileSync(join(TEMPLATES_DIR, 'NOTES.txt'), 'utf8')).toMatch(/include "grafana-tenancy\.notes"/);
  });

  test('GIVEN System mode WHEN rendering the notes THEN they name the three groups to add users to and the secret source', async () => {
    const text = await notes('system-values.yaml');
    for (const role of ['admin', 'editor', 'viewer']) expect(text).toContain(`tenant-acme-monitoring-${role}`);
    expect(text).toContain('https://grafana.acme.example.org');
    expect(text).toMatch(/External Secrets creates Secret monitoring-oidc-client/);
    expect(text).toMatch(/cannot log in/);
  });

  test('GIVEN the platform release WHEN rendering the notes THEN its admin group is announced as GrafanaAdmin', async () => {
    expect(await notes('system-platform-values.yaml')).toMatch(/cozy-monitoring-monitoring-system-admin\s+-> GrafanaAdmin/);
    expect(await notes('system-values.yaml')).not.toMatch(/GrafanaAdmin/);
  });

  test('GIVEN existingSecret, the Viewer fallback and no Ingress WHEN rendering the notes THEN they say so', async () => {
    const text = await notes('system-existingsecret-values.yaml');
    expect(text).toContain('Secret hooli-keycloak-client (yours)');
    expect(text).toMatch(/Every other user of the realm gets Viewer/);
    expect(text).toMatch(/port-forward svc\/grafana-service 3000/);
  });

  test('GIVEN HelmLookup WHEN rendering the notes THEN they warn that helm template and Argo CD change the secret', async () => {
    expect(await notes('system-helmlookup-values.yaml')).toMatch(/helm template. or Argo CD/);
  });

  test('GIVEN CustomConfig WHEN rendering the notes THEN they tell what to configure next', async () => {
    expect(await notes('customconfig-secretref-values.yaml')).toMatch(/create Secret initech-grafana-oauth in tenant-initech/);
    expect(await notes('customconfig-inline-values.yaml')).toContain('https://grafana.globex.example.org/login/generic_oauth');
  });

  test('GIVEN the token bootstrap WHEN rendering the notes THEN they say where the token goes and how to follow the Job', async () => {
    const secret = await notes('token-kubernetes-secret-values.yaml');
    expect(secret).toContain('Job monitoring-token-bootstrap stores it in Secret tenant-acme/monitoring-kagent-grafana-token, key token.');
    expect(secret).toContain('kubectl -n tenant-acme logs job/monitoring-token-bootstrap --all-containers');
    expect(await notes('token-aws-values.yaml')).toContain('AWS Secrets Manager secret kagent/grafana/api-key');
    expect(await notes('token-operator-values.yaml')).toMatch(/GrafanaServiceAccount monitoring-kagent writes it to Secret monitoring-kagent-grafana-token/);
    expect(await notes('none-values.yaml')).not.toContain('Service-account token');
  });

  test('GIVEN data sources WHEN rendering the notes THEN they name each one, the tenant it reads as and the gateway caveat', async () => {
    // GIVEN Mimir (tenant defaulted to the namespace) and Loki (explicit tenant id)
    const text = await notes('datasources-mimir-loki-values.yaml');

    // THEN both are named with their tenant, and the isolation caveat is stated
    expect(text).toContain('monitoring-metrics -> http://mimir-query-frontend.mimir.svc:8080/prometheus as tenant tenant-acme (X-Scope-OrgID)');
    expect(text).toContain('monitoring-logs    -> http://loki-gateway.loki.svc as tenant acme-logs (X-Scope-OrgID)');
    expect(text).toMatch(/authenticating gateway/);
    // AND with SigV4 no tenant header is announced, the ServiceAccount needing an AWS identity is named
    const amp = await notes('datasources-amp-sigv4-values.yaml');
    expect(amp).toMatch(/grafana-metrics -> https:\/\/aps-workspaces\S+ \(SigV4, region eu-west-1: give ServiceAccount grafana-sa/);
    expect(amp).not.toContain('X-Scope-OrgID');
    expect(await notes('none-values.yaml')).not.toContain('Data sources');
  });

  test('GIVEN the backup WHEN rendering the notes THEN they give the bucket path, the credentials and how to run and restore', async () => {
    // GIVEN a backup with an existing Secret and the restore Job as a dry run
    const text = await notes('backup-values.yaml');

    // THEN the S3 path, the Secret, a manual run and the restore Job are spelled out
    expect(text).toContain('s3://acme-grafana-backups/tenants/grafana/tenant-acme/monitoring/, keeping 5 snapshots');
    expect(text).toContain('Secret grafana-backup-s3 (yours, format accessKeys)');
    expect(text).toContain('kubectl -n tenant-acme create job --from=cronjob/monitoring-backup monitoring-backup-manual');
    expect(text).toContain('Job monitoring-backup-restore restores snapshot latest as a dry run');
    // AND without the restore Job and without a Secret they point to restore-job and the pod identity
    const override = join(chartCopy, 'backup-override.yaml');
    writeFileSync(override, JSON.stringify({ backup: { credentials: { existingSecret: '' }, restore: { enabled: false } } }));
    const plain = await notes('backup-values.yaml', [override]);
    expect(plain).toContain('grafana-tenancy restore-job --namespace tenant-acme --release monitoring');
    expect(plain).toContain('pod identity of ServiceAccount monitoring-backup');
    expect(await notes('none-values.yaml')).not.toContain('Backup:');
  });

  test('GIVEN mode None WHEN rendering the notes THEN they point to the login modes', async () => {
    const text = await notes('none-values.yaml');
    expect(text).toMatch(/oidc\.mode None/);
    expect(text).toContain('umbrella-grafana-cert');
  });
});
