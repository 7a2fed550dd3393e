/** Objects with more keys than this are sorted by `Array.prototype.sort`. */
const SMALL = 24;

/**
 * `Object.keys(object).sort()`: the keys in UTF-16 code unit order, as `sort()` puts strings.
 * An object's few keys are sorted in place by insertion: `Array.prototype.sort` first copies
 * any array it sorts into a new work array, and copying every object of every manifest sorted
 * (object-json.ts) made those work arrays a tenth of what a diff of two fleet files allocates.
 */
export function sortedKeys(object: object): string[] {
  return sortInPlace(Object.keys(object));
}

/** `keys.sort()` for distinct strings (an object's keys), without a work array for a short list. */
export function sortInPlace(keys: string[]): string[] {
  if (keys.length > SMALL) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
