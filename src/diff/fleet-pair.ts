import { readFileSync, statSync } from 'node:fs';
import { Fleet, FleetTenant, parseFleet, parseHelmYaml } from '../config/fleet';
import { isPlainObject } from '../config/merge';
import { readPlainEntry } from './plain-entry';
import { gitShowFleet, loadSide, loadSideAtRef, Side } from './sides';

/** Where a side comes from: a fleet file or rendered folder, or a fleet file at a git ref. */
export interface SideSpec {
  readonly file: string;
  readonly ref?: string;
}

/**
 * Loads both sides of a diff. Two fleet files of a pull request differ in a few tenant entries:
 * the new side is read in full, and the old side reads only the entries whose text is not in
 * the new side, reusing the new side's (validated) tenant for every entry of the same text.
 * That holds only when the rest of both files (apiVersions, defaults, anything outside the
 * tenants list) is the same text and no entry's meaning depends on text outside it (see
 * {@link splitTenants}); otherwise, and whenever anything fails, both sides are read in full
 * exactly as a single side is, so every problem is reported as it always was. The old side's
 * fleet-wide checks (duplicates, collisions) still see every tenant.
 */
export function loadSidePair(oldSpec: SideSpec, newSpec: SideSpec): [Side, Side] {
  const full = (): [Side, Side] => [load(oldSpec), load(newSpec)];
  if (!isFleetFile(oldSpec) || !isFleetFile(newSpec)) return full();
  try {
    const fleets = readPair(readText(oldSpec), label(oldSpec), readText(newSpec), label(newSpec));
    if (fleets === undefined) return full();
    return [
      { label: label(oldSpec), fleet: fleets.old },
      { label: label(newSpec), fleet: fleets.new },
    ];
  } catch {
    return full();
  }
}

/**
 * Both fleets from their texts, the old one reading only the entries the new one lacks; or
 * undefined when the texts do not allow it. Throws whatever reading the new side throws.
 */
export function readPair(oldText: string, oldLabel: string, newText: string, newLabel: string): { old: Fleet; new: Fleet } | undefined {
  const pair = readPairEntries(oldText, oldLabel, newText, newLabel);
  if (pair === undefined) return undefined;
  const newFleet = parseFleet({ ...pair.frame, tenants: pair.newEntries }, newLabel);
  return { old: parseFleet({ ...pair.frame, tenants: pair.oldEntries }, oldLabel, tenantsByEntry(newFleet, pair.newEntries)), new: newFleet };
}

/** The entries of two fleet files, read but not checked yet: see {@link readPairEntries}. */
export interface PairEntries {
  /** Both files without their entries (the same text on both sides): `tenants` is null. */
  readonly frame: Record<string, unknown>;
  readonly newEntries: readonly unknown[];
  /** The old side's entries: the new side's value (the same object) wherever the text is the same. */
  readonly oldEntries: readonly unknown[];
  /** Entries of each side whose text the other side lacks. */
  readonly newOnly: ReadonlySet<unknown>;
  readonly oldOnly: ReadonlySet<unknown>;
}

/**
 * The values of both files' entries, each entry of the same text read once; or undefined when
 * the texts do not allow reading them apart (see {@link splitTenants}).
 */
export function readPairEntries(oldText: string, oldLabel: string, newText: string, newLabel: string): PairEntries | undefined {
  const oldSplit = splitTenants(oldText);
  const newSplit = oldSplit && splitTenants(newText);
  if (oldSplit === undefined || newSplit === undefined) return undefined;
  if (oldSplit.prefix !== newSplit.prefix || oldSplit.suffix !== newSplit.suffix) return undefined;
  // The file around the list (apiVersions, defaults) is read as a whole, and each entry on its
  // own: the splitter made sure that an entry's value depends on its own text only.
  const frame = parseHelmYaml(frameText(newSplit), newLabel);
  if (!isPlainObject(frame) || frame.tenants !== null) return undefined;
  const newEntries = newSplit.entries.map((text) => readEntry(text, newSplit.indent, newLabel));
  if (newEntries.includes(NOT_ONE_VALUE)) return undefined;
  const byText = new Map<string, number>();
  newSplit.entries.forEach((text, i) => byText.set(text, i));
  const oldOnly = new Set<unknown>();
  const oldEntries = oldSplit.entries.map((text) => {
    const at = byText.get(text);
    if (at !== undefined) return newEntries[at];
    const entry = readEntry(text, oldSplit.indent, oldLabel);
    oldOnly.add(entry);
    return entry;
  });
  if (oldEntries.includes(NOT_ONE_VALUE)) return undefined;
  const oldTexts = new Set(oldSplit.entries);
  const newOnly = new Set(newEntries.filter((_, i) => !oldTexts.has(newSplit.entries[i])));
  return { frame, newEntries, oldEntries, newOnly, oldOnly };
}

