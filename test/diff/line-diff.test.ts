import { diffLines, unifiedHunks } from '../../src/diff/line-diff';

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
