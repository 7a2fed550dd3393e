import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';

/*
 * What synth keeps of each file it wrote or checked (stat-cache.ts, fleet-stamp.ts): size, inode,
 * modification and change times in ns. A file whose stat is the same later has not been written
 * since: the change time moves on every write and cannot be set from user space.
 */

/** The stat key of `st`. */
export function statKey(st: BigIntStats): string {
  return `${st.size}:${st.ino}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** The stat key of the file at `path` itself (a link is not followed). */
export function statKeyOf(path: string): string {
  return statKey(lstatSync(path, { bigint: true }));
}

/**
 * Whether the change time in a stat key is before `timeNs`, a time in ns as `String` writes a
 * bigint: both are whole numbers without leading zeros, so the shorter text is the smaller number
 * (no BigInt made per file). A key with leading zeros (never written) only reads as not before.
 */
export function changedBefore(key: string, timeNs: string): boolean {
  const changed = key.slice(key.lastIndexOf(':') + 1);
  return changed.length < timeNs.length || (changed.length === timeNs.length && changed < timeNs);
}
