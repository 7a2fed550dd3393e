import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRDS_DIR, Manifest } from '../support/schemas';

/*
 * Fields the API server would silently PRUNE from a custom resource: structural schemas drop
 * every field the CRD does not declare (unless x-kubernetes-preserve-unknown-fields), and ajv's
 * schema check does not see that (the CRDs carry no additionalProperties: false).
 */

let schemas: Map<string, any> | undefined;

function crdSchemas(): Map<string, any> {
  if (schemas) return schemas;
  schemas = new Map();
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []);
  for (const file of walk(CRDS_DIR)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return schemas;
}

/** Paths of `manifest` that its CRD does not declare. */
export function prunedFields(manifest: Manifest): string[] {
  const schema = crdSchemas().get(`${manifest.apiVersion}/${manifest.kind}`);
  if (!schema) throw new Error(`no CRD defines ${manifest.apiVersion}/${manifest.kind}`);
  const out: string[] = [];
  const visit = (value: any, s: any, path: string) => {
    if (s === undefined || s['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, s.items, `${path}[${i}]`));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      // metadata is the ObjectMeta the API server knows, not part of the CRD's schema.
      if (path === '' && (key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
      const childSchema = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (childSchema === undefined) out.push(`${path}.${key}`);
      else visit(child, childSchema, `${path}.${key}`);
    }
  };
  visit(manifest, schema, '');
  return out;
}
