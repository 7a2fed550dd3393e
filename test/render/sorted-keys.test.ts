import { sortedKeys, sortInPlace } from '../../src/render/sorted-keys';

/** A small seeded generator, so a failure names keys that fail again. */
function randomKeys(count: number, seed: number): string[] {
  const pieces = ['a', 'B', 'z', '_', '-', '.', '0', '1', '10', '2', 'ü', 'é', '\ud83d\ude00', '\uffff', ' ', 'Z', 'aa', 'ab'];
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + next(4) }, () => pieces[next(pieces.length)]).join(''));
}

describe('sortedKeys: the keys in the order sort() gives strings', () => {
  test('GIVEN objects of 0 to 60 keys (integer-like, accented, astral, mixed case) WHEN their keys are sorted THEN the order is Object.keys(...).sort()\'s', () => {
    for (let size = 0; size <= 60; size++) {
      const object = Object.fromEntries(randomKeys(size, size + 7).map((key) => [key, 1]));
      expect(sortedKeys(object)).toEqual(Object.keys(object).sort());
    }
  });

  test('GIVEN a list of keys WHEN sorted in place THEN the same array is returned, sorted', () => {
    const keys = ['b', 'a', 'c', '10', '9'];
    expect(sortInPlace(keys)).toBe(keys);
    expect(keys).toEqual(['10', '9', 'a', 'b', 'c']);
  });
});
