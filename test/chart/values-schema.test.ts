/*
 * One source of truth for the input shape: the chart's values.schema.json is generated from the
 * zod schema and its values.yaml holds the zod defaults.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { z } from 'zod';
import { ClientSecretGenerator, FallbackRole, GrafanaRole, OidcMode, RealmKind, TokenSink } from '../../src/config/choices';
import { defaultInstanceValues, instanceValuesSchema, SCHEMA_MESSAGE_KEYS } from '../../src/config/schema';
import { CI_FIXTURES, ciFixturePath, loadFailureFixtures } from './fixtures';
import { CHART_DIR } from './renderers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/generate-values-schema.js') as {
  OUTPUT: string;
  renderValuesSchema: (schema: unknown) => string;
  renderValuesYaml: (schema: unknown, defaults: unknown) => string;
  generatedFiles: (lib?: string) => Array<[string, string]>;
};

const committed = readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8');
const schema = JSON.parse(committed);

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe('values.schema.json', () => {
  test('GIVEN the zod schema WHEN generating THEN the committed file is up to date (run `npm run generate`)', () => {
    expect(generator.OUTPUT).toBe(join(CHART_DIR, 'values.schema.json'));
    expect(committed).toBe(generator.renderValuesSchema(instanceValuesSchema));
  });

  test('GIVEN the schema WHEN looking for references THEN it is self-contained draft-07 (no remote $ref)', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const refs = [...committed.matchAll(/"\$ref":\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(refs.filter((r) => !r.startsWith('#'))).toEqual([]);
  });

  test('GIVEN the schema WHEN validating the chart defaults and every ci fixture THEN JSON schema and zod both accept them', () => {
    const validate = validator();
    const inputs = [{}, ...CI_FIXTURES.map((f) => parse(readFileSync(ciFixturePath(f), 'utf8')))];
    for (const input of inputs) {
      expect({ input, errors: validate(input) ? null : validate.errors }).toEqual({ input, errors: null });
      expect(instanceValuesSchema.safeParse(input).success).toBe(true);
    }
  });

  test('GIVEN the failure fixtures WHEN validating THEN both schemas refuse exactly the choices and patterns', () => {
    const validate = validator();
    for (const f of loadFailureFixtures()) {
      if (f.expect.key === 'nullValue') {
        // Helm deletes null keys before its schema check; the null check itself refuses these.
        expect({ file: f.file, json: validate(withoutNulls(f.values)) }).toEqual({ file: f.file, json: true });
        continue;
      }
      const accepted = !SCHEMA_MESSAGE_KEYS.has(f.expect.key);
      expect({ file: f.file, json: validate(f.values), zod: instanceValuesSchema.safeParse(f.values).success }).toEqual({
        file: f.file,
        json: accepted,
        zod: accepted,
      });
    }
  });

  test('GIVEN the schema WHEN reading the fields with a fixed set of values THEN each is an enum of its typed choice', () => {
    const props = (path: string[]) => path.reduce((node, key) => node.properties[key], schema);
    expect(props(['oidc', 'mode']).enum).toEqual(Object.values(OidcMode));
    expect(props(['oidc', 'fallbackRole']).enum).toEqual(Object.values(FallbackRole));
    expect(props(['oidc', 'clientSecret', 'generator']).enum).toEqual(Object.values(ClientSecretGenerator));
    expect(props(['platform', 'oidc', 'realmRef', 'kind']).enum).toEqual(Object.values(RealmKind));
    expect(props(['serviceAccountToken', 'role']).enum).toEqual(Object.values(GrafanaRole));
    expect(props(['serviceAccountToken', 'sink', 'type']).enum).toEqual(Object.values(TokenSink));
  });

  test.each<[string, unknown, unknown]>([
    ['a host', { host: 'acme.example.org' }, { host: 'Acme_Example' }],
    ['an issuer', { platform: { oidc: { issuerUrl: 'https://kc.example.org/realms/x/' } } }, { platform: { oidc: { issuerUrl: 'https://kc.example.org/?a=b' } } }],
    ['a platform Grafana', { platform: { oidc: { grafanaAdminInstance: `cozy/${'r'.repeat(53)}` } } }, { platform: { oidc: { grafanaAdminInstance: `cozy/${'r'.repeat(54)}` } } }],
    ['a secret key', { serviceAccountToken: { sink: { kubernetesSecret: { key: '.token' } } } }, { serviceAccountToken: { sink: { kubernetesSecret: { key: '..token' } } } }],
    ['a Grafana URL', { serviceAccountToken: { grafanaUrl: 'http://grafana:3000/x' } }, { serviceAccountToken: { grafanaUrl: 'grafana:3000' } }],
    ['a groups scope', { platform: { oidc: { groupsClientScope: 'groups' } } }, { platform: { oidc: { groupsClientScope: 'my groups' } } }],
  ])('GIVEN %s WHEN validating THEN Helm\'s RE2 pattern (JSON schema) and zod agree on good and bad', (_name, good, bad) => {
    const validate = validator();
    expect([validate(good), instanceValuesSchema.safeParse(good).success]).toEqual([true, true]);
    expect([validate(bad), instanceValuesSchema.safeParse(bad).success]).toEqual([false, false]);
  });

  test.each<[string, unknown]>([
    ['unknown top-level key', { hostname: 'a.example.org' }],
    ['unknown nested key', { oidc: { clientSecret: { name: 'x' } } }],
    ['string for a boolean', { grafana: { ingress: { enabled: 'true' } } }],
    ['number for a string', { host: 42 }],
    ['list in custom config', { oidc: { customConfig: { config: { scopes: ['openid'] } } } }],
    ['object in custom config', { oidc: { customConfig: { config: { nested: { a: 'b' } } } } }],
    ['null in custom config', { oidc: { customConfig: { config: { a: null } } } }],
    ['number as annotation', { grafana: { ingress: { annotations: { a: 1 } } } }],
    ['unknown resource key', { grafana: { resources: { requests: { gpu: '1' } } } }],
  ])('GIVEN %s WHEN validating THEN JSON schema and zod both refuse it', (_name, input) => {
    expect(validator()(input)).toBe(false);
    expect(instanceValuesSchema.safeParse(input).success).toBe(false);
  });
});

/** Leaf paths of a values object (maps such as `config` and `annotations` are leaves). */
function leaves(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, v]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const isMap = typeof v === 'object' && v !== null && Object.keys(v).length > 0;
    return isMap ? leaves(v as Record<string, unknown>, path) : [[path, v] as [string, unknown]];
  });
}

