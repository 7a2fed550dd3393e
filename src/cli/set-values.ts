import { UsageError } from './command';
import { deepMerge, isPlainObject, PlainObject } from '../config/merge';

/*
 * `--set` and `--set-string` with Helm's meaning (helm.sh/helm/v3/pkg/strvals) for the common
 * cases, so the same flags give the same values on both renderers:
 *   a.b=c                 nested keys; later flags win
 *   a=1,b=2               several assignments in one flag
 *   a.b\.c=d, a=x\,y      a backslash escapes '.', ',', '=', '[' and '\' (annotation keys)
 *   a[0]=x, a[1].b=y      list items by index (missing items before it become null, like Helm)
 *   a={x,y}               a list of scalars
 *   a=                    the empty string
 * Value types as Helm types them: true/false (any case) are booleans, null is null (which both
 * renderers refuse: Helm deletes the key), decimal integers without a leading zero are integers,
 * everything else (1.5, 0755, 1e3, yes) is a string. `--set-string` keeps every value a string.
 * Not supported: `--set-file`, `--set-json`, `--set-literal`.
 */

/** The values of all `--set` / `--set-string` flags, in order; later ones win. */
export function parseSetFlags(flags: readonly { readonly text: string; readonly asString: boolean }[]): PlainObject {
  let out: PlainObject = {};
  for (const flag of flags) out = deepMerge(out, parseSet(flag.text, flag.asString)) as PlainObject;
  return out;
}

/** One flag's text, e.g. `host=a.example.org,oidc.mode=System`. */
export function parseSet(text: string, asString = false): PlainObject {
  const root: PlainObject = {};
  for (const assignment of splitUnescaped(text, ',', true)) {
    const eq = indexOfUnescaped(assignment, '=');
    if (eq < 0) throw new UsageError(`--set ${JSON.stringify(assignment)}: expected key=value, e.g. --set oidc.mode=System`);
    const path = parseKey(assignment.slice(0, eq), assignment);
    const raw = assignment.slice(eq + 1);
    const value = raw.startsWith('{') && raw.endsWith('}')
      ? splitUnescaped(raw.slice(1, -1), ',', false).filter((v) => v !== '').map((v) => typed(unescape(v), asString))
      : typed(unescape(raw), asString);
    assign(root, path, value, assignment);
  }
  return root;
}

type Segment = string | number;

/** `a.b[0].c` into ['a', 'b', 0, 'c']; `\.` stays part of a key. */
function parseKey(key: string, assignment: string): Segment[] {
  const path: Segment[] = [];
  let current = '';
  const bad = (why: string) => new UsageError(`--set ${JSON.stringify(assignment)}: ${why}`);
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      current += key[++i];
    } else if (c === '.') {
      if (current === '' && key[i - 1] !== ']') throw bad('empty key between dots');
      if (current !== '') path.push(current);
      current = '';
    } else if (c === '[') {
      const close = key.indexOf(']', i);
      const index = key.slice(i + 1, close);
      if (close < 0 || !/^\d+$/.test(index)) throw bad('a list index is [N] with a number N');
      if (current !== '') path.push(current);
      else if (path.length === 0) throw bad('a list index needs a key before it');
      current = '';
      path.push(Number(index));
      i = close;
    } else current += c;
  }
  if (current !== '') path.push(current);
  if (path.length === 0) throw bad('the key is empty');
  return path;
}

function assign(root: PlainObject, path: Segment[], value: unknown, assignment: string): void {
  let node: PlainObject | unknown[] = root;
  path.forEach((segment, depth) => {
    const last = depth === path.length - 1;
    const next = path[depth + 1];
    const container = node as Record<string | number, unknown>;
    if (typeof segment === 'number' && !Array.isArray(node)) throw new UsageError(`--set ${JSON.stringify(assignment)}: index [${segment}] of something that is not a list`);
    if (Array.isArray(node)) while (node.length < (segment as number)) node.push(null);
    if (last) {
      container[segment] = value;
      return;
    }
    const existing = container[segment];
    const wanted = typeof next === 'number' ? Array.isArray(existing) : isPlainObject(existing);
    if (!wanted) container[segment] = typeof next === 'number' ? [] : {};
    node = container[segment] as PlainObject | unknown[];
  });
}

/** Helm's typing of a --set value (strvals typedVal). */
function typed(value: string, asString: boolean): unknown {
  if (asString) return value;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (value === '0') return 0;
  if (value[0] !== '0' && /^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  return value;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function indexOfUnescaped(text: string, char: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return -1;
}

/** Splits at `sep` outside escapes (and, for assignments, outside `{...}` lists). Escapes are kept. */
function splitUnescaped(text: string, sep: string, braces: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (braces && c === '{') depth++;
    if (braces && c === '}') depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}
