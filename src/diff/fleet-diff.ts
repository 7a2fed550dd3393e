import { Fleet, parseFleet } from '../config/fleet';
import { FleetValuesParsers } from '../config/fleet-values';
import { RenderOptions, runInWorkers } from '../fleet/parallel-render';
import { FleetLayout, fleetLayout } from '../fleet/render-fleet';
import { DiffReport, TreeComparison } from './compare';
import { CompareBatchResult, inBatchOrder, runCompareBatch, TenantCompareBatch } from './compare-batch';
import { compareSources, prestartCompareWorkers } from './compare-folders';
import { checkPair, isFleetFile, label, loadSidePair, PairEntries, readPairEntries, readText, SideSpec, tenantsByEntry } from './fleet-pair';
import { countObjects, diffRenderOptions, renderSides, sameList, Side, splitIdentical } from './sides';

/**
 * The report of a diff of two sides: what `renderSides` then `compareTrees` give. Two fleets
 * with the same API versions (a pull request's fleet files) take a shorter way to the same
 * report: the tenants that differ are rendered, both sides in one go, and each tenant's files
 * are compared by the thread that rendered them, instead of after all of them (comparing was a
 * fifth of such a diff). Two rendered folders are compared on worker threads when they are large
 * (compare-folders.ts).
 */
export async function diffSides(oldSide: Side, newSide: Side, options: RenderOptions = {}): Promise<DiffReport> {
  const labels = { old: oldSide.label, new: newSide.label };
  if ('fleet' in oldSide && 'fleet' in newSide && sameList(oldSide.fleet.apiVersions, newSide.fleet.apiVersions)) {
    const { old, new: changed, same } = splitIdentical(oldSide.fleet, newSide.fleet);
    const comparison = new TreeComparison(countObjects(same, newSide.fleet.apiVersions));
    await renderAndCompare(old, changed, comparison, options);
    return comparison.report(labels);
  }
  const trees = await renderSides(oldSide, newSide, options);
  return compareSources(trees.old, trees.new, labels, trees.unchanged, options.parallelism, options.prestarted);
}

/**
 * The diff of two sides given as files, folders or a fleet file at a git ref (the `diff`
 * command): the report of `loadSidePair` then {@link diffSides}. Two fleet files that the pair
 * reader can read entry by entry are checked in one pass, each tenant once, then diffed (one
 * thread); or, when the entries that differ are enough for render workers, those are checked
 * first and their tenants start rendering while the main thread checks the other entries (most
 * of reading 10,000 entries). Only a fleet that passes every check is reported on: on any
 * problem, the rendering stops and both files are read the way `loadSidePair` reads them, so
 * every problem is reported word for word as before.
 */
export async function diffSpecs(oldSpec: SideSpec, newSpec: SideSpec, options: RenderOptions = {}): Promise<DiffReport> {
  const stepByStep = () => {
    const [oldSide, newSide] = loadSidePair(oldSpec, newSpec);
    return diffSides(oldSide, newSide, options);
  };
  const read = readEntryPair(oldSpec, newSpec);
  if (read === undefined) {
    const prestarted = oldSpec.ref === undefined ? prestartCompareWorkers(oldSpec.file, newSpec.file, options.parallelism) : [];
    try {
      const [oldSide, newSide] = loadSidePair(oldSpec, newSpec);
      return await diffSides(oldSide, newSide, { ...options, prestarted });
    } finally {
      await Promise.all(prestarted.map((worker) => worker.terminate()));
    }
  }
  const { labels, pair } = read;
  // The differing entries bound the renders: render workers are worth starting early only for many.
  if (diffRenderOptions(options, pair.oldOnly.size + pair.newOnly.size).parallelism! > 1) {
    const changed = checkChangedEntries(read);
    if (changed === undefined) return stepByStep();
    const toRender = splitIdentical(changed.old, changed.new);
    if (diffRenderOptions(options, toRender.old.tenants.length + toRender.new.tenants.length).parallelism! > 1) {
      return renderWhileChecking(read, changed, toRender, options, stepByStep);
    }
  }
  let fleets: { old: Fleet; new: Fleet };
  try {
    fleets = checkPair(pair, labels.old, labels.new);
  } catch {
    return stepByStep();
  }
  return diffSides({ label: labels.old, fleet: fleets.old }, { label: labels.new, fleet: fleets.new }, options);
}

