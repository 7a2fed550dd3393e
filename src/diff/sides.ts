import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Fleet, FleetTenant, loadFleet, parseFleet, parseHelmYaml } from '../config/fleet';
import { InputError } from '../config/parse';
import { KUSTOMIZATION_FILE } from '../fleet/layout';
import { RenderOptions, renderTenantFiles } from '../fleet/parallel-render';
import { FileTree, fleetLayout, layoutTree, renderFleet } from '../fleet/render-fleet';
import { inMemory, TreeSource } from './compare';
import { ObjectCounter } from './object-counter';
import { splitRecorded } from './recorded-tenants';
import { sameJsonText } from './same-values';

/** One side of a diff: a rendered folder, or a validated fleet still to be rendered. */
export type Side = { readonly label: string; readonly folder: TreeSource } | { readonly label: string; readonly fleet: Fleet };

/**
 * Renders per worker thread below which a diff renders in-process (unless `--jobs` says
 * otherwise). Each worker warms up cdk8s on its own and collects garbage in a capped heap: with
 * two workers, the 2,000 renders of a 10,000-tenant diff with 10% changed took 1.1-1.5 s more CPU
 * than in-process (about 3.6 s of CPU for the whole diff), and more wall time whenever the two
 * cores had other work; they saved a few tenths of a second only on an idle machine.
 */
const MIN_RENDERS_PER_WORKER = 1500;

/**
 * The render options of a diff: render workers only for many renders (see
 * MIN_RENDERS_PER_WORKER) unless `--jobs` says otherwise, and files without their digest line
 * (the diff compares objects; computing the digests was a seventh of each render).
 */
export function diffRenderOptions(options: RenderOptions, renders: number): RenderOptions {
  const parallelism = options.parallelism ?? Math.max(1, Math.min(availableParallelism(), Math.floor(renders / MIN_RENDERS_PER_WORKER)));
  return { ...options, parallelism, digestLine: false };
}

/** Reads a side: a folder of rendered YAML (e.g. synth's output), or a fleet file. */
export function loadSide(spec: string): Side {
  let isDir: boolean;
  try {
    isDir = statSync(spec).isDirectory();
  } catch (e) {
    throw new InputError([`${spec}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); give a rendered folder or a fleet file`]);
  }
  return isDir ? { label: spec, folder: folderSource(spec) } : { label: spec, fleet: loadFleet(spec) };
}

/** The fleet file as committed at a git ref (`git show <ref>:<file>`). */
export function loadSideAtRef(ref: string, file: string): Side {
  const label = `${ref}:${file}`;
  // Read exactly as the working-tree side is (Helm's scalars, keys and refusals).
  return { label, fleet: parseFleet(parseHelmYaml(gitShowFleet(ref, file), label), label) };
}

/** The text of the fleet file as committed at a git ref. */
export function gitShowFleet(ref: string, file: string): string {
  try {
    // `./name` is resolved against the cwd, so the file need not be at the repository root.
    return execFileSync('git', ['show', `${ref}:./${basename(file)}`], {
      cwd: dirname(file),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 30,
    });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim().split('\n')[0];
    throw new InputError([`${ref}:${file}: cannot read it from git (${stderr || (e as Error).message})`]);
  }
}

/** Both sides as trees to compare, and the objects already known to be unchanged. */
export interface RenderedSides {
  readonly old: TreeSource;
  readonly new: TreeSource;
  readonly unchanged: number;
}

/**
 * Renders the fleet sides through the synth code path. When both sides are fleets, a tenant
 * whose inputs are the same on both (namespace, release, values after defaults, API versions)
 * renders the same bytes on both, so it is not rendered at all: its objects are only counted
 * as unchanged. A pull request that touches a few tenants of 10,000 renders those few. Against
 * a rendered folder, a tenant whose file there synth wrote for the same inputs is only counted
 * too, and its file left out of the comparison (recorded-tenants.ts).
 */
