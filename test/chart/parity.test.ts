/*
 * The chart and the constructs render the same Monitoring instance from the same values: every
 * ci fixture gives the same objects from `helm template` and `bin/grafana-tenancy render`, and
 * every failure fixture fails on both with the same catalogue message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { message } from '../../src/config/messages';
import { SCHEMA_MESSAGE_KEYS } from '../../src/config/schema';
import { describeWithCrds, schemaErrors } from '../support/schemas';
import { CI_FIXTURES, ciFixtureFiles, ciFixturePath, loadFailureFixtures } from './fixtures';
import {
  cliFailure,
  cliRender,
  compareRenders,
  helmFailure,
  helmTemplate,
  Manifest,
  parseStream,
  requireTools,
  withoutHelmLabels,
} from './renderers';

beforeAll(requireTools);

const tmp = mkdtempSync(join(tmpdir(), 'grafana-tenancy-parity-'));
function writeValues(name: string, values: unknown): string {
  const file = join(tmp, name);
  writeFileSync(file, stringify(values));
  return file;
}

describe('ci fixtures', () => {
  test('GIVEN the ci folder WHEN listing fixtures THEN each one has a render target here', () => {
    expect(CI_FIXTURES.map((f) => f.file).sort()).toEqual(ciFixtureFiles());
  });
});

describe.each(CI_FIXTURES.filter((f) => !f.helmOnly))('parity: $file', (fixture) => {
  let helm: Manifest[];
  let cdk8s: Manifest[];

  beforeAll(async () => {
    const req = { ...fixture, valuesFiles: [ciFixturePath(fixture)] };
    const [h, c] = await Promise.all([helmTemplate(req), cliRender(req)]);
    if (!h.ok) throw new Error(`helm template failed:\n${h.stderr}`);
    if (!c.ok) throw new Error(`grafana-tenancy render failed:\n${c.stderr}`);
    helm = parseStream(h.stdout);
    cdk8s = parseStream(c.stdout);
  });

  test('GIVEN the same values WHEN both render THEN they produce the same objects', () => {
    expect(helm.length).toBeGreaterThan(0);
    const report = compareRenders(helm, cdk8s);
    if (report) throw new Error(`helm and cdk8s render differently:\n${report}`);
  });

  test('GIVEN the Helm render WHEN inspecting every object THEN it is in the release namespace with the instance, common and Helm labels', () => {
    const { commonLabels = {} } = parse(readFileSync(ciFixturePath(fixture), 'utf8')) as { commonLabels?: Record<string, string> };
    const userLabels = Object.fromEntries(Object.entries(commonLabels).filter(([k]) => k !== 'app.kubernetes.io/component'));
    // The token Secret and the RBAC on it live in the Secret's namespace, which may be another one.
    const job = helm.find((m) => m.kind === 'Job');
    const secretEnv = job?.spec.template.spec.containers[0].env.find((e: Manifest) => e.name === 'SECRET_NAMESPACE');
    const secretNamespace = secretEnv?.value ?? fixture.namespace;
    for (const m of helm) {
      const token = m.metadata.labels['app.kubernetes.io/component'] === 'token-bootstrap';
      expect(token).toBe(fixture.tokenBootstrap === true && token);
      const onTarget = token && ['Secret', 'Role', 'RoleBinding'].includes(m.kind);
      expect(m.metadata.namespace).toBe(onTarget ? secretNamespace : fixture.namespace);
      const instance = {
        'app.kubernetes.io/name': 'grafana-tenancy',
        'app.kubernetes.io/instance': fixture.release,
        'grafana-tenancy.io/client-id': `${fixture.namespace}-${fixture.release}`,
        ...userLabels,
        ...(token ? { 'app.kubernetes.io/component': 'token-bootstrap' } : {}),
      };
      expect(m.metadata.labels).toEqual({
        ...instance,
        'helm.sh/chart': 'grafana-tenancy-0.1.0',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/version': '0.1.0',
      });
      // A Job's pod template is immutable: Helm's version labels would break every upgrade.
      if (m.kind === 'Job') expect(m.spec.template.metadata.labels).toEqual(instance);
    }
  });

  test('GIVEN the Helm render WHEN reading the Grafana config THEN every value is a string', () => {
    const grafana = helm.find((m) => m.kind === 'Grafana');
    expect(grafana).toBeDefined();
    for (const [section, keys] of Object.entries<Record<string, unknown>>(grafana!.spec.config)) {
      for (const [key, value] of Object.entries(keys)) {
        expect({ at: `${section}.${key}`, type: typeof value }).toEqual({ at: `${section}.${key}`, type: 'string' });
      }
    }
  });

  test('GIVEN the Helm render WHEN looking for secret material THEN there is no Secret with a value and no inline client secret', () => {
    // The token bootstrap pre-creates its Secret without data; the Job fills it in the cluster.
    const secrets = helm.filter((m) => m.kind === 'Secret');
    expect(secrets.map((m) => m.metadata.labels['app.kubernetes.io/component'])).toEqual(secrets.map(() => 'token-bootstrap'));
    expect(secrets.filter((m) => m.data !== undefined || m.stringData !== undefined)).toEqual([]);
    expect(JSON.stringify(helm)).not.toMatch(/client_secret/);
  });
});

describeWithCrds('Helm renders against the upstream CRDs and Kubernetes schemas', () => {
  // Parity already ties most objects to the cdk8s render; this also covers the Helm-only Secret.
  test.each(CI_FIXTURES)('GIVEN $file WHEN helm renders THEN every object is schema-valid', async (fixture) => {
    const h = await helmTemplate({ ...fixture, valuesFiles: [ciFixturePath(fixture)] });
    if (!h.ok) throw new Error(`helm template failed:\n${h.stderr}`);
    const errors = parseStream(h.stdout).flatMap((m) => schemaErrors(m).map((e) => `${m.kind}/${m.metadata.name}: ${e}`));
    expect(errors).toEqual([]);
  });
});

describe('HelmLookup: a Helm-only client secret, refused by cdk8s', () => {
  const fixture = CI_FIXTURES.find((f) => f.helmOnly === 'helmLookupNeedsHelm')!;
  const secretName = `${fixture.release}-oidc-client`;
  let helm: Manifest[];

  beforeAll(async () => {
    const h = await helmTemplate({ ...fixture, valuesFiles: [ciFixturePath(fixture)] });
    if (!h.ok) throw new Error(`helm template failed:\n${h.stderr}`);
    helm = parseStream(h.stdout);
  });

  test('GIVEN generator HelmLookup WHEN cdk8s renders THEN it fails with helmLookupNeedsHelm', async () => {
    const c = await cliRender({ ...fixture, valuesFiles: [ciFixturePath(fixture)] });
    expect(c.ok).toBe(false);
    expect(c.stdout).toBe('');
    expect(cliFailure(c.stderr)).toBe(message('helmLookupNeedsHelm'));
  });

  test('GIVEN generator HelmLookup WHEN helm renders THEN it renders a kept Secret with a random 32-character client-secret', () => {
    const secret = helm.find((m) => m.kind === 'Secret');
    expect(secret?.metadata.name).toBe(secretName);
    expect(secret?.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(withoutHelmLabels(secret!).metadata.labels).toEqual({
      'app.kubernetes.io/name': 'grafana-tenancy',
      'app.kubernetes.io/instance': fixture.release,
      'grafana-tenancy.io/client-id': `${fixture.namespace}-${fixture.release}`,
    });
    expect(Object.keys(secret?.data ?? {})).toEqual(['client-secret']);
    expect(Buffer.from(secret!.data['client-secret'], 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  test('GIVEN generator HelmLookup WHEN compared with cdk8s using that Secret as existingSecret THEN everything else is the same', async () => {
    const values = writeValues('helmlookup-as-existing.yaml', { oidc: { clientSecret: { existingSecret: secretName } } });
    const c = await cliRender({ ...fixture, valuesFiles: [ciFixturePath(fixture), values] });
    if (!c.ok) throw new Error(`grafana-tenancy render failed:\n${c.stderr}`);
    const report = compareRenders(
      helm.filter((m) => m.kind !== 'Secret'),
      parseStream(c.stdout),
    );
    if (report) throw new Error(`helm and cdk8s render differently:\n${report}`);
  });

  test('GIVEN two helm template runs WHEN no cluster is reachable THEN the secret differs (why Argo CD users need another option)', async () => {
    const again = await helmTemplate({ ...fixture, valuesFiles: [ciFixturePath(fixture)] });
    const value = (ms: Manifest[]) => ms.find((m) => m.kind === 'Secret')!.data['client-secret'];
    expect(value(parseStream(again.stdout))).not.toBe(value(helm));
  });
});

describe('YAML scalars that YAML 1.1 (Helm, kubectl) and 1.2 read differently', () => {
  test('GIVEN yes/off/octal/date/number scalars WHEN both render THEN the Grafana config gets the same strings', async () => {
    // Written raw: a YAML library would quote these and hide the difference.
    const file = join(tmp, 'yaml11-values.yaml');
    writeFileSync(
      file,
      [
        'host: acme.example.org',
        'oidc:',
        '  mode: CustomConfig',
        '  customConfig:',
        '    config:',
        '      allow_sign_up: yes',
        '      auto_login: off',
        '      skip_org_role_sync: Y',
        '      file_mode: 0755',
        '      since: 2001-12-14',
        '      timeout: 1e3',
        '      big: 1000000',
        '',
      ].join('\n'),
    );
    const req = { namespace: 'tenant-acme', release: 'monitoring', valuesFiles: [file] };
    const [h, c] = await Promise.all([helmTemplate(req), cliRender(req)]);
    if (!h.ok || !c.ok) throw new Error(`render failed:\n${h.stderr}${c.stderr}`);
    const report = compareRenders(parseStream(h.stdout), parseStream(c.stdout));
    if (report) throw new Error(`helm and cdk8s render differently:\n${report}`);
    const config = parseStream(c.stdout).find((m) => m.kind === 'Grafana')!.spec.config['auth.generic_oauth'];
    expect(config).toMatchObject({ allow_sign_up: 'true', auto_login: 'false', skip_org_role_sync: 'true', file_mode: '493', big: '1000000' });
  });
});

describe.each(loadFailureFixtures())('failure: $file', (fixture) => {
  const expected = message(fixture.expect.key, ...fixture.expect.args);
  const bySchema = SCHEMA_MESSAGE_KEYS.has(fixture.expect.key);

  test(`GIVEN invalid values WHEN both render THEN both fail with ${fixture.expect.key}${bySchema ? ' (schema)' : ''}`, async () => {
    const valuesFile = writeValues(fixture.file, fixture.values);
    const req = { ...fixture, valuesFiles: [valuesFile] };
    const [h, c] = await Promise.all([helmTemplate(req), cliRender(req)]);

    expect({ ok: h.ok, stdout: h.stdout }).toEqual({ ok: false, stdout: '' });
    expect({ ok: c.ok, stdout: c.stdout }).toEqual({ ok: false, stdout: '' });
    if (bySchema) {
      // A choice or a pattern: Helm refuses it in its JSON-schema words at the field, the CLI
      // with the catalogue message of that field (which starts with the field's path).
      expect(h.stderr).toMatch(/values don't meet the specifications of the schema/);
      expect(h.stderr).toContain(`at '/${schemaField(expected).replace(/\./g, '/')}'`);
      expect(cliFailure(c.stderr)).toBe(`${valuesFile}: ${expected}`);
    } else {
      expect(helmFailure(h.stderr)).toBe(expected);
      expect(cliFailure(c.stderr)).toBe(expected);
    }
  });
});

/** The field a catalogue message is about: its first word (every schema-enforced message starts with it). */
function schemaField(text: string): string {
  return text.split(' ')[0];
}

