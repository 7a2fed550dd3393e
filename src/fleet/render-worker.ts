import { parentPort } from 'node:worker_threads';
import { InstanceValues } from '../config/schema';
import { markValidated } from '../config/parse';
import { adoptRendererFingerprint } from './digest';
import { renderTenantFile, TenantJob } from './tenant-file';

/** A batch of tenants posted by {@link renderInWorkers}. */
export interface RenderBatch {
  readonly id: number;
  /** The posting thread's renderer fingerprint (digest.ts), for the inputs digests. */
  readonly fingerprint: string;
  readonly apiVersions: readonly string[];
  readonly jobs: readonly TenantJob[];
}

export type RenderBatchResult =
  | { readonly id: number; readonly texts: string[] }
  | { readonly id: number; readonly error: { name: string; message: string; key?: string } };

parentPort?.on('message', (batch: RenderBatch) => {
  try {
    adoptRendererFingerprint(batch.fingerprint);
    const texts = batch.jobs.map((job) => {
      // Checked by the thread that loaded the fleet; posting copied the values and lost the mark.
      if (job.validated) markValidated(job.values as InstanceValues, { ...job, apiVersions: batch.apiVersions });
      return renderTenantFile(job, batch.apiVersions);
    });
    parentPort!.postMessage({ id: batch.id, texts } satisfies RenderBatchResult);
  } catch (e) {
    const err = e as Error & { key?: string };
    parentPort!.postMessage({ id: batch.id, error: { name: err.name, message: err.message, key: err.key } } satisfies RenderBatchResult);
  }
});
