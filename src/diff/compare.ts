import { KUSTOMIZATION_FILE } from '../fleet/layout';
import { FileTree } from '../fleet/render-fleet';
import { unifiedHunks } from './line-diff';
import { LocatedObject, ObjectId, parseObjects, reviewLines, sameObject } from './objects';

export type ChangeType = 'added' | 'removed' | 'changed';

export interface ObjectChange extends ObjectId {
  readonly change: ChangeType;
  /** `<namespace>/<release>` of the tenant file the object is in (the new side's, if any). */
  readonly tenant: string;
  /** Unified-diff lines of the canonical YAML, Secret values redacted. */
  readonly diff: readonly string[];
}

export interface Counts {
  added: number;
  removed: number;
  changed: number;
}

export interface DiffReport {
  readonly old: string;
  readonly new: string;
  readonly changes: readonly ObjectChange[];
  readonly unchanged: number;
  readonly total: Counts;
  readonly byKind: Readonly<Record<string, Counts>>;
  readonly byTenant: Readonly<Record<string, Counts>>;
}

/**
 * Compares two rendered trees object by object, matched by (apiVersion, kind, namespace, name)
 * wherever they sit, so moving an object between files is not a change.
 */
export function compareTrees(oldTree: FileTree, newTree: FileTree, labels: { old: string; new: string }): DiffReport {
  let unchanged = 0;
  const oldObjects = new Map<string, LocatedObject>();
  const newObjects = new Map<string, LocatedObject>();
  const parseInto = (into: Map<string, LocatedObject>, documents: readonly string[], path: string) => {
    for (const document of documents) for (const object of parseObjects(document, path)) into.set(object.key, object);
  };
  for (const [path, oldText] of oldTree) {
    if (isKustomization(path)) continue;
    const newText = newTree.get(path);
    // Parsing is most of the work; byte-identical files and documents hold identical objects,
    // so only the documents that differ are parsed (a change to the fleet's defaults still
    // leaves most documents of each file untouched).
    if (newText === oldText) {
      unchanged += splitDocuments(oldText).length;
      continue;
    }
    if (newText === undefined) {
      parseInto(oldObjects, splitDocuments(oldText), path);
      continue;
    }
    const { onlyOld, onlyNew, same } = differingDocuments(splitDocuments(oldText), splitDocuments(newText));
    unchanged += same;
    parseInto(oldObjects, onlyOld, path);
    parseInto(newObjects, onlyNew, path);
  }
  for (const [path, newText] of newTree) {
    if (!isKustomization(path) && !oldTree.has(path)) parseInto(newObjects, splitDocuments(newText), path);
  }

  const changes: ObjectChange[] = [];
  for (const [key, before] of oldObjects) {
    const after = newObjects.get(key);
    if (!after) changes.push(change('removed', before, reviewLines(before.body), []));
    else if (sameObject(before.body, after.body)) unchanged++;
    else changes.push(change('changed', after, reviewLines(before.body), reviewLines(after.body)));
  }
  for (const [key, after] of newObjects) {
    if (!oldObjects.has(key)) changes.push(change('added', after, [], reviewLines(after.body)));
  }
  changes.sort(byLocation);

  const total: Counts = { added: 0, removed: 0, changed: 0 };
  const byKind: Record<string, Counts> = {};
  const byTenant: Record<string, Counts> = {};
  for (const c of changes) {
    total[c.change]++;
    (byKind[c.kind] ??= { added: 0, removed: 0, changed: 0 })[c.change]++;
    (byTenant[c.tenant] ??= { added: 0, removed: 0, changed: 0 })[c.change]++;
  }
  return { old: labels.old, new: labels.new, changes, unchanged, total, byKind: sortKeys(byKind), byTenant: sortKeys(byTenant) };
}

export function hasChanges(report: DiffReport): boolean {
  return report.changes.length > 0;
}

function change(type: ChangeType, object: LocatedObject, before: string[], after: string[]): ObjectChange {
  const { apiVersion, kind, namespace, name, tenant } = object;
  // Whole-object hunks for added/removed objects: every line is the change.
  const diff = unifiedHunks(before, after, type === 'changed' ? 3 : Number.MAX_SAFE_INTEGER);
  return { change: type, apiVersion, kind, namespace, name, tenant, diff };
}

function byLocation(a: ObjectChange, b: ObjectChange): number {
  return compare(a.tenant, b.tenant) || compare(a.kind, b.kind) || compare(a.name, b.name) || compare(a.apiVersion, b.apiVersion) || compare(a.namespace, b.namespace);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}

function isKustomization(path: string): boolean {
  return path === KUSTOMIZATION_FILE || path.endsWith(`/${KUSTOMIZATION_FILE}`);
}

/**
 * The documents of a YAML stream as text. A line that is exactly `---` always starts a new
 * document, so splitting there never cuts a document in two. Comment-only parts are dropped.
 */
export function splitDocuments(text: string): string[] {
  return text.split(/^---[ \t]*$/m).filter((d) => /^[ \t]*[^#\s]/m.test(d));
}

/** Documents of two versions of a file, minus those present byte for byte on both sides. */
function differingDocuments(before: readonly string[], after: readonly string[]): { onlyOld: string[]; onlyNew: string[]; same: number } {
  const remaining = new Map<string, number>();
  for (const d of before) remaining.set(d, (remaining.get(d) ?? 0) + 1);
  const onlyNew: string[] = [];
  let same = 0;
  for (const d of after) {
    const left = remaining.get(d) ?? 0;
    if (left > 0) {
      remaining.set(d, left - 1);
      same++;
    } else onlyNew.push(d);
  }
  const onlyOld = before.filter((d) => {
    const left = remaining.get(d) ?? 0;
    if (left === 0) return false;
    remaining.set(d, left - 1);
    return true;
  });
  return { onlyOld, onlyNew, same };
}
