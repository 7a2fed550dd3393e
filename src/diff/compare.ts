import { KUSTOMIZATION_FILE } from '../fleet/layout';
import { FileTree } from '../fleet/render-fleet';
import { detachedLines, unifiedHunks } from './line-diff';
import { objectJson, sameManifestSource } from '../render/object-json';
import { Manifest, RenderedObjects } from '../render/render';
import { LocatedObject, locateObjects, ObjectId, parseObjects, reviewLines, sameObject, tenantOfPath } from './objects';

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

/** A side's files, read one at a time, so a 10,000-tenant folder is never all in memory. */
export interface TreeSource {
  /** Relative `/`-separated paths. */
  readonly paths: readonly string[];
  read(path: string): string;
  /** The folder the paths are in, for a rendered folder (its files can be read by worker threads). */
  readonly dir?: string;
}

export function inMemory(tree: FileTree): TreeSource {
  return { paths: [...tree.keys()], read: (path) => tree.get(path)! };
}

/**
 * Compares two rendered trees object by object, matched by (apiVersion, kind, namespace, name)
 * wherever they sit, so moving an object between files is not a change. Works file by file:
 * objects are matched within a file first, and only those left over wait for the other files.
 */
export function compareTrees(
  oldTree: FileTree | TreeSource,
  newTree: FileTree | TreeSource,
  labels: { old: string; new: string },
  /** Objects known to be unchanged that neither tree holds (tenants not rendered). */
  alreadyUnchanged = 0,
): DiffReport {
  const before = oldTree instanceof Map ? inMemory(oldTree) : oldTree;
  const after = newTree instanceof Map ? inMemory(newTree) : newTree;
  const comparison = new TreeComparison(alreadyUnchanged);
  for (const { path, old, new: now } of comparedFiles(before, after)) {
    comparison.add(path, old ? before.read(path) : undefined, now ? after.read(path) : undefined);
  }
  return comparison.report(labels);
}

/** The files a comparison visits, in its order (by path, kustomizations left out), and which sides have each. */
export function comparedFiles(before: TreeSource, after: TreeSource): { path: string; old: boolean; new: boolean }[] {
  const oldPaths = new Set(before.paths.filter((p) => !isKustomization(p)));
  const newPaths = new Set(after.paths.filter((p) => !isKustomization(p)));
  return [...new Set([...oldPaths, ...newPaths])].sort().map((path) => ({ path, old: oldPaths.has(path), new: newPaths.has(path) }));
}

/**
 * What comparing one file's two sides gives on its own ({@link compareFile}), to be added to a
 * {@link TreeComparison} with the others in path order: so files can be compared on worker
 * threads and the report stays the one `add` gives.
 */
export interface FileComparison {
  readonly unchanged: number;
  readonly changes: readonly ObjectChange[];
  /** The file's objects not matched within it, for the matching across files. */
  readonly oldLeftovers: readonly LocatedObject[];
  readonly newLeftovers: readonly LocatedObject[];
}

/** Compares the file at `path` on each side (undefined where that side has none) on its own. */
export function compareFile(path: string, oldText: string | undefined, newText: string | undefined): FileComparison {
  const local = new TreeComparison();
  local.add(path, oldText, newText);
  return local.fileComparison();
}

/**
 * {@link compareFile} for a file given as the objects the renderer made for it (undefined where a
 * side has no such file), not as YAML text: the diff of two fleet files renders both sides and
 * need not write them only to read them back. It gives what compareFile gives for the files'
 * text, as the renderer writes objects that read back the same (test/diff/compare.test.ts).
 * Objects at the same place on both sides made of the same data (sameManifestSource) are the
 * same without making their manifests: most objects of a changed tenant.
 */
export function compareRendered(path: string, oldObjects: RenderedObjects | undefined, newObjects: RenderedObjects | undefined): FileComparison {
  const local = new TreeComparison();
  const tenant = tenantOfPath(path);
  let before = oldObjects;
  let after = newObjects;
  if (before && after && 'apiObjects' in before && 'apiObjects' in after) {
    const [olds, news] = [before.apiObjects, after.apiObjects];
    const same = olds.map((object, i) => i < news.length && sameManifestSource(object, news[i]));
    local.addUnchanged(same.filter(Boolean).length);
    before = { apiObjects: olds.filter((_, i) => !same[i]) };
    after = { apiObjects: news.filter((_, i) => !same[i]) };
  }
  local.addObjects(locateObjects(manifestsOf(before), tenant), locateObjects(manifestsOf(after), tenant));
  return local.fileComparison();
}

function manifestsOf(objects: RenderedObjects | undefined): readonly Manifest[] {
  if (objects === undefined) return [];
  return 'apiObjects' in objects ? objects.apiObjects.map(objectJson) : objects.manifests;
}

/**
 * {@link compareTrees} one file at a time, for a caller that has the files one by one (the diff
 * of two fleet files compares each tenant's files while the next tenants render). Given the same
 * files in the same order (sorted by path, kustomizations left out), it gives the same report.
 */
export class TreeComparison {
  private unchanged: number;
  private readonly changes: ObjectChange[] = [];
  private readonly oldLeftovers = new Map<string, LocatedObject>();
  private readonly newLeftovers = new Map<string, LocatedObject>();

