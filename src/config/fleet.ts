import { checkInstance, KEYCLOAK_API_VERSION } from './checks';
import { readFleetDocument } from './fleet-text';
import { parseYamlBytes, readInputFile } from './helm-yaml';
import { deepMerge, isPlainObject, PlainObject } from './merge';
import { message, MessageKey, RenderError } from './messages';
import { FleetValuesParsers } from './fleet-values';
import { firstNullPath } from './value-paths';
import { describeValue, explainIssue, formatIssues, InputError, markValidated, schemaProblems } from './parse';
import { InstanceValues, InstanceValuesInput } from './schema';
import { findFleetProblems, findSharedTargets, FleetKeys, passesAlongside, TenantClaim } from '../fleet/fleet-checks';

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
  return loadFleetBytes(readInputFile(file), file);
}

/**
 * Validates the fleet file `file` whose bytes are `bytes`. The text is read entry by entry where
 * it allows (fleet-text.ts), else in full; `onRead` learns the length of the tenants list once
 * it is read, before the checks (synth starts its render workers then). A fleet read entry by
 * entry that fails a check is read again in full, so every problem is reported as a full read
 * reports it.
 */
export function loadFleetBytes(bytes: Buffer, file: string, onRead?: (tenants: number) => void): Fleet {
  const byEntry = readByEntry(bytes, file);
  if (byEntry !== undefined) {
    onRead?.(tenantCount(byEntry));
    try {
      return parseFleet(byEntry, file);
    } catch {
      // Reported by the full read below.
    }
  }
  const document = parseYamlBytes(bytes, file);
  if (byEntry === undefined) onRead?.(tenantCount(document));
  return parseFleet(document, file);
}

function readByEntry(bytes: Buffer, file: string): Record<string, unknown> | undefined {
  try {
    return readFleetDocument(new TextDecoder('utf-8', { fatal: true }).decode(bytes), file);
  } catch {
    return undefined;
  }
}

/** The length of a fleet document's tenant list, before it is checked (0 when it has none). */
function tenantCount(document: unknown): number {
  const tenants = (document as { tenants?: unknown } | null | undefined)?.tenants;
  return Array.isArray(tenants) ? tenants.length : 0;
}

/**
 * Validates a parsed fleet document. Collects every problem before throwing, so one run shows all
 * that needs fixing: the top-level fields each on their own, `defaults` once (as `defaults.<path>`),
 * every tenant (schema and render failures alike; a broken entry does not hide the others) and the
 * fleet-wide ones (duplicates, clientId collisions, shared hosts and token targets).
 *
 * Fleets read side by side (the two sides of a diff) share work through `options`.
 */
