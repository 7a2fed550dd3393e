import { InstanceNames } from '../naming';

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
 * different pairs joining into the same Keycloak clientId (BRIEF section 4: `a-b`/`c` and
 * `a`/`b-c` both give `a-b-c`, and the realm holds one client per clientId), and two tenants
 * serving Grafana at the same host. Each message names every tenant involved.
 */
export function findFleetProblems(claims: readonly TenantClaim[], file: string): string[] {
  const problems: string[] = [];
  const where = (c: TenantClaim) => `tenants[${c.index}] (${c.namespace}/${c.release})`;

  for (const group of groupBy(claims, (c) => `${c.namespace}/${c.release}`)) {
    const [first, ...rest] = group;
    for (const dup of rest) {
      problems.push(`${file}: ${where(dup)}: duplicate tenant: ${first.namespace}/${first.release} is already defined at ${where(first)}; each (namespace, release) may appear once`);
    }
  }

  for (const group of groupBy(claims, (c) => new InstanceNames(c.namespace, c.release).clientId)) {
    // Exact duplicates are reported above; a collision needs two different pairs.
    const pairs = uniqueBy(group, (c) => `${c.namespace}/${c.release}`);
    const [first, ...rest] = pairs;
    for (const other of rest) {
      const clientId = new InstanceNames(other.namespace, other.release).clientId;
      problems.push(
        `${file}: ${where(other)}: clientId collision: ${where(first)} and ${where(other)} both give the Keycloak clientId "${clientId}" (namespace-release); rename one of the releases or namespaces`,
      );
    }
  }

  // An exact duplicate entry is reported once, above, not again for its host.
  const hosted = uniqueBy(claims, (c) => `${c.namespace}/${c.release}`).filter(
    (c): c is TenantClaim & { host: string } => typeof c.host === 'string' && c.host !== '',
  );
  for (const group of groupBy(hosted, (c) => c.host)) {
    const [first, ...rest] = group;
    for (const dup of rest) {
      problems.push(`${file}: ${where(dup)}.host: duplicate host "${dup.host}": ${where(first)} already serves Grafana at https://grafana.${dup.host}; give each tenant its own host`);
    }
  }
  return problems;
}

/** Groups with more than one member, in order of first appearance. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
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
