import { z } from 'zod';
import { InstanceValues, InstanceValuesInput, instanceValuesSchema } from './schema';
import { refuseNullValues } from './value-paths';

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
 * Clearer wording for the type errors users actually make. YAML 1.1 (what Helm and kubectl read)
 * turns unquoted y/yes/on/off into booleans, so a string field holding a boolean gets a hint.
 * Returning undefined keeps zod's own message.
 */
export function explainIssue(issue: { code?: string; expected?: string; input?: unknown }): string | undefined {
  if (issue.code !== 'invalid_type' || issue.input === undefined) return undefined;
  const got = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'a list' : `the ${typeof issue.input} ${JSON.stringify(issue.input)}`;
  const hint = issue.expected === 'string' && typeof issue.input === 'boolean'
    ? ': quote it (YAML 1.1 reads unquoted y, yes, on, off as booleans)'
    : '';
  return `expected a ${issue.expected}, got ${got}${hint}`;
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