/** Each entry object of `entries` that became a tenant of `fleet`, to that tenant (parseFleet's `known`). */
export function tenantsByEntry(fleet: Fleet, entries: readonly unknown[], into = new Map<unknown, FleetTenant>()): Map<unknown, FleetTenant> {
  for (const t of fleet.tenants) into.set(entries[t.index], t);
  return into;
}

/** What {@link readEntry} gives for text that does not hold exactly one list item. */
const NOT_ONE_VALUE = Symbol('not one list item');

/**
 * The value of one entry of the tenants list: by the plain-entry reader when the entry is in its
 * subset, else by parseHelmYaml on the entry alone, at the list's indentation.
 */
function readEntry(text: string, indent: string, label: string): unknown {
  const plain = readPlainEntry(text, indent.length);
  if (plain !== undefined) return plain;
  const items = parseHelmYaml(indent + text, label);
  return Array.isArray(items) && items.length === 1 ? items[0] : NOT_ONE_VALUE;
}

/** The file without its tenant entries (`tenants:` then holds nothing, a null). */
function frameText(split: TenantsSplit): string {
  return split.prefix.slice(0, split.prefix.length - split.indent.length) + split.suffix;
}

/** A fleet file's text around its tenants list, and the text of each entry of that list. */
interface TenantsSplit {
  readonly prefix: string;
  readonly suffix: string;
  /** The spaces before each entry's `-`. */
  readonly indent: string;
  /** Each entry from its `-` to the next entry's (comments and blank lines included). */
  readonly entries: readonly string[];
}

/**
 * Splits a fleet file's text line by line (the yaml library's own tokenizer costs most of a full
 * read), or undefined unless the file is in the plain subset where an entry's text alone tells
 * its value and every line at the list's indentation starting with `- ` starts an entry: no
 * anchors, aliases, tags, merge keys or block scalars (whose kept trailing lines depend on what
 * follows), no quote or bracket left open at the end of a line, one document, `tenants:` a
 * top-level key holding a block list, followed by nothing or by another top-level key.
 */
export function splitTenants(text: string): TenantsSplit | undefined {
  if (text.includes('<<') || /(?:^|[\s,[{])[&*!|>%]|^(?:---|\.\.\.)(?:\s|$)/m.test(text)) return undefined;
  const lines = text.split('\n');
  if (lines.some(isOpenEnded)) return undefined;
  const at = lines.findIndex((line) => /^tenants:\s*$/.test(line));
  if (at < 0 || lines.indexOf(lines[at], at + 1) >= 0) return undefined;
  let first = at + 1;
  while (first < lines.length && isBlankOrComment(lines[first])) first++;
  const head = /^( *)- /.exec(lines[first] ?? '');
  if (head === null) return undefined;
  const indent = head[1];
  const starts: number[] = [];
  let end = first;
  for (; end < lines.length; end++) {
    const line = lines[end];
    if (line.startsWith(`${indent}- `) || line === `${indent}-`) starts.push(end);
    else if (!isBlankOrComment(line) && /^ */.exec(line)![0].length <= indent.length) break;
  }
  // What follows the list must be another top-level key, so no entry runs on into it.
  if (end < lines.length && !/^[A-Za-z_][\w.-]*:(?:\s|$)/.test(lines[end])) return undefined;
  const offsetOf = lineOffsets(lines);
  const bounds = [...starts.map((i) => offsetOf[i] + indent.length), end < lines.length ? offsetOf[end] : text.length];
  return {
    prefix: text.slice(0, bounds[0]),
    suffix: text.slice(bounds[bounds.length - 1]),
    indent,
    entries: bounds.slice(0, -1).map((offset, i) => text.slice(offset, bounds[i + 1])),
  };
}

function isBlankOrComment(line: string): boolean {
  return /^\s*(?:#.*)?$/.test(line);
}

/** A line that may continue a quoted scalar or a flow collection on the next one. */
function isOpenEnded(line: string): boolean {
  // Most lines hold none of these characters: one search instead of five splits.
  if (!/["'[\]{}\t]/.test(line)) return false;
  const count = (c: string) => line.split(c).length - 1;
  return count('"') % 2 !== 0 || count("'") % 2 !== 0 || count('[') !== count(']') || count('{') !== count('}') || line.includes('\t');
}

function lineOffsets(lines: readonly string[]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const line of lines) {
    out.push(offset);
    offset += line.length + 1;
  }
  return out;
}

export function isFleetFile(spec: SideSpec): boolean {
  if (spec.ref !== undefined) return true;
  if (spec.file === '-') return false;
  try {
    return statSync(spec.file).isFile();
  } catch {
    return false;
  }
}

export function readText(spec: SideSpec): string {
  if (spec.ref !== undefined) return gitShowFleet(spec.ref, spec.file);
  return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(spec.file));
}

export function label(spec: SideSpec): string {
  return spec.ref !== undefined ? `${spec.ref}:${spec.file}` : spec.file;
}

function load(spec: SideSpec): Side {
  return spec.ref !== undefined ? loadSideAtRef(spec.ref, spec.file) : loadSide(spec.file);
}
