import { z } from 'zod';
import { InstanceValues, InstanceValuesInput, instanceValuesSchema } from './schema';
import { PlainObject } from './merge';
import { firstNullPath, refuseNullValues } from './value-paths';
import { describeValue, explainIssue } from './issue-text';

export { describeValue, explainIssue };

/** Bad input: every problem found, each naming its field path. */
export class InputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'InputError';
  }
}

/**
 * Parses instance values, filling defaults; throws {@link InputError} naming each bad field, or
 * the catalogue's RenderError for a null value (refused like the chart refuses it).
 */
export function parseInstanceValues(input: unknown): InstanceValues {
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