describe('schema failures', () => {
  // Both renderers validate against the same schema (values.schema.json is generated from zod);
  // the wording differs (Helm's JSON-schema validator vs zod), the verdict and the field must not.
  const cases: Array<{ name: string; values: unknown; field: RegExp }> = [
    { name: 'unknown key', values: { host: 'acme.example.org', oidc: { mod: 'System' } }, field: /mod/ },
    { name: 'wrong type', values: { host: 'acme.example.org', platform: { oidc: { enabled: 'true' } } }, field: /enabled/ },
    { name: 'non-scalar custom config value', values: { host: 'a.example.org', oidc: { mode: 'CustomConfig', customConfig: { config: { scopes: ['openid'] } } } }, field: /scopes/ },
  ];

  test.each(cases)('GIVEN $name WHEN both render THEN both refuse it naming the field', async ({ name, values, field }) => {
    const file = writeValues(`schema-${name.replace(/\W+/g, '-')}.yaml`, values);
    const req = { namespace: 'tenant-acme', release: 'monitoring', valuesFiles: [file] };
    const [h, c] = await Promise.all([helmTemplate(req), cliRender(req)]);
    expect(h.ok).toBe(false);
    expect(c.ok).toBe(false);
    expect(h.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(h.stderr).toMatch(field);
    expect(c.stderr).toMatch(field);
  });
});

