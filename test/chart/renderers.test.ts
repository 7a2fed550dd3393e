/*
 * The parity suite is only as good as its comparison: these tests show it catches differences
 * (including a broken chart) and reports them readably.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CI_FIXTURES, ciFixturePath } from './fixtures';
import { CHART_DIR, cliFailure, cliRender, compareRenders, helmFailure, helmTemplate, Manifest, parseStream, requireTools } from './renderers';

const grafana = (config: Record<string, string>, extra: Manifest = {}): Manifest => ({
  apiVersion: 'grafana.integreatly.org/v1beta1',
  kind: 'Grafana',
  metadata: { name: 'monitoring', namespace: 'tenant-acme' },
  spec: { config: { 'auth.generic_oauth': config }, ...extra },
});
const secret = (data: Record<string, string>): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'tenant-acme' },
  data,
});

describe('compareRenders', () => {
  test('GIVEN the same objects in another key and document order WHEN compared THEN there is no difference', () => {
    const a = [grafana({ use_pkce: 'true', enabled: 'true' }), secret({ k: 'x' })];
    const b = [secret({ k: 'x' }), grafana({ enabled: 'true', use_pkce: 'true' })];
    expect(compareRenders(a, b)).toBe('');
  });

  test('GIVEN a changed, a missing and a mistyped field WHEN compared THEN each is reported with its path and both values', () => {
    const report = compareRenders(
      [grafana({ use_pkce: 'true', enabled: 'true' }, { replicas: 1 })],
      [grafana({ use_pkce: 'false', enabled: true as unknown as string }, {})],
    );
    expect(report).toContain('grafana.integreatly.org/v1beta1 Grafana tenant-acme/monitoring: differs (helm != cdk8s)');
    expect(report).toContain('spec.config.auth.generic_oauth.use_pkce: "true" != "false"');
    expect(report).toContain('spec.config.auth.generic_oauth.enabled: "true" != true');
    expect(report).toContain('spec.replicas: 1 != (absent)');
  });

  test('GIVEN an object only one side renders WHEN compared THEN the report names the side', () => {
    expect(compareRenders([grafana({}), secret({})], [grafana({})])).toBe('v1 Secret tenant-acme/s: only rendered by helm');
    expect(compareRenders([], [secret({})])).toBe('v1 Secret tenant-acme/s: only rendered by cdk8s');
  });

  test('GIVEN lists in another order WHEN compared THEN it is a difference (order matters in Kubernetes lists)', () => {
    const a = grafana({}, { scopes: ['a', 'b'] });
    const b = grafana({}, { scopes: ['b', 'a'] });
    expect(compareRenders([a], [b])).toContain('spec.scopes[0]: "a" != "b"');
  });

  test('GIVEN Secrets with different random values WHEN compared THEN only their key sets count', () => {
    expect(compareRenders([secret({ 'client-secret': 'YQ==' })], [secret({ 'client-secret': 'Yg==' })])).toBe('');
    expect(compareRenders([secret({ 'client-secret': 'YQ==' })], [secret({ other: 'YQ==' })])).toMatch(/data\.client-secret/);
  });

  test('GIVEN two objects with the same key in one render WHEN compared THEN it is an error', () => {
    expect(() => compareRenders([secret({}), secret({})], [])).toThrow(/two objects with the same key/);
  });
});

describe('failure texts', () => {
  test("GIVEN helm's and the CLI's error output WHEN stripped THEN only the message is left", () => {
    const helm = 'Error: execution error at (grafana-tenancy/templates/validate.yaml:2:4): host is empty (a): b\n\nUse --debug flag to render out invalid YAML\n';
    expect(helmFailure(helm)).toBe('host is empty (a): b');
    expect(cliFailure('error: host is empty (a): b\n')).toBe('host is empty (a): b');
  });
});

describe('requireTools', () => {
  test('GIVEN no helm binary WHEN the suite starts THEN it fails telling how to install it (never skips)', () => {
    expect(() => requireTools('/nonexistent/helm')).toThrow("helm not found at /nonexistent/helm: run 'bash scripts/install-tools.sh'");
  });
});

describe('a broken chart is caught', () => {
  beforeAll(requireTools);

  test('GIVEN a chart copy that drops PKCE WHEN compared with the cdk8s render THEN the report names the field', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'grafana-tenancy-mutant-'));
    cpSync(CHART_DIR, copy, { recursive: true });
    const helpers = join(copy, 'templates', '_helpers.tpl');
    const original = readFileSync(helpers, 'utf8');
    const mutated = original.replace('use_pkce: "true"', 'use_pkce: "false"');
    expect(mutated).not.toBe(original);
    writeFileSync(helpers, mutated);

    const fixture = CI_FIXTURES.find((f) => f.file === 'system-values.yaml')!;
    const req = { ...fixture, valuesFiles: [ciFixturePath(fixture)] };
    const [h, c] = await Promise.all([helmTemplate({ ...req, chartDir: copy }), cliRender(req)]);
    expect(compareRenders(parseStream(h.stdout), parseStream(c.stdout))).toContain(
      'spec.config.auth.generic_oauth.use_pkce: "false" != "true"',
    );
  });
});
