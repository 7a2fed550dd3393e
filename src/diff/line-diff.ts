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
  // One line per `\n`-terminated line: no "\ No newline at end of file" markers.
  const text = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');
  const patch = structuredPatch('', '', text(a), text(b), '', '', { context, maxEditLength: MAX_EDIT_LENGTH });
  if (!patch) return a.length + b.length === 0 ? [] : [header(1, a.length, 1, b.length), ...diffLines(a, b).map((o) => `${o.op}${o.line}`)];
  return patch.hunks.flatMap((h) => [header(h.oldStart, h.oldLines, h.newStart, h.newLines), ...h.lines]);
}

/** GNU diff numbers an empty side by the line before it (jsdiff's own formatPatch does the same). */
function header(oldStart: number, oldLines: number, newStart: number, newLines: number): string {
  return `@@ -${oldLines === 0 ? oldStart - 1 : oldStart},${oldLines} +${newLines === 0 ? newStart - 1 : newStart},${newLines} @@`;
}
