import { mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet } from '../config/fleet';
import { InputError } from '../config/parse';
import { isGenerated } from './layout';
import { RenderOptions } from './parallel-render';
import { FileTree, renderFleet } from './render-fleet';

export interface SynthResult {
  /** Files created or whose bytes changed. */
  readonly written: string[];
  /** Files already holding the right bytes (left alone, mtime kept). */
  readonly unchanged: string[];
  /** Generated files of tenants no longer in the fleet. */
  readonly removed: string[];
}

/** Renders the fleet and brings `outDir` in line with it. */
export async function synthFleet(fleet: Fleet, outDir: string, options: RenderOptions = {}): Promise<SynthResult> {
  return writeTree(await renderFleet(fleet, options), outDir);
}

/**
 * Writes a rendered tree into `outDir`: a file is written only when its bytes differ (so a
 * no-op re-synth keeps mtimes and GitOps tools see nothing), generated files missing from the
 * tree are removed, and files without the generated header are never overwritten or removed.
 * Refuses before writing anything if the tree would overwrite a file it did not write.
 */
export function writeTree(tree: FileTree, outDir: string): SynthResult {
  const existing = new Map<string, Buffer>();
  const foreign: string[] = [];
  for (const path of tree.keys()) {
    const current = readIfExists(join(outDir, path));
    if (current === undefined) continue;
    if (!isGenerated(current)) foreign.push(join(outDir, path));
    existing.set(path, current);
  }
  if (foreign.length > 0) {
    throw new InputError(foreign.map((f) => `${f}: exists and was not written by grafana-tenancy (no generated header); move it away or rename the tenant`));
  }

  const result: SynthResult = { written: [], unchanged: [], removed: [] };
  const madeDirs = new Set<string>();
  for (const [path, text] of tree) {
    const current = existing.get(path);
    // Same length first: most changed files differ in size, and a new file needs no compare.
    if (current !== undefined && current.length === Buffer.byteLength(text) && current.equals(Buffer.from(text, 'utf8'))) {
      result.unchanged.push(path);
      continue;
    }
    const dir = path.slice(0, path.lastIndexOf('/'));
    if (!madeDirs.has(dir)) {
      mkdirSync(join(outDir, dir), { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(join(outDir, path), text);
    result.written.push(path);
  }
  result.removed.push(...removeStale(tree, outDir));
  return result;
}

/**
 * Removes generated files in `<outDir>/<folder>/` that the tree no longer holds, then each
 * folder left empty. Only one level deep: that is all synth ever writes.
 */
function removeStale(tree: FileTree, outDir: string): string[] {
  const removed: string[] = [];
  for (const folder of listDirs(outDir)) {
    const dir = join(outDir, folder);
    const entries = readdirSync(dir, { withFileTypes: true });
    let left = entries.length;
    for (const entry of entries) {
      const path = `${folder}/${entry.name}`;
      if (!entry.isFile() || !entry.name.endsWith('.yaml') || tree.has(path)) continue;
      if (!isGenerated(readFileSync(join(dir, entry.name)))) continue;
      unlinkSync(join(dir, entry.name));
      removed.push(path);
      left--;
    }
    // Only folders that held nothing but our files: anything else there stays, folder included.
    if (left === 0 && entries.length > 0) rmdirSync(dir);
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

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}
