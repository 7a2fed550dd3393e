/* How a schema issue is worded for users: shared by the schema's own errors and the parser. */

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
