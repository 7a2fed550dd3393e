import { readFileSync } from 'node:fs';
import {
  Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, Scalar, ScalarTag, Tags, YAMLMap,
} from 'yaml';
import { goFloatKey, goPlainValue, resolveGoScalar } from './go-scalar';
import { goQuote } from './go-quote';
import { readPlainDocument } from './plain-entry';
import { isPlainObject } from './merge';
import { InputError, formatPath } from './parse';

/*
 * Values and fleet files mean to the CLI what they mean to Helm. Helm 3 reads YAML with
 * sigs.k8s.io/yaml: go-yaml v2 resolves the scalars (go-scalar.ts), then the document goes
 * through JSON, which turns map keys into strings and cannot hold NaN or infinity. The yaml
 * library parses; the scalar tags below and `toHelmValue` apply those rules on top.
 *
 * One deliberate difference: Helm keeps the last of two equal keys in a mapping without a word;
 * this reader refuses them, because a repeated key in a values file is almost always a slip.
 */

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const MERGE_TAG = 'tag:yaml.org,2002:merge';
/** YAML 1.1 tags go-yaml does not have: sexagesimal numbers, timestamps (Helm keeps the text), sets, pairs. */
const DROPPED_TAGS = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set']);

/** A `test` that asks go-yaml's resolver instead of a regular expression (the yaml library only calls `.test`). */
function goKindTest(kinds: ReadonlyArray<ReturnType<typeof resolveGoScalar>['kind']>): RegExp {
  return { test: (text: string) => kinds.includes(resolveGoScalar(text).kind) } as unknown as RegExp;
}

/** A number keeps its text when written back (add-tenant keeps `0o17` and `1_000` as written). */
function stringifyGoNumber(node: Scalar): string {
  const { source, value } = node as Scalar & { source?: unknown };
  if (typeof source === 'string' && goPlainValue(source) === value) return source;
  if (typeof value === 'bigint') return String(value);
  const n = Number(value);
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n < 0 ? '-.inf' : '.inf';
  return JSON.stringify(n);
}

const goIntTag: ScalarTag = {
  tag: INT_TAG,
  default: true,
  identify: (value) => typeof value === 'bigint' || Number.isInteger(value),
  test: goKindTest(['int', 'uint']),
  resolve: (text) => goPlainValue(text),
  stringify: (item) => stringifyGoNumber(item as Scalar),
};

const goFloatTag: ScalarTag = {
  tag: FLOAT_TAG,
  default: true,
  identify: (value) => typeof value === 'number',
  test: goKindTest(['float']),
  resolve: (text) => goPlainValue(text),
  stringify: (item) => stringifyGoNumber(item as Scalar),
};

/** `!!int 12`, `!!float 1`: explicit tags; go-yaml refuses text that is not such a number. */
function explicitNumberTag(tag: string, kinds: ReadonlyArray<ReturnType<typeof resolveGoScalar>['kind']>): ScalarTag {
  return {
    tag,
    resolve: (text, onError) => {
      if (!kinds.includes(resolveGoScalar(text).kind)) onError(`cannot decode ${text} as a ${tag.replace('tag:yaml.org,2002:', '!!')}`);
      return goPlainValue(text);
    },
  };
}

/** The YAML 1.1 tags with go-yaml v2's number rules; null, booleans, .nan/.inf and merge keys already agree. */
function goYamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t === 'string') out.push(t);
    else if (DROPPED_TAGS.has(t.tag)) continue;
    else if (t.tag === INT_TAG || t.tag === FLOAT_TAG) {
      // Ours go where YAML 1.1's numbers were, before its .nan/.inf tag, so numbers are written by ours.
      if (!out.includes(goIntTag)) out.push(goIntTag, goFloatTag);
      if (String((t as ScalarTag).test).includes('nan')) out.push(t);
    } else out.push(t);
  }
  // Explicit-only tags last: the yaml library uses them for a tag written out, never for writing.
  return [...out, explicitNumberTag(INT_TAG, ['int', 'uint']), explicitNumberTag(FLOAT_TAG, ['int', 'uint', 'float'])];
}

