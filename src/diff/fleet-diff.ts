import { Fleet, FleetTenant, parseFleet } from '../config/fleet';
import { forEachRenderedTenant, RenderOptions } from '../fleet/parallel-render';
import { fleetLayout } from '../fleet/render-fleet';
import { TenantJob } from '../fleet/tenant-file';
import { DiffReport, TreeComparison } from './compare';
import { compareSources } from './compare-folders';
import { isFleetFile, label, loadSidePair, PairEntries, readPairEntries, readText, SideSpec, tenantsByEntry } from './fleet-pair';
import { ObjectCounter, renderSides, sameList, Side, splitIdentical, diffRenderOptions } from './sides';

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
    const { old, new: changed, same } = splitIdentical(oldSide.fleet, newSide.fleet);
    const comparison = new TreeComparison(countObjects(same, newSide.fleet.apiVersions));
    await renderAndCompare(old, changed, comparison, options);
    return comparison.report(labels);
  }
  const trees = await renderSides(oldSide, newSide, options);
  return compareSources(trees.old, trees.new, labels, trees.unchanged, options.parallelism);
}

/**
 * The diff of two sides given as files, folders or a fleet file at a git ref (the `diff`
 * command): the report of `loadSidePair` then {@link diffSides}. For two fleet files that the
 * pair reader can read entry by entry, the entries that differ are checked first and their
 * tenants start rendering while the main thread checks the other entries (most of reading
 * 10,000 entries), instead of after. Only a fleet that passes every check is reported on: on
 * any problem, the rendering stops and both files are read the way `loadSidePair` reads them, so
 * every problem is reported word for word as before.
 */
export async function diffSpecs(oldSpec: SideSpec, newSpec: SideSpec, options: RenderOptions = {}): Promise<DiffReport> {
  const stepByStep = () => {
    const [oldSide, newSide] = loadSidePair(oldSpec, newSpec);
    return diffSides(oldSide, newSide, options);
  };
  const early = readChangedEntries(oldSpec, newSpec);
  if (early === undefined) return stepByStep();

  const toRender = splitIdentical(early.changed.old, early.changed.new);
  const comparison = new TreeComparison();
  let stopped = false;
  const rendering = renderAndCompare(toRender.old, toRender.new, comparison, options, () => stopped).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const fleets = await checkWhole(early);
  stopped = fleets === undefined;
  const renderFailure = await rendering;
  if (fleets === undefined) return stepByStep();
  if (renderFailure !== undefined) throw renderFailure.error;
  // What diffSides would render of the whole fleets: the same tenants (by their validated
  // values), since the others share their values object with the other side. Checked anyway.
  const whole = splitIdentical(fleets.old, fleets.new);
  if (!sameValues(whole.old, toRender.old) || !sameValues(whole.new, toRender.new)) {
    return diffSides({ label: early.labels.old, fleet: fleets.old }, { label: early.labels.new, fleet: fleets.new }, options);
  }
  comparison.addUnchanged(countObjects(whole.same, fleets.new.apiVersions));
  return comparison.report(early.labels);
}

/** Both files' entries, and the fleets of only the entries whose text the other side lacks, checked. */
interface EarlyStart {
  readonly labels: { old: string; new: string };
  readonly pair: PairEntries;
  readonly changed: { old: Fleet; new: Fleet };
}

/** Undefined whenever the step-by-step way is to be taken (and reports what is wrong). */
function readChangedEntries(oldSpec: SideSpec, newSpec: SideSpec): EarlyStart | undefined {
  if (!isFleetFile(oldSpec) || !isFleetFile(newSpec)) return undefined;
  try {
    const labels = { old: label(oldSpec), new: label(newSpec) };
    const pair = readPairEntries(readText(oldSpec), labels.old, readText(newSpec), labels.new);
    if (pair === undefined) return undefined;
    // A tenant's own checks do not depend on the other entries, and every fleet-wide problem of
    // some entries is one of all of them: a fleet of the changed entries alone that passes
    // holds exactly the tenants the whole fleet will hold for them.
    const only = (entries: readonly unknown[], which: ReadonlySet<unknown>, file: string) => parseFleet({ ...pair.frame, tenants: entries.filter((e) => which.has(e)) }, file);
    return { labels, pair, changed: { old: only(pair.oldEntries, pair.oldOnly, labels.old), new: only(pair.newEntries, pair.newOnly, labels.new) } };
  } catch {
    return undefined;
  }
}

/** Entries checked per turn of the event loop, so render workers get their next batch meanwhile. */
const ENTRIES_PER_TURN = 250;

/**
 * Both whole fleets, checked as `readPair` checks them (the changed entries' tenants taken as
 * checked already), a few hundred entries per turn of the event loop; undefined on any problem.
 */
