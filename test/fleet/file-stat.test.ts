import { changedBefore, statKey } from '../../src/fleet/file-stat';

describe('stat keys', () => {
  /** A stat key with change time `ctimeNs` (the other fields do not matter here). */
  const keyChangedAt = (ctimeNs: bigint) => statKey({ size: 10n, ino: 7n, mtimeNs: 1n, ctimeNs } as Parameters<typeof statKey>[0]);

  test.each([
    [999n, 1000n, true],
    [1000n, 1000n, false],
    [1001n, 1000n, false],
    [1_700_000_000_123_456_788n, 1_700_000_000_123_456_789n, true],
    [1_700_000_000_123_456_789n, 1_700_000_000_123_456_789n, false],
    [1_700_000_000_123_456_790n, 1_700_000_000_123_456_789n, false],
    [0n, 1n, true],
    [0n, 0n, false],
  ])('GIVEN a file changed at %p ns WHEN asked whether before %p ns THEN %p (as the numbers compare)', (changed, time, before) => {
    expect(changedBefore(keyChangedAt(changed), String(time))).toBe(before);
    expect(changedBefore(keyChangedAt(changed), String(time))).toBe(changed < time);
  });

  test('GIVEN a key written with leading zeros (never by synth) THEN it is before only when its number is: at worst the file is read', () => {
    // Longer than the time with its zeros: read as not before (the file is read and hashed).
    expect(changedBefore('10:7:1:00999', '1000')).toBe(false);
    // As long as the time: digit by digit, which is the numbers' order.
    expect(changedBefore('10:7:1:0999', '1000')).toBe(true);
    expect(changedBefore('10:7:1:01001', '01000')).toBe(false);
  });
});
