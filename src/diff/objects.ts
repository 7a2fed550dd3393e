import { loadAll } from 'js-yaml';
import { InputError } from '../config/parse';
import { readEmittedDocument } from '../config/plain-entry';
import { Manifest } from '../render/render';
import { toYaml } from '../render/yaml-emit';
import { redactSecret } from './redact';

/** What identifies an object in a cluster: (apiVersion, kind, namespace, name). */
export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** An object of one side, with the tenant (file) it came from. */
export interface LocatedObject extends ObjectId {
  readonly key: string;
  readonly tenant: string;
  readonly body: Manifest;
}

export function objectKey(id: ObjectId): string {
  return `${id.apiVersion}\u0000${id.kind}\u0000${id.namespace}\u0000${id.name}`;
}

/** `<namespace>/<release>` for synth's `<namespace>/<release>.yaml`; the path otherwise. */
export function tenantOfPath(path: string): string {
  return path.replace(/\.ya?ml$/, '');
}

/**
 * The Kubernetes objects of a YAML stream; documents without kind or name are skipped.
 * js-yaml here rather than `yaml`: it parses several times faster, which is what keeps a diff
 * of two 10,000-tenant trees within seconds. Both sides go through the same parser.
 */
export function parseObjects(text: string, path: string): LocatedObject[] {
  const tenant = tenantOfPath(path);
  let documents: unknown[];
  try {
    // A document as the renderer writes it is read without js-yaml (several times faster).
    const emitted = readEmittedDocument(text);
    documents = emitted === undefined ? loadAll(text) : [emitted];
  } catch (e) {
    throw new InputError([`${path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  const objects: LocatedObject[] = [];
  for (const document of documents) {
    const body = document as Manifest | null;
    if (body === null || typeof body !== 'object' || typeof body.kind !== 'string' || typeof body.metadata?.name !== 'string') continue;
    const id: ObjectId = {
      apiVersion: String(body.apiVersion ?? ''),
      kind: body.kind,
      namespace: String(body.metadata.namespace ?? ''),
      name: body.metadata.name,
    };
    objects.push({ ...id, key: objectKey(id), tenant, body });
  }
  return objects;
}

/** Objects in a canonical form: keys sorted at every level, so key order never shows as a change. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort()) {
    // A `__proto__` key (JSON can hold one) is defined as a key, as Object.fromEntries does.
    if (key === '__proto__') Object.defineProperty(out, key, { value: canonical(object[key]), enumerable: true, writable: true, configurable: true });
    else out[key] = canonical(object[key]);
  }
  return out;
}

/**
 * The lines a reviewer sees: canonical YAML (keys sorted, no folding) with Secret values
 * redacted, written by the renderer's own YAML writer, so scalars look as they do in the files.
 */
export function reviewLines(body: Manifest): string[] {
  const text = toYaml(canonicalBody(redactSecret(body)));
  return text.replace(/\n$/, '').split('\n');
}

/** Whether two objects are the same, ignoring key order. */
export function sameObject(a: Manifest, b: Manifest): boolean {
  return sameJson(canonicalBody(a), canonicalBody(b));
}

/**
 * Whether two canonical forms have the same JSON text (what this compared before: the same keys
 * in the same order, values JSON writes alike), without writing it: stops at the first difference.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  const otherKeys = Object.keys(y);
  return keys.length === otherKeys.length && keys.every((key, i) => key === otherKeys[i] && sameJson(x[key], y[key]));
}

/**
 * canonical() of a parsed object, made once: a changed object is compared (sameObject) and then
 * written for review (reviewLines), and its canonical form was a tenth of a fleet-file diff's
 * comparing. Parsed objects are never modified, so the form made first stays right.
 */
const canonicalBodies = new WeakMap<object, unknown>();

function canonicalBody(body: Manifest): unknown {
  if (body === null || typeof body !== 'object') return canonical(body);
  let form = canonicalBodies.get(body);
  if (form === undefined) {
    form = canonical(body);
    canonicalBodies.set(body, form);
  }
  return form;
}
