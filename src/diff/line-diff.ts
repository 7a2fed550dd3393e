import { diffArrays, structuredPatch } from 'diff';

/*
 * Line diffs of rendered objects, by jsdiff (the `diff` package: Myers' O(ND) algorithm, the
 * hunks of `diff -u`). This module only adapts its results to the report's shapes.
 */

export type LineOp = { readonly op: ' ' | '-' | '+'; readonly line: string };

/**
 * Beyond this edit distance jsdiff gives up and the lines are shown as all removed, then all
 * added: keeps time and memory bounded for a rewritten multi-thousand-line object.
 */
const MAX_EDIT_LENGTH = 1000;

/** The shortest edit script turning `a` into `b`, as kept/removed/added lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): LineOp[] {
  const changes = diffArrays([...a], [...b], { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) return [...a.map((line): LineOp => ({ op: '-', line })), ...b.map((line): LineOp => ({ op: '+', line }))];
  return changes.flatMap((change) => {
    const op = change.added ? '+' : change.removed ? '-' : ' ';
    return change.value.map((line): LineOp => ({ op, line }));
  });
}

/**
 * The same lines as strings of their own. A line cut from a text (`split`) is in V8 a view of
 * that whole text once it is 13 characters or longer (`SlicedString` in V8's
 * src/objects/string.h), and so is a hunk line made from it: a report that keeps a few lines of
 * each changed object would keep both sides' whole review texts alive until it is written
 * (3.5 KB a side for a System tenant's Grafana CR). One joined string, split again, holds just
 * these lines. Lines that hold a line break are returned as they are (joining would cut them
 * apart).
 */
export function detachedLines(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const again = lines.join('\n').split('\n');
  return again.length === lines.length ? again : [...lines];
}

/**
 * Unified-diff hunks (`@@ -l,s +l,s @@` and the lines) with `context` unchanged lines around
 * each change; empty when the inputs are equal.
 */
export function unifiedHunks(a: readonly string[], b: readonly string[], context = 3): string[] {
  // jsdiff's search starts by following the lines both sides begin with; it goes on alike when
  // those lines (but the `context` before the first change) are left out, and line numbers shift
  // by as many. A changed object is mostly lines before its change: they were most of the work.
  const prefix = commonPrefix(a, b);
  const skip = Math.max(0, prefix - context);
  // All that follows the common lines is on one side (a field added at the end, an object added
  // or removed): jsdiff's one hunk is the context, then every line left removed or added; it is
  // made here without it, within the edit length it would take on.
  const rest = Math.max(a.length, b.length) - prefix;
  if (rest === 0) return [];
  if (Math.min(a.length, b.length) === prefix && rest <= MAX_EDIT_LENGTH) {
    const op = a.length > prefix ? '-' : '+';
    const kept = a.slice(skip, prefix).map((line) => ` ${line}`);
    return [header(skip + 1, a.length - skip, skip + 1, b.length - skip), ...kept, ...(op === '-' ? a : b).slice(prefix).map((line) => `${op}${line}`)];
  }
  const single = singleLineChange(a, b, prefix);
  if (single !== undefined) {
    // One hunk: the context, the line removed, the line added, the context after.
    const after = Math.min(context, single.suffix);
    const oldEnd = a.length - single.suffix;
    const newEnd = b.length - single.suffix;
    return [
      header(skip + 1, oldEnd + after - skip, skip + 1, newEnd + after - skip),
      ...a.slice(skip, prefix).map((line) => ` ${line}`),
      ...a.slice(prefix, oldEnd).map((line) => `-${line}`),
      ...b.slice(prefix, newEnd).map((line) => `+${line}`),
      ...a.slice(oldEnd, oldEnd + after).map((line) => ` ${line}`),
    ];
  }
  // One line per `\n`-terminated line: no "\ No newline at end of file" markers.
  const text = (lines: readonly string[]) => lines.slice(skip).map((line) => `${line}\n`).join('');
  const patch = structuredPatch('', '', text(a), text(b), '', '', { context, maxEditLength: MAX_EDIT_LENGTH });
  if (!patch) return a.length + b.length === 0 ? [] : [header(1, a.length, 1, b.length), ...diffLines(a, b).map((o) => `${o.op}${o.line}`)];
  return patch.hunks.flatMap((h) => [header(h.oldStart + skip, h.oldLines, h.newStart + skip, h.newLines), ...h.lines]);
}

/**
 * Where the two sides differ in one line only, between the lines they begin with (`prefix`) and
 * the lines they end with: one line removed, one added, or one replaced by another. jsdiff's
 * search then takes one way (base.js, diffWithOptionsObj): it follows the common lines to the
 * change; at edit length 1 a lone removed or added line is passed and the common lines after it
 * followed to the end. A replaced line takes edit length 2: it is removed and the other added
 * (removed first, as the removal path is the further one in the old lines), unless one of the
 * two lines is also the first common line after them, where the insertion or removal alone can
 * follow the common lines further; then jsdiff is asked. Undefined for anything else.
 */
function singleLineChange(a: readonly string[], b: readonly string[], prefix: number): { suffix: number } | undefined {
  const oldMiddle = a.length - prefix;
  const newMiddle = b.length - prefix;
  if (Math.abs(oldMiddle - newMiddle) > 1) return undefined;
  let suffix = 0;
  const most = Math.min(oldMiddle, newMiddle);
  while (suffix < most && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const removed = oldMiddle - suffix;
  const added = newMiddle - suffix;
  if (removed + added === 1) return { suffix };
  if (removed !== 1 || added !== 1) return undefined;
  const next = suffix > 0 ? a[prefix + 1] : undefined;
  return next !== undefined && (a[prefix] === next || b[prefix] === next) ? undefined : { suffix };
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** GNU diff numbers an empty side by the line before it (jsdiff's own formatPatch does the same). */
function header(oldStart: number, oldLines: number, newStart: number, newLines: number): string {
  return `@@ -${oldLines === 0 ? oldStart - 1 : oldStart},${oldLines} +${newLines === 0 ? newStart - 1 : newStart},${newLines} @@`;
}
