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
  const result = instanceValuesSchema.safeParse(input ?? {});
  if (!result.success) throw new InputError(formatIssues(result.error));
  return result.data;
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
