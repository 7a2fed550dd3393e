import { checkInstance, KEYCLOAK_API_VERSION } from './checks';
import { readYamlFile } from './helm-yaml';
import { deepMerge, isPlainObject, PlainObject } from './merge';
import { message, RenderError } from './messages';
import { firstNullPath } from './value-paths';
import { describeValue, explainIssue, formatIssues, InputError, markValidated, schemaProblems } from './parse';
import { instanceValuesSchema, InstanceValues, InstanceValuesInput } from './schema';
import { findFleetProblems, findSharedTargets, TenantClaim } from '../fleet/fleet-checks';

/** One tenant of a fleet: where it lives and its values (defaults merged, all fields filled). */
export interface FleetTenant {
  readonly index: number;
  readonly namespace: string;
  readonly release: string;
  readonly values: InstanceValues;
}

export interface Fleet {
  readonly file: string;
  readonly apiVersions: readonly string[];
  readonly tenants: readonly FleetTenant[];
}

export { HELM_YAML, parseHelmYaml, readYamlFile } from './helm-yaml';

/** Loads and validates a fleet file; every problem names the file, the tenant and the field. */
export function loadFleet(file: string): Fleet {
  return parseFleet(readYamlFile(file), file);
}

/**
 * Validates a parsed fleet document. Collects every problem before throwing, so one run shows all
 * that needs fixing: the top-level fields each on their own, `defaults` once (as `defaults.<path>`),
 * every tenant (schema and render failures alike; a broken entry does not hide the others) and the
 * fleet-wide ones (duplicates, clientId collisions, shared hosts and token targets).
 */
export function parseFleet(document: unknown, file: string): Fleet {
  const root = document ?? {};
  if (!isPlainObject(root)) {
    throw new InputError([`${file}: expected an object with apiVersions, defaults and tenants at the top level, got ${describeValue(root)}`]);
  }
  const problems: string[] = [];
  const unknown = Object.keys(root).filter((key) => !FLEET_FIELDS.includes(key));
  if (unknown.length > 0) {
    problems.push(`${file}: ${unknown.join(', ')}: unknown field${unknown.length > 1 ? 's' : ''}; a fleet file has ${FLEET_FIELDS.join(', ')}`);
  }
  const apiVersions = readApiVersions(root.apiVersions, file, problems);
  const defaults = readDefaults(root.defaults, file, problems);
  const entries = readTenantList(root.tenants, file, problems);
  // With broken apiVersions or defaults every render check could fail for the wrong reason:
  // check each tenant's own fields only, and render nothing.
  const topLevelOk = problems.length === 0;

  const tenants: FleetTenant[] = [];
  const claims: TenantClaim[] = [];
  entries.forEach((entry, index) => {
    if (!isPlainObject(entry)) {
      problems.push(`${file}: tenants[${index}]: expected an object with namespace, release, host and the tenant's values, got ${describeValue(entry)}`);
      return;
    }
    const { namespace, release, ...rest } = entry;
    const where = `${file}: tenants[${index}] (${describeTenant(namespace, release)})`;
    const locationProblems = (['namespace', 'release'] as const).flatMap((field) => {
      const value = entry[field];
      if (typeof value === 'string') return [];
      if (value === undefined) return [`${field} is missing: every tenant needs a namespace and a release`];
      return [`${field}: ${explainIssue({ code: 'invalid_type', expected: 'string', input: value })}`];
    });
    problems.push(...locationProblems.map((p) => `${where}: ${p}`));
    const merged = locationProblems.length > 0 ? undefined : deepMerge(defaults, rest);
    // The merged values are parsed first: when they pass, so do the tenant's own (merging never
    // repairs a tenant's value, it only fills what the tenant left out), and each tenant is
    // parsed once. Only a failing tenant is parsed on its own too, so each problem names the
    // tenant's field as written, exactly as before.
    const nullPath = merged !== undefined && topLevelOk ? firstNullPath(merged) : undefined;
    const parsed = merged !== undefined && topLevelOk && nullPath === undefined ? instanceValuesSchema.safeParse(merged, { error: explainIssue }) : undefined;
    const own = parsed?.success ? [] : schemaProblems(rest);
    problems.push(...own.map((p) => `${where}: ${p}`));
    if (merged === undefined) return;
    const host = isPlainObject(merged) && typeof merged.host === 'string' ? merged.host : undefined;
    claims.push({ index, namespace: namespace as string, release: release as string, host });
    if (own.length > 0 || !topLevelOk) return;
    if (nullPath !== undefined) {
      problems.push(`${where}: ${message('nullValue', nullPath)}`);
      return;
    }
    if (!parsed!.success) {
      problems.push(...formatIssues(parsed!.error).map((p) => `${where}: ${p}`));
      return;
    }
    const values = parsed!.data;
    const target = { namespace: namespace as string, release: release as string, apiVersions };
    try {
      checkInstance(target, values);
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      problems.push(`${where}: ${e.message}`);
      return;
    }
    tenants.push({ index, namespace: target.namespace, release: target.release, values: markValidated(values, target) });
  });
  problems.push(...findFleetProblems(claims, file), ...findSharedTargets(tenants, file));
  if (problems.length > 0) throw new InputError(problems);
  return { file, apiVersions, tenants };
}

const FLEET_FIELDS = ['apiVersions', 'defaults', 'tenants'];

function readApiVersions(value: unknown, file: string, problems: string[]): string[] {
  if (value === undefined) return [];
  const list: unknown[] | undefined = Array.isArray(value) ? value : undefined;
  const bad = list?.findIndex((v) => typeof v !== 'string') ?? -1;
  if (list !== undefined && bad < 0) return list as string[];
  const what = list !== undefined ? `apiVersions[${bad}]: expected a string, got ${describeValue(list[bad])}` : `apiVersions: expected a list, got ${describeValue(value)}`;
  problems.push(`${file}: ${what}: list the API versions the cluster serves, e.g. apiVersions: [${KEYCLOAK_API_VERSION}]`);
  return [];
}

function readDefaults(value: unknown, file: string, problems: string[]): PlainObject {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.push(`${file}: defaults: expected an object of values merged into every tenant (like the chart's values.yaml), got ${describeValue(value)}`);
    return {};
  }
  const nullPath = firstNullPath(value);
  if (nullPath !== undefined) problems.push(`${file}: ${message('nullValue', `defaults.${nullPath}`)}`);
  else problems.push(...schemaProblems(value, ['defaults']).map((p) => `${file}: ${p}`));
  return value;
}

function readTenantList(value: unknown, file: string, problems: string[]): unknown[] {
  if (Array.isArray(value)) return value;
  problems.push(value === undefined
    ? `${file}: tenants is missing: list one entry per Monitoring instance, e.g. tenants: [{namespace: tenant-acme, release: monitoring, host: acme.example.org}]`
    : `${file}: tenants: expected a list of tenant entries, got ${describeValue(value)}`);
  return [];
}

function describeTenant(namespace: unknown, release: unknown): string {
  return `${typeof namespace === 'string' ? namespace : '?'}/${typeof release === 'string' ? release : '?'}`;
}

export type { InstanceValuesInput };