describe('docs/helm.md values reference', () => {
  test('GIVEN the reference table WHEN compared with the TypeScript defaults THEN it lists every key with its default', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'helm.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([\w.]+)` \| `([^`]*)` \|/gm)].map((m) => [m[1], parse(m[2])] as [string, unknown]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(leaves(defaultInstanceValues() as Record<string, unknown>)));
  });
});

describe('generated chart docs (one source: the .describe() texts of src/config/schema.ts)', () => {
  test.each(generator.generatedFiles().map(([file, content]) => [file.slice(join(__dirname, '..', '..').length + 1), file, content]))(
    'GIVEN the compiled schema WHEN generating THEN the committed %s is current (run `npm run generate`)',
    (_name, file, content) => {
      expect(readFileSync(file, 'utf8')).toBe(content);
    },
  );

  test('GIVEN a new section in the schema WHEN generating values.yaml THEN it is documented key by key with no hand work', () => {
    const extended = instanceValuesSchema.extend({
      backupLike: z.object({ enabled: z.boolean().default(false).describe('Turn it on.') }).strict().prefault({}).describe('A section added later.'),
    });
    const text = generator.renderValuesYaml(extended, extended.parse({}));
    expect(text).toContain('# A section added later.\nbackupLike:\n  # -- Turn it on.\n  enabled: false\n');
    expect(parse(text)).toEqual(extended.parse({}));
  });

  test('GIVEN a description with the schema WHEN reading values.schema.json, values.yaml and docs/helm.md THEN all three carry it', () => {
    const description = (instanceValuesSchema.shape.oidc.unwrap().shape.mode as { description?: string }).description!;
    expect(schema.properties.oidc.properties.mode.description).toBe(description);
    const flat = (text: string) => text.replace(/\n\s*#\s*/g, ' ');
    expect(flat(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'))).toContain(description);
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'helm.md'), 'utf8')).toContain(`| \`oidc.mode\` | \`None\` | ${description} |`);
  });
});

describe('values.yaml', () => {
  test('GIVEN the chart values.yaml WHEN parsed THEN it equals the TypeScript defaults', () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
    expect(values).toEqual(defaultInstanceValues());
  });

  test('GIVEN the chart values.yaml WHEN read THEN every key is documented by a comment above it', () => {
    const lines = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8').split('\n');
    const undocumented = lines
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => /^\s*[A-Za-z][\w.-]*:/.test(line))
      .filter(({ line, i }) => {
        // A key is documented when a comment sits directly above it, or it opens a block
        // whose own comment is above (objects like `oidc:` just group documented keys).
        const opensBlock = /:\s*$/.test(line);
        return !opensBlock && !/^\s*#/.test(lines[i - 1] ?? '');
      })
      .map(({ line }) => line.trim());
    expect(undocumented).toEqual([]);
  });
});

/** Values as Helm coalesces them: keys set to null are gone. */
function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}
