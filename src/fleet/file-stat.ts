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

/** The change time (ns) in a stat key. */
export function changeTimeNs(key: string): bigint {
  return BigInt(key.slice(key.lastIndexOf(':') + 1));
}
