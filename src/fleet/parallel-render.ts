import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MessageKey, RenderError } from '../config/messages';
import type { RenderBatch, RenderBatchResult } from './render-worker';
import { renderTenantFile, TenantJob } from './tenant-file';

/** Tenants per message: large enough to amortise posting, small enough to balance the workers. */
const BATCH_SIZE = 100;
/** Below this many tenants, starting workers (each loads cdk8s) costs more than it saves. */
const MIN_TENANTS_PER_WORKER = 300;
const WORKER_YOUNG_GENERATION_MB = 16;

export interface RenderOptions {
  /** Worker threads to use; default: one per core, fewer for small fleets. 1 renders in-process. */
  readonly parallelism?: number;
  /** Called after each rendered batch with the number of tenants done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Renders every tenant's file, in the order of `jobs`. cdk8s synthesis is CPU-bound and
 * single-threaded, so large fleets are spread over worker threads; the bytes are the same
 * either way because each tenant renders in its own App.
 */
export async function renderTenantFiles(jobs: readonly TenantJob[], apiVersions: readonly string[], options: RenderOptions = {}): Promise<string[]> {
  const workers = Math.min(options.parallelism ?? availableParallelism(), Math.floor(jobs.length / MIN_TENANTS_PER_WORKER));
  if (workers <= 1) {
    const texts: string[] = [];
    for (const job of jobs) {
      texts.push(renderTenantFile(job, apiVersions));
      if (texts.length % BATCH_SIZE === 0 || texts.length === jobs.length) options.onProgress?.(texts.length, jobs.length);
    }
    return texts;
  }
  return renderInWorkers(jobs, apiVersions, workers, options.onProgress);
}

async function renderInWorkers(
  jobs: readonly TenantJob[],
  apiVersions: readonly string[],
  workerCount: number,
  onProgress?: (done: number, total: number) => void,
): Promise<string[]> {
  const batches: RenderBatch[] = [];
  for (let start = 0, id = 0; start < jobs.length; start += BATCH_SIZE, id++) {
    batches.push({ id, apiVersions, jobs: jobs.slice(start, start + BATCH_SIZE) });
  }
  const results: string[][] = new Array(batches.length);
  let next = 0;
  let done = 0;
  // A smaller young generation than V8's default keeps each worker's RSS down (~20 MB each) at
  // no measurable cost: a batch's garbage is short-lived.
  const workers = Array.from({ length: workerCount }, () => new Worker(workerScript(), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolvePromise, reject) => {
            const post = () => {
              if (next >= batches.length) return resolvePromise();
              worker.postMessage(batches[next++]);
            };
            worker.on('message', (result: RenderBatchResult) => {
              if ('error' in result) return reject(rebuildError(result.error));
              results[result.id] = result.texts;
              done += result.texts.length;
              onProgress?.(done, jobs.length);
              post();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`render worker exited with code ${code}`));
            });
            post();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.flat();
}

/** The compiled worker; under ts-jest (running src/*.ts) the one tsc built into lib/. */
function workerScript(): string {
  const here = join(__dirname, 'render-worker.js');
  if (existsSync(here)) return here;
  const compiled = resolve(__dirname, '../../lib/src/fleet/render-worker.js');
  if (existsSync(compiled)) return compiled;
  throw new Error(`render worker not found at ${here} or ${compiled}; run 'npm run build'`);
}

function rebuildError(error: { name: string; message: string; key?: string }): Error {
  if (error.name === 'RenderError' && error.key) return new RenderError(error.key as MessageKey, error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}
