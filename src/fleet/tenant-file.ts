import { InstanceValuesInput } from '../config/schema';
import { renderInstance, toYamlStream } from '../render/render';
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
}

/** The bytes of a tenant's file: the ownership header, then the instance's YAML stream. */
export function renderTenantFile(job: TenantJob, apiVersions: readonly string[]): string {
  return GENERATED_HEADER + toYamlStream(renderInstance({ ...job, apiVersions }));
}
