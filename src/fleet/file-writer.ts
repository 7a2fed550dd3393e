import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { statKey } from './file-stat';

/** A file synth may write: its path under the output folder (`/`-separated) and whether a file was there when synth started. */
export interface FileTarget {
  readonly path: string;
  readonly existed: boolean;
}

/** What {@link writeIfChanged} did: whether it wrote, and the file's stat key (file-stat.ts) taken on the open file. */
export interface FileWrite {
  readonly written: boolean;
  readonly stat: string;
}

/**
 * Writes `text` to `<outDir>/<target.path>` unless the file there holds those bytes already, so
 * an unchanged file keeps its mtime and GitOps tools see nothing. Synchronous: it runs on the
 * render worker that rendered `text` (file creation is kernel time, which the workers spread
 * over the cores with the rendering), not on the thread that hands out the work.
 */
export function writeIfChanged(outDir: string, target: FileTarget, text: string): FileWrite {
  const file = join(outDir, target.path);
  const bytes = Buffer.from(text, 'utf8');
  if (target.existed) {
    const stat = statIfSame(file, bytes);
    if (stat !== undefined) return { written: false, stat };
  }
  const fd = openCreating(file);
  try {
    writeAll(fd, bytes);
    return { written: true, stat: statKey(fstatSync(fd, { bigint: true })) };
  } finally {
    closeSync(fd);
  }
}

/** Opens `file` for writing, making its folder when there is none (once per folder, not per file). */
function openCreating(file: string): number {
  try {
    return openSync(file, 'w');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(file), { recursive: true });
    return openSync(file, 'w');
  }
}

/** The stat key of `file` when it holds exactly `bytes`; undefined when it differs or is gone. */
function statIfSame(file: string, bytes: Buffer): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    // Same length first: most changed files differ in size.
    if (stat.size !== BigInt(bytes.length)) return undefined;
    const content = Buffer.allocUnsafe(bytes.length);
    let read = 0;
    while (read < content.length) {
      const n = readSync(fd, content, read, content.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    // The key of the file as read, as a write after the check must show.
    return content.equals(bytes) ? statKey(fstatSync(fd, { bigint: true })) : undefined;
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}
