import { Fleet } from '../config/fleet';
import { forEachRenderedTenant, RenderOptions } from '../fleet/parallel-render';
import { fleetLayout } from '../fleet/render-fleet';
import { TenantJob } from '../fleet/tenant-file';
import { compareTrees, DiffReport, TreeComparison } from './compare';
import { ObjectCounter, renderSides, sameList, Side, splitIdentical } from './sides';

/**
 * The report of a diff of two sides: what `renderSides` then `compareTrees` give. Two fleets
 * with the same API versions (a pull request's fleet files) take a shorter way to the same
 * report: the tenants that differ are rendered, both sides with one set of render workers, and
 * each tenant's files are compared as soon as they are rendered, while the workers render the
 * next tenants, instead of after all of them (comparing was a fifth of such a diff, with the
 * main thread idle until the last tenant was rendered).
 */
export async function diffSides(oldSide: Side, newSide: Side, options: RenderOptions = {}): Promise<DiffReport> {
  const labels = { old: oldSide.label, new: newSide.label };
  if ('fleet' in oldSide && 'fleet' in newSide && sameList(oldSide.fleet.apiVersions, newSide.fleet.apiVersions)) {
    return diffFleets(oldSide.fleet, newSide.fleet, labels, options);
  }
  const trees = await renderSides(oldSide, newSide, options);
  return compareTrees(trees.old, trees.new, labels, trees.unchanged);
}

/** A tenant file's path and the index of its job on each side that has it. */
interface Slot {
  readonly path: string;
  readonly old?: number;
  readonly new?: number;
}

async function diffFleets(oldFleet: Fleet, newFleet: Fleet, labels: { old: string; new: string }, options: RenderOptions): Promise<DiffReport> {
  const { old, new: changed, same } = splitIdentical(oldFleet, newFleet);
  const counts = new ObjectCounter(newFleet.apiVersions);
  const comparison = new TreeComparison(same.reduce((n, t) => n + counts.of(t), 0));
  // The jobs in the order compareTrees visits the files: sorted by path, old side first. The
  // workers take them in that order, so files arrive nearly in it. Kustomizations are never
  // compared, so they are not made at all.
  const oldLayout = fleetLayout(old);
  const newLayout = fleetLayout(changed);
  const oldAt = new Map(oldLayout.tenantPaths.map((path, i) => [path, i]));
  const newAt = new Map(newLayout.tenantPaths.map((path, i) => [path, i]));
  const jobs: TenantJob[] = [];
  const add = (job: TenantJob | undefined) => (job === undefined ? undefined : jobs.push(job) - 1);
  const slots: Slot[] = [...new Set([...oldLayout.tenantPaths, ...newLayout.tenantPaths])].sort().map((path) => ({
    path,
    old: add(oldLayout.jobs[oldAt.get(path) ?? -1]),
    new: add(newLayout.jobs[newAt.get(path) ?? -1]),
  }));

  // Files wait here until every file before them in path order has been compared.
  const texts: (string | undefined)[] = new Array(jobs.length);
  const ready = (i: number | undefined) => i === undefined || texts[i] !== undefined;
  const take = (i: number | undefined) => {
    if (i === undefined) return undefined;
    const text = texts[i];
    texts[i] = undefined;
    return text;
  };
  let next = 0;
  let failure: { error: unknown } | undefined;
  const compareReady = () => {
    try {
      for (; next < slots.length && ready(slots[next].old) && ready(slots[next].new); next++) comparison.add(slots[next].path, take(slots[next].old), take(slots[next].new));
    } catch (error) {
      failure ??= { error };
    }
  };
  let scheduled = false;
  await forEachRenderedTenant(jobs, newFleet.apiVersions, options, (index, text) => {
    texts[index] = text;
    // Compared after the worker has its next batch (posted once this batch's sink calls return).
    if (!scheduled && failure === undefined) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        compareReady();
      });
    }
  });
  compareReady();
  if (failure !== undefined) throw failure.error;
  return comparison.report(labels);
}
