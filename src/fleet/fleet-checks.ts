import { InstanceValues } from '../config/schema';
import { findSharedTenantIds, headerTenantIds, maySendAlike, TenantIdSenders } from '../datasources/fleet-tenant-ids';
import { InstanceNames } from '../naming';
import { tokenSettings } from '../token/token-settings';

/** What the fleet-wide checks need to know of a tenant: where it is and what it claims. */
export interface TenantClaim {
  readonly index: number;
  readonly namespace: string;
  readonly release: string;
  /** The merged `host`, when it is a non-empty string. */
  readonly host?: string;
}

/**
 * Problems that no single tenant shows on its own: the same (namespace, release) twice, two
 * different pairs joining into the same Keycloak clientId (`<namespace>-<release>`: `a-b`/`c` and
 * `a`/`b-c` both give `a-b-c`, and the realm holds one client per clientId), and two tenants
 * serving Grafana at the same host. Each message names every tenant involved.
 */
export function findFleetProblems(claims: readonly TenantClaim[], file: string, keys?: FleetKeys): string[] {
  const problems: string[] = [];
  const where = (c: TenantClaim) => `tenants[${c.index}] (${c.namespace}/${c.release})`;

  const duplicates = groupBy(claims, locationKey, keys?.locations);
  for (const group of duplicates) {
    const [first, ...rest] = group;
    for (const dup of rest) {
      problems.push(`${file}: ${where(dup)}: duplicate tenant: ${first.namespace}/${first.release} is already defined at ${where(first)}; each (namespace, release) may appear once`);
    }
  }
  // Each (namespace, release) at its first place: an exact duplicate is reported above, not
  // again as a clientId collision or for its host.
  const unique = duplicates.length === 0 ? claims : uniqueBy(claims, locationKey);

  // A collision needs two different pairs.
  for (const group of groupBy(unique, clientIdKey, keys?.clientIds)) {
    const [first, ...rest] = group;
    for (const other of rest) {
      const clientId = InstanceNames.clientIdOf(other.namespace, other.release);
      problems.push(
        `${file}: ${where(other)}: clientId collision: ${where(first)} and ${where(other)} both give the Keycloak clientId "${clientId}" (namespace-release); rename one of the releases or namespaces`,
      );
    }
  }

  const hosted = unique.filter((c): c is TenantClaim & { host: string } => typeof c.host === 'string' && c.host !== '');
  for (const group of groupBy<TenantClaim>(hosted, (c) => c.host as string, keys?.hosts)) {
    const [first, ...rest] = group;
    for (const dup of rest) {
      problems.push(`${file}: ${where(dup)}.host: duplicate host "${dup.host}": ${where(first)} already serves Grafana at https://grafana.${dup.host}; give each tenant its own host`);
    }
  }
  return problems;
}

function locationKey(c: TenantClaim): string {
  return `${c.namespace}/${c.release}`;
}

function clientIdKey(c: TenantClaim): string {
  return InstanceNames.clientIdOf(c.namespace, c.release);
}

/** A tenant whose values passed every per-tenant check. */
export interface ValidTenant {
  readonly index: number;
  readonly namespace: string;
  readonly release: string;
  readonly values: InstanceValues;
}

/** The Kustomization synth writes into every namespace folder: no tenant file may take its path. */
const RESERVED_RELEASES = new Set(['kustomization']);

/**
 * Places two tenants would both write to, beyond the (namespace, release) and clientId checks:
 * a release file that would overwrite the namespace folder's kustomization.yaml, and the
 * token sinks. Every other object name is `<release>` plus a suffix fixed per kind, so distinct
 * releases cannot collide there; the token Secret, its Role and the GrafanaServiceAccount take a
 * service-account name or a user-chosen name and namespace (`m` + `x-agent` and `m-x` + `agent`
 * both give `m-x-agent-grafana-token`), and an AWS secret id is shared by anyone using it.
 */
export function findSharedTargets(tenants: readonly ValidTenant[], file: string, keys?: FleetKeys): string[] {
  const problems: string[] = [];
  const where = (t: ValidTenant) => `tenants[${t.index}] (${t.namespace}/${t.release})`;
  for (const tenant of tenants) {
    if (RESERVED_RELEASES.has(tenant.release)) {
      problems.push(
        `${file}: ${where(tenant)}.release: release "${tenant.release}" would be written to ${tenant.namespace}/${tenant.release}.yaml, the namespace folder's Kustomization; choose another release name`,
      );
    }
  }
  problems.push(...findSharedTenantIds(tenants, file, keys?.senders));
  const claims = tenants.flatMap((tenant) => tokenTargets(tenant).map((target) => ({ tenant, target })));
  for (const group of groupBy(claims, (c) => c.target, keys?.tokenTargets)) {
    const owners = uniqueBy(group, (c) => `${c.tenant.index}`);
    const [first, ...rest] = owners;
    for (const other of rest) {
      problems.push(
        `${file}: ${where(other.tenant)}.serviceAccountToken: ${first.target} is also the token target of ${where(first.tenant)}: the two would overwrite each other's token; set serviceAccountToken.sink.*.name (or secretId) so each tenant has its own`,
      );
    }
  }
  return problems;
}

