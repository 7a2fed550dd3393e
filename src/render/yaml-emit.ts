import { Document, parse, Scalar, visit as visitNodes } from 'yaml';
import { sortedKeys } from './sorted-keys';

/*
 * A fast path for the block YAML the `yaml` package writes for rendered manifests. Emitting is
 * half of the render time per tenant, and manifests are plain JSON with mostly plain-safe
 * strings. Anything this emitter is not sure about (keys that need quoting, multi-line strings,
 * nested sequences, ...) goes to the `yaml` package, for the scalar or the whole document,
 * so the bytes are always those of `libraryYaml(value)`; a test holds it to that.
 *
 * Kubernetes tooling reads YAML 1.1 (sigs.k8s.io/yaml: kubectl, Argo CD, Flux), the `yaml`
 * package writes 1.2: a string such as `on`, `yes` or `1_000` written plain would come back as a
 * boolean or a number. Every string that either version would read as something else is quoted.
 *
 * This is the project's one YAML writer (rendered files, and the diff's review lines, so those
 * look like the files). It is kept next to the `yaml` package rather than replaced by it for
 * speed alone; the quoting rules above are the `yaml` package's output plus the 1.1 guard, and
 * the bytes are the library's by construction (test/render/yaml-emit.test.ts).
 */

const OPTIONS = { lineWidth: 0 } as const;

/**
 * One-line strings the library writes plain and every YAML 1.1 or 1.2 reader reads back as the
 * same string: printable ASCII starting with a letter, `/` or `(` (so never a number, a timestamp,
 * `.inf`, `~`, an indicator or a document marker), no `: ` or ` #`, not ending in a space or `:`,
 * and not a null or boolean word (RESERVED). Grafana's JMESPath and URLs with `?`, `&` and `%`
 * are such strings; anything else is the library's call, cached by value. One regular
 * expression, one pass: it runs for every string of every object.
 */
const PLAIN_SAFE = /^[A-Za-z/(](?:[\x20-\x22\x24-\x39\x3b-\x7e]|:(?! )|(?<! )#)*(?<![ :])$/;
/**
 * Words a YAML reader could take for a boolean or null (1.1 included, to be safe), and the one
 * number that starts with a letter: YAML 1.1 reads `e3` as a float (an exponent without digits).
 */
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null|e[-+]?[0-9]+)$/i;
/** Starts like a number: quoted in any case (readsAsAnotherType). */
const NUMBER_LIKE = /^[-+]?\.?[0-9]/;
/** Characters the library escapes or treats specially inside double quotes. */
const NEEDS_ESCAPE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]/;
/** Keys longer than this are written as explicit `? key` entries by the library. */
const MAX_IMPLICIT_KEY = 1024;

/** Scalars the library had to format, by value: names repeat across objects and tenants. */
const scalarCache = new Map<string, string>();
const SCALAR_CACHE_LIMIT = 50_000;

class NeedsLibrary extends Error {}

/**
 * What the `yaml` package writes with `lineWidth: 0`, except that a one-line string a YAML 1.1
 * or 1.2 reader would take for another type (`yes`, `on`, `1_000`, `0o17`, `2001-12-14`) is
 * double-quoted, keys included.
 */
export function libraryYaml(value: unknown): string {
  const doc = new Document(value);
  visitNodes(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && readsAsAnotherType(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(OPTIONS);
}

/** True when `text`, written plain on one line, might not read back as this string in YAML 1.1 or 1.2. */
function readsAsAnotherType(text: string): boolean {
  if (text.includes('\n')) return false; // block scalars: the library picks a style that keeps them strings
  if (text === '<<') return true; // the YAML 1.1 merge key
  // Go's reader also takes `0X1F`, `0O17`, `0B11` or `1_0` for numbers: quote whatever starts like one.
  if (/^[-+]?\.?[0-9]/.test(text)) return true;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version }) !== text) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** `libraryYaml(value)`, faster for the shapes rendered manifests have. */
export function toYaml(value: unknown): string {
  return fastYaml(value, false) ?? libraryYaml(value);
}

/**
 * `toYaml` of a copy of `value` with the keys of every mapping sorted (as `sort()` orders
 * strings), made without the copy; undefined when only the library writes it (then write the
 * sorted copy with toYaml). The diff's review lines: a changed object on both sides.
 */
export function toSortedYaml(value: unknown): string | undefined {
  return fastYaml(value, true);
}

