import { closeSync, openSync, readdirSync, readSync, rmdirSync, unlinkSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { Fleet } from '../config/fleet';
import { InputError } from '../config/parse';
import { GENERATED_HEADER, isGenerated } from './layout';
import { FileTarget, FileWrite } from './file-writer';
import { RenderOptions, writeTenantFiles } from './parallel-render';
import { inputsDigest, isUpToDate } from './digest';
import { statKey } from './file-stat';
import { fleetLayout, FleetLayout } from './render-fleet';

export interface SynthResult {
  /** Files created or whose bytes changed. */
  readonly written: string[];
  /** Files already holding the right bytes (left alone, mtime kept). */
  readonly unchanged: string[];
  /** Generated files of tenants no longer in the fleet. */
  readonly removed: string[];
  /** The inputs digest of each tenant (digest.ts), in the order of the layout's jobs. */
  readonly inputs: readonly string[];
  /**
   * The stat key (file-stat.ts) of each tenant file and kustomization, taken on the open file
   * right after synth wrote it or read it to check it: a write by anyone else after that shows.
   */
  readonly stats: ReadonlyMap<string, string>;
}

/**
 * Renders the fleet into `outDir` and brings it in line with the fleet:
 * - a file is written only when its bytes differ, so a no-op re-synth keeps every mtime and
 *   GitOps tools see nothing;
 * - generated files the fleet no longer has are removed, then folders left empty;
 * - files without the generated header are never overwritten or removed: if the fleet would
 *   overwrite one, nothing at all is written.
 * Each tenant's file is written as soon as it is rendered, by the thread that rendered it, so
 * memory stays flat however large the fleet.
 */
export async function synthFleet(fleet: Fleet, outDir: string, options: RenderOptions = {}, layout: FleetLayout = fleetLayout(fleet)): Promise<SynthResult> {
  const expected = new Set([...layout.tenantPaths, ...layout.kustomizations.keys()]);
  const before = await snapshot(outDir);
  // Every existing file synth may write is read once, here: up to date, or in the way?
  // Each tenant's inputs digest: computed here for a file on disk, reported by the render batch
  // for the others.
  const inputs: string[] = new Array(layout.jobs.length);
  const inputsOf = (i: number) => (inputs[i] ??= layout.jobs[i].inputs ?? inputsDigest(layout.jobs[i], fleet.apiVersions));
  const stats = new Map<string, string>();
  const tenants = await readExisting(layout.tenantPaths, outDir, before, stats, (i, content) => isUpToDate(content, inputsOf(i)));
  const kustomizations = [...layout.kustomizations];
  const folders = await readExisting(kustomizations.map(([path]) => path), outDir, before, stats, (i, content) => content.equals(Buffer.from(kustomizations[i][1])));
  const foreign = [...tenants.foreign, ...folders.foreign];
  if (foreign.length > 0) {
    throw new InputError(foreign.map((f) => `${join(outDir, f)}: exists and was not written by grafana-tenancy (no generated header); move it away or rename the tenant`));
  }
  const upToDate = tenants.current;

  // Tenants whose file holds their inputs digest and its own content digest are not rendered:
  // their file is what a render would write (digest.ts).
  const written: string[] = [];
  const unchanged = [...upToDate].map((index) => layout.tenantPaths[index]);
  const stale = layout.jobs.flatMap((job, index) => (upToDate.has(index) ? [] : [{ job, index }]));
  const target = (path: string): FileTarget => ({ path, existed: before.files.has(path) });
  const files = kustomizations.flatMap(([path, text], i) => (folders.current.has(i) ? [] : [{ ...target(path), text }]));
  kustomizations.forEach(([path], i) => folders.current.has(i) && unchanged.push(path));
  const record = (path: string, write: FileWrite) => {
    stats.set(path, write.stat);
    (write.written ? written : unchanged).push(path);
  };
  options.onProgress?.(upToDate.size, layout.jobs.length);
  const progress = options.onProgress && ((done: number) => options.onProgress!(upToDate.size + done, layout.jobs.length));
  await writeTenantFiles(
    stale.map((s) => s.job),
    fleet.apiVersions,
    { dir: outDir, targets: stale.map((s) => target(layout.tenantPaths[s.index])), files },
    { ...options, onProgress: progress },
    (i, tenant) => {
      inputs[stale[i].index] = tenant.inputs;
      record(layout.tenantPaths[stale[i].index], tenant);
    },
    (i, file) => record(files[i].path, file),
  );

  return {
    written: written.sort(),
    unchanged: unchanged.sort(),
    removed: removeStale(expected, outDir, before),
    inputs,
    stats,
  };
}

/**
 * The files synth could touch, listed once up front: `<folder>/<file>` one level below
 * `outDir`. Probing 20,000 paths that do not exist yet costs seconds of kernel time on some
 * filesystems; a listing costs one readdir per folder.
 */
interface TreeSnapshot {
  /** Files by folder. */
  readonly folders: ReadonlyMap<string, readonly string[]>;
  /** Every other entry count by folder (subfolders, links): they keep a folder alive. */
  readonly others: ReadonlyMap<string, number>;
  readonly files: ReadonlySet<string>;
  /** Paths of entries that are not regular files: synth never writes through them. */
  readonly notFiles: ReadonlySet<string>;
}

async function snapshot(outDir: string): Promise<TreeSnapshot> {
  const folders = new Map<string, string[]>();
  const others = new Map<string, number>();
  const files = new Set<string>();
  const notFiles = new Set<string>();
  const dirs = listDirs(outDir);
  // Listed on the thread pool, a few at a time: 10,000 folders are seconds of kernel time that
  // would otherwise block this thread. Read into place so the order stays the folders' order.
  const listings: Dirent[][] = new Array(dirs.length);
  let next = 0;
  const lister = async () => {
    while (next < dirs.length) {
      const i = next++;
      listings[i] = await readdir(join(outDir, dirs[i]), { withFileTypes: true });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, dirs.length) }, lister));
  for (const [i, folder] of dirs.entries()) {
    const names: string[] = [];
    let other = 0;
    for (const entry of listings[i]) {
      if (entry.isFile()) {
        names.push(entry.name);
        files.add(`${folder}/${entry.name}`);
      } else {
        other++;
        notFiles.add(`${folder}/${entry.name}`);
      }
    }
    folders.set(folder, names);
    others.set(folder, other);
  }
  return { folders, others, files, notFiles };
}

