import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, FileComparison } from './compare';

/** Files of two rendered folders to compare on a worker thread (see compareFile). */
export interface CompareBatch {
  readonly id: number;
  readonly compare: { readonly oldDir: string; readonly newDir: string };
  /** Each file's path (`/`-separated) and which sides have it. */
  readonly files: readonly { readonly path: string; readonly old: boolean; readonly new: boolean }[];
}

export interface CompareBatchResult {
  readonly id: number;
  /** Per file of the batch, in its order. */
  readonly compared: readonly FileComparison[];
}

export function runCompareBatch(batch: CompareBatch): CompareBatchResult {
  const read = (dir: string, path: string) => readFileSync(join(dir, ...path.split('/')), 'utf8');
  const { oldDir, newDir } = batch.compare;
  return {
    id: batch.id,
    compared: batch.files.map((f) => compareFile(f.path, f.old ? read(oldDir, f.path) : undefined, f.new ? read(newDir, f.path) : undefined)),
  };
}