/**
 * Options of the yaml library that read (and write) YAML the way Helm reads it, for callers that
 * need a Document (add-tenant keeps comments). Plain values get go-yaml's types; for keys,
 * NaN, merge keys and multiple documents, read with {@link parseHelmYaml}.
 */
export const HELM_YAML = {
  version: '1.1',
  customTags: goYamlTags,
} as const;

/** Reads a YAML file as Helm would, turning every problem into an {@link InputError} that names the file. */
export function readYamlFile(file: string): unknown {
  return parseYamlBytes(readInputFile(file), file);
}

/** A file's bytes, `-` being standard input (as in `helm template -f -`); an {@link InputError} when it cannot be read. */
export function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    throw new InputError([`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
}

/** Parses a YAML file's bytes as Helm would (for callers that read the file themselves). */
export function parseYamlBytes(bytes: Buffer, file: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError([`${file}: not valid UTF-8 (Helm refuses it too): save the file as UTF-8`]);
  }
  // Most values files are plain `key: value` blocks, read without the yaml library (plain-entry.ts).
  return readPlainDocument(text) ?? parseHelmYaml(text, file);
}

/**
 * Parses YAML text as Helm reads a values file: the value of its only document (`{}` when it is
 * empty), with go-yaml's scalars, keys as JSON strings and merge keys applied. `label` names the
 * source in every problem; all problems are reported at once.
 */
export function parseHelmYaml(text: string, label: string): unknown {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { ...HELM_YAML, uniqueKeys: false, lineCounter });
  const docs: Document[] = Array.isArray(parsed) ? parsed : [];
  const syntax = docs.flatMap((d) => d.errors);
  if (syntax.length > 0) throw new InputError([`${label}: not valid YAML: ${syntax[0].message.split('\n')[0]}`]);
  const withContent = docs.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  if (docs.length > 1 && (withContent.length > 1 || (withContent.length === 1 && withContent[0] !== docs[0]))) {
    throw new InputError([
      `${label}: holds ${docs.length} YAML documents (separated by ---) but is read as one: Helm uses only the first ` +
        'and silently ignores the rest. Merge them into one document (several values files: pass -f once per file)',
    ]);
  }
  const reader = new HelmValueReader(label, docs[0], lineCounter);
  const value = docs.length === 0 ? null : reader.read(docs[0].contents, []);
  if (reader.problems.length > 0) throw new InputError(reader.problems);
  return value ?? {};
}

/** Converts yaml nodes to what Helm's values hold, collecting what Helm would refuse. */
class HelmValueReader {
  readonly problems: string[] = [];
  private aliasNodes = 0;
  /** Collections being read (the path from the root), to refuse an alias inside the value it refers to. */
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly label: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}

  read(node: unknown, path: readonly PropertyKey[], viaAlias = false): unknown {
    if (node === null || node === undefined) return null;
    if (viaAlias && ++this.aliasNodes > 100_000) {
      this.report(node, path, 'aliases expand to more than 100000 values, which Helm refuses too: write the values out');
      return null;
    }
    if (isAlias(node)) return this.read((node as Alias).resolve(this.doc!), path, true);
    if (isScalar(node)) return this.scalar(node, path);
    if (!isSeq(node) && !isMap(node)) return null;
    if (this.expanding.has(node)) {
      this.report(node, path, 'an alias here refers to a value that contains it, which Helm refuses: write the value out');
      return null;
    }
    this.expanding.add(node);
    try {
      return isSeq(node) ? node.items.map((item, i) => this.read(item, [...path, i], viaAlias)) : this.map(node, path, viaAlias);
    } finally {
      this.expanding.delete(node);
    }
  }

  private map(node: YAMLMap, path: readonly PropertyKey[], viaAlias: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seenAt = new Map<string, Node>();
    for (const pair of node.items) {
      const keyNode = isAlias(pair.key) ? (pair.key as Alias).resolve(this.doc!) : pair.key;
      if (isMergeKey(keyNode)) {
        this.merge(pair.value, path, out, viaAlias);
        continue;
      }
      const key = this.key(keyNode, (pair.key ?? pair.value) as Node, path);
      if (key === undefined) continue;
      const first = seenAt.get(key);
      if (first !== undefined) {
        this.report(pair.key, [...path, key],
          `set twice in one mapping (first at line ${this.line(first)}): Helm silently keeps the last value, ` +
            'so this reader refuses it as a likely slip; delete one of them');
      }
      seenAt.set(key, pair.key as Node);
      define(out, key, this.read(pair.value, [...path, key], viaAlias));
    }
    return out;
  }

  /** go-yaml v2 merges in document order: a `<<` after a key overrides it; in a list, earlier maps win. */
  private merge(valueNode: unknown, path: readonly PropertyKey[], out: Record<string, unknown>, viaAlias: boolean): void {
    const target = isAlias(valueNode) ? (valueNode as Alias).resolve(this.doc!) : valueNode;
    const sources = isSeq(target) ? [...target.items].reverse() : [target];
    for (const source of sources) {
      const resolved = isAlias(source) ? (source as Alias).resolve(this.doc!) : source;
      if (!isMap(resolved)) {
        this.report(valueNode, [...path, '<<'], 'a merge key needs a mapping or a list of mappings (Helm: "map merge requires map or sequence of maps as the value")');
        return;
      }
      const merged = this.read(resolved, path, viaAlias || resolved !== source);
      if (isPlainObject(merged)) for (const [k, v] of Object.entries(merged)) define(out, k, v);
    }
  }

  private scalar(node: Scalar, path: readonly PropertyKey[]): unknown {
    const { value } = node;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      const text = String(node.source ?? value);
      this.report(node, path, `${text} is not a number Helm can read (its JSON step has no NaN or infinity): quote it (${goQuote(text)}) if it is meant as text`);
      return null;
    }
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (typeof value === 'string' && hasLoneSurrogate(value)) {
      this.report(node, path, 'a \\u escape that is half a UTF-16 surrogate pair, which Helm refuses: write the character itself or use \\U with its code point');
    }
    return value;
  }

  /** A key as sigs.k8s.io/yaml writes it into JSON. */
  private key(node: unknown, at: Node, path: readonly PropertyKey[]): string | undefined {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
      this.report(at ?? node, path, 'a null key (~, null or nothing before the colon), which Helm cannot read: quote it ("null") if it is meant as text');
      return undefined;
    }
    if (!isScalar(node)) {
      this.report(at, path, 'a mapping or list as a key, which Helm cannot read: use a text key');
      return undefined;
    }
    const { value } = node;
    const plain = node.type === Scalar.PLAIN && node.tag === undefined && typeof node.source === 'string';
    const kind = plain ? resolveGoScalar(node.source as string) : undefined;
    if (kind?.kind === 'uint') {
      this.report(at, path, `key ${node.source} is an integer above 2^63-1, which Helm cannot use as a key: quote it`);
      return undefined;
    }
    if (kind?.kind === 'int') return kind.value.toString();
    if (typeof value === 'number') return kind?.kind === 'float' || node.tag === FLOAT_TAG || !Number.isInteger(value) ? goFloatKey(value) : String(value);
    if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return String(value);
  }

  private line(node: unknown): number {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lines.linePos(range[0]).line : 0;
  }

  private report(node: unknown, path: readonly PropertyKey[], what: string): void {
    const where = formatPath(path) || '(top level)';
    this.problems.push(`${this.label}: line ${this.line(node)}: ${where}: ${what}`);
  }
}

function isMergeKey(node: unknown): boolean {
  if (!isScalar(node)) return false;
  if (node.tag === MERGE_TAG) return true;
  return typeof node.value === 'symbol' && node.value.description === '<<';
}

/** Sets a key even when it is `__proto__`, which plain assignment would turn into a prototype change. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}
