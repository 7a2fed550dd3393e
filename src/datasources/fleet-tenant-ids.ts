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
 * a `tenantId` put into the fleet defaults. Refused, naming both tenants, unless both say
 * `sharedTenantId: true`: every two tenants of different namespaces that send one id must both
 * share it, so a tenant that does not is refused whichever namespaces came before it (two
 * sharing namespaces do not let a third one in that does not). Instances in one namespace are
 * one tenant: their default id is the namespace, so they may share it. SigV4 (AMP) sources send
 * no tenant id. Each tenant is reported once per data source, with the first tenant before it
 * that it may not share the id with.
 */
export function findSharedTenantIds(tenants: readonly TenantWithValues[], file: string, allSenders?: TenantIdSenders): string[] {
  const problems: string[] = [];
  const where = (t: TenantWithValues) => `tenants[${t.index}] (${t.namespace}/${t.release})`;
  for (const role of DATASOURCE_ROLES) {
    // Per tenant id, the first tenant of each namespace that sends it, and of those that do not share it.
    const senders = new Map<string, FirstPerNamespace>();
    const unsharing = new Map<string, FirstPerNamespace>();
    const listed = allSenders && new Map<string, TenantWithValues[]>();
    if (listed) allSenders!.set(role, listed);
    for (const tenant of tenants) {
      const tenantId = headerTenantId(tenant, role);
      if (tenantId === undefined) continue;
      if (listed !== undefined) {
        const list = listed.get(tenantId);
        if (list === undefined) listed.set(tenantId, [tenant]);
        else list.push(tenant);
      }
      const shares = tenant.values.datasources[role].sharedTenantId;
      // Who this tenant may not share the id with: anyone elsewhere, or (sharing it) anyone elsewhere who does not.
      const other = firstElsewhere((shares ? unsharing : senders).get(tenantId), tenant.namespace);
      if (other !== undefined) {
        problems.push(
          `${file}: ${where(tenant)}.datasources.${role}.tenantId: tenant id "${tenantId}" (X-Scope-OrgID) is also sent by ${where(other)}: each would read the other's ${role}; give each tenant its own datasources.${role}.tenantId (empty means its namespace), or set datasources.${role}.sharedTenantId: true on both if they are meant to share it`,
        );
      }
      remember(senders, tenantId, tenant);
      if (!shares) remember(unsharing, tenantId, tenant);
    }
  }
  return problems;
}

/** Per data source, every tenant that sends each tenant id, in fleet order. */
export type TenantIdSenders = Map<DatasourceRole, Map<string, TenantWithValues[]>>;

/**
 * Whether two tenants may send the same tenant id as `role`'s: one namespace, or both share it.
 * The rule {@link findSharedTenantIds} applies to every two senders of an id (there kept as the
 * first sender of each namespace, and of each that does not share it, to look up).
 */
export function maySendAlike(a: TenantWithValues, b: TenantWithValues, role: DatasourceRole): boolean {
  return a.namespace === b.namespace || (a.values.datasources[role].sharedTenantId && b.values.datasources[role].sharedTenantId);
}

/** The tenant id each of a tenant's data sources sends, by data source (none for those that send none). */
export function headerTenantIds(tenant: TenantWithValues): [DatasourceRole, string][] {
  const ids: [DatasourceRole, string][] = [];
  for (const role of DATASOURCE_ROLES) {
    const tenantId = headerTenantId(tenant, role);
    if (tenantId !== undefined) ids.push([role, tenantId]);
  }
  return ids;
}

/** The first tenant of each namespace, in the order the namespaces first came. */
type FirstPerNamespace = Map<string, TenantWithValues>;

function remember(byId: Map<string, FirstPerNamespace>, tenantId: string, tenant: TenantWithValues): void {
  let first = byId.get(tenantId);
  if (first === undefined) byId.set(tenantId, (first = new Map()));
  if (!first.has(tenant.namespace)) first.set(tenant.namespace, tenant);
}

/** The earliest of these tenants outside `namespace`: the first or, when that one is in it, the second. */
function firstElsewhere(first: FirstPerNamespace | undefined, namespace: string): TenantWithValues | undefined {
  if (first === undefined) return undefined;
  for (const [ns, tenant] of first) if (ns !== namespace) return tenant;
  return undefined;
}

/** The X-Scope-OrgID a tenant's `role` data source sends, or undefined when it sends none. */
function headerTenantId({ namespace, release, values }: TenantWithValues, role: DatasourceRole): string | undefined {
  const source = values.datasources[role];
  if (source.url === '') return undefined;
  if (role === 'metrics' && values.datasources.metrics.sigV4.enabled) return undefined;
  return tenantIdOf(new InstanceNames(namespace, release), values, role);
}
