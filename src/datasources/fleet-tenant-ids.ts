import { InstanceValues } from '../config/schema';
import { InstanceNames } from '../naming';
import { DATASOURCE_ROLES, DatasourceRole, tenantIdOf } from './datasource-settings';

/** A tenant that passed the per-tenant checks (the fields findSharedTenantIds reads). */
export interface TenantWithValues {
  readonly index: number;
  readonly namespace: string;
  readonly release: string;
  readonly values: InstanceValues;
}

/**
 * Two namespaces whose data sources send the same tenant id would read each other's data, e.g.
 * a `tenantId` put into the fleet defaults. Refused, naming both tenants, unless every tenant
 * sharing the id says `sharedTenantId: true`. Instances in one namespace are one tenant: their
 * default id is the namespace, so they may share it. SigV4 (AMP) sources send no tenant id.
 */
export function findSharedTenantIds(tenants: readonly TenantWithValues[], file: string): string[] {
  const problems: string[] = [];
  const where = (t: TenantWithValues) => `tenants[${t.index}] (${t.namespace}/${t.release})`;
  for (const role of DATASOURCE_ROLES) {
    const owners = new Map<string, TenantWithValues>();
    for (const tenant of tenants) {
      const tenantId = headerTenantId(tenant, role);
      if (tenantId === undefined) continue;
      const first = owners.get(tenantId);
      if (!first) {
        owners.set(tenantId, tenant);
        continue;
      }
      if (first.namespace === tenant.namespace) continue;
      const shared = first.values.datasources[role].sharedTenantId && tenant.values.datasources[role].sharedTenantId;
      if (shared) continue;
      problems.push(
        `${file}: ${where(tenant)}.datasources.${role}.tenantId: tenant id "${tenantId}" (X-Scope-OrgID) is also sent by ${where(first)}: each would read the other's ${role}; give each tenant its own datasources.${role}.tenantId (empty means its namespace), or set datasources.${role}.sharedTenantId: true on both if they are meant to share it`,
      );
    }
  }
  return problems;
}

/** The X-Scope-OrgID a tenant's `role` data source sends, or undefined when it sends none. */
function headerTenantId({ namespace, release, values }: TenantWithValues, role: DatasourceRole): string | undefined {
  const source = values.datasources[role];
  if (source.url === '') return undefined;
  if (role === 'metrics' && values.datasources.metrics.sigV4.enabled) return undefined;
  return tenantIdOf(new InstanceNames(namespace, release), values, role);
}
