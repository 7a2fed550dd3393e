import { Fleet, FleetTenant } from '../config/fleet';
import { inputsDigest, isUpToDate } from '../fleet/digest';
import { FileReader } from '../fleet/file-reader';
import { isGenerated, tenantFilePath } from '../fleet/layout';
import { TreeSource } from './compare';

/*
 * A diff of a rendered folder against a fleet (CI's check that the committed tree is what the
 * fleet file renders) need not render every tenant to learn that nothing changed: that is a
 * synth's worth of work for 10,000 tenants. A tenant file synth wrote records the digest of its
 * inputs and of its content (fleet/digest.ts): when the inputs digest is the tenant's in this
 * fleet and the content digest is the file's, the file is byte for byte what rendering the
 * tenant would write (the digest line aside), so its objects are the rendered ones. Such
 * tenants are counted, not rendered, and their files are not compared; the others are rendered
 * and compared as before. Every object a valid fleet renders is named after its own tenant
 * (fleet-checks.ts keeps them apart), so an object of a skipped file has no counterpart in any
 * other file.
 */

/** A fleet and a folder without the tenants whose file in the folder is up to date. */
export interface RecordedSplit {
  /** The fleet's tenants whose file in the folder is the one synth writes for them. */
  readonly current: readonly FleetTenant[];
  /** The fleet without them: what is left to render. */
  readonly fleet: Fleet;
  /** The folder without their files: what is left to compare. */
  readonly folder: TreeSource;
}

/** See the comment at the top of this file; a folder not on disk (no `dir`) keeps every tenant. */
export function splitRecorded(folder: TreeSource, fleet: Fleet): RecordedSplit {
  const { dir } = folder;
  if (dir === undefined) return { current: [], fleet, folder };
  const listed = new Set(folder.paths);
  const reader = new FileReader(dir);
  const current = new Set<FleetTenant>();
  const currentPaths = new Set<string>();
  for (const tenant of fleet.tenants) {
    const path = tenantFilePath(tenant.namespace, tenant.release);
    if (!listed.has(path)) continue;
    const bytes = reader.read(path);
    // The inputs digest (a hash of the tenant's whole values) only for a file synth wrote.
    if (isGenerated(bytes) && isUpToDate(bytes, inputsDigest(tenant, fleet.apiVersions))) {
      current.add(tenant);
      currentPaths.add(path);
    }
  }
  return {
    current: [...current],
    fleet: { ...fleet, tenants: fleet.tenants.filter((t) => !current.has(t)) },
    folder: { ...folder, paths: folder.paths.filter((p) => !currentPaths.has(p)) },
  };
}
