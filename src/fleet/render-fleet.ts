import { Fleet } from '../config/fleet';
import { isValidatedFor } from '../config/parse';
import { kustomizationPath, kustomizationText, tenantFilePath } from './layout';
import { renderTenantFiles, RenderOptions } from './parallel-render';
import { TenantJob } from './tenant-file';

/** A rendered tree: relative path (`/`-separated) → file bytes, sorted by path. */
export type FileTree = Map<string, string>;

/** Where a fleet's files go, known before anything is rendered. */
export interface FleetLayout {
  /** What to render, in fleet order. */
  readonly jobs: readonly TenantJob[];
  /** The file of `jobs[i]`. */
  readonly tenantPaths: readonly string[];
  /** Each namespace folder's kustomization, by path. */
  readonly kustomizations: ReadonlyMap<string, string>;
}

export function fleetLayout(fleet: Fleet): FleetLayout {
  // No inputs digests here: the render worker computes each for the file it writes (on all
  // cores, not before they start), synth for the files already on disk.
  const jobs = fleet.tenants.map(({ namespace, release, values }) => ({
    namespace,
    release,
    values,
    validated: isValidatedFor(values, { namespace, release, apiVersions: fleet.apiVersions }),
  }));
  const fileNamesByNamespace = new Map<string, string[]>();
  for (const { namespace, release } of jobs) {
    const names = fileNamesByNamespace.get(namespace) ?? [];
    names.push(`${release}.yaml`);
    fileNamesByNamespace.set(namespace, names);
  }
  const kustomizations = new Map([...fileNamesByNamespace].map(([namespace, names]) => [kustomizationPath(namespace), kustomizationText(names)]));
  return { jobs, tenantPaths: jobs.map((j) => tenantFilePath(j.namespace, j.release)), kustomizations };
}

/** Renders a validated fleet into the GitOps layout in memory (for diffs and tests). */
export async function renderFleet(fleet: Fleet, options: RenderOptions = {}): Promise<FileTree> {
  const layout = fleetLayout(fleet);
  return layoutTree(layout, await renderTenantFiles(layout.jobs, fleet.apiVersions, options));
}

/** The tree of a layout whose jobs rendered into `texts` (in the order of the jobs). */
export function layoutTree(layout: FleetLayout, texts: readonly string[]): FileTree {
  const files: [string, string][] = [...layout.tenantPaths.map((path, i): [string, string] => [path, texts[i]]), ...layout.kustomizations];
  // Sorted so every consumer (diffs, tests) sees one order regardless of the fleet's.
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