/** Both files' entries, read but not checked yet. */
interface EntryPair {
  readonly labels: { old: string; new: string };
  readonly pair: PairEntries;
}

/** Undefined whenever the step-by-step way is to be taken (and reports what is wrong). */
function readEntryPair(oldSpec: SideSpec, newSpec: SideSpec): EntryPair | undefined {
  if (!isFleetFile(oldSpec) || !isFleetFile(newSpec)) return undefined;
  try {
    const labels = { old: label(oldSpec), new: label(newSpec) };
    const pair = readPairEntries(readText(oldSpec), labels.old, readText(newSpec), labels.new);
    return pair === undefined ? undefined : { labels, pair };
  } catch {
    return undefined;
  }
}

/**
 * The fleets of only the entries whose text the other side lacks, checked; undefined on any
 * problem. A tenant's own checks do not depend on the other entries, and every fleet-wide
 * problem of some entries is one of all of them: a fleet of the changed entries alone that
 * passes holds exactly the tenants the whole fleet will hold for them.
 */
function checkChangedEntries({ labels, pair }: EntryPair): { old: Fleet; new: Fleet } | undefined {
  const only = (entries: readonly unknown[], which: ReadonlySet<unknown>, file: string) => parseFleet({ ...pair.frame, tenants: entries.filter((e) => which.has(e)) }, file);
  try {
    return { old: only(pair.oldEntries, pair.oldOnly, labels.old), new: only(pair.newEntries, pair.newOnly, labels.new) };
  } catch {
    return undefined;
  }
}

/**
 * The diff of two fleet files whose changed tenants (`toRender`, of the checked `changed`
 * fleets) keep render workers busy: they render while this thread checks the whole fleets in
 * turns. A fleet that fails its checks stops the rendering and is reported by `stepByStep`.
 */
async function renderWhileChecking(
  read: EntryPair,
  changed: { old: Fleet; new: Fleet },
  toRender: { old: Fleet; new: Fleet },
  options: RenderOptions,
  stepByStep: () => Promise<DiffReport>,
): Promise<DiffReport> {
  const comparison = new TreeComparison();
  let stopped = false;
  const rendering = renderAndCompare(toRender.old, toRender.new, comparison, options, () => stopped).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const fleets = await checkInTurns(read, changed);
  stopped = fleets === undefined;
  const renderFailure = await rendering;
  if (fleets === undefined) return stepByStep();
  if (renderFailure !== undefined) throw renderFailure.error;
  // What diffSides would render of the whole fleets: the same tenants (by their validated
  // values), since the others share their values object with the other side. Checked anyway.
  const whole = splitIdentical(fleets.old, fleets.new);
  if (!sameValues(whole.old, toRender.old) || !sameValues(whole.new, toRender.new)) {
    return diffSides({ label: read.labels.old, fleet: fleets.old }, { label: read.labels.new, fleet: fleets.new }, options);
  }
  comparison.addUnchanged(countObjects(whole.same, fleets.new.apiVersions));
  return comparison.report(read.labels);
}

/** Entries checked per turn of the event loop, so render workers get their next batch meanwhile. */
const ENTRIES_PER_TURN = 250;

/**
 * Both whole fleets, checked as `checkPair` checks them (the changed entries' tenants taken as
 * checked already), a few hundred entries per turn of the event loop, so render workers get
 * their batches meanwhile (each turn's fleet-wide checks are work done again: a tenth of the
 * checking); undefined on any problem.
 */
