import { parseHelmYaml } from './helm-yaml';
import { isPlainObject } from './merge';
import { readPlainEntry } from './plain-entry';

/*
 * Reads a fleet file entry by entry. A fleet is mostly its tenants list, written in plain block
 * style, and the yaml library's tokenizer and composer were most of the time it took to read
 * 10,000 tenants (before any of them could render). Where the text allows it (see
 * splitTenants), the file around the list is read by parseHelmYaml and each entry on its own,
 * by the plain-entry reader or else by parseHelmYaml; anywhere else the caller reads the file in
 * full. A document read this way is the one parseHelmYaml gives for the whole text
 * (test/config/fleet-text.test.ts).
 */

/**
 * The fleet document of `text`, read entry by entry; undefined when the text must be read in
 * full. Throws whatever parseHelmYaml throws for a part: callers that report problems read the
 * whole file again, so that every message is the one a full read gives.
 */
export function readFleetDocument(text: string, label: string): Record<string, unknown> | undefined {
  const split = splitTenants(text);
  const frame = split && readFrame(split, label);
  if (split === undefined || frame === undefined) return undefined;
  const tenants = split.entries.map((entry) => readEntry(entry, split.indent, label));
  return tenants.includes(undefined) ? undefined : { ...frame, tenants };
}

/**
 * The file around the tenants list, read as a whole (`tenants` then holds null); undefined when
 * it is not a mapping with that null.
 */
export function readFrame(split: TenantsSplit, label: string): Record<string, unknown> | undefined {
  const frame = parseHelmYaml(split.prefix.slice(0, split.prefix.length - split.indent.length) + split.suffix, label);
  return isPlainObject(frame) && frame.tenants === null ? frame : undefined;
}

/**
 * The value of one entry of the tenants list: by the plain-entry reader when the entry is in its
 * subset, else by parseHelmYaml on the entry alone, at the list's indentation; undefined when
 * the text does not hold exactly one list item.
 */
export function readEntry(text: string, indent: string, label: string): unknown {
  const plain = readPlainEntry(text, indent.length);
  if (plain !== undefined) return plain;
  const items = parseHelmYaml(indent + text, label);
  return Array.isArray(items) && items.length === 1 ? items[0] : undefined;
}

/** A fleet file's text around its tenants list, and the text of each entry of that list. */
export interface TenantsSplit {
  readonly prefix: string;
  readonly suffix: string;
  /** The spaces before each entry's `-`. */
  readonly indent: string;
  /** Each entry from its `-` to the next entry's (comments and blank lines included). */
  readonly entries: readonly string[];
}

/**
 * Splits a fleet file's text (the yaml library's own tokenizer costs most of a full read), or
 * undefined unless the file is in the plain subset where an entry's text alone tells its value
 * and every line at the list's indentation starting with `- ` starts an entry: no anchors,
 * aliases, tags, merge keys or block scalars (whose kept trailing lines depend on what follows),
 * no quote or bracket left open at the end of a line, one document, `tenants:` a top-level key
 * holding a block list, followed by nothing or by another top-level key.
 *
 * Lines are `\n`-terminated, as `text.split('\n')` cuts them. The text is scanned for line ends
 * rather than split into lines: most of a fleet's lines lie inside an entry, deeper than the
 * list, and one look at a line's first characters passes them.
 */
export function splitTenants(text: string): TenantsSplit | undefined {
  if (text.includes('<<') || hasIndicator(text) || /^(?:---|\.\.\.)(?:\s|$)/m.test(text)) return undefined;
  if (hasOpenEndedLine(text)) return undefined;
  const tenantsLine = findTenantsLine(text);
  if (tenantsLine === undefined) return undefined;
  let first = nextLine(text, tenantsLine);
  while (first <= text.length && isBlankOrComment(lineAt(text, first))) first = nextLine(text, first);
  const head = first <= text.length ? /^( *)- /.exec(lineAt(text, first)) : null;
  if (head === null) return undefined;
  const indent = head[1];
  const [dash, bareDash] = [`${indent}- `, `${indent}-`];
  const starts: number[] = [];
  let end = first;
  for (; end <= text.length; end = nextLine(text, end)) {
    // Most lines are inside an entry, deeper than the list: neither a start nor its end.
    if (isDeeper(text, end, indent.length)) continue;
    const line = lineAt(text, end);
    if (line.startsWith(dash) || line === bareDash) starts.push(end + indent.length);
    else if (!isBlankOrComment(line)) break;
  }
  // What follows the list must be another top-level key, so no entry runs on into it.
  if (end <= text.length && !/^[A-Za-z_][\w.-]*:(?:\s|$)/.test(lineAt(text, end))) return undefined;
  const bounds = [...starts, Math.min(end, text.length)];
  return {
    prefix: text.slice(0, bounds[0]),
    suffix: text.slice(bounds[bounds.length - 1]),
    indent,
    entries: bounds.slice(0, -1).map((offset, i) => text.slice(offset, bounds[i + 1])),
  };
}

/**
 * An indicator (`&*!|>%`: anchor, alias, tag, block scalar, directive) where a node can start:
 * at the start of the text or after whitespace, a comma or an opening bracket.
 */
function hasIndicator(text: string): boolean {
  const indicator = /[&*!|>%]/g;
  for (let match = indicator.exec(text); match !== null; match = indicator.exec(text)) {
    if (match.index === 0 || /[\s,[{]/.test(text[match.index - 1])) return true;
  }
  return false;
}

/**
 * Where the line `tenants:` (trailing whitespace allowed) starts; undefined when there is none,
 * or when the same line is in the text twice.
 */
function findTenantsLine(text: string): number | undefined {
  let found: number | undefined;
  for (let at = text.indexOf('tenants:'); at >= 0; at = text.indexOf('tenants:', at + 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue;
    const line = lineAt(text, at);
    if (!/^tenants:\s*$/.test(line)) continue;
    if (found === undefined) found = at;
    else if (line === lineAt(text, found)) return undefined;
  }
  return found;
}

/** The line that starts at `start`, without its `\n`. */
function lineAt(text: string, start: number): string {
  const newline = text.indexOf('\n', start);
  return text.slice(start, newline < 0 ? text.length : newline);
}

/** Where the line after the one at `start` starts; past the text's end after the last line. */
function nextLine(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  return newline < 0 ? text.length + 1 : newline + 1;
}

/** Whether the line at `start` has more than `indent` leading spaces. */
function isDeeper(text: string, start: number, indent: number): boolean {
  for (let i = start; i <= start + indent; i++) if (text.charCodeAt(i) !== 32) return false;
  return true;
}

/**
 * Whether a line of `text` may continue a quoted scalar or a flow collection on the next one
 * (isOpenEnded): only lines holding a quote, a bracket or a tab can, and one search of the whole
 * text finds them.
 */
function hasOpenEndedLine(text: string): boolean {
  const candidate = /["'[\]{}\t]/g;
  for (let match = candidate.exec(text); match !== null; match = candidate.exec(text)) {
    const start = text.lastIndexOf('\n', match.index) + 1;
    const newline = text.indexOf('\n', match.index);
    const end = newline < 0 ? text.length : newline;
    if (isOpenEnded(text.slice(start, end))) return true;
    candidate.lastIndex = end;
  }
  return false;
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
