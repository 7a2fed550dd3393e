import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { prestartWorkers, runInWorkers } from '../fleet/parallel-render';
import { comparedFiles, compareTrees, DiffReport, TreeComparison, TreeSource } from './compare';
import { CompareBatch, CompareBatchResult, inBatchOrder } from './compare-batch';

/** Files per compare batch: small enough to share the files out evenly, large enough to amortise a message. */
const FILES_PER_BATCH = 100;
/**
 * Files per worker thread below which two folders are compared in-process: a worker loads the
 * code and warms up on its own (a few tenths of a second of CPU), which pays off only when there
 * are thousands of files to read and compare.
 */
const MIN_FILES_PER_WORKER = 2000;
/**
 * A compare worker's young generation: it reads every file as a string (about 25 KB a tenant)
 * and parses the documents that differ, and with the render workers' 16 MB a fifth of its time
 * went to collecting garbage. 64 MB made a diff of two 10,000-tenant trees, all changed, about
 * a tenth faster (paired runs), for about 100 MB more peak memory (about 300 MB in all).
 */
const COMPARE_YOUNG_GENERATION_MB = 64;

/**
 * {@link compareTrees} of two sides, on worker threads when both are folders with enough files
 * (`parallelism` workers at most; 1 compares in-process): each worker reads and compares its
 * share of the files, and the results are added in path order, so the report is the same.
 * Workers from {@link prestartCompareWorkers} are used first.
 */
export async function compareSources(
  oldTree: TreeSource,
  newTree: TreeSource,
  labels: { old: string; new: string },
  alreadyUnchanged: number,
  parallelism = availableParallelism(),
  prestarted: readonly Worker[] = [],
): Promise<DiffReport> {
  const files = comparedFiles(oldTree, newTree);
  const workers = workersFor(files.length, parallelism);
  if (oldTree.dir === undefined || newTree.dir === undefined || workers < 2) return compareTrees(oldTree, newTree, labels, alreadyUnchanged);

  const compare = { oldDir: oldTree.dir, newDir: newTree.dir };
  const batches: CompareBatch[] = [];
  for (let start = 0; start < files.length; start += FILES_PER_BATCH) {
    batches.push({ id: batches.length, compare, files: files.slice(start, start + FILES_PER_BATCH) });
  }
  const comparison = new TreeComparison(alreadyUnchanged);
  await runInWorkers<CompareBatch, CompareBatchResult>(batches, workers, { handle: inBatchOrder(comparison), youngGenerationMb: COMPARE_YOUNG_GENERATION_MB, prestarted });
  return comparison.report(labels);
}

function workersFor(files: number, parallelism: number): number {
  return Math.min(parallelism, Math.floor(files / MIN_FILES_PER_WORKER));
}

/**
 * The compare workers a diff of two folders will likely use, started before the folders are
 * listed (20,000 files took a fifth of such a diff): each loads the code meanwhile, on the core
 * the listing leaves free. Estimated from the entries at the top of the new folder (a synth tree
 * has a file to compare per namespace folder); none unless both sides are folders. The caller
 * terminates them when done, used or not.
 */
export function prestartCompareWorkers(oldPath: string, newPath: string, parallelism = availableParallelism()): Worker[] {
  try {
    if (!statSync(oldPath).isDirectory() || !statSync(newPath).isDirectory()) return [];
    const count = workersFor(readdirSync(newPath).length, parallelism);
    return prestartWorkers(count < 2 ? 0 : count, COMPARE_YOUNG_GENERATION_MB);
  } catch {
    return [];
  }
}
