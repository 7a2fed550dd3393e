import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { rendererFingerprint } from './digest';
import type { FileTarget, FileWrite } from './file-writer';
import { BatchResult, RenderBatch, runBatch, WrittenTenant } from './render-batch';
import type { WorkerBatch, WorkerResult } from './render-worker';
import { rebuildError } from './worker-error';
import { TenantJob } from './tenant-file';

/** Tenants per message: large enough to amortise posting, small enough to balance the workers. */
const BATCH_SIZE = 100;
/** Below this many tenants, starting workers (each loads cdk8s) costs more than it saves. */
const MIN_TENANTS_PER_WORKER = 300;
/**
 * Heap limits of a render worker. V8 grows a heap lazily when there is room, and cdk8s makes a
 * lot of short-lived garbage; capping the heaps keeps a 10,000-tenant synth's peak RSS near
 * 240 MB instead of 320-390, for about a twentieth of its time (more old-generation collections:
 * docs/performance.md). A batch needs a few MB of live data.
 */
const WORKER_YOUNG_GENERATION_MB = 16;
const WORKER_OLD_GENERATION_MB = 128;
/** Batches (100 tenants, up to ~2.5 MB of output) per worker being rendered or waiting for the sink. */
const MAX_HELD_BATCHES_PER_WORKER = 2;

export interface RenderOptions {
  /** Worker threads to use; default: one per core, fewer for small fleets. 1 renders in-process. */
  readonly parallelism?: number;
  /**
   * Workers from {@link prestartRenderWorkers}, used before any new one is started. The caller
   * terminates them when done (whether or not they were used).
   * @default []
   */
  readonly prestarted?: readonly Worker[];
  /** Called after each rendered batch with the number of tenants done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Whether the files handed to a sink carry their digest line: a diff compares the objects
   * and needs no digests. Files synth writes always do.
   * @default true
   */
  readonly digestLine?: boolean;
}

/**
 * Receives each tenant's file as it is rendered: `index` into the jobs, in no particular order.
 * Returned promises bound how far the workers render ahead of them (back-pressure: a slow disk
 * cannot make rendered output pile up in memory).
 */
export type RenderedTenantSink = (index: number, text: string) => void | Promise<void>;

/** Renders every tenant's file and returns them in the order of `jobs`. */
export async function renderTenantFiles(jobs: readonly TenantJob[], apiVersions: readonly string[], options: RenderOptions = {}): Promise<string[]> {
  const texts: string[] = new Array(jobs.length);
  await forEachRenderedTenant(jobs, apiVersions, options, (index, text) => {
    texts[index] = text;
  });
  return texts;
}

/**
 * Renders every tenant's file and hands each to `sink` as soon as it is ready, so a caller that
 * compares them never holds the whole fleet's output (10,000 tenants are hundreds of MB).
 * cdk8s synthesis is CPU-bound and single-threaded, so large fleets are spread over worker
 * threads; the bytes are the same either way because each tenant renders in its own App.
 */
export async function forEachRenderedTenant(
  jobs: readonly TenantJob[],
  apiVersions: readonly string[],
  options: RenderOptions,
  sink: RenderedTenantSink,
): Promise<void> {
  const batches = batchesOf(jobs, apiVersions, () => undefined).map((batch) => ({ ...batch, digestLine: options.digestLine }));
  await runBatches(batches, jobs.length, options, (result) => Promise.all(result.tenants.map((text, i) => sink(result.id * BATCH_SIZE + i, text as string))));
}

/** Where {@link writeTenantFiles} writes. */
export interface FleetOutput {
  readonly dir: string;
  /** The file of each job, in the order of the jobs. */
  readonly targets: readonly FileTarget[];
  /** Files of known text to write too (kustomizations), shared out among the batches. */
  readonly files: readonly (FileTarget & { readonly text: string })[];
}

/**
 * Renders every tenant's file and writes it where `output` says, unless the file holds those
 * bytes already (file-writer.ts), on the thread that rendered it: the files' text never crosses
 * threads, and creating 20,000 files is spread over the workers with the rendering. Reports
 * each tenant (`index` into the jobs) and each other file (`index` into `output.files`) once
 * written, in no particular order.
 */