/**
 * Reads each of `paths` that exists once, a bounded number at a time: the indexes whose file is
 * `current`, and the paths holding something synth did not write (a file without the generated
 * header, or not a file), in the order of `paths`. The stat of each file read goes into `stats`.
 */
async function readExisting(
  paths: readonly string[],
  outDir: string,
  before: TreeSnapshot,
  stats: Map<string, string>,
  isCurrent: (index: number, content: Buffer) => boolean,
): Promise<{ current: Set<number>; foreign: string[] }> {
  const current = new Set<number>();
  const foreign = new Set<number>();
  const existing = paths.flatMap((path, index) => {
    if (before.notFiles.has(path)) foreign.add(index);
    return before.files.has(path) ? [index] : [];
  });
  let next = 0;
  const reader = async () => {
    while (next < existing.length) {
      const index = existing[next++];
      const read = await readIfExists(join(outDir, paths[index]));
      if (read === undefined) continue;
      const { content, stat } = read;
      stats.set(paths[index], stat);
      if (!isGenerated(content)) foreign.add(index);
      else if (isCurrent(index, content)) current.add(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, existing.length) }, reader));
  return { current, foreign: paths.filter((_, index) => foreign.has(index)) };
}

/** Files read at once: enough to keep the thread pool busy, few enough to keep memory flat. */
const READ_CONCURRENCY = 16;

/**
 * Removes generated files in `<outDir>/<folder>/` that are not `expected`, then each folder
 * left empty. Only one level deep: that is all synth ever writes.
 */
function removeStale(expected: ReadonlySet<string>, outDir: string, before: TreeSnapshot): string[] {
  const removed: string[] = [];
  for (const [folder, names] of before.folders) {
    let left = names.length + (before.others.get(folder) ?? 0);
    for (const name of names) {
      const path = `${folder}/${name}`;
      if (!name.endsWith('.yaml') || expected.has(path)) continue;
      if (!isGenerated(readHead(join(outDir, path), GENERATED_HEADER.length) ?? '')) continue;
      unlinkSync(join(outDir, path));
      removed.push(path);
      left--;
    }
    // Only folders that held nothing but our files: anything else there stays, folder included.
    if (left === 0 && names.length > 0) rmdirSync(join(outDir, folder));
  }
  return removed.sort();
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** A file's bytes and its stat key, both from the one open file; undefined when there is none. */
async function readIfExists(file: string): Promise<{ content: Buffer; stat: string } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  try {
    const content = await handle.readFile();
    return { content, stat: statKey(await handle.stat({ bigint: true })) };
  } finally {
    await handle.close();
  }
}

/** The first `bytes` bytes of a file, or undefined when there is no file. */
function readHead(file: string, bytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