/** What this writer writes of `value` (its keys sorted with `sortKeys`), or undefined when the library must. */
function fastYaml(value: unknown, sortKeys: boolean): string | undefined {
  if (!isMap(value)) return undefined;
  try {
    // Built by concatenation, one pass over each mapping's keys: cheaper than an array of
    // pieces joined at the end, and this runs for every object of every tenant.
    const text = emitMap(value, '', '', new Set(), sortKeys);
    return text === '' ? undefined : text;
  } catch (e) {
    if (e instanceof NeedsLibrary) return undefined;
    throw e;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether this writer writes `text` plain: then every YAML 1.1 or 1.2 reader reads it back as this string. */
export function isPlainSafe(text: string): boolean {
  return PLAIN_SAFE.test(text) && !RESERVED.test(text);
}

/** Keys already known to be written plain: the same few hundred keys come back in every object. */
const plainKeys = new Set<string>();

function isPlainKey(key: string): boolean {
  if (plainKeys.has(key)) return true;
  if (key.length > MAX_IMPLICIT_KEY || !isPlainSafe(key)) return false;
  if (plainKeys.size >= SCALAR_CACHE_LIMIT) plainKeys.clear();
  plainKeys.add(key);
  return true;
}

/**
 * A mapping at `indent`, '' when it has no key the library writes (it leaves out undefined
 * values); its first line starts with `first` instead (a `- ` of a sequence). `seen` holds the
 * collections on the way: one used twice gets anchors from the library.
 */
function emitMap(map: Record<string, unknown>, indent: string, first: string, seen: Set<object>, sortKeys: boolean): string {
  visit(map, seen);
  let out = '';
  let prefix = first || indent;
  for (const key of sortKeys ? sortedKeys(map) : Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    if (!isPlainKey(key)) throw new NeedsLibrary();
    const head = prefix + key;
    if (Array.isArray(value)) {
      if (value.length === 0) {
        visit(value, seen);
        out += `${head}: []\n`;
      } else {
        out += `${head}:\n${emitSeq(value, `${indent}  `, seen, sortKeys)}`;
      }
    } else if (isMap(value)) {
      const body = emitMap(value, `${indent}  `, '', seen, sortKeys);
      out += body === '' ? `${head}: {}\n` : `${head}:\n${body}`;
    } else if (typeof value === 'string' && value.includes('\n')) {
      out += `${head}: ${blockScalar(value, indent)}`;
    } else {
      out += `${head}: ${scalar(value)}\n`;
    }
    prefix = indent;
  }
  return out;
}

function emitSeq(items: readonly unknown[], indent: string, seen: Set<object>, sortKeys: boolean): string {
  visit(items, seen);
  let out = '';
  for (const item of items) {
    if (Array.isArray(item)) {
      if (item.length > 0) throw new NeedsLibrary();
      visit(item, seen);
      out += `${indent}- []\n`;
    } else if (isMap(item)) {
      const body = emitMap(item, `${indent}  `, `${indent}- `, seen, sortKeys);
      out += body === '' ? `${indent}- {}\n` : body;
    } else {
      out += `${indent}- ${scalar(item)}\n`;
    }
  }
  return out;
}

function visit(collection: object, seen: Set<object>): void {
  if (seen.has(collection)) throw new NeedsLibrary();
  seen.add(collection);
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (isPlainSafe(value)) return value;
      // What libraryYaml writes for it: double quotes (readsAsAnotherType), which with nothing
      // to escape are JSON's, as the library builds them from JSON.stringify.
      if (NUMBER_LIKE.test(value) && !NEEDS_ESCAPE.test(value)) return JSON.stringify(value);
      return libraryScalar(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : libraryScalar(value);
    default:
      if (value === null) return 'null';
      throw new NeedsLibrary();
  }
}

/**
 * A multi-line string as a mapping value (scripts in ConfigMaps): the library's own rendering
 * of `k: <value>`, whose lines are relative to the key, shifted to the key's indentation.
 * Blank lines stay empty, as the library writes them.
 */
function blockScalar(value: string, indent: string): string {
  // By indentation too: re-indenting a 50 KB script for every tenant was a visible cost. Keyed
  // by the string itself (one object for every tenant of a thread, whose hash V8 keeps), not a
  // key made from it: hashing a new 50 KB key per tenant was most of writing a token tenant.
  const byValue = blockScalars.get(indent.length) ?? new Map<string, string>();
  blockScalars.set(indent.length, byValue);
  let text = byValue.get(value);
  if (text === undefined) {
    const relative = libraryYaml({ k: value }).slice('k: '.length);
    text = indent === '' ? relative : relative.replace(/\n(?=[^\n])/g, `\n${indent}`);
    if (byValue.size >= BLOCK_SCALAR_CACHE_LIMIT) byValue.clear();
    byValue.set(value, text);
  }
  return text;
}

/** Block scalars as written at each indentation, by value (see blockScalar). */
const blockScalars = new Map<number, Map<string, string>>();
/** Distinct multi-line values kept per indentation: scripts and dashboards repeat across tenants. */
const BLOCK_SCALAR_CACHE_LIMIT = 1000;

/** The library's single-line form of a scalar; multi-line forms need the whole document. */
function libraryScalar(value: string | number): string {
  const key = typeof value === 'string' ? `s${value}` : `n${value}`;
  let text = scalarCache.get(key);
  if (text === undefined) {
    text = libraryYaml(value).replace(/\n$/, '');
    if (text.includes('\n')) throw new NeedsLibrary();
    if (scalarCache.size >= SCALAR_CACHE_LIMIT) scalarCache.clear();
    scalarCache.set(key, text);
  }
  return text;
}
