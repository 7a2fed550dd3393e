import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

/*
 * Schema validation for rendered objects: core kinds against the Kubernetes OpenAPI schemas
 * shipped in `kubernetes-models`, custom resources against the upstream CRDs' openAPIV3Schema.
 * The CRDs are read from CRDS_DIR (default ../shared/crds). Without them the CRD checks are
 * skipped with a visible note, unless REQUIRE_CRDS=1 (CI), where a missing folder fails.
 */

export type Manifest = Record<string, any>;

export const CRDS_DIR = resolve(process.env.CRDS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'crds'));

/** Whether the upstream CRDs can be read; throws when they are required but missing. */
export function crdsAvailable(): boolean {
  if (existsSync(CRDS_DIR)) return true;
  if (process.env.REQUIRE_CRDS === '1') {
    throw new Error(`REQUIRE_CRDS=1 but the CRD directory ${CRDS_DIR} does not exist: set CRDS_DIR to the upstream CRDs`);
  }
  // eslint-disable-next-line no-console
  console.warn(`NOTE: CRD schema checks skipped: ${CRDS_DIR} not found (set CRDS_DIR, or REQUIRE_CRDS=1 to fail instead)`);
  return false;
}

/** `describe` that runs only when the CRDs are available. */
export const describeWithCrds: jest.Describe = (crdsAvailable() ? describe : describe.skip) as jest.Describe;

/** The served versions' schemas of every CRD under CRDS_DIR, keyed `apiVersion/Kind`; read once per test file. */
let crdSchemas: Map<string, object> | undefined;
/** Validators compiled so far: each on first use, as the big CRDs (ExternalSecret) take seconds to compile. */
const crdValidators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function crdSchema(key: string): object | undefined {
  if (!crdSchemas) {
    crdSchemas = new Map();
    for (const file of listYamlFiles(CRDS_DIR)) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions) {
          if (version.served) crdSchemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
        }
      }
    }
  }
  return crdSchemas.get(key);
}

function crdValidator(key: string): ValidateFunction | undefined {
  const cached = crdValidators.get(key);
  if (cached) return cached;
  const schema = crdSchema(key);
  if (!schema) return undefined;
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true });
    // The OpenAPI formats the CRDs use (int32, int64, byte, date-time): checked, not warned about as unknown.
    addFormats(ajv);
    // Kubernetes structural-schema extensions carry no validation ajv needs to know about.
    for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type',
      'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations', 'x-kubernetes-embedded-resource']) {
      ajv.addKeyword(keyword);
    }
  }
  const validate = ajv.compile(intOrStringAware(schema));
  crdValidators.set(key, validate);
  return validate;
}

/** `x-kubernetes-int-or-string` fields have no `type`; openAPI `nullable` needs `null` allowed. */
function intOrStringAware(schema: any): any {
  if (Array.isArray(schema)) return schema.map(intOrStringAware);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) out[key] = intOrStringAware(value);
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function listYamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listYamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Schema errors of a custom resource (empty when valid); throws when no CRD defines its kind. */
export function crdErrors(manifest: Manifest): string[] {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const validate = crdValidator(key);
  if (!validate) throw new Error(`no CRD under ${CRDS_DIR} defines ${key}`);
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message}`);
}

/** Schema errors of a core Kubernetes object (empty when valid), via kubernetes-models. */
export function coreErrors(manifest: Manifest): string[] {
  const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/') : ['', manifest.apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(modulePath)[manifest.kind];
  if (!Model) throw new Error(`kubernetes-models has no ${manifest.apiVersion} ${manifest.kind}`);
  try {
    new Model(manifest).validate();
    return [];
  } catch (e) {
    return [`${manifest.kind}/${manifest.metadata?.name}: ${(e as Error).message}`];
  }
}

/** Whether an apiVersion belongs to a built-in Kubernetes API group. */
export function isCoreApi(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/** Schema errors of any rendered object: core or custom. */
export function schemaErrors(manifest: Manifest): string[] {
  return isCoreApi(manifest.apiVersion) ? coreErrors(manifest) : crdErrors(manifest);
}