/** Where a tenant's token goes, and the objects named after it, as `Kind namespace/name`. */
function tokenTargets({ namespace, release, values }: ValidTenant): string[] {
  if (!values.serviceAccountToken.enabled) return [];
  const settings = tokenSettings(new InstanceNames(namespace, release), values);
  const { names, secret } = settings;
  switch (settings.sink) {
    case 'aws-secrets-manager': {
      const aws = values.serviceAccountToken.sink.awsSecretsManager;
      return [`AWS Secrets Manager secret ${aws.secretId}${aws.region ? ` (region ${aws.region})` : ''}${aws.endpointUrl ? ` at ${aws.endpointUrl}` : ''}`];
    }
    case 'grafana-operator':
      return [`Secret ${secret.namespace}/${secret.name}`, `GrafanaServiceAccount ${namespace}/${names.grafanaServiceAccount(values.serviceAccountToken.serviceAccountName)}`];
    default:
      // Its Role is `<release>-token-bootstrap`, or `<clientId>-token-bootstrap` in another namespace: unique already.
      return [`Secret ${secret.namespace}/${secret.name}`];
  }
}

/** Groups with more than one member, in order of first appearance; `first` gets each key's first item. */
function groupBy<T>(items: readonly T[], key: (item: T) => string, first = new Map<string, T>()): T[][] {
  // Most keys are unique: each item's first one is kept alone, and a list made only for a second.
  const groups = new Map<T, T[]>();
  for (const item of items) {
    const k = key(item);
    const head = first.get(k);
    if (head === undefined) first.set(k, item);
    else {
      const group = groups.get(head);
      if (group) group.push(item);
      else groups.set(head, [head, item]);
    }
  }
  // In order of first appearance: the order the keys first came in.
  return [...first.values()].filter((head) => groups.has(head)).map((head) => groups.get(head)!);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * What the fleet-wide checks compared in a fleet that passed them: the tenant that holds each
 * location, clientId, host and token target, and every tenant that sends each data-source tenant
 * id. Filled by findFleetProblems and findSharedTargets when given one; a fleet that keeps most
 * of those tenants (the old side of a diff, whose unchanged entries are the new side's tenants)
 * is then checked with {@link passesAlongside}.
 */
export class FleetKeys {
  readonly locations = new Map<string, TenantClaim>();
  readonly clientIds = new Map<string, TenantClaim>();
  readonly hosts = new Map<string, TenantClaim>();
  readonly tokenTargets = new Map<string, { readonly tenant: ValidTenant; readonly target: string }>();
  readonly senders: TenantIdSenders = new Map();
}

/** Senders of a tenant id listed beyond which {@link passesAlongside} leaves the fleet to the whole checks. */
const MAX_SENDERS_LOOKED_AT = 64;

/**
 * Whether a fleet passes findFleetProblems and findSharedTargets when it is made of tenants of a
 * fleet that passed them (`keys`, and the indexes there of the tenants it keeps, each kept once)
 * and of `added` tenants. Each check is about two tenants at a time (or one): whether two tenants
 * conflict does not depend on the rest of the fleet. So kept tenants, which passed together, still
 * do, and only the pairs with an added tenant are looked at: the added tenants checked as a fleet
 * of their own, then each against the kept holders of its keys. False also where that would take
 * long (a tenant id sent by very many tenants): the caller then checks the whole fleet, which
 * reports every problem in its words.
 */
export function passesAlongside(keys: FleetKeys, kept: ReadonlySet<number>, added: { readonly claims: readonly TenantClaim[]; readonly tenants: readonly ValidTenant[] }): boolean {
  if (findFleetProblems(added.claims, '').length > 0 || findSharedTargets(added.tenants, '').length > 0) return false;
  const keptHolder = (holder: { readonly index: number } | undefined) => holder !== undefined && kept.has(holder.index);
  for (const claim of added.claims) {
    if (keptHolder(keys.locations.get(locationKey(claim))) || keptHolder(keys.clientIds.get(clientIdKey(claim)))) return false;
    if (typeof claim.host === 'string' && claim.host !== '' && keptHolder(keys.hosts.get(claim.host))) return false;
  }
  for (const tenant of added.tenants) {
    if (tokenTargets(tenant).some((target) => keptHolder(keys.tokenTargets.get(target)?.tenant))) return false;
    for (const [role, tenantId] of headerTenantIds(tenant)) {
      const senders = keys.senders.get(role)?.get(tenantId) ?? [];
      if (senders.length > MAX_SENDERS_LOOKED_AT) return false;
      if (senders.some((other) => kept.has(other.index) && !maySendAlike(tenant, other, role))) return false;
    }
  }
  return true;
}
