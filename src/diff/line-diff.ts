/*
 * A small line diff (Myers' O(ND) algorithm) and unified-diff hunks. Rendered objects are a few
 * dozen lines, so the simple variant that keeps one frontier per edit distance is plenty.
 */

export type LineOp = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** Beyond this edit distance the middle is shown as replaced: keeps memory bounded (O(D^2)). */
const MAX_EDIT_DISTANCE = 2000;

/** The shortest edit script turning `a` into `b`, as kept/removed/added lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): LineOp[] {
  // Common prefix and suffix first: most object diffs are a few lines in a long same text.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const kept = (lines: readonly string[]): LineOp[] => lines.map((line) => ({ op: ' ', line }));
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const middle = myers(middleA, middleB) ?? [
    ...middleA.map((line): LineOp => ({ op: '-', line })),
    ...middleB.map((line): LineOp => ({ op: '+', line })),
  ];
  return [...kept(a.slice(0, head)), ...middle, ...kept(a.slice(a.length - tail))];
}

/** Myers' greedy algorithm; undefined when the edit distance exceeds the cap. */
function myers(a: readonly string[], b: readonly string[]): LineOp[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v);
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      // Move down (insert) at the lower edge or when the diagonal above got further.
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d, offset);
    }
    v = next;
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], dEnd: number, offset: number): LineOp[] {
  const ops: LineOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]; // the frontier after step d-1
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[--x] });
      y--;
    }
    if (down) ops.push({ op: '+', line: b[--y] });
    else ops.push({ op: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    ops.push({ op: ' ', line: a[--x] });
    y--;
  }
  return ops.reverse();
}

/**
 * Unified-diff hunks (`@@ -l,s +l,s @@` and the lines) with `context` unchanged lines around
 * each change; empty when the inputs are equal.
 */
export function unifiedHunks(a: readonly string[], b: readonly string[], context = 3): string[] {
  const ops = diffLines(a, b);
  const changed = ops.map((o, i) => (o.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];

  // Group changes whose context windows touch into one hunk.
  const ranges: [number, number][] = [];
  for (const i of changed) {
    const start = Math.max(0, i - context);
    const end = Math.min(ops.length - 1, i + context);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1] + 1) last[1] = end;
    else ranges.push([start, end]);
  }

  // Line numbers before each op, on both sides.
  const aLine = new Int32Array(ops.length + 1);
  const bLine = new Int32Array(ops.length + 1);
  ops.forEach((o, i) => {
    aLine[i + 1] = aLine[i] + (o.op === '+' ? 0 : 1);
    bLine[i + 1] = bLine[i] + (o.op === '-' ? 0 : 1);
  });

  const out: string[] = [];
  for (const [start, end] of ranges) {
    const aCount = aLine[end + 1] - aLine[start];
    const bCount = bLine[end + 1] - bLine[start];
    out.push(`@@ -${hunkStart(aLine[start], aCount)},${aCount} +${hunkStart(bLine[start], bCount)},${bCount} @@`);
    for (let i = start; i <= end; i++) out.push(`${ops[i].op}${ops[i].line}`);
  }
  return out;
}

/** GNU diff numbers an empty side by the line before it. */
function hunkStart(linesBefore: number, count: number): number {
  return count === 0 ? linesBefore : linesBefore + 1;
}
