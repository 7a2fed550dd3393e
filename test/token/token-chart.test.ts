import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';
import { CHART_DIR, cliRender, compareRenders, helmTemplate, Manifest, parseStream, requireTools, runHelm } from '../chart/renderers';

/*
 * The chart's side of the token bootstrap. Parity with the constructs is proven by
 * test/chart/parity.test.ts; this checks what parity alone would not: that every token fixture
 * renders the token objects at all, and that Helm ships the script files byte for byte.
 */

beforeAll(requireTools);

const file = (name: string) => readFileSync(join(CHART_DIR, 'files', name), 'utf8');
const fixtures = CI_FIXTURES.filter((f) => f.tokenBootstrap);

async function render(name: string): Promise<Manifest[]> {
  const fixture = fixtures.find((f) => f.file === name)!;
  const result = await helmTemplate({ ...fixture, valuesFiles: [ciFixturePath(fixture)] });
  if (!result.ok) throw new Error(result.stderr);
  return parseStream(result.stdout).filter((m) => m.metadata.labels?.['app.kubernetes.io/component'] === 'token-bootstrap');
}

test('GIVEN every token ci fixture WHEN helm renders THEN the token bootstrap objects are there', async () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(4);
  const kinds = await Promise.all(fixtures.map(async (f) => [f.file, (await render(f.file)).map((m) => m.kind).sort()]));
  expect(Object.fromEntries(kinds)).toEqual({
    'token-kubernetes-secret-values.yaml': ['ConfigMap', 'Job', 'Role', 'RoleBinding', 'Secret', 'ServiceAccount'],
    'token-other-namespace-values.yaml': ['ConfigMap', 'Job', 'Role', 'RoleBinding', 'ServiceAccount'],
    'token-aws-values.yaml': ['ConfigMap', 'Job', 'ServiceAccount'],
    'token-operator-values.yaml': ['GrafanaServiceAccount'],
    // The backup's own token bootstrap: always the kubernetes-secret sink with a pre-created Secret.
    'backup-values.yaml': ['ConfigMap', 'Job', 'Role', 'RoleBinding', 'Secret', 'ServiceAccount'],
  });
});

test.each([
  ['token-kubernetes-secret-values.yaml', ['token-bootstrap.js']],
  ['token-aws-values.yaml', ['token-bootstrap.js', 'token-aws-read.sh', 'token-aws-store.sh']],
])('GIVEN %s WHEN helm renders THEN the ConfigMap holds the chart files byte for byte and the pod their checksum', async (name, files) => {
  const objects = await render(name);
  const configMap = objects.find((m) => m.kind === 'ConfigMap')!;
  expect(Object.keys(configMap.data)).toEqual(files);
  for (const f of files) expect(configMap.data[f]).toBe(file(f));
  const job = objects.find((m) => m.kind === 'Job')!;
  const sha = createHash('sha256').update(files.map(file).join('')).digest('hex');
  expect(job.spec.template.metadata.annotations['grafana-tenancy.io/script-sha256']).toBe(sha);
});

test('GIVEN a year-long token lifetime WHEN helm renders THEN the number is not in float notation', async () => {
  const job = (await render('token-kubernetes-secret-values.yaml')).find((m) => m.kind === 'Job')!;
  const env = job.spec.template.spec.containers[0].env.find((e: Manifest) => e.name === 'TOKEN_SECONDS_TO_LIVE');
  expect(env.value).toBe('31536000');
});

describe('token parity with strings YAML and Go templates make hard', () => {
  const NASTY = 'say "hi": #not-a-comment \\ back\\slash – ünïcödé {{ .Values.host }}\nsecond line';
  const values = (sink: object) => ({
    host: 'acme.example.org',
    serviceAccountToken: {
      enabled: true,
      serviceAccountName: 'kagent',
      secondsToLive: 2147483647,
      adminCredentials: { userKey: 'user: "x"', passwordKey: 'pass#word' },
      job: { annotations: { 'example.org/note': NASTY, 'argocd.argoproj.io/sync-wave': '-1' } },
      sink,
    },
  });
  const cases: [string, object][] = [
    // A valid data key that YAML reads as a number unless quoted.
    ['kubernetes-secret', { kubernetesSecret: { key: '1e3' } }],
    ['aws-secrets-manager', {
      type: 'aws-secrets-manager',
      awsSecretsManager: { secretId: NASTY, region: 'eu-west-1', endpointUrl: 'http://ls:4566/?a=1&b=2', kmsKeyId: 'alias/x y', serviceAccountAnnotations: { 'a/b': NASTY } },
    }],
  ];

  test.each(cases)('GIVEN sink %s with such strings WHEN both render THEN they produce the same objects', async (_, sink) => {
    const file = join(mkdtempSync(join(tmpdir(), 'token-nasty-')), 'values.yaml');
    writeFileSync(file, stringify(values(sink)));
    const req = { namespace: 'tenant-acme', release: 'monitoring', apiVersions: [], valuesFiles: [file] };
    const [helm, cli] = await Promise.all([helmTemplate(req), cliRender(req)]);
    if (!helm.ok) throw new Error(helm.stderr);
    if (!cli.ok) throw new Error(cli.stderr);
    const rendered = parseStream(helm.stdout);
    expect(rendered.some((m) => m.kind === 'Job')).toBe(true);
    expect(compareRenders(rendered, parseStream(cli.stdout))).toBe('');
  });
});

test('GIVEN the packaged chart WHEN it renders the AWS fixture THEN the scripts come from the archive', async () => {
  const out = mkdtempSync(join(tmpdir(), 'token-package-'));
  const packaged = await runHelm(['package', CHART_DIR, '--destination', out]);
  expect(packaged.ok).toBe(true);
  const fixture = fixtures.find((f) => f.file === 'token-aws-values.yaml')!;
  const chartDir = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);
  const result = await helmTemplate({ ...fixture, chartDir, valuesFiles: [ciFixturePath(fixture)] });
  if (!result.ok) throw new Error(result.stderr);
  const configMap = parseStream(result.stdout).find((m) => m.kind === 'ConfigMap')!;
  for (const f of ['token-bootstrap.js', 'token-aws-read.sh', 'token-aws-store.sh']) expect(configMap.data[f]).toBe(file(f));
});

test('GIVEN a token Secret in another namespace without a name WHEN both render THEN both name it after the clientId', async () => {
  // GIVEN values that leave the Secret name to the default, in a namespace other than the release's
  const file = join(mkdtempSync(join(tmpdir(), 'token-other-ns-')), 'values.yaml');
  writeFileSync(file, stringify({ host: 'acme.example.org', serviceAccountToken: { enabled: true, serviceAccountName: 'kagent', sink: { kubernetesSecret: { namespace: 'agents' } } } }));
  const req = { namespace: 'tenant-acme', release: 'monitoring', apiVersions: [], valuesFiles: [file] };

  // WHEN both renderers render it
  const [helm, cli] = await Promise.all([helmTemplate(req), cliRender(req)]);
  if (!helm.ok) throw new Error(helm.stderr);
  if (!cli.ok) throw new Error(cli.stderr);

  // THEN they agree, and the Secret carries the clientId so tenants with the same release cannot collide
  const rendered = parseStream(helm.stdout);
  expect(compareRenders(rendered, parseStream(cli.stdout))).toBe('');
  const secret = rendered.find((m) => m.kind === 'Secret')!;
  expect(`${secret.metadata.namespace}/${secret.metadata.name}`).toBe('agents/tenant-acme-monitoring-kagent-grafana-token');
});
