import { InstanceValues } from '../config/schema';
import { markValidated } from '../config/parse';
import { adoptRendererFingerprint } from './digest';
import { FileTarget, FileWrite, writeIfChanged } from './file-writer';
import { tenantFile, tenantFileWithoutDigest, TenantJob } from './tenant-file';

/**
 * A share of a fleet's rendering, run by a render worker or in-process: the same code either way,
 * so the bytes cannot depend on where a tenant was rendered.
 */
export interface RenderBatch {
  readonly id: number;
  /** The posting thread's renderer fingerprint (digest.ts), for the inputs digests. */
  readonly fingerprint: string;
  readonly apiVersions: readonly string[];
  readonly jobs: readonly TenantJob[];
  /**
   * Where the batch writes its files itself (synth); without it, the files' text comes back.
   * @default - the text of each job's file is returned
   */
  readonly output?: BatchOutput;
  /**
   * Whether returned files carry their digest line (synth's files always do).
   * @default true
   */
  readonly digestLine?: boolean;
}

export interface BatchOutput {
  /** The output folder. */
  readonly dir: string;
  /** Each job's file, in the order of the jobs. */
  readonly targets: readonly FileTarget[];
  /** Files of known text written with the batch (the folders' kustomizations). */
  readonly files: readonly (FileTarget & { readonly text: string })[];
}

/** A tenant file the batch wrote (or found holding its bytes already), with its inputs digest. */
export interface WrittenTenant extends FileWrite {
  readonly inputs: string;
}

export interface BatchResult {
  readonly id: number;
  /** Per job: the file's text, or with an output what was written. */
  readonly tenants: readonly (string | WrittenTenant)[];
  /** Per file of the output, in its order. */
  readonly files: readonly FileWrite[];
}

/** Renders (and with an output, writes) a batch. */
export function runBatch(batch: RenderBatch): BatchResult {
  adoptRendererFingerprint(batch.fingerprint);
  const { output } = batch;
  const tenants = batch.jobs.map((job, i) => {
    adoptValidation(job, batch.apiVersions);
    if (output === undefined && batch.digestLine === false) return tenantFileWithoutDigest(job, batch.apiVersions);
    const { text, inputs } = tenantFile(job, batch.apiVersions);
    return output === undefined ? text : { ...writeIfChanged(output.dir, output.targets[i], text), inputs };
  });
  const files = output?.files.map((file) => writeIfChanged(output.dir, file, file.text)) ?? [];
  return { id: batch.id, tenants, files };
}

/**
 * `job`, its values taken as checked when the thread that loaded the fleet checked them (posting
 * a job to a worker copies its values and loses that thread's mark): rendering does not parse
 * them again.
 */
export function adoptValidation(job: TenantJob, apiVersions: readonly string[]): TenantJob {
  if (job.validated) markValidated(job.values as InstanceValues, { ...job, apiVersions });
  return job;
}