export async function writeTenantFiles(
  jobs: readonly TenantJob[],
  apiVersions: readonly string[],
  output: FleetOutput,
  options: RenderOptions,
  onTenant: (index: number, written: WrittenTenant) => void,
  onFile: (index: number, written: FileWrite) => void,
): Promise<void> {
  // The other files go with the batches, a share each; a fleet with nothing to render gets a batch for them.
  const batchCount = Math.max(Math.ceil(jobs.length / BATCH_SIZE), output.files.length > 0 ? 1 : 0);
  const filesPerBatch = Math.ceil(output.files.length / Math.max(batchCount, 1));
  const batches = batchesOf(jobs, apiVersions, (id, start, end) => ({
    dir: output.dir,
    targets: output.targets.slice(start, end),
    files: output.files.slice(id * filesPerBatch, (id + 1) * filesPerBatch),
  }), batchCount);
  const made = new Set<string>();
  const makeFolders = (batch: RenderBatch) => {
    for (const { path } of [...batch.output!.targets, ...batch.output!.files]) {
      const folder = path.slice(0, path.lastIndexOf('/'));
      if (!made.has(folder)) mkdirSync(join(output.dir, folder), { recursive: true });
      made.add(folder);
    }
  };
  await runBatches(
    batches,
    jobs.length,
    options,
    (result) => {
      result.tenants.forEach((tenant, i) => onTenant(result.id * BATCH_SIZE + i, tenant as WrittenTenant));
      result.files.forEach((file, i) => onFile(result.id * filesPerBatch + i, file));
    },
    // Made here, by the thread that hands out the work (idle meanwhile): workers making them
    // took turns at the output folder's lock, spinning in the kernel.
    makeFolders,
  );
}

/** `jobs` cut into batches of {@link BATCH_SIZE} (at least `count` of them), each with the output `outputOf` gives. */
function batchesOf(
  jobs: readonly TenantJob[],
  apiVersions: readonly string[],
  outputOf: (id: number, start: number, end: number) => RenderBatch['output'],
  count = Math.ceil(jobs.length / BATCH_SIZE),
): RenderBatch[] {
  const fingerprint = rendererFingerprint();
  return Array.from({ length: count }, (_, id) => {
    const start = id * BATCH_SIZE;
    const end = Math.min(start + BATCH_SIZE, jobs.length);
    return { id, fingerprint, apiVersions, jobs: jobs.slice(start, end), output: outputOf(id, start, end) };
  });
}

/**
 * Runs `batches` on worker threads (one per core, or `parallelism`), or in-process for a small
 * fleet, and hands each result to `handle`; `tenants` is their total of jobs, for the progress.
 */
async function runBatches(
  batches: readonly RenderBatch[],
  tenants: number,
  options: RenderOptions,
  handle: (result: BatchResult) => unknown,
  beforePost: (batch: RenderBatch) => void = () => {},
): Promise<void> {
  const workers = workersFor(tenants, options.parallelism);
  let done = 0;
  if (workers > 1) {
    const handled = (result: BatchResult) => options.onProgress?.((done += result.tenants.length), tenants);
    return runInWorkers(batches, workers, { handle, handled, beforePost, prestarted: options.prestarted });
  }
  for (const batch of batches) {
    beforePost(batch);
    await handle(runBatch(batch));
    done += batch.jobs.length;
    options.onProgress?.(done, tenants);
  }
}

/** Worker threads for `tenants` tenants: one per core (or `parallelism`), at least 300 tenants each. */
function workersFor(tenants: number, parallelism = availableParallelism()): number {
  return Math.min(parallelism, Math.floor(tenants / MIN_TENANTS_PER_WORKER));
}

/**
 * Starts the render workers a fleet of about `expectedTenants` tenants will use, before that
 * fleet is checked: loading the renderer into each (~0.2 s) then runs on the cores the checking
 * thread leaves idle. Pass them as {@link RenderOptions.prestarted}; terminate them when done.
 */
export function prestartRenderWorkers(expectedTenants: number, parallelism?: number): Worker[] {
  const count = workersFor(expectedTenants, parallelism);
  return prestartWorkers(count > 1 ? count : 0);
}

