import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { Fleet, FleetTenant, loadFleet, parseFleet, parseHelmYaml } from '../config/fleet';
import { MonitoringInstance } from '../monitoring-instance';
import { InputError } from '../config/parse';
import { KUSTOMIZATION_FILE } from '../fleet/layout';
import { RenderOptions, renderTenantFiles } from '../fleet/parallel-render';
import { FileTree, fleetLayout, layoutTree, renderFleet } from '../fleet/render-fleet';
import { inMemory, TreeSource } from './compare';
import { inputsDigest } from '../fleet/digest';

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
 * as unchanged. A pull request that touches a few tenants of 10,000 renders those few.
 */
export async function renderSides(oldSide: Side, newSide: Side, options: RenderOptions = {}): Promise<RenderedSides> {
  if ('fleet' in oldSide && 'fleet' in newSide) {
    const { old, new: changed, same } = splitIdentical(oldSide.fleet, newSide.fleet);
    const [oldTree, newTree] = await renderBoth(old, changed, options);
    const counts = new ObjectCounter(newSide.fleet.apiVersions);
    return { old: inMemory(oldTree), new: inMemory(newTree), unchanged: same.reduce((n, t) => n + counts.of(t), 0) };
  }
  const tree = async (side: Side) => ('folder' in side ? side.folder : inMemory(await renderFleet(side.fleet, diffRenderOptions(options, side.fleet.tenants.length))));
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

/** The two fleets without the tenants that are the same on both, and those tenants. */
export function splitIdentical(oldFleet: Fleet, newFleet: Fleet): { old: Fleet; new: Fleet; same: FleetTenant[] } {
  if (!sameList([...oldFleet.apiVersions].sort(), [...newFleet.apiVersions].sort())) {
    return { old: oldFleet, new: newFleet, same: [] };
  }
  const shared = sharedValues(oldFleet, newFleet);
  // The same apiVersions on both sides: a tenant's inputs digest is then its own inputs.
  const digests = (fleet: Fleet) => new Map(fleet.tenants.filter((t) => !shared.has(t.values)).map((t) => [t, inputsDigest(t, fleet.apiVersions)]));
  const oldInputs = digests(oldFleet);
  const newInputs = digests(newFleet);
  const oldDigests = new Set(oldInputs.values());
  const sameInputs = new Set([...newInputs.values()].filter((d) => oldDigests.has(d)));
  const isSame = (t: FleetTenant, inputs: Map<FleetTenant, string>) => shared.has(t.values) || sameInputs.has(inputs.get(t)!);
  return {
    old: { ...oldFleet, tenants: oldFleet.tenants.filter((t) => !isSame(t, oldInputs)) },
    new: { ...newFleet, tenants: newFleet.tenants.filter((t) => !isSame(t, newInputs)) },
    same: newFleet.tenants.filter((t) => isSame(t, newInputs)),
  };
}

/**
 * The values objects that both fleets hold for the same tenant: the pair reader (fleet-pair.ts)
 * gives an old entry of the same text under the same apiVersions and defaults the new side's
 * validated tenant. Such a tenant's inputs are the same on both sides without hashing them
 * (10,000 digests of the values as JSON were a tenth of a diff of two fleet files).
 */
function sharedValues(oldFleet: Fleet, newFleet: Fleet): Set<unknown> {
  const shared = new Set<unknown>();
  if (!sameList(oldFleet.apiVersions, newFleet.apiVersions)) return shared;
  const byValues = new Map<unknown, FleetTenant>(newFleet.tenants.map((t) => [t.values, t]));
  for (const t of oldFleet.tenants) {
    const other = byValues.get(t.values);
    if (other !== undefined && other.namespace === t.namespace && other.release === t.release) shared.add(t.values);
  }
  return shared;
}

/** The same strings in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * How many objects a tenant renders, from its construct tree, without writing any YAML; and
 * without building that tree again for a tenant of the same shape. Which objects an instance
 * has depends on its values (mode, secret source, token sink, ...), never on the names it is
 * given (namespace, release), its host, or the text of the `customConfig.config` settings it
 * copies into the Grafana config: tenants that differ only there share one count. A test holds
 * every chart fixture to that.
 */
export class ObjectCounter {
  private readonly byShape = new Map<string, number>();

  constructor(private readonly apiVersions: readonly string[]) {}

  of(tenant: Pick<FleetTenant, 'namespace' | 'release' | 'values'>): number {
    const key = shapeKey(tenant.values);
    let count = this.byShape.get(key);
    if (count === undefined) {
      const app = new App({ outdir: undefined });
      const chart = new MonitoringInstance(app, tenant.release, { ...tenant, apiVersions: this.apiVersions });
      count = chart.node.findAll().filter((c) => ApiObject.isApiObject(c)).length;
      this.byShape.set(key, count);
    }
    return count;
  }
}

/** The values without what cannot change the number of objects (see {@link ObjectCounter}). */
function shapeKey(values: FleetTenant['values']): string {
  const config = Object.keys(values.oidc.customConfig.config).sort();
  return JSON.stringify({ ...values, host: undefined, oidc: { ...values.oidc, customConfig: { ...values.oidc.customConfig, config } } });
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