async function checkWhole({ labels, pair, changed }: EarlyStart): Promise<{ old: Fleet; new: Fleet } | undefined> {
  try {
    const known = tenantsByEntry(changed.new, [...pair.newEntries.filter((e) => pair.newOnly.has(e))]);
    const rest = pair.newEntries.filter((e) => !pair.newOnly.has(e));
    for (let start = 0; start < rest.length; start += ENTRIES_PER_TURN) {
      await new Promise((resolve) => setImmediate(resolve));
      const some = rest.slice(start, start + ENTRIES_PER_TURN);
      tenantsByEntry(parseFleet({ ...pair.frame, tenants: some }, labels.new), some, known);
    }
    // The fleet-wide checks see every tenant; each tenant is checked once, above.
    const newFleet = parseFleet({ ...pair.frame, tenants: pair.newEntries }, labels.new, known);
    const oldKnown = tenantsByEntry(newFleet, pair.newEntries, tenantsByEntry(changed.old, pair.oldEntries.filter((e) => pair.oldOnly.has(e))));
    return { old: parseFleet({ ...pair.frame, tenants: pair.oldEntries }, labels.old, oldKnown), new: newFleet };
  } catch {
    return undefined;
  }
}

function sameValues(a: Fleet, b: Fleet): boolean {
  return a.tenants.length === b.tenants.length && a.tenants.every((t, i) => t.values === b.tenants[i].values && t.namespace === b.tenants[i].namespace && t.release === b.tenants[i].release);
}

/** The objects the tenants render, counted without rendering them (see ObjectCounter). */
function countObjects(tenants: readonly FleetTenant[], apiVersions: readonly string[]): number {
  const counts = new ObjectCounter(apiVersions);
  return tenants.reduce((n, t) => n + counts.of(t), 0);
}

/** Rendered files held for the comparison at most (a few batches), before rendering waits for it. */
const MAX_WAITING_FILES = 400;

/** A tenant file's path and the index of its job on each side that has it. */
interface Slot {
  readonly path: string;
  readonly old?: number;
  readonly new?: number;
}

/**
 * Renders both fleets' tenants (the same API versions) and adds each tenant's files to
 * `comparison` in the order compareTrees visits them, as soon as the files before them are
 * there. Stops rendering (rejects) once `stopped` says so.
 */
async function renderAndCompare(oldFleet: Fleet, newFleet: Fleet, comparison: TreeComparison, options: RenderOptions, stopped = () => false): Promise<void> {
  // The jobs sorted by path, old side first: the workers take them in that order, so files
  // arrive nearly in it. Kustomizations are never compared, so they are not made at all.
  const oldLayout = fleetLayout(oldFleet);
  const newLayout = fleetLayout(newFleet);
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
  let waiting = 0;
  const ready = (i: number | undefined) => i === undefined || texts[i] !== undefined;
  const take = (i: number | undefined) => {
    if (i === undefined) return undefined;
    const text = texts[i];
    texts[i] = undefined;
    waiting--;
    return text;
  };
  let next = 0;
  let failure: { error: unknown } | undefined;
  // Render calls waiting for the comparison to catch up (see MAX_WAITING_FILES).
  let caughtUp: (() => void)[] = [];
  const compareReady = () => {
    try {
      for (; next < slots.length && ready(slots[next].old) && ready(slots[next].new); next++) comparison.add(slots[next].path, take(slots[next].old), take(slots[next].new));
    } catch (error) {
      failure ??= { error };
    }
    if (waiting <= MAX_WAITING_FILES || failure !== undefined) {
      const release = caughtUp;
      caughtUp = [];
      release.forEach((resolve) => resolve());
    }
  };
  let scheduled = false;
  const rendering = forEachRenderedTenant(jobs, newFleet.apiVersions, diffRenderOptions(options, jobs.length), (index, text) => {
    // A rejected promise (not a throw, which would escape the worker's message handler) makes
    // the render stop and its workers end: when the fleet fails its checks, or comparing failed.
    if (stopped() || failure !== undefined) return Promise.reject(new Error('rendering stopped'));
    texts[index] = text;
    waiting++;
    // Compared after the worker has its next batch (posted once this batch's sink calls return).
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        compareReady();
      });
    }
    // Too many files not compared yet: this worker's next batch waits (memory stays bounded when
    // comparing is slower than rendering). The file compared next is always in a batch already
    // handed out, so the comparison can always catch up.
    return waiting > MAX_WAITING_FILES ? new Promise<void>((resolve) => caughtUp.push(resolve)) : undefined;
  });
  await rendering.catch((error: unknown) => {
    throw failure?.error ?? error;
  });
  compareReady();
  if (failure !== undefined) throw failure.error;
}
