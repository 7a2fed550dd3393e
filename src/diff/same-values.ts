/**
 * Whether two values have the same JSON text (keys in the same order), without writing it: the
 * pair reader gives both sides the same values object for an entry of the same text, and the
 * fleet's parser shares the objects of fields tenants have alike, so most comparisons end at
 * `a === b`. A key holding undefined (left out of JSON) makes values differ: they are rendered.
 */
export function sameJsonText(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  return keys.length === otherKeys.length && keys.every((key, i) => key === otherKeys[i] && sameJsonText((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** The top-level fields of two values (each the same schema's output) whose JSON texts differ. */
export function changedFields(a: object, b: object): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].filter((field) => !sameJsonText((a as Record<string, unknown>)[field], (b as Record<string, unknown>)[field]));
}
