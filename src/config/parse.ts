import { z } from 'zod';
import { InstanceValues, InstanceValuesInput, instanceValuesSchema } from './schema';
import { PlainObject } from './merge';
import { firstNullPath, refuseNullValues } from './value-paths';
import { InputError } from './input-error';
import type { RenderTarget } from './checks';
import { describeValue, explainIssue } from './issue-text';

export { describeValue, explainIssue };

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
  return `${target.namespace}\0${target.release}\0${joined(target.apiVersions)}`;
}

/** The last API versions joined, and a copy of them: a fleet's tenants share one list. */
let lastJoined: { readonly list: readonly string[]; readonly text: string } | undefined;

function joined(apiVersions: readonly string[]): string {
  const last = lastJoined?.list;
  const same = last !== undefined && last.length === apiVersions.length && last.every((v, i) => v === apiVersions[i]);
  if (!same) lastJoined = { list: [...apiVersions], text: apiVersions.join('\0') };
  return lastJoined!.text;
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
    // Catalogue messages (choices and patterns) already start with the field's path.
    const own = formatPath(issue.path);
    if (own !== '' && issue.message.startsWith(`${own} `)) return joinPath(formatPath(prefix), issue.message);
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
