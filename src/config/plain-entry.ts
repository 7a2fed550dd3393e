import { isPlainSafe } from '../render/yaml-emit';
import { resolveGoScalar } from './go-scalar';

/*
 * Reads one tenant entry of a fleet file without the yaml library: the yaml library's tokenizer
 * and composer were most of the time taken to read a 10,000-tenant fleet (and twice that in a
 * diff of two fleet files). Entries are written by hand or by add-tenant in plain
 * block style, mostly `key: value` lines, and those few forms are read here; anything else
 * (flow collections, escapes, numbers other than plain decimals, nulls, a value over two lines,
 * a key that is not a plain name, a repeated key ...) gives `undefined` and the caller reads the
 * entry with parseHelmYaml as before. So the reader never needs to know YAML's corner cases: it
 * only has to agree with parseHelmYaml on what it accepts, which test/config/plain-entry.test.ts
 * checks on generated entries and scalars.
 */

/** A line that is neither blank nor only a comment: its column and the text after the spaces. */
interface Line {
  readonly col: number;
  readonly text: string;
}

/** Thrown inside the reader for anything outside the subset; never escapes {@link readPlainEntry}. */
const OUTSIDE = Symbol('outside the plain subset');

/** `key:` or `key: rest`, the key a plain name (no quotes, spaces, or indicator characters). */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
/** Decimal integers without sign, leading zeros or underscores: the same number for every YAML reader. */
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;
/** Characters that give a plain scalar's first character another meaning (YAML's indicators). */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/**
 * The value of one tenant entry: `text` runs from the entry's `-` (at column `indent` of the file)
 * to the next entry's, as splitTenants (fleet-text.ts) cuts it. Undefined when the text is outside
 * the subset this reader knows; the caller then reads it with parseHelmYaml.
 */
export function readPlainEntry(text: string, indent: number): unknown {
  const list = readBlock(text, indent, HELM);
  return Array.isArray(list) && list.length === 1 ? list[0] : undefined;
}

/**
 * The value of a whole file in the same subset: a block mapping at column 0 (a values file as
 * people write them). Undefined for anything else, which the caller reads with parseHelmYaml:
 * an empty file, several documents, a top-level list or scalar, and whatever readPlainEntry
 * leaves to it.
 */
export function readPlainDocument(text: string): Record<string, unknown> | undefined {
  return readMapping(text, HELM);
}

/**
 * The value of one YAML document as js-yaml's `load` reads it, for the documents the project's
 * YAML writer (src/render/yaml-emit.ts) writes: a block mapping at column 0 of plain names and
 * the scalars that writer writes plain (strings that read back as themselves, booleans, null,
 * decimal integers, `[]`, `{}`) or in double quotes without escapes. Undefined for anything
 * else, which the caller reads with js-yaml: test/config/plain-entry.test.ts holds the two to
 * the same values on every rendered fixture.
 */
export function readEmittedDocument(text: string): Record<string, unknown> | undefined {
  return readMapping(text, JS_YAML);
}

function readMapping(text: string, dialect: Dialect): Record<string, unknown> | undefined {
  const node = readBlock(text, 0, dialect);
  return node === undefined || Array.isArray(node) ? undefined : (node as Record<string, unknown>);
}

/**
 * The block node of `text`, whose first line starts at column `indent` (an entry's text is cut
 * after its indentation), all of it read; undefined when anything is outside the subset.
 */
