import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';

/*
 * What synth's record keeps of each file it wrote or checked (fleet-stamp.ts): size, inode,
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

/** A key no file has (inode 0): a file recorded with it is always read and checked. */
export const NO_STAT = '0:0:0:0';

/** The change time (ns) in a stat key. */
export function changeTimeNs(key: string): bigint {
  return BigInt(key.slice(key.lastIndexOf(':') + 1));
}