async function checkInTurns({ labels, pair }: EntryPair, changed: { old: Fleet; new: Fleet }): Promise<{ old: Fleet; new: Fleet } | undefined> {
  try {
    const parsers = new FleetValuesParsers();
    const known = tenantsByEntry(changed.new, pair.newEntries.filter((e) => pair.newOnly.has(e)));
    const rest = pair.newEntries.filter((e) => !pair.newOnly.has(e));
    for (let start = 0; start < rest.length; start += ENTRIES_PER_TURN) {
      await new Promise((resolve) => setImmediate(resolve));
      const some = rest.slice(start, start + ENTRIES_PER_TURN);
      tenantsByEntry(parseFleet({ ...pair.frame, tenants: some }, labels.new, { parsers }), some, known);
    }
    // The fleet-wide checks see every tenant; each tenant is checked once.
    const newFleet = parseFleet({ ...pair.frame, tenants: pair.newEntries }, labels.new, { known, parsers });
    const oldKnown = tenantsByEntry(newFleet, pair.newEntries, tenantsByEntry(changed.old, pair.oldEntries.filter((e) => pair.oldOnly.has(e))));
    return { old: parseFleet({ ...pair.frame, tenants: pair.oldEntries }, labels.old, { known: oldKnown, parsers }), new: newFleet };
  } catch {
    return undefined;
  }
}

function sameValues(a: Fleet, b: Fleet): boolean {
  return a.tenants.length === b.tenants.length && a.tenants.every((t, i) => t.values === b.tenants[i].values && t.namespace === b.tenants[i].namespace && t.release === b.tenants[i].release);
}

/** Tenant files per compare batch: about a hundred renders, as in a render batch. */
const TENANTS_PER_BATCH = 50;

/**
 * Renders both fleets' tenants (the same API versions) and compares each tenant's file on the
 * thread that rendered it (compare-batch.ts), adding the results to `comparison` in the order
 * compareTrees visits the files. Kustomizations are never compared, so they are not made at
 * all. Stops (rejects) once `stopped` says so.
 */
async function renderAndCompare(oldFleet: Fleet, newFleet: Fleet, comparison: TreeComparison, options: RenderOptions, stopped = () => false): Promise<void> {
  const oldLayout = fleetLayout(oldFleet);
  const newLayout = fleetLayout(newFleet);
  const jobAt = (layout: FleetLayout) => new Map(layout.tenantPaths.map((path, i) => [path, layout.jobs[i]]));
  const [oldJobs, newJobs] = [jobAt(oldLayout), jobAt(newLayout)];
  const tenants = [...new Set([...oldLayout.tenantPaths, ...newLayout.tenantPaths])].sort().map((path) => ({ path, old: oldJobs.get(path), new: newJobs.get(path) }));
  const batches: TenantCompareBatch[] = [];
  for (let start = 0; start < tenants.length; start += TENANTS_PER_BATCH) {
    batches.push({ id: batches.length, compare: { apiVersions: newFleet.apiVersions }, tenants: tenants.slice(start, start + TENANTS_PER_BATCH) });
  }
  const renders = oldLayout.jobs.length + newLayout.jobs.length;
  const add = inBatchOrder(comparison);
  const handle = (result: CompareBatchResult) => {
    // When the fleet fails its checks, the rendering stops (and its workers end).
    if (stopped()) throw new Error('rendering stopped');
    add(result);
  };
  let done = 0;
  const handled = (result: CompareBatchResult) => {
    done += batches[result.id].tenants.reduce((n, t) => n + (t.old ? 1 : 0) + (t.new ? 1 : 0), 0);
    options.onProgress?.(done, renders);
  };
  const { parallelism = 1 } = diffRenderOptions(options, renders);
  if (parallelism > 1) return runInWorkers(batches, parallelism, { handle, handled });
  for (const batch of batches) {
    const result = runCompareBatch(batch);
    handle(result);
    handled(result);
  }
}