/** `count` workers started now, for {@link WorkerRun.prestarted} (see {@link prestartRenderWorkers}). */
export function prestartWorkers(count: number, youngGenerationMb?: number): Worker[] {
  return Array.from({ length: count }, () => {
    const worker = startWorker(youngGenerationMb);
    // Not fatal here: a worker that failed to start is replaced by a new one, whose failure is reported.
    worker.on('error', () => {});
    return worker;
  });
}

function startWorker(youngGenerationMb = WORKER_YOUNG_GENERATION_MB): Worker {
  return new Worker(workerScript(), { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB } });
}

/** What {@link runInWorkers} does with each batch and its result. */
export interface WorkerRun<B, R> {
  /** Takes a batch's result; a rejection (or a throw) fails the run. */
  readonly handle: (result: R) => unknown;
  /** Called once `handle` settled. */
  readonly handled?: (result: R) => void;
  /** Called on this thread just before a batch is posted (to make what the worker will need). */
  readonly beforePost?: (batch: B) => void;
  /** Workers started ahead of time (see {@link prestartRenderWorkers}), used first. */
  readonly prestarted?: readonly Worker[];
  /**
   * The young generation of each worker this run starts.
   * @default 16 MB (see WORKER_YOUNG_GENERATION_MB)
   */
  readonly youngGenerationMb?: number;
}

/**
 * Runs `batches` (render batches, or the diff's compare batches: see render-worker.ts) on
 * `workerCount` worker threads. Rejects on the first failure, after which nothing more is handled.
 */
export async function runInWorkers<B extends WorkerBatch, R extends { readonly id: number }>(
  batches: readonly B[],
  workerCount: number,
  { handle, handled = () => {}, beforePost = () => {}, prestarted = [], youngGenerationMb }: WorkerRun<B, R>,
): Promise<void> {
  // A prestarted worker that exited (threadId -1) already would never answer.
  const ready = prestarted.filter((w) => w.threadId !== -1).slice(0, workerCount);
  const workers = [...ready, ...Array.from({ length: workerCount - ready.length }, () => startWorker(youngGenerationMb))];
  try {
    await new Promise<void>((resolvePromise, reject) => {
      let next = 0;
      let handledCount = 0;
      let failed = false;
      /**
       * Batches being rendered or rendered and not yet handled, and the workers waiting for that
       * number to drop. A worker gets its next batch as soon as it returns one, while that one is
       * handled: waiting left a core idle for a fifth of every batch. The cap keeps a slow
       * consumer from piling rendered output up in memory.
       */
      let held = 0;
      const waiting: Worker[] = [];
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      const post = (worker: Worker) => {
        if (failed || next >= batches.length) return;
        if (held >= MAX_HELD_BATCHES_PER_WORKER * workerCount) return void waiting.push(worker);
        held++;
        try {
          beforePost(batches[next]);
        } catch (e) {
          return fail(e);
        }
        worker.postMessage(batches[next++]);
      };
      for (const worker of workers) {
        worker.on('message', (result: WorkerResult<R>) => {
          // After a failure, batches still in flight are dropped: nothing more is handled.
          if (failed) return;
          if ('error' in result) return fail(rebuildError(result.error));
          post(worker);
          // A handler that throws fails the run like one that rejects.
          new Promise((settle) => settle(handle(result))).then(() => {
            if (failed) return;
            held--;
            handledCount++;
            handled(result);
            if (handledCount === batches.length) return resolvePromise();
            const ready = waiting.shift();
            if (ready) post(ready);
          }, fail);
        });
        worker.on('error', (e: Error & { code?: string }) =>
          fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`a render worker ran out of memory (${WORKER_OLD_GENERATION_MB} MB heap); run with --jobs 1 to render in-process`) : e),
        );
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`render worker exited with code ${code}`));
        });
        post(worker);
      }
      if (batches.length === 0) resolvePromise();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The compiled worker; under ts-jest (running src/*.ts) the one tsc built into lib/. */
function workerScript(): string {
  const here = join(__dirname, 'render-worker.js');
  if (existsSync(here)) return here;
  const compiled = resolve(__dirname, '../../lib/src/fleet/render-worker.js');
  if (existsSync(compiled)) return compiled;
  throw new Error(`render worker not found at ${here} or ${compiled}; run 'npm run build'`);
}