export async function renderSides(oldSide: Side, newSide: Side, options: RenderOptions = {}): Promise<RenderedSides> {
  if ('fleet' in oldSide && 'fleet' in newSide) {
    const { old, new: changed, same } = splitIdentical(oldSide.fleet, newSide.fleet);
    const [oldTree, newTree] = await renderBoth(old, changed, options);
    return { old: inMemory(oldTree), new: inMemory(newTree), unchanged: countObjects(same, newSide.fleet.apiVersions) };
  }
  const render = async (fleet: Fleet) => inMemory(await renderFleet(fleet, diffRenderOptions(options, fleet.tenants.length)));
  const folder = 'folder' in oldSide ? oldSide.folder : 'folder' in newSide ? newSide.folder : undefined;
  const fleet = 'fleet' in oldSide ? oldSide.fleet : 'fleet' in newSide ? newSide.fleet : undefined;
  if (folder !== undefined && fleet !== undefined) {
    // A rendered folder against a fleet: tenants whose file synth wrote for these very inputs are only counted.
    const split = splitRecorded(folder, fleet);
    const rendered = await render(split.fleet);
    const unchanged = countObjects(split.current, fleet.apiVersions);
    return 'folder' in oldSide ? { old: split.folder, new: rendered, unchanged } : { old: rendered, new: split.folder, unchanged };
  }
  const tree = async (side: Side) => ('folder' in side ? side.folder : render(side.fleet));
  return { old: await tree(oldSide), new: await tree(newSide), unchanged: 0 };
}

/**
 * Both fleets rendered in one go when they have the same API versions: one set of render
 * workers instead of two (each worker loads cdk8s before its first tenant). A tenant's file
 * does not depend on the tenants rendered with it, so the trees are those of two renders.
 */
async function renderBoth(oldFleet: Fleet, newFleet: Fleet, options: RenderOptions): Promise<[FileTree, FileTree]> {
  const renders = oldFleet.tenants.length + newFleet.tenants.length;
  if (!sameList(oldFleet.apiVersions, newFleet.apiVersions)) {
    return [await renderFleet(oldFleet, diffRenderOptions(options, renders)), await renderFleet(newFleet, diffRenderOptions(options, renders))];
  }
  const oldLayout = fleetLayout(oldFleet);
  const newLayout = fleetLayout(newFleet);
  const texts = await renderTenantFiles([...oldLayout.jobs, ...newLayout.jobs], newFleet.apiVersions, diffRenderOptions(options, renders));
  return [layoutTree(oldLayout, texts.slice(0, oldLayout.jobs.length)), layoutTree(newLayout, texts.slice(oldLayout.jobs.length))];
}

/**
 * The two fleets without the tenants that are the same on both, and those tenants. With the same
 * API versions (in the same order), a tenant is the same when the other side has one of the same
 * namespace and release (a fleet has one of each) with the same values, key order included: what
 * the tenants' inputs digests (digest.ts) compare, without hashing. The same inputs render the
 * same bytes.
 */
export function splitIdentical(oldFleet: Fleet, newFleet: Fleet): { old: Fleet; new: Fleet; same: FleetTenant[] } {
  // The API versions are part of the inputs, in their order (as in the digests).
  if (!sameList(oldFleet.apiVersions, newFleet.apiVersions)) {
    return { old: oldFleet, new: newFleet, same: [] };
  }
  const location = (t: FleetTenant) => `${t.namespace}\0${t.release}`;
  const olds = oldFleet.tenants;
  const news = newFleet.tenants;
  // Two versions of a fleet mostly list their tenants in the same order: the tenant at the same
  // place is tried first, and the others looked up by location (made only for a tenant that moved).
  let oldAt: Map<string, number> | undefined;
  const counterpart = (t: FleetTenant, i: number) => {
    const aligned = olds[i];
    if (aligned !== undefined && aligned.namespace === t.namespace && aligned.release === t.release) return i;
    oldAt ??= new Map(olds.map((o, j) => [location(o), j]));
    return oldAt.get(location(t)) ?? -1;
  };
  // Flags by place, not sets of tenants: most of 10,000 tenants are the same.
  const oldSame = new Uint8Array(olds.length);
  const same: FleetTenant[] = [];
  const changed: FleetTenant[] = [];
  for (let i = 0; i < news.length; i++) {
    const t = news[i];
    const j = counterpart(t, i);
    if (j >= 0 && sameJsonText(olds[j].values, t.values)) {
      oldSame[j] = 1;
      same.push(t);
    } else changed.push(t);
  }
  return {
    old: { ...oldFleet, tenants: olds.filter((_, j) => oldSame[j] === 0) },
    new: { ...newFleet, tenants: changed },
    same,
  };
}

/** The same strings in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The objects the tenants render, counted without rendering them (see ObjectCounter). */
export function countObjects(tenants: readonly FleetTenant[], apiVersions: readonly string[]): number {
  const counts = new ObjectCounter(apiVersions);
  return tenants.reduce((n, t) => n + counts.of(t), 0);
}

/** Every YAML file under `dir` except kustomizations, read when the diff gets to it. */
export function folderSource(dir: string): TreeSource {
  const paths: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name) && entry.name !== KUSTOMIZATION_FILE) paths.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return { paths: paths.sort(), read: (path) => readFileSync(join(dir, ...path.split('/')), 'utf8'), dir };
}
