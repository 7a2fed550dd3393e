const { instanceValuesSchema } = require('/work/main/lib/src/config/schema.js');
const { z } = require('zod');
const yaml = require('js-yaml');
const { deepMerge } = require('/work/main/lib/src/config/merge.js');
const doc = yaml.load(require('fs').readFileSync('/dev/shm/p/base.yaml', 'utf8'));
const merged = doc.tenants.map(({ namespace, release, ...rest }) => deepMerge(doc.defaults, rest));
const mode = process.argv[2];
const shape = instanceValuesSchema.shape;
const keys = Object.keys(shape);
const compiled = Object.fromEntries(keys.map(k => [k, mode === 'memoc' ? z.compile(shape[k]) : shape[k]]));
const cache = new Map(); // input ref (or undefined) per key -> output
function memoParse(m, defaults) {
  for (const k in m) if (!(k in shape)) return undefined;
  const out = {};
  for (const k of keys) {
    const v = m[k];
    let r;
    const shared = v === undefined || v === defaults[k];
    if (shared) { const c = cache.get(k); if (c && c.v === v) r = c.r; }
    if (r === undefined) {
      const p = compiled[k].safeParse(v);
      if (!p.success) return undefined;
      r = { value: p.data };
      if (shared) cache.set(k, { v, r });
    }
    if (r.value !== undefined || k in m) out[k] = r.value;
  }
  return out;
}
const t = process.hrtime.bigint();
let ok = 0;
const outs = [];
for (const m of merged) {
  const o = mode === 'zod' ? instanceValuesSchema.safeParse(m).data : memoParse(m, doc.defaults);
  if (o) ok++;
  outs.push(o);
}
console.log(mode, ok, Number(process.hrtime.bigint() - t) / 1e6, 'ms');
if (mode !== 'zod') {
  const same = merged.every((m, i) => JSON.stringify(instanceValuesSchema.parse(m)) === JSON.stringify(outs[i]));
  console.log('same', same);
}