export function parseFleet(document: unknown, file: string, options: ParseFleetOptions = {}): Fleet {
  const { known, knownKeys, parsers = new FleetValuesParsers() } = options;
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
  const valuesParser = parsers.for(defaults);

  const tenants: FleetTenant[] = [];
  const claims: TenantClaim[] = [];
  // The tenants taken from `known` (their indexes there), and the others: see passesAlongside.
  const kept = new Set<number>();
  let keptTwice = false;
  const added: { claims: TenantClaim[]; tenants: FleetTenant[] } = { claims: [], tenants: [] };
  // Tenant problems are grouped before they are reported: see groupTenantProblems.
  const tenantProblems: TenantProblem[] = [];
  entries.forEach((entry, index) => {
    if (!isPlainObject(entry)) {
      problems.push(`${file}: tenants[${index}]: expected an object with namespace, release, host and the tenant's values, got ${describeValue(entry)}`);
      return;
    }
    const same = topLevelOk ? known?.get(entry) : undefined;
    if (same !== undefined) {
      // A validated tenant's host is its merged host (an empty one fails checkInstance).
      claims.push({ index, namespace: same.namespace, release: same.release, host: same.values.host });
      tenants.push(same.index === index ? same : { ...same, index });
      keptTwice ||= kept.has(same.index);
      kept.add(same.index);
      return;
    }
    const { namespace, release, ...rest } = entry;
    const report = (text: string, field?: string) =>
      tenantProblems.push({ tenant: `tenants[${index}] (${describeTenant(namespace, release)})`, text, fromDefaults: field !== undefined && inheritsFrom(defaults, rest, field) ? field : undefined });
    const locationProblems = typeof namespace === 'string' && typeof release === 'string' ? [] : (['namespace', 'release'] as const).flatMap((field) => {
      const value = entry[field];
      if (typeof value === 'string') return [];
      if (value === undefined) return [`${field} is missing: every tenant needs a namespace and a release`];
      return [`${field}: ${explainIssue({ code: 'invalid_type', expected: 'string', input: value })}`];
    });
    locationProblems.forEach((p) => report(p));
    const accept = (values: InstanceValues) => {
      const target = { namespace: namespace as string, release: release as string, apiVersions };
      try {
        checkInstance(target, values);
      } catch (e) {
        if (!(e instanceof RenderError)) throw e;
        report(e.message, RENDER_CHECK_FIELDS[e.key]);
        return;
      }
      const tenant = { index, namespace: target.namespace, release: target.release, values: markValidated(values, target) };
      tenants.push(tenant);
      added.tenants.push(tenant);
    };
    const entryKey = locationProblems.length === 0 && topLevelOk ? valuesParser.entryKey(rest) : undefined;
    const alike = entryKey === undefined ? undefined : valuesParser.alike(rest, entryKey);
    if (alike !== undefined) {
      claim({ index, namespace: namespace as string, release: release as string, host: alike.host });
      accept(alike);
      return;
    }
    const merged = locationProblems.length > 0 ? undefined : deepMerge(defaults, rest);
    // The merged values are parsed first: when they pass, so do the tenant's own (the schema
    // checks each field on its own, and merging never repairs a tenant's value, it only fills
    // what the tenant left out), so each tenant is parsed once. Only a failing tenant is parsed
    // on its own too, so each problem names the tenant's field as written, exactly as before.
    const nullPath = merged !== undefined && topLevelOk ? firstNullPath(merged) : undefined;
    const parsed = merged !== undefined && topLevelOk && nullPath === undefined ? valuesParser.safeParse(merged) : undefined;
    const own = parsed?.success ? [] : schemaProblems(rest);
    own.forEach((p) => report(p));
    if (merged === undefined) return;
    const host = isPlainObject(merged) && typeof merged.host === 'string' ? merged.host : undefined;
    claim({ index, namespace: namespace as string, release: release as string, host });
    if (own.length > 0 || !topLevelOk) return;
    if (nullPath !== undefined) {
      report(message('nullValue', nullPath));
      return;
    }
    if (!parsed!.success) {
      formatIssues(parsed!.error).forEach((p) => report(p));
      return;
    }
    valuesParser.remember(rest, parsed!.data, entryKey);
    accept(parsed!.data);
  });
  problems.push(...groupTenantProblems(tenantProblems, file));
  // Tenants taken from one fleet that passed as a whole need not be compared with each other again.
  const alongside = problems.length === 0 && knownKeys !== undefined && !keptTwice && passesAlongside(knownKeys, kept, added);
  const keys = options.keepKeys && !alongside ? new FleetKeys() : undefined;
  if (!alongside) problems.push(...findFleetProblems(claims, file, keys), ...findSharedTargets(tenants, file, keys));
  if (problems.length > 0) throw new InputError(problems);
  const fleet = { file, apiVersions, tenants };
  if (keys !== undefined) KEPT_KEYS.set(fleet, keys);
  return fleet;

  function claim(c: TenantClaim): void {
    claims.push(c);
    added.claims.push(c);
  }
}