function readBlock(text: string, indent: number, dialect: Dialect): unknown {
  if (text.includes('\r') || text.includes('\t') || text.startsWith('\ufeff')) return undefined;
  const lines: Line[] = [];
  // Line by line as `text.split('\n')` cuts them, without making the array or a string for a
  // blank or comment line.
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let first = start;
    while (first < end && text.charCodeAt(first) === 32) first++;
    if (first < end && text.charCodeAt(first) !== 35) {
      let last = end;
      while (text.charCodeAt(last - 1) === 32) last--;
      lines.push({ col: start === 0 ? indent + first : first - start, text: text.slice(first, last) });
    }
    start = end + 1;
  }
  if (lines.length === 0 || lines[0].col !== indent) return undefined;
  try {
    const reader = new Reader(lines, dialect);
    const node = reader.block(indent);
    return reader.done() ? node : undefined;
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** How a YAML reader resolves what this reader reads: the scalars, and which keys stay the same string. */
interface Dialect {
  /** A value written on its key's (or dash's) line; throws OUTSIDE for what it leaves to the reader. */
  scalar(text: string): unknown;
  /** Whether a plain key is read as that same string. */
  plainKey(key: string): boolean;
}

/** Keys already resolved for {@link HELM}: a fleet repeats a few dozen keys in every entry. */
const HELM_PLAIN_KEYS = new Map<string, boolean>();

/** Helm's reader (go-yaml through sigs.k8s.io/yaml): parseHelmYaml. */
const HELM: Dialect = {
  scalar,
  // A key go-yaml reads as a number, boolean or null becomes another string in Helm.
  plainKey: (key) => {
    let plain = HELM_PLAIN_KEYS.get(key);
    if (plain === undefined) {
      plain = resolveGoScalar(key).kind === 'str';
      if (HELM_PLAIN_KEYS.size < MAX_KNOWN_KEYS) HELM_PLAIN_KEYS.set(key, plain);
    }
    return plain;
  },
};

/** Keys remembered at most (the rest are resolved each time): keys are few, values are not. */
const MAX_KNOWN_KEYS = 1024;

/** js-yaml's `load` (the diff's parser) with its default schema (YAML 1.2's core types, timestamps, merge keys). */
const JS_YAML: Dialect = {
  scalar: jsYamlScalar,
  // Booleans and nulls as keys become the strings "true", "false", "null" there.
  plainKey: (key) => !/^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/.test(key),
};

class Reader {
  private pos = 0;

  constructor(
    private readonly lines: Line[],
    private readonly dialect: Dialect = HELM,
  ) {}

  done(): boolean {
    return this.pos === this.lines.length;
  }

  /** The block node whose first line is the current one, at column `col`. */
  block(col: number): unknown {
    return isDash(this.lines[this.pos].text) ? this.sequence(col) : this.mapping(col);
  }

  private sequence(col: number): unknown[] {
    const out: unknown[] = [];
    while (!this.done() && this.lines[this.pos].col === col && isDash(this.lines[this.pos].text)) {
      const { text } = this.lines[this.pos];
      const rest = trimSpacesStart(text.slice(1));
      if (rest === '' || rest.startsWith('#')) {
        this.pos++;
        out.push(this.nested(col, false));
      } else if (KEY_LINE.test(rest)) {
        // `- key: value`: a mapping that starts on the dash's line, at the column of its key.
        const keyCol = col + text.length - rest.length;
        this.lines[this.pos] = { col: keyCol, text: rest };
        out.push(this.mapping(keyCol));
      } else {
        this.pos++;
        out.push(this.dialect.scalar(rest));
      }
      this.refuseDeeper(col);
    }
    return out;
  }

  private mapping(col: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (!this.done() && this.lines[this.pos].col === col && !isDash(this.lines[this.pos].text)) {
      const match = KEY_LINE.exec(this.lines[this.pos].text);
      if (match === null) throw OUTSIDE;
      const [, key, rest = ''] = match;
      // A key read as another string, and a repeated key (which the readers refuse, with its
      // line), are left to the YAML library.
      if (!this.dialect.plainKey(key) || key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw OUTSIDE;
      this.pos++;
      out[key] = rest === '' || rest.startsWith('#') ? this.nested(col, true) : this.dialect.scalar(rest);
      this.refuseDeeper(col);
    }
    return out;
  }

  /**
   * The block value below a `key:` or `-` at column `col`: more indented lines, or (for a key)
   * a list at the key's own column, which YAML allows. None (a null) is left to parseHelmYaml.
   */
  private nested(col: number, listMayAlign: boolean): unknown {
    const next = this.lines[this.pos];
    if (next === undefined) throw OUTSIDE;
    if (next.col > col || (listMayAlign && next.col === col && isDash(next.text))) return this.block(next.col);
    throw OUTSIDE;
  }

  /** A line more indented than the node just read continues it (a value over two lines): not read here. */
  private refuseDeeper(col: number): void {
    if (!this.done() && this.lines[this.pos].col > col) throw OUTSIDE;
  }
}

function isDash(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** A value written on the key's (or dash's) line, without its comment. */
function scalar(text: string): unknown {
  if (/[\x00-\x1f\x7f\ufeff]/.test(text)) throw OUTSIDE;
  if (text.startsWith('"')) {
    // No escapes: the text between the quotes is the value.
    const m = /^"([^"\\]*)"(?: +#.*)?$/.exec(text);
    if (m === null) throw OUTSIDE;
    return m[1];
  }
  if (text.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'(?: +#.*)?$/.exec(text);
    if (m === null) throw OUTSIDE;
    return m[1].replace(/''/g, "'");
  }
  if (/^\[\](?: +#.*)?$/.test(text)) return [];
  if (/^\{\}(?: +#.*)?$/.test(text)) return {};
  if (INDICATORS.has(text[0])) throw OUTSIDE;
  const comment = text.indexOf(' #');
  const plain = trimSpacesEnd(comment < 0 ? text : text.slice(0, comment));
  // `: ` or a final `:` would make it a mapping; a `#` right after a space starts a comment (cut above).
  if (plain.includes(': ') || plain.endsWith(':')) throw OUTSIDE;
  const resolved = resolveGoScalar(plain);
  switch (resolved.kind) {
    case 'str':
      return plain;
    case 'bool':
      return resolved.value;
    case 'int':
      if (PLAIN_DECIMAL.test(plain)) return Number(resolved.value);
      throw OUTSIDE;
    default:
      // Nulls (refused in a fleet anyway), floats and other integer spellings: parseHelmYaml.
      throw OUTSIDE;
  }
}

/*
 * YAML's white space is the space and the tab (tabs are refused above), not JavaScript's
 * trimStart/trimEnd set: a no-break space is part of a value.
 */
function trimSpacesStart(text: string): string {
  let i = 0;
  while (text.charCodeAt(i) === 32) i++;
  return text.slice(i);
}

function trimSpacesEnd(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return text.slice(0, end);
}

/**
 * A scalar as js-yaml reads it, of the forms the YAML writer writes: strings plain only where
 * they read back as themselves (the writer's own test, which its YAML 1.1 guard makes stricter
 * than js-yaml's), `true`, `false`, `null`, decimal integers, `[]`, `{}`, and double-quoted text
 * without escapes. Anything else (a comment, other numbers, escapes, single quotes) is js-yaml's.
 */
function jsYamlScalar(text: string): unknown {
  if (isPlainSafe(text)) return text;
  switch (text) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case '[]':
      return [];
    case '{}':
      return {};
  }
  if (/^-?(?:0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  const quoted = /^"([^"\\\x00-\x1f\x7f]*)"$/.exec(text);
  if (quoted !== null) return quoted[1];
  throw OUTSIDE;
}
