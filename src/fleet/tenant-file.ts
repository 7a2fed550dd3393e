import { InstanceValuesInput } from '../config/schema';
import { renderInstance, toYamlStream } from '../render/render';
import { digestLine, inputsDigest } from './digest';
import { GENERATED_HEADER } from './layout';

/** What rendering one tenant needs; plain data, so it can be posted to a worker thread. */
export interface TenantJob {
  readonly namespace: string;
  readonly release: string;
  readonly values: InstanceValuesInput;
  /**
   * The values passed every per-tenant check for this tenant and the fleet's API versions, in the
   * thread that loaded the fleet: a render worker takes them without parsing them again.
   */
  readonly validated?: boolean;
  /**
   * The tenant's inputs digest (see digest.ts), when the caller has it already.
   * @default - computed from the job
   */
  readonly inputs?: string;
}

/**
 * The bytes of a tenant's file: the ownership header, the digest line that lets a re-synth skip
 * it (digest.ts), then the instance's YAML stream.
 */
export function renderTenantFile(job: TenantJob, apiVersions: readonly string[]): string {
  const body = toYamlStream(renderInstance({ namespace: job.namespace, release: job.release, values: job.values, apiVersions }));
  return GENERATED_HEADER + digestLine(job.inputs ?? inputsDigest(job, apiVersions), body) + body;
}
