import { structuredPatch } from 'diff';
import { detachedLines, diffLines, unifiedHunks } from '../../src/diff/line-diff';

/** Applies an edit script to its left side: must give the right side. */
function apply(ops: ReturnType<typeof diffLines>): { before: string[]; after: string[] } {
  return {
    before: ops.filter((o) => o.op !== '+').map((o) => o.line),
    after: ops.filter((o) => o.op !== '-').map((o) => o.line),
  };
}

describe('line diff', () => {
  test.each([
    [[], []],
    [['a'], []],
    [[], ['a']],
    [['a', 'b', 'c'], ['a', 'x', 'c']],
    [['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']],
    [['x', 'y'], ['y', 'x']],
  ])('the edit script of %j -> %j reproduces both sides', (a, b) => {
    const ops = diffLines(a, b);
    expect(apply(ops)).toEqual({ before: a, after: b });
  });

  test('the edit script is minimal for a known case (Myers paper: distance 5)', () => {
    const ops = diffLines('ABCABBA'.split(''), 'CBABAC'.split(''));
    expect(ops.filter((o) => o.op !== ' ')).toHaveLength(5);
  });

  test('hunks carry three lines of context and GNU-style line ranges', () => {
    // GIVEN 20 lines with line 10 changed
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = before.map((l) => (l === 'line 10' ? 'line ten' : l));
    // THEN one hunk from line 7 to 13 on both sides
    expect(unifiedHunks(before, after)).toEqual([
      '@@ -7,7 +7,7 @@',
      ' line 7', ' line 8', ' line 9', '-line 10', '+line ten', ' line 11', ' line 12', ' line 13',
    ]);
  });

  test('changes far apart give separate hunks; equal inputs give none', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const after = [...before];
    after[2] = 'changed';
    after[25] = 'changed too';
    expect(unifiedHunks(before, after).filter((l) => l.startsWith('@@'))).toHaveLength(2);
    expect(unifiedHunks(before, [...before])).toEqual([]);
  });

  test('an added or removed file is numbered like GNU diff (the empty side at line 0)', () => {
    expect(unifiedHunks([], ['x', 'y'])).toEqual(['@@ -0,0 +1,2 @@', '+x', '+y']);
    expect(unifiedHunks(['x', 'y'], [])).toEqual(['@@ -1,2 +0,0 @@', '-x', '-y']);
  });

  test('beyond the edit-distance cap the lines are shown replaced, still reproducing both sides', () => {
    // GIVEN two unrelated 600-line texts (edit distance 1,200 > cap 1,000)
    const a = Array.from({ length: 600 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 600 }, (_, i) => `b${i}`);
    // WHEN diffed  THEN all of a is removed, then all of b added, in one hunk
    const ops = diffLines(a, b);
    expect(apply(ops)).toEqual({ before: a, after: b });
    expect(ops.findIndex((o) => o.op === '+')).toBe(600);
    const hunks = unifiedHunks(a, b);
    expect(hunks[0]).toBe('@@ -1,600 +1,600 @@');
    expect(hunks).toHaveLength(1201);
  });
});

