import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adoptValidation } from '../fleet/render-batch';
import { TenantJob } from '../fleet/tenant-file';
import { renderObjects } from '../render/render';
import { compareFile, compareRendered, FileComparison, TreeComparison } from './compare';

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
  const render = (job: TenantJob | undefined) => {
    if (job === undefined) return undefined;
    const { namespace, release, values } = adoptValidation(job, apiVersions);
    return renderObjects({ namespace, release, values, apiVersions });
  };
  return { id: batch.id, compared: batch.tenants.map((t) => compareRendered(t.path, render(t.old), render(t.new))) };
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