  constructor(alreadyUnchanged = 0) {
    this.unchanged = alreadyUnchanged;
  }

  /** Objects known to be unchanged that no file added holds (tenants not rendered). */
  addUnchanged(count: number): void {
    this.unchanged += count;
  }

  /** The file at `path` on each side (undefined where that side has none). */
  add(path: string, oldText: string | undefined, newText: string | undefined): void {
    // Parsing is most of the work; byte-identical files and documents hold identical objects,
    // so only the documents that differ are parsed (a change to the fleet's defaults still
    // leaves most documents of each file untouched).
    if (oldText === newText) {
      this.unchanged += splitDocuments(oldText!).length;
      return;
    }
    const { onlyOld, onlyNew, same } = differingDocuments(oldText === undefined ? [] : splitDocuments(oldText), newText === undefined ? [] : splitDocuments(newText));
    this.unchanged += same;
    this.match(onlyOld.flatMap((d) => parseObjects(d, path)), onlyNew.flatMap((d) => parseObjects(d, path)));
  }

  /** One file's objects on each side (none where that side has no such file), as {@link add} would parse them. */
  addObjects(oldObjects: readonly LocatedObject[], newObjects: readonly LocatedObject[]): void {
    this.match(oldObjects, newObjects);
  }

  /**
   * A file compared on its own ({@link compareFile}), in path order like {@link add}. Its objects
   * left over after matching within the file are matched with the other files' here, as `add`
   * matches them: within a file, an object's key can only have matched that same file's object.
   */
  addCompared(file: FileComparison): void {
    this.unchanged += file.unchanged;
    this.changes.push(...file.changes);
    this.match(file.oldLeftovers, file.newLeftovers);
  }

  /** This comparison's state as one file's (see {@link compareFile}). */
  fileComparison(): FileComparison {
    return { unchanged: this.unchanged, changes: this.changes, oldLeftovers: [...this.oldLeftovers.values()], newLeftovers: [...this.newLeftovers.values()] };
  }

  /** The report, once every file has been added (call once: it matches what is left over). */
  report(labels: { old: string; new: string }): DiffReport {
    const { changes } = this;
    // Objects that moved to a file later in the order were matched above; what is left is gone.
    for (const object of this.oldLeftovers.values()) {
      const moved = this.newLeftovers.get(object.key);
      if (moved === undefined) changes.push(change('removed', object, reviewLines(object.body), []));
      else {
        this.newLeftovers.delete(object.key);
        if (sameObject(object.body, moved.body)) this.unchanged++;
        else changes.push(change('changed', moved, reviewLines(object.body), reviewLines(moved.body)));
      }
    }
    for (const object of this.newLeftovers.values()) changes.push(change('added', object, [], reviewLines(object.body)));
    changes.sort(byLocation);

    const total: Counts = { added: 0, removed: 0, changed: 0 };
    const byKind: Record<string, Counts> = {};
    const byTenant: Record<string, Counts> = {};
    for (const c of changes) {
      total[c.change]++;
      (byKind[c.kind] ??= { added: 0, removed: 0, changed: 0 })[c.change]++;
      (byTenant[c.tenant] ??= { added: 0, removed: 0, changed: 0 })[c.change]++;
    }
    return { old: labels.old, new: labels.new, changes, unchanged: this.unchanged, total, byKind: sortKeys(byKind), byTenant: sortKeys(byTenant) };
  }

  private match(oldObjects: Iterable<LocatedObject>, newObjects: Iterable<LocatedObject>): void {
    for (const object of oldObjects) this.oldLeftovers.set(object.key, object);
    for (const object of newObjects) {
      const previous = this.oldLeftovers.get(object.key);
      if (previous === undefined) {
        this.newLeftovers.set(object.key, object);
        continue;
      }
      this.oldLeftovers.delete(object.key);
      if (sameObject(previous.body, object.body)) this.unchanged++;
      else this.changes.push(change('changed', object, reviewLines(previous.body), reviewLines(object.body)));
    }
  }
}

export function hasChanges(report: DiffReport): boolean {
  return report.changes.length > 0;
}

function change(type: ChangeType, object: LocatedObject, before: string[], after: string[]): ObjectChange {
  const { apiVersion, kind, namespace, name, tenant } = object;
  // Whole-object hunks for added/removed objects: every line is the change.
  const diff = detachedLines(unifiedHunks(before, after, type === 'changed' ? 3 : Number.MAX_SAFE_INTEGER));
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
 * document, so splitting there never cuts a document in two. Comment-only parts are dropped, and
 * the comment lines before a document's content: a file's header (synth's digest line changes
 * with every change of the tenant's inputs) then leaves its first document the same text.
 */
export function splitDocuments(text: string): string[] {
  return text
    .split(/^---[ \t]*$/m)
    .filter((d) => /^[ \t]*[^#\s]/m.test(d))
    .map((d) => d.replace(LEADING_COMMENTS, ''));
}

/** Blank and comment-only lines at the start of a document: nothing of its content. */
const LEADING_COMMENTS = /^(?:[ \t]*(?:#[^\n]*)?\n)+/;

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
