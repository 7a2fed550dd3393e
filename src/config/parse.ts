import { z } from 'zod';
import { InstanceValues, InstanceValuesInput, instanceValuesSchema } from './schema';
import { PlainObject } from './merge';
import { firstNullPath, refuseNullValues } from './value-paths';
import { InputError } from './input-error';
import type { RenderTarget } from './checks';

export { InputError };

/**
 * Values that passed the null walk, the schema and {@link checkInstance} for one render target,
 * by that target's key. Rendering takes them as they are: a fleet's tenants are parsed and
 * checked once, when the fleet is loaded, not again by every MonitoringInstance (nor by the
 * worker thread that renders them). Held weakly: the values object is the proof, not a copy.
 */
const validated = new WeakMap<object, string>();

function targetKey(target: RenderTarget): string {
  // NUL cannot occur in a namespace, release or API version that passed the checks.
  return `${target.namespace}\0${target.release}\0${target.apiVersions.join('\0')}`;
}

/**
 * Records that `values` (the output of {@link parseInstanceValues}, or a copy of such output made
 * by the one who checked it) passed every per-tenant check for `target`.
 */
export function markValidated(values: InstanceValues, target: RenderTarget): InstanceValues {
  validated.set(values, targetKey(target));
  return values;
}

/** Whether `values` passed every per-tenant check for `target` (see {@link markValidated}). */
export function isValidatedFor(values: unknown, target: RenderTarget): boolean {
  return typeof values === 'object' && values !== null && validated.get(values) === targetKey(target);
}

/** Whether `values` passed the per-tenant checks for some target, so it needs no parsing. */
function isValidated(values: unknown): values is InstanceValues {
  return typeof values === 'object' && values !== null && validated.has(values);
}

/**
 * Parses instance values, filling defaults; throws {@link InputError} naming each bad field, or
 * the catalogue's RenderError for a null value (refused like the chart refuses it). Values
 * already validated (see {@link markValidated}) are returned as they are.
 */
export function parseInstanceValues(input: unknown): InstanceValues {
  if (isValidated(input)) return input;
  refuseNullValues(input);
  const result = instanceValuesSchema.safeParse(input ?? {}, { error: explainIssue });
  if (!result.success) throw new InputError(formatIssues(result.error));
  return result.data;
}

/**
 * Clearer wording for the type errors users actually make. YAML 1.1 (what Helm and kubectl read)
 * turns unquoted y/yes/on/off into booleans, so a string field holding a boolean gets a hint.
 * Returning undefined keeps zod's own message.
 */
export function explainIssue(issue: { code?: string; expected?: string; input?: unknown }): string | undefined {
  if (issue.code !== 'invalid_type' || issue.input === undefined) return undefined;
  const hint = issue.expected === 'string' && typeof issue.input === 'boolean'
    ? ': quote it (YAML 1.1 reads unquoted y, yes, on, off as booleans)'
    : '';
  return `expected ${describeType(issue.expected ?? 'value')}, got ${describeValue(issue.input)}${hint}`;
}

/** A zod type name in words: "an object", "a list", "a string". */
function describeType(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'an object (a mapping of keys to values)';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** A parsed YAML value in words, for "got ..." in a message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object (a mapping)';
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Schema problems of values on their own. A null at a known path is left out here: after merging
 * it is the catalogue's nullValue failure, as in the chart.
 */
export function schemaProblems(values: PlainObject, prefix: readonly string[] = []): string[] {
  const parsed = instanceValuesSchema.safeParse(withoutKnownNulls(values), { error: explainIssue });
  return parsed.success ? [] : formatIssues(parsed.error, prefix);
}

function withoutKnownNulls(values: PlainObject): PlainObject {
  let out = values;
  for (let path = firstNullPath(out); path !== undefined; path = firstNullPath(out)) out = without(out, path.split('.'));
  return out;
}

function without(node: PlainObject, [key, ...rest]: string[]): PlainObject {
  const copy = { ...node };
  if (rest.length === 0) delete copy[key];
  else copy[key] = without(copy[key] as PlainObject, rest);
  return copy;
}

/** Turns zod issues into `field.path: what is wrong` lines. */
export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      const fields = issue.keys.map((k) => joinPath(path, k));
      return `${fields.join(', ')}: unknown field${fields.length > 1 ? 's' : ''}; check the spelling against the values reference`;
    }
    return `${path || '(root)'}: ${issue.message}`;
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : joinPath(acc, String(part))), '');
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

export type { InstanceValuesInput };
