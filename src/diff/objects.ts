import { loadAll } from 'js-yaml';
import { InputError } from '../config/parse';
import { readEmittedDocument } from '../config/plain-entry';
import { Manifest } from '../render/render';
import { toSortedYaml, toYaml } from '../render/yaml-emit';
import { redactSecret } from './redact';
import { sortInPlace } from '../render/sorted-keys';

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
  return locateObjects(documents, tenant);
}

/**
 * The Kubernetes objects among parsed documents (or a renderer's manifests) of the file of
 * `tenant`; documents without kind or name are skipped.
 */
export function locateObjects(documents: readonly unknown[], tenant: string): LocatedObject[] {
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

/**
 * Objects in a canonical form: keys sorted at every level, so key order never shows as a change.
 * A value already in that form (a renderer's objects are) is returned as it is, not copied.
 */
export function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const form = canonical(item);
      if (copy === undefined && form !== item) copy = value.slice(0, i);
      copy?.push(form);
    });
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  // `<` on strings is the order sort() puts them in (UTF-16 code units).
  const inOrder = keys.every((key, i) => key !== '__proto__' && (i === 0 || keys[i - 1] < key));
  let copy: Record<string, unknown> | undefined;
  const sorted = inOrder ? keys : sortInPlace(keys);
  sorted.forEach((key, i) => {
    const form = canonical(object[key]);
    if (copy === undefined && (!inOrder || form !== object[key])) copy = copyOf(object, sorted.slice(0, i));
    if (copy !== undefined) setKey(copy, key, form);
  });
  return copy ?? object;
}

/** A new object holding `keys` of `object`, in that order. */
function copyOf(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) setKey(out, key, object[key]);
  return out;
}

/** `object[key] = value`, a `__proto__` key (JSON can hold one) defined as a key, as Object.fromEntries does. */
function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * The lines a reviewer sees: canonical YAML (keys sorted, no folding) with Secret values
 * redacted, written by the renderer's own YAML writer, so scalars look as they do in the files.
 */
export function reviewLines(body: Manifest): string[] {
  const shown = redactSecret(body);
  const text = toSortedYaml(shown) ?? toYaml(canonical(shown));
  return text.replace(/\n$/, '').split('\n');
}

/**
 * Whether two objects are the same, ignoring key order: whether their canonical forms have the
 * same JSON text (the same keys, values JSON writes alike), without making either form or
 * writing the text. Stops at the first difference; keys are sorted only where their orders
 * differ (a renderer's objects, and parsed ones it wrote, have theirs sorted already).
 */
export function sameObject(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const aObject = typeof a === 'object' && a !== null;
  const bObject = typeof b === 'object' && b !== null;
  // An object's JSON text ({...} or [...]) is never a scalar's.
  if (!aObject || !bObject) return !aObject && !bObject && JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameObject(item, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = Object.keys(x);
  let otherKeys = Object.keys(y);
  if (keys.length !== otherKeys.length) return false;
  if (!keys.every((key, i) => key === otherKeys[i])) {
    keys = sortInPlace(keys);
    otherKeys = sortInPlace(otherKeys);
    if (!keys.every((key, i) => key === otherKeys[i])) return false;
  }
  return keys.every((key) => sameObject(x[key], y[key]));
}
