import { parentPort } from 'node:worker_threads';
import { CompareBatch, runCompareBatch } from '../diff/compare-batch';
import { RenderBatch, runBatch } from './render-batch';
import { describeError, WorkerError } from './worker-error';

/*
 * A worker thread of parallel-render.ts: renders batches of tenants (render-batch.ts), and for
 * the diff of two rendered folders compares batches of files (compare-batch.ts).
 */

export type WorkerBatch = RenderBatch | CompareBatch;

/** What a worker posts back for a batch: its result, or what went wrong. */
export type WorkerResult<R> = R | { readonly id: number; readonly error: WorkerError };

parentPort?.on('message', (batch: WorkerBatch) => {
  try {
    parentPort!.postMessage('compare' in batch ? runCompareBatch(batch) : runBatch(batch));
  } catch (e) {
    parentPort!.postMessage({ id: batch.id, error: describeError(e) });
  }
});
