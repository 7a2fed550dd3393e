import { Fleet } from '../config/fleet';
import { kustomizationPath, kustomizationText, tenantFilePath } from './layout';
import { renderTenantFiles, RenderOptions } from './parallel-render';

/** A rendered tree: relative path (`/`-separated) → file bytes, sorted by path. */
export type FileTree = Map<string, string>;

/** Renders a validated fleet into the GitOps layout, without touching the disk. */
export async function renderFleet(fleet: Fleet, options: RenderOptions = {}): Promise<FileTree> {
  const jobs = fleet.tenants.map(({ namespace, release, values }) => ({ namespace, release, values }));
  const texts = await renderTenantFiles(jobs, fleet.apiVersions, options);

  const files: [string, string][] = [];
  const releasesByNamespace = new Map<string, string[]>();
  jobs.forEach((job, i) => {
    files.push([tenantFilePath(job.namespace, job.release), texts[i]]);
    const releases = releasesByNamespace.get(job.namespace) ?? [];
    releases.push(`${job.release}.yaml`);
    releasesByNamespace.set(job.namespace, releases);
  });
  for (const [namespace, fileNames] of releasesByNamespace) {
    files.push([kustomizationPath(namespace), kustomizationText(fileNames)]);
  }
  // Sorted so every consumer (writes, diffs, tests) sees one order regardless of the fleet's.
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
