import { parentPort } from 'node:worker_threads';
import { RenderBatch, runBatch } from './render-batch';

/** What a render worker posts back for a {@link RenderBatch}. */
export type RenderBatchResult = ReturnType<typeof runBatch> | { readonly id: number; readonly error: { name: string; message: string; key?: string; code?: string } };

parentPort?.on('message', (batch: RenderBatch) => {
  try {
    parentPort!.postMessage(runBatch(batch) satisfies RenderBatchResult);
  } catch (e) {
    const err = e as Error & { key?: string; code?: string };
    parentPort!.postMessage({ id: batch.id, error: { name: err.name, message: err.message, key: err.key, code: err.code } } satisfies RenderBatchResult);
  }
});
