import { canonical, sameObject } from '../../src/diff/objects';

/** What "the same object" meant before it was computed without copies: the same canonical JSON. */
const sameCanonicalJson = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

describe('sameObject', () => {
  const values: unknown[] = [
    { a: 1, b: { c: [1, 2], d: 'x' } },
    { b: { d: 'x', c: [1, 2] }, a: 1 },
    { a: 1, b: { c: [2, 1], d: 'x' } },
    { a: 1, b: { c: [1, 2], d: 'x', e: null } },
    { a: '1', b: { c: [1, 2], d: 'x' } },
    { a: 1 },
    [{ a: 1, b: 2 }],
    [{ b: 2, a: 1 }],
    [],
    {},
    '{}',
    null,
    1,
    '1',
    NaN,
    true,
  ];

  test('GIVEN pairs of values in every combination THEN it says "same" exactly when their canonical JSON is the same', () => {
    for (const a of values) for (const b of values) expect([a, b, sameObject(a, b)]).toEqual([a, b, sameCanonicalJson(a, b)]);
  });

  test('GIVEN the same keys in another order at every level THEN the objects are the same; a changed leaf is not', () => {
    expect(sameObject({ x: { p: 1, q: [{ m: 1, n: 2 }] }, y: 2 }, { y: 2, x: { q: [{ n: 2, m: 1 }], p: 1 } })).toBe(true);
    expect(sameObject({ x: { p: 1, q: [{ m: 1, n: 2 }] } }, { x: { p: 1, q: [{ m: 1, n: 3 }] } })).toBe(false);
    expect(sameObject({ x: 1, y: 2 }, { x: 1, z: 2 })).toBe(false);
  });
});

describe('canonical', () => {
  test('GIVEN an object with its keys sorted at every level THEN it is returned as it is, not copied', () => {
    const sorted = { a: [{ x: 1, y: { p: 'q' } }], b: { c: null, d: [1, 2] } };
    expect(canonical(sorted)).toBe(sorted);
  });

  test('GIVEN keys out of order deep inside THEN a copy has them sorted, and the parts in order are shared', () => {
    const inner = { p: 1, q: 2 };
    const value = { a: inner, b: [{ z: 1, y: 2 }] };
    const result = canonical(value) as { a: unknown; b: Record<string, unknown>[] };
    expect(result).not.toBe(value);
    expect(result.a).toBe(inner);
    expect(Object.keys(result.b[0])).toEqual(['y', 'z']);
    expect(value.b[0]).toEqual({ z: 1, y: 2 });
    expect(Object.keys(value.b[0])).toEqual(['z', 'y']);
  });

  test('GIVEN a __proto__ key (JSON can hold one) THEN it stays a key of the copy', () => {
    const value = JSON.parse('{"b": 1, "__proto__": {"x": 1}}');
    const result = canonical(value) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
