#!/usr/bin/env node
'use strict';
/*
 * npm run bench [-- --sizes 100,1000,10000] [--chart DIR] [--helm-sample N]
 *
 * Builds synthetic fleets (mixed modes) in a temp dir and times, each in a fresh process:
 *   synth cold (empty output dir), synth no-op (same fleet again), diff of two rendered trees
 *   (10% of tenants changed, and every tenant changed: a change to the fleet's defaults), and
 *   diff of two fleet files with 10% changed (the CI path, rendering in the diff).
 * Prints tenants/s, wall time (process start to exit) and peak RSS, checks the project's
 * targets (TARGETS below), and compares with `helm template` run once per tenant on the same
 * inputs (measured on a sample, extrapolated) when the chart has templates. Not a test: nothing here is asserted
 * in CI; numbers depend on the machine and its load.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { stringify } = require('yaml');
const { syntheticFleet, syntheticFleetYaml } = require('./synthetic-fleet');

const ROOT = resolve(__dirname, '..');
const CHILD = join(__dirname, 'bench-child.js');
const HELM = join(ROOT, '.tools', 'bin', 'helm');

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,10000' },
    chart: { type: 'string', default: join(ROOT, 'charts', 'grafana-tenancy') },
    'helm-sample': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
});
const SIZES = opts.sizes.split(',').map(Number);

/** The project's speed targets (2-core machine): seconds of wall time by fleet size, and MB of RSS. */
const TARGETS = { synth: { 1000: 3, 10000: 20 }, diff: { 10000: 10 }, rssMb: 500 };

function run(args) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const last = child.stdout.trim().split('\n').pop();
  if (child.status !== 0 || !last) throw new Error(`bench step failed: ${args.join(' ')}\n${child.stderr}`);
  const { code, maxRssKb } = JSON.parse(last);
  if (code !== 0 && args[0] !== 'diff') throw new Error(`${args.join(' ')} exited ${code}\n${child.stderr}`);
  return { seconds, rssMb: maxRssKb / 1024 };
}

const rows = [];
const verdicts = [];
function record(size, step, { seconds, rssMb }) {
  rows.push({ size, step, seconds, rate: size / seconds, rssMb });
  const limit = TARGETS[step.split(' ')[0]]?.[size];
  if (limit !== undefined) verdicts.push(`${step} ${size}: ${seconds.toFixed(2)} s (target <= ${limit} s) ${seconds <= limit ? 'ok' : 'MISSED'}`);
  if (step.startsWith('synth') && rssMb > TARGETS.rssMb) verdicts.push(`${step} ${size}: peak RSS ${rssMb.toFixed(0)} MB (target <= ${TARGETS.rssMb} MB) MISSED`);
}

const work = mkdtempSync(join(tmpdir(), 'gt-bench-'));
console.log(`grafana-tenancy bench: node ${process.version}, ${cpus().length} cores, temp ${work}`);
const synthTimes = {};
try {
  for (const size of SIZES) {
    const dir = join(work, String(size));
    const fleet = (name, variant, defaultsChange) => {
      const file = join(dir, name);
      const text = syntheticFleetYaml(size, variant);
      writeFileSync(file, defaultsChange ? text.replace(/letsencrypt-prod/g, 'letsencrypt-staging') : text);
      return file;
    };
    require('node:fs').mkdirSync(dir, { recursive: true });
    const base = fleet('base.yaml', 0, false);
    const some = fleet('some-changed.yaml', 1, false);
    const all = fleet('all-changed.yaml', 0, true);

    const cold = run(['synth', '-q', '-f', base, '-d', join(dir, 'base')]);
    record(size, 'synth cold', cold);
    synthTimes[size] = cold.seconds;
    record(size, 'synth no-op', run(['synth', '-q', '-f', base, '-d', join(dir, 'base')]));
    run(['synth', '-q', '-f', some, '-d', join(dir, 'some')]);
    run(['synth', '-q', '-f', all, '-d', join(dir, 'all')]);
    record(size, 'diff 10% changed', run(['diff', join(dir, 'base'), join(dir, 'some')]));
    record(size, 'diff all changed', run(['diff', join(dir, 'base'), join(dir, 'all')]));
    // The CI path: two fleet files (as with --base), rendered in the diff itself.
    record(size, 'diff fleet files, 10% changed', run(['diff', base, some]));
  }

  console.log('\n| tenants | step | wall s | tenants/s | peak RSS MB |\n| ---: | --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.size} | ${r.step} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate)} | ${r.rssMb.toFixed(0)} |`);
  console.log('\nTargets:');
  for (const v of verdicts) console.log(`  ${v}`);

  console.log('\nhelm template, once per tenant:');
  if (!existsSync(join(opts.chart, 'templates'))) {
    console.log('  skipped (chart not present)');
  } else if (!existsSync(HELM)) {
    console.log(`  skipped (no helm at ${HELM}; run scripts/install-tools.sh)`);
  } else {
    helmComparison(Number(opts['helm-sample']));
  }
} finally {
  if (opts.keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** Times `helm template` on a sample of the same synthetic tenants and extrapolates. */
function helmComparison(sample) {
  const doc = syntheticFleet(sample);
  const dir = join(work, 'helm');
  require('node:fs').mkdirSync(dir, { recursive: true });
  const apiVersions = doc.apiVersions.flatMap((v) => ['--api-versions', v]);
  let seconds = 0;
  doc.tenants.forEach((tenant, i) => {
    const { namespace, release, ...own } = tenant;
    const valuesFile = join(dir, `values-${i}.yaml`);
    writeFileSync(valuesFile, stringify(deepMerge(doc.defaults, own)));
    const start = process.hrtime.bigint();
    const result = spawnSync(HELM, ['template', release, opts.chart, '-n', namespace, '-f', valuesFile, '--kube-version', '1.31.0', ...apiVersions], { encoding: 'utf8' });
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`helm template failed for ${namespace}/${release}: ${result.stderr}`);
  });
  const perTenant = seconds / sample;
  console.log(`  measured ${sample} tenants: ${(perTenant * 1000).toFixed(1)} ms per tenant (one helm process each)`);
  for (const size of SIZES) {
    const helm = perTenant * size;
    console.log(`  ${size} tenants: helm ~${helm.toFixed(1)} s (extrapolated) vs synth ${synthTimes[size].toFixed(2)} s -> synth is ${(helm / synthTimes[size]).toFixed(1)}x faster`);
  }
}

function deepMerge(base, override) {
  const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(override)) return override === undefined ? base : override;
  const out = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}