/** What {@link parseFleet} may reuse of fleets read alongside (the two sides of a diff). */
export interface ParseFleetOptions {
  /**
   * Tenant entry objects (the very objects of this document's list) already validated in another
   * fleet with the same apiVersions and defaults, each to that tenant: its checks would give the
   * same result, so it is taken as it is.
   */
  readonly known?: ReadonlyMap<unknown, FleetTenant>;
  /**
   * The fleet-wide keys of the one fleet all `known` tenants come from (fleetKeysOf), which passed
   * its checks as a whole: the known tenants are then not compared with each other again, only
   * with the others (passesAlongside, fleet/fleet-checks.ts). Without it, the fleet-wide checks
   * compare every tenant with every other.
   */
  readonly knownKeys?: FleetKeys;
  /** Values parsers shared with fleets read alongside: see FleetValuesParsers. */
  readonly parsers?: FleetValuesParsers;
  /** Keep the fleet-wide keys of the fleet, for fleetKeysOf. */
  readonly keepKeys?: boolean;
}

const KEPT_KEYS = new WeakMap<Fleet, FleetKeys>();

/** The fleet-wide keys of a fleet parsed with `keepKeys` and checked as a whole; undefined otherwise. */
export function fleetKeysOf(fleet: Fleet): FleetKeys | undefined {
  return KEPT_KEYS.get(fleet);
}

const FLEET_FIELDS = ['apiVersions', 'defaults', 'tenants'];

/** A problem of one tenant; `fromDefaults` is the field path when the value came from `defaults`. */
interface TenantProblem {
  readonly tenant: string;
  readonly text: string;
  readonly fromDefaults?: string;
}

/** The field each render check is about, to tell a value inherited from `defaults` from the tenant's own. */
const RENDER_CHECK_FIELDS: Partial<Record<MessageKey, string>> = {
  hostMissing: 'host',
  systemNeedsPlatformOidc: 'platform.oidc.enabled',
  systemNeedsIssuerUrl: 'platform.oidc.issuerUrl',
  systemNeedsRealmRef: 'platform.oidc.realmRef.name',
  helmLookupNeedsHelm: 'oidc.clientSecret.generator',
  customConfigBoth: 'oidc.customConfig',
  customConfigNeither: 'oidc.customConfig',
  customConfigInlineSecret: 'oidc.customConfig.config.client_secret',
  tokenNeedsServiceAccountName: 'serviceAccountToken.serviceAccountName',
  tokenAwsNeedsSecretId: 'serviceAccountToken.sink.awsSecretsManager.secretId',
  tokenOperatorSinkLimits: 'serviceAccountToken.sink.type',
};

/** Whether `field` (a dotted path) is set in `defaults` and not by the tenant's own entry. */
function inheritsFrom(defaults: PlainObject, own: PlainObject, field: string): boolean {
  const has = (node: unknown) => field.split('.').every((key) => {
    if (!isPlainObject(node) || !(key in node)) return false;
    node = node[key];
    return true;
  });
  return has(defaults) && !has(own);
}

/** How many tenants a grouped line names before "and N more". */
const NAMED_TENANTS = 3;

/**
 * One line per distinct problem, not one per tenant: a problem that comes from a value in
 * `defaults` is reported once as `defaults.<path>`, and identical problems of several tenants
 * are grouped; both say how many tenants are affected and name the first few.
 */
function groupTenantProblems(found: readonly TenantProblem[], file: string): string[] {
  const groups = new Map<string, { fromDefaults?: string; text: string; tenants: string[] }>();
  for (const p of found) {
    const key = `${p.fromDefaults ?? ''}\u0000${p.text}`;
    const group = groups.get(key) ?? { fromDefaults: p.fromDefaults, text: p.text, tenants: [] };
    group.tenants.push(p.tenant);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ fromDefaults, text, tenants }) => {
    const named = tenants.slice(0, NAMED_TENANTS).join(', ') + (tenants.length > NAMED_TENANTS ? ` and ${tenants.length - NAMED_TENANTS} more` : '');
    const count = `${tenants.length} tenant${tenants.length > 1 ? 's' : ''}`;
    if (fromDefaults !== undefined) return `${file}: defaults.${fromDefaults}: ${text} (inherited by ${count}: ${named})`;
    if (tenants.length === 1) return `${file}: ${tenants[0]}: ${text}`;
    return `${file}: ${count} (${named}): ${text}`;
  });
}

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
