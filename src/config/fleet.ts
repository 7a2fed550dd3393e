import { readFileSync } from 'node:fs';
import { parse as parseYaml, Tags } from 'yaml';
import { checkInstance } from './checks';
import { deepMerge, isPlainObject } from './merge';
import { message, RenderError } from './messages';
import { firstNullPath } from './value-paths';
import { explainIssue, formatIssues, InputError } from './parse';
import { fleetSchema, instanceValuesSchema, InstanceValues, InstanceValuesInput } from './schema';
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

/**
 * Parse YAML the way Helm and kubectl do (YAML 1.1, sigs.k8s.io/yaml), so a values file means
 * the same to both renderers: `yes`/`on` are booleans and `0755` is octal. Timestamps stay
 * strings, as they do in Helm's values.
 */
export const HELM_YAML = {
  version: '1.1',
  customTags: (tags: Tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
} as const;

/** Reads a YAML file, turning a syntax error into an {@link InputError} that names the file. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    // `-` is standard input, as in `helm template -f -`.
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new InputError([`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  try {
    return parseYaml(text, HELM_YAML) ?? {};
  } catch (e) {
    throw new InputError([`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
}

/** Loads and validates a fleet file; every problem names the file, the tenant and the field. */
export function loadFleet(file: string): Fleet {
  return parseFleet(readYamlFile(file), file);
}

/**
 * Validates a parsed fleet document. Collects every problem of every tenant (schema and render
 * failures alike) and the fleet-wide ones (duplicates, clientId collisions, shared hosts) before
 * throwing, so one run shows all that needs fixing.
 */
export function parseFleet(document: unknown, file: string): Fleet {
  const top = fleetSchema.safeParse(document);
  if (!top.success) throw new InputError(formatIssues(top.error).map((p) => `${file}: ${p}`));
  const { apiVersions, defaults, tenants: entries } = top.data;

  const problems: string[] = [];
  const tenants: FleetTenant[] = [];
  const claims: TenantClaim[] = [];
  entries.forEach((entry, index) => {
    const { namespace, release, ...rest } = entry;
    const where = `${file}: tenants[${index}] (${describeTenant(namespace, release)})`;
    const locationProblems = (['namespace', 'release'] as const).flatMap((field) => {
      const value = entry[field];
      if (typeof value === 'string') return [];
      if (value === undefined) return [`${field} is missing: every tenant needs a namespace and a release`];
      return [`${field}: ${explainIssue({ code: 'invalid_type', expected: 'string', input: value })}`];
    });
    if (locationProblems.length > 0) {
      problems.push(...locationProblems.map((p) => `${where}: ${p}`));
      return;
    }
    const merged = deepMerge(defaults, rest);
    const host = isPlainObject(merged) && typeof merged.host === 'string' ? merged.host : undefined;
    claims.push({ index, namespace: namespace as string, release: release as string, host });
    const nullPath = firstNullPath(merged);
    if (nullPath !== undefined) {
      problems.push(`${where}: ${message('nullValue', nullPath)}`);
      return;
    }
    const parsed = instanceValuesSchema.safeParse(isPlainObject(merged) ? merged : {}, { error: explainIssue });
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error).map((p) => `${where}: ${p}`));
      return;
    }
    try {
      checkInstance({ namespace: namespace as string, release: release as string, apiVersions }, parsed.data);
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      problems.push(`${where}: ${e.message}`);
      return;
    }
    tenants.push({ index, namespace: namespace as string, release: release as string, values: parsed.data });
  });
  problems.push(...findFleetProblems(claims, file), ...findSharedTargets(tenants, file));
  if (problems.length > 0) throw new InputError(problems);
  return { file, apiVersions, tenants };
}

function describeTenant(namespace: unknown, release: unknown): string {
  return `${typeof namespace === 'string' ? namespace : '?'}/${typeof release === 'string' ? release : '?'}`;
}

export type { InstanceValuesInput };