describe('hunks after the lines both sides begin with', () => {
  /** What jsdiff gives for the whole inputs: the hunks without leaving the common lines out. */
  function wholeHunks(a: string[], b: string[], context: number): string[] {
    const text = (lines: string[]) => lines.map((line) => `${line}\n`).join('');
    const patch = structuredPatch('', '', text(a), text(b), '', '', { context, maxEditLength: 1000 })!;
    const start = (line: number, count: number) => (count === 0 ? line - 1 : line);
    return patch.hunks.flatMap((h) => [`@@ -${start(h.oldStart, h.oldLines)},${h.oldLines} +${start(h.newStart, h.newLines)},${h.newLines} @@`, ...h.lines]);
  }

  test('GIVEN 500 random pairs of texts of few distinct lines (many ways to align them) THEN the hunks are jsdiff\'s for the whole texts', () => {
    let state = 7;
    const next = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      const a = Array.from({ length: 5 + next(40) }, () => 'abc'[next(3)]);
      const b = [...a];
      for (let edits = 1 + next(4); edits > 0; edits--) {
        const at = next(b.length + 1);
        if (next(2) === 0) b.splice(at, 1);
        else b.splice(at, 0, 'abcd'[next(4)]);
      }
      const context = next(5);
      expect([a, b, context, unifiedHunks(a, b, context)]).toEqual([a, b, context, wholeHunks(a, b, context)]);
    }
  });

  test('GIVEN 300 random pairs where one side is the other plus lines at its end THEN the hunks are jsdiff\'s for the whole texts', () => {
    let state = 11;
    const next = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 300; i++) {
      const common = Array.from({ length: next(30) }, () => 'abc'[next(3)]);
      const extra = Array.from({ length: 1 + next(12) }, () => 'abcd'[next(4)]);
      const [a, b] = next(2) === 0 ? [common, [...common, ...extra]] : [[...common, ...extra], common];
      const context = next(5);
      expect([a, b, context, unifiedHunks(a, b, context)]).toEqual([a, b, context, wholeHunks(a, b, context)]);
    }
  });

  test('GIVEN 3,000 random pairs that differ in one line (replaced, removed or added anywhere; few distinct lines) THEN the hunks are jsdiff\'s for the whole texts', () => {
    let state = 13;
    const next = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
    const shapes = { replaced: 0, removed: 0, added: 0 };
    for (let i = 0; i < 3000; i++) {
      const a = Array.from({ length: 1 + next(30) }, () => 'abc'[next(3)]);
      const b = [...a];
      const at = next(a.length);
      const kind = (['replaced', 'removed', 'added'] as const)[next(3)];
      if (kind === 'replaced') {
        const others = [...'abcd'].filter((c) => c !== a[at]);
        b[at] = others[next(others.length)];
      } else if (kind === 'removed') b.splice(at, 1);
      else b.splice(at, 0, 'abcd'[next(4)]);
      if (a.join() === b.join()) continue;
      shapes[kind]++;
      const context = next(5);
      expect([a, b, context, unifiedHunks(a, b, context)]).toEqual([a, b, context, wholeHunks(a, b, context)]);
    }
    // AND every shape came up often
    expect(Math.min(...Object.values(shapes))).toBeGreaterThan(700);
  });

  test('GIVEN a value changed in the middle of an object, as in a rendered manifest THEN one hunk: the context, the old line, the new one', () => {
    const before = ['kind: Grafana', 'spec:', '  ingress:', '    annotations:', '      issuer: prod', '    host: a', '  replicas: 1'];
    const after = before.map((l) => l.replace('prod', 'staging'));
    expect(unifiedHunks(before, after)).toEqual(['@@ -2,6 +2,6 @@', ' spec:', '   ingress:', '     annotations:', '-      issuer: prod', '+      issuer: staging', '     host: a', '   replicas: 1']);
  });

  test('GIVEN lines added at the end, up to and past the edit length jsdiff takes on THEN the hunks are its own, then its fallback', () => {
    const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`);
    const before = lines(10, 'x');
    for (const added of [999, 1000]) {
      const after = [...before, ...lines(added, 'y')];
      expect(unifiedHunks(before, after)).toEqual(wholeHunks(before, after, 3));
    }
    // Past the cap jsdiff gives up: the whole of both sides, removed then added (as before).
    const after = [...before, ...lines(1001, 'y')];
    const hunks = unifiedHunks(before, after);
    expect(hunks[0]).toBe('@@ -1,10 +1,1011 @@');
    expect(hunks.slice(1, 11)).toEqual(before.map((l) => `-${l}`));
  });
});

describe('detached hunk lines', () => {
  test.each([
    [[]],
    [['']],
    [['@@ -1,2 +1,3 @@', ' kind: Grafana', '-  version: 10.4.0', '+  version: 11.1.0', '', ' \r']],
    [['a\nb', 'c']],
    [['\n']],
  ])('GIVEN hunk lines %j WHEN detached THEN the same lines, in a new list', (lines) => {
    const detached = detachedLines(lines);
    expect(detached).toEqual(lines);
    expect(detached).not.toBe(lines);
  });
});
