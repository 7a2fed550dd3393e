import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The stats synth took of the files it wrote or checked (file-stat.ts), kept for the next
 * re-synth (fleet-stamp.ts) in `<out>/.grafana-tenancy-cache/stats`. They belong to this
 * machine's copy of the tree (inodes, change times), so they live apart from the record, which
 * is the same bytes in every clone, in a folder that tells git to ignore it (as pytest's and
 * ruff's caches do). A cache that is missing, cut short or unreadable only means every file is
 * read and hashed, as without it; writing it never fails a synth.
 */

export const CACHE_DIR = '.grafana-tenancy-cache';
const STATS_FILE = 'stats';
const HEADER = '# grafana-tenancy: file stats of this tree on this machine (a cache: safe to delete).\n';
const GITIGNORE = '# Created by grafana-tenancy: a cache of this machine, never for git.\n*\n';
const LINE = /^(\S+) (\d+:\d+:\d+:\d+)$/;

export interface StatCache {
  /** Stat keys by file path (`<namespace>/<file>`), and of namespace folders (`<namespace>/`). */
  readonly stats: ReadonlyMap<string, string>;
  /** When the cache was written (ns): a file changed since cannot share a recorded stat. */
  readonly writtenNs: bigint;
}

/** The cache of `outDir`, when there is a whole one. */
export function readStatCache(outDir: string): StatCache | undefined {
  const file = join(outDir, CACHE_DIR, STATS_FILE);
  try {
    const writtenNs = lstatSync(file, { bigint: true }).mtimeNs;
    const text = readFileSync(file, 'utf8');
    if (!text.startsWith(HEADER) || !text.endsWith('\n# end\n')) return undefined;
    const stats = new Map<string, string>();
    for (const line of text.slice(HEADER.length, -'# end\n'.length).split('\n')) {
      if (line === '') continue;
      const match = LINE.exec(line);
      if (match === null) return undefined;
      stats.set(match[1], match[2]);
    }
    return { stats, writtenNs };
  } catch {
    return undefined;
  }
}

/** Writes the cache of `outDir` (and its `.gitignore`); a failure leaves no cache, never an error. */
export function writeStatCache(outDir: string, stats: ReadonlyMap<string, string>): void {
  const dir = join(outDir, CACHE_DIR);
  try {
    mkdirSync(dir, { recursive: true });
    const ignore = join(dir, '.gitignore');
    let current: string | undefined;
    try {
      current = readFileSync(ignore, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== GITIGNORE) writeFileSync(ignore, GITIGNORE);
    const lines = [...stats].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, stat]) => `${path} ${stat}\n`);
    writeFileSync(join(dir, STATS_FILE), `${HEADER}${lines.join('')}# end\n`);
  } catch {
    // Only a cache: the next re-synth reads the files instead.
  }
}
