import { parentPort } from 'node:worker_threads';
import { renderTenantFile, TenantJob } from './tenant-file';

/** A batch of tenants posted by {@link renderInWorkers}. */
export interface RenderBatch {
  readonly id: number;
  readonly apiVersions: readonly string[];
  readonly jobs: readonly TenantJob[];
}

export type RenderBatchResult =
  | { readonly id: number; readonly texts: string[] }
  | { readonly id: number; readonly error: { name: string; message: string; key?: string } };

parentPort?.on('message', (batch: RenderBatch) => {
  try {
    const texts = batch.jobs.map((job) => renderTenantFile(job, batch.apiVersions));
    parentPort!.postMessage({ id: batch.id, texts } satisfies RenderBatchResult);
  } catch (e) {
    const err = e as Error & { key?: string };
    parentPort!.postMessage({ id: batch.id, error: { name: err.name, message: err.message, key: err.key } } satisfies RenderBatchResult);
  }
});
