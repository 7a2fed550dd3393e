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
  // One line per `\n`-terminated line: no "\ No newline at end of file" markers.
  const text = (lines: readonly string[]) => lines.slice(skip).map((line) => `${line}\n`).join('');
  const patch = structuredPatch('', '', text(a), text(b), '', '', { context, maxEditLength: MAX_EDIT_LENGTH });
  if (!patch) return a.length + b.length === 0 ? [] : [header(1, a.length, 1, b.length), ...diffLines(a, b).map((o) => `${o.op}${o.line}`)];
  return patch.hunks.flatMap((h) => [header(h.oldStart + skip, h.oldLines, h.newStart + skip, h.newLines), ...h.lines]);
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
