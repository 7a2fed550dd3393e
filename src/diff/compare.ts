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
  const collect = (tree: FileTree, into: Map<string, LocatedObject>, other: FileTree) => {
    for (const [path, text] of tree) {
      if (path.endsWith(`/${KUSTOMIZATION_FILE}`) || path === KUSTOMIZATION_FILE) continue;
      // Byte-identical files on both sides hold identical objects: skip parsing them, which
      // is most of the work when a change touches a few tenants of thousands.
      if (other.get(path) === text) {
        if (into === oldObjects) unchanged += countDocuments(text);
        continue;
      }
      for (const object of parseObjects(text, path)) into.set(object.key, object);
    }
  };
  collect(oldTree, oldObjects, newTree);
  collect(newTree, newObjects, oldTree);

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

/** Documents in a YAML stream, counted by separator lines (enough for the unchanged total). */
function countDocuments(text: string): number {
  const separators = text.match(/^---\s*$/gm)?.length ?? 0;
  return /\S/.test(text.replace(/^#.*$/gm, '')) ? separators + 1 : 0;
}
