#!/usr/bin/env node
'use strict';
/*
 * Rewrites the undefined-filtering of the `toJson_*` mappers that `cdk8s import` generates
 * (json2jsii), in place, for each file given: run by scripts/import-crds.sh on every module it
 * generates. The generator filters each mapped object with
 *
 *   Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})
 *
 * which copies the growing object once per key: quadratic in the keys, and the larger part of
 * a tenant's render time (a PodSpec has ~40 keys, and every object is mapped on every render).
 * The helpers below build the same object (same keys, same order, same values, a plain object)
 * in one pass. Forms the patterns do not match are left as generated.
 */
const { readFileSync, writeFileSync } = require('node:fs');

const HELPERS = {
  withoutUndefined: `
/** \`x\` without its undefined values (scripts/fast-json-mappers.js: the generated reduce, in one pass). */
function withoutUndefined(x: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const key of Object.keys(x)) {
    if (x[key] !== undefined) defineKey(out, key, x[key]);
  }
  return out;
}
`,
  valuesWithoutUndefined: `
/** \`x\` without its undefined values, each defined one mapped to its \`.value\` (quantities). */
function valuesWithoutUndefined(x: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const key of Object.keys(x)) {
    if (x[key] !== undefined) defineKey(out, key, x[key]?.value);
  }
  return out;
}
`,
  defineKey: `
/** \`out[key] = value\`, also for \`__proto__\`, which the generated spread defines as a key. */
function defineKey(out: Record<string, any>, key: string, value: any): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
`,
};

/** `x` in `Object.entries(x)`: a name, a property path or `i[1]` (the enclosing entry's value). */
const OPERAND = String.raw`((?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|i\[1\])`;
const REDUCE = (value) => new RegExp(String.raw`Object\.entries\(${OPERAND}\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: ${value} \}\), \{\}\)`, 'g');

function rewrite(source) {
  let text = source
    .replace(REDUCE(String.raw`i\[1\]`), 'withoutUndefined($1)')
    .replace(REDUCE(String.raw`i\[1\]\?\.value`), 'valuesWithoutUndefined($1)');
  const used = ['withoutUndefined', 'valuesWithoutUndefined'].filter((name) => text.includes(`${name}(`));
  if (used.length === 0) return text;
  const helpers = [...used, 'defineKey'].map((name) => HELPERS[name]).join('');
  // After the generated imports: the last `import ... from '...';` line at the top.
  const imports = [...text.matchAll(/^import .* from '[^']+';\n/gm)];
  if (imports.length === 0) throw new Error('fast-json-mappers: no import line to put the helpers after');
  const at = imports[imports.length - 1].index + imports[imports.length - 1][0].length;
  text = text.slice(0, at) + helpers + text.slice(at);
  return text;
}

for (const file of process.argv.slice(2)) writeFileSync(file, rewrite(readFileSync(file, 'utf8')));
