import { closeSync, openSync, readSync } from 'node:fs';
import { sep } from 'node:path';

/*
 * Reading thousands of whole files with readFileSync makes a Buffer of each: hundreds of
 * megabytes of garbage for a 10,000-tenant tree, which the process holds until a collection
 * gets to it. Files read only to be checked need no buffer of their own.
 */

/** Whole files into one reused buffer; each result is valid until the next read. */
export class FileReader {
  private buffer = Buffer.allocUnsafe(1 << 20);

  /** The folder with its separator: paths are joined by hand (path.join normalises each one). */
  private readonly root: string;

  constructor(dir: string) {
    this.root = withSeparator(dir);
  }

  /** The file at `path` (`/`-separated, below the folder, from a listing or a tenant's names). */
  read(path: string): Buffer {
    const fd = openSync(this.root + path, 'r');
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
          this.buffer.copy(bigger);
          this.buffer = bigger;
        }
        const read = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (read === 0) return this.buffer.subarray(0, length);
        length += read;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** `dir` ending in the path separator, for paths joined by hand (path.join normalises each one). */
export function withSeparator(dir: string): string {
  return dir.endsWith(sep) ? dir : `${dir}${sep}`;
}
