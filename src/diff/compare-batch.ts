import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adoptValidation } from '../fleet/render-batch';
import { TenantJob } from '../fleet/tenant-file';
import { InstanceValues } from '../config/schema';
import { INSTANCE_PARTS, InstancePart, partsReading } from '../instance-parts';
import { RenderedObjects, renderObjects } from '../render/render';
import { compareFile, compareRendered, FileComparison, TreeComparison } from './compare';
import { ObjectCounter } from './object-counter';
import { changedFields } from './same-values';

/*
 * A share of a diff's comparing, run on a worker thread or in-process: each file compared on its
 * own (compareFile, or compareRendered for the objects rendered for a tenant), the results added
 * to the report in path order by the caller. A file's two sides are read from two rendered
 * folders, or rendered from two fleets' tenants.
 */

export type CompareBatch = FolderCompareBatch | TenantCompareBatch;

/** Files of two rendered folders. */
export interface FolderCompareBatch {
  readonly id: number;
  readonly compare: { readonly oldDir: string; readonly newDir: string };
  /** Each file's path (`/`-separated) and which sides have it. */
  readonly files: readonly { readonly path: string; readonly old: boolean; readonly new: boolean }[];
}

/** Tenant files of two fleets with the same API versions, compared as the objects rendered for them. */
export interface TenantCompareBatch {
  readonly id: number;
  readonly compare: { readonly apiVersions: readonly string[] };
  /** Each tenant file's path and the tenant on each side that has it. */
  readonly tenants: readonly { readonly path: string; readonly old?: TenantJob; readonly new?: TenantJob }[];
}

export interface CompareBatchResult {
  readonly id: number;
  /** Per file of the batch, in its order. */
  readonly compared: readonly FileComparison[];
}

export function runCompareBatch(batch: CompareBatch): CompareBatchResult {
  if ('files' in batch) {
    const read = (dir: string, path: string) => readFileSync(join(dir, ...path.split('/')), 'utf8');
    const { oldDir, newDir } = batch.compare;
    return { id: batch.id, compared: batch.files.map((f) => compareFile(f.path, f.old ? read(oldDir, f.path) : undefined, f.new ? read(newDir, f.path) : undefined)) };
  }
  const { apiVersions } = batch.compare;
  return { id: batch.id, compared: batch.tenants.map((t) => compareTenant(t.path, t.old, t.new, apiVersions)) };
}

/**
 * Renders and compares one tenant's two sides (either may be missing). When both are there and
 * their values differ only in fields some parts do not read (instance-parts.ts), only the parts
 * that read a changed field are rendered, on both sides: the others' objects are the same on
 * both, and are counted as unchanged without rendering them.
 */
function compareTenant(path: string, oldJob: TenantJob | undefined, newJob: TenantJob | undefined, apiVersions: readonly string[]): FileComparison {
  const render = (job: TenantJob | undefined, parts?: ReadonlySet<InstancePart>) => {
    if (job === undefined) return undefined;
    const { namespace, release, values } = adoptValidation(job, apiVersions);
    return renderObjects({ namespace, release, values, apiVersions }, parts);
  };
  // Values that passed the checks are the schema's output: every field there, compared field by field.
  const parts = oldJob?.validated && newJob?.validated ? partsReading(changedFields(oldJob.values, newJob.values)) : undefined;
  if (parts === undefined || parts.size === INSTANCE_PARTS.length) return compareRendered(path, render(oldJob), render(newJob));
  const before = render(oldJob, parts)!;
  const compared = compareRendered(path, before, render(newJob, parts));
  const others = counterFor(apiVersions).of({ ...oldJob!, values: oldJob!.values as InstanceValues }) - objectCount(before);
  return { ...compared, unchanged: compared.unchanged + others };
}

function objectCount(objects: RenderedObjects): number {
  return 'apiObjects' in objects ? objects.apiObjects.length : objects.manifests.length;
}

/** One counter per API versions for the thread's life: its counts per shape of values hold for any fleet. */
const counters = new Map<string, ObjectCounter>();

function counterFor(apiVersions: readonly string[]): ObjectCounter {
  const key = apiVersions.join('\n');
  let counter = counters.get(key);
  if (counter === undefined) {
    counter = new ObjectCounter(apiVersions);
    counters.set(key, counter);
  }
  return counter;
}

/**
 * Adds batch results to `comparison` in batch order (batches hold consecutive files in path
 * order), whatever order they come back in: each once every batch before it is added.
 */
export function inBatchOrder(comparison: TreeComparison): (result: CompareBatchResult) => void {
  const waiting = new Map<number, readonly FileComparison[]>();
  let next = 0;
  return (result) => {
    waiting.set(result.id, result.compared);
    for (let ready = waiting.get(next); ready !== undefined; ready = waiting.get(next)) {
      waiting.delete(next++);
      ready.forEach((file) => comparison.addCompared(file));
    }
  };
}
