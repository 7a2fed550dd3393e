import { isPlainObject } from './merge';
import { fail } from './messages';
import { defaultInstanceValues } from './schema';

/*
 * Helm deletes a key whose value is `null` before templates run, so the chart cannot tell
 * `grafana.version: null` from a typo'd intention; it can only see the key is gone. Both
 * renderers therefore refuse null with the same message, walking the same list of paths: every
 * leaf of the defaults (free-form maps such as `annotations` count as leaves). The chart reads
 * the list from files/value-paths.json, generated from this function (`npm run generate`).
 */

/** Every path of the defaults tree down to its leaves, in schema order. */
export function valuePaths(node: unknown = defaultInstanceValues(), prefix: string[] = []): string[][] {
  if (!isPlainObject(node) || Object.keys(node).length === 0) return [prefix];
  return Object.entries(node).flatMap(([key, child]) => valuePaths(child, [...prefix, key]));
}

/** The defaults' paths, computed once: checked for every tenant of a fleet. */
let defaultPaths: readonly string[][] | undefined;

/** The first path (in {@link valuePaths} order) that is null in `input`, as `a.b.c`. */
export function firstNullPath(input: unknown, paths: readonly string[][] = (defaultPaths ??= valuePaths())): string | undefined {
  // Most values hold no null at all: one walk of the input then answers for every path.
  if (!holdsNull(input)) return undefined;
  for (const path of paths) {
    let node: unknown = input;
    for (let depth = 0; depth < path.length; depth++) {
      if (!isPlainObject(node) || !(path[depth] in node)) break;
      node = node[path[depth]];
      if (node === null) return path.slice(0, depth + 1).join('.');
    }
  }
  return undefined;
}

/** Whether `value` is null or holds a null anywhere in its objects and lists. */
function holdsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  for (const key in value) if (holdsNull((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** Throws the catalogue's `nullValue` failure when any known value is null. */
export function refuseNullValues(input: unknown): void {
  const path = firstNullPath(input);
  if (path !== undefined) fail('nullValue', path);
}
