import { closeSync, openSync, readdirSync, readSync, rmdirSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Fleet } from '../config/fleet';
import { InputError } from '../config/parse';
import { GENERATED_HEADER, isGenerated } from './layout';
import { forEachRenderedTenant, RenderOptions } from './parallel-render';
import { isUpToDate } from './digest';
import { FleetLayout, fleetLayout } from './render-fleet';

export interface SynthResult {
  /** Files created or whose bytes changed. */
  readonly written: string[];
  /** Files already holding the right bytes (left alone, mtime kept). */
  readonly unchanged: string[];
  /** Generated files of tenants no longer in the fleet. */
  readonly removed: string[];
}

/**
 * Renders the fleet into `outDir` and brings it in line with the fleet:
 * - a file is written only when its bytes differ, so a no-op re-synth keeps every mtime and
 *   GitOps tools see nothing;
 * - generated files the fleet no longer has are removed, then folders left empty;
 * - files without the generated header are never overwritten or removed: if the fleet would
 *   overwrite one, nothing at all is written.
 * Each tenant's file is written as soon as it is rendered, so memory stays flat however large
 * the fleet.
 */
export async function synthFleet(fleet: Fleet, outDir: string, options: RenderOptions = {}): Promise<SynthResult> {
  const layout = fleetLayout(fleet);
  const expected = new Set([...layout.tenantPaths, ...layout.kustomizations.keys()]);
  const before = snapshot(outDir);
  const { upToDate, foreign } = await readTenantFiles(layout, outDir, before);
  refuseForeignFiles(layout.kustomizations.keys(), outDir, before, foreign);

  // Tenants whose file holds their inputs digest and its own content digest are not rendered:
  // their file is what a render would write (digest.ts).
  const writer = new ChangedFileWriter(outDir, before);
  const stale = layout.jobs.flatMap((job, index) => (upToDate.has(index) ? [] : [{ job, index }]));
  for (const index of upToDate) writer.unchanged.push(layout.tenantPaths[index]);
  options.onProgress?.(upToDate.size, layout.jobs.length);
  const progress = options.onProgress && ((done: number) => options.onProgress!(upToDate.size + done, layout.jobs.length));
  await forEachRenderedTenant(stale.map((s) => s.job), fleet.apiVersions, { ...options, onProgress: progress }, (i, text) => writer.write(layout.tenantPaths[stale[i].index], text));
  await Promise.all([...layout.kustomizations].map(([path, text]) => writer.write(path, text)));

  return {
    written: writer.written.sort(),
    unchanged: writer.unchanged.sort(),
    removed: removeStale(expected, outDir, before),
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

function snapshot(outDir: string): TreeSnapshot {
  const folders = new Map<string, string[]>();
  const others = new Map<string, number>();
  const files = new Set<string>();
  const notFiles = new Set<string>();
  for (const folder of listDirs(outDir)) {
    const names: string[] = [];
    let other = 0;
    for (const entry of readdirSync(join(outDir, folder), { withFileTypes: true })) {
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
 * Reads each existing tenant file once, a bounded number at a time: the tenants (indexes into
 * the layout's jobs) whose file is up to date, and the tenant paths holding something synth did
 * not write (a file without the generated header, or not a file), in fleet order.
 */
async function readTenantFiles(layout: FleetLayout, outDir: string, before: TreeSnapshot): Promise<{ upToDate: Set<number>; foreign: string[] }> {
  const upToDate = new Set<number>();
  const foreignIndexes: number[] = [];
  const existing = layout.tenantPaths.flatMap((path, index) => {
    if (before.notFiles.has(path)) foreignIndexes.push(index);
    return before.files.has(path) ? [index] : [];
  });
  let next = 0;
  const reader = async () => {
    while (next < existing.length) {
      const index = existing[next++];
      const content = await readIfExists(join(outDir, layout.tenantPaths[index]));
      if (content === undefined) continue;
      if (!isGenerated(content)) foreignIndexes.push(index);
      else if (isUpToDate(content, layout.jobs[index].inputs!)) upToDate.add(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, existing.length) }, reader));
  const foreign = foreignIndexes.sort((a, b) => a - b).map((index) => join(outDir, layout.tenantPaths[index]));
  return { upToDate, foreign };
}

/** Files read at once: enough to keep the thread pool busy, few enough to keep memory flat. */
const READ_CONCURRENCY = 16;

/**
 * Throws, naming every file, if a path synth is about to write holds a file it did not write:
 * `foreign` already found, then any of `paths`.
 */
function refuseForeignFiles(paths: Iterable<string>, outDir: string, before: TreeSnapshot, found: readonly string[]): void {
  const foreign = [...found];
  for (const path of paths) {
    if (before.notFiles.has(path)) {
      foreign.push(join(outDir, path));
      continue;
    }
    if (!before.files.has(path)) continue;
    const head = readHead(join(outDir, path), GENERATED_HEADER.length);
    if (head !== undefined && !isGenerated(head)) foreign.push(join(outDir, path));
  }
  if (foreign.length > 0) {
    throw new InputError(foreign.map((f) => `${f}: exists and was not written by grafana-tenancy (no generated header); move it away or rename the tenant`));
  }
}

/**
 * Writes files whose bytes differ from what is on disk, and records what it did. Asynchronous
 * on purpose: creating files is kernel time (0.3 ms each on some filesystems), and libuv's
 * thread pool runs a batch's writes side by side while the workers render the next batch.
 */
class ChangedFileWriter {
  readonly written: string[] = [];
  readonly unchanged: string[] = [];
  private readonly dirs = new Map<string, Promise<unknown>>();

  constructor(private readonly outDir: string, private readonly before: TreeSnapshot) {
    for (const folder of before.folders.keys()) this.dirs.set(folder, Promise.resolve());
  }

  async write(path: string, text: string): Promise<void> {
    const file = join(this.outDir, path);
    const current = this.before.files.has(path) ? await readIfExists(file) : undefined;
    // Same length first: most changed files differ in size, and a new file needs no compare.
    if (current !== undefined && current.length === Buffer.byteLength(text) && current.equals(Buffer.from(text, 'utf8'))) {
      this.unchanged.push(path);
      return;
    }
    await this.ensureDir(path.slice(0, path.lastIndexOf('/')));
    await writeFile(file, text);
    this.written.push(path);
  }

  /** One mkdir per folder, shared by the writes waiting for it. */
  private ensureDir(dir: string): Promise<unknown> {
    let made = this.dirs.get(dir);
    if (made === undefined) {
      made = mkdir(join(this.outDir, dir), { recursive: true });
      this.dirs.set(dir, made);
    }
    return made;
  }
}

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

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
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
