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
  return tenantFile(job, apiVersions).text;
}

/** {@link renderTenantFile}, with the inputs digest its digest line records. */
export function tenantFile(job: TenantJob, apiVersions: readonly string[]): { text: string; inputs: string } {
  const body = renderBody(job, apiVersions);
  const inputs = job.inputs ?? inputsDigest(job, apiVersions);
  return { text: GENERATED_HEADER + digestLine(inputs, body) + body, inputs };
}

/**
 * A tenant's file without its digest line, for a diff: it compares the objects, and the two
 * digests were a seventh of a render.
 */
export function tenantFileWithoutDigest(job: TenantJob, apiVersions: readonly string[]): string {
  return GENERATED_HEADER + renderBody(job, apiVersions);
}

function renderBody(job: TenantJob, apiVersions: readonly string[]): string {
  return toYamlStream(renderInstance({ namespace: job.namespace, release: job.release, values: job.values, apiVersions }));
}
