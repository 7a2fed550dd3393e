#!/usr/bin/env node
'use strict';
/*
 * npm run bench [-- --sizes 1000,10000[,50000]] [--target-size 10000] [--runs N] [--fleet-runs N] [--helm-sample N] [--chart DIR] [--dir DIR] [--keep]
 *
 * Times what users wait for: bin/grafana-tenancy as users run it (from its start-up snapshot),
 * each run a fresh process, as wall time from process start to exit, output to /dev/null:
 *   - one `render` of a tenant, against `helm template` of the same tenant (runs interleaved);
 *   - `--help`;
 *   - per fleet size (synthetic fleets, modes mixed): synth into an empty folder (cold), a no-op
 *     re-synth, diffs of two rendered trees (10% of the tenants changed; all changed by a change
 *     to the defaults), of two fleet files (10% changed: the CI path, rendering in the diff) and
 *     of a rendered tree against a fleet file with 10% changed (CI's check that the committed
 *     tree is what the fleet renders; no target of its own).
 * Every target is a ratio against a reference measured in the same round (helm template per
 * tenant on a sample of the fleet's tenants, just before each cold synth; the cold synth), so a
 * loaded or drifting machine slows both sides; the verdict takes the median of the rounds' (for
 * one render, the pairs') ratios, and each row says PASS or MISS. Then the scaling: per-tenant
 * cost and peak RSS by size (the peak of each fleet step read in a second run by bench-child.js).
 * Not a test: exit status 0 whatever the numbers (CI does not run it); numbers depend on the
 * machine and its load: each row is the median of several runs (--runs for one render and
 * --help, --fleet-runs rounds of the fleet steps, each round into fresh folders).
 *
 * The fleets and trees go under --dir, by default a RAM-backed folder (/dev/shm where there is
 * one, else the system's temporary folder), and are removed only at the end. helm template
 * writes nothing to disk; and on a disk the kernel's cost of creating 20,000 files depends on what
 * happened before: on ext4 without a journal (this project's development VM), creating files
 * within minutes of deleting many costs seconds of kernel time, as the inode allocator skips
 * recently deleted inodes (recently_deleted() in fs/ext4/ialloc.c). Pass --dir to measure a disk.
 */
const { spawnSync } = require('node:child_process');
const { accessSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, devNull, tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { stringify } = require('yaml');
const { syntheticFleet, syntheticFleetYaml } = require('./synthetic-fleet');

const ROOT = resolve(__dirname, '..');
const CHILD = join(__dirname, 'bench-child.js');
const BIN = join(ROOT, 'bin', 'grafana-tenancy');
const HELM = join(ROOT, '.tools', 'bin', 'helm');
/** Where timed commands write: a diff of 10,000 changed tenants prints megabytes. */
const DEV_NULL = openSync(devNull, 'w');

const USAGE = `Usage: npm run bench [-- OPTIONS]

Times bin/grafana-tenancy as users run it against the speed targets (docs/performance.md):
one render and --help against helm template, then per fleet size a cold synth, a no-op re-synth,
diffs of two rendered trees, of two fleet files and of a tree against a fleet file; prints PASS
or MISS per target and the per-tenant cost and peak RSS by size. Not a test: it exits 0
whatever the numbers.

Options:
  --sizes LIST         fleet sizes, comma-separated (default 1000,10000; add 50000 for scaling)
  --target-size N      the size the targets are checked at (default 10000, else the largest)
  --runs N             runs of one render and of --help, median taken (default 5)
  --fleet-runs N       rounds of the fleet steps, median taken (default 3)
  --helm-sample N      tenants helm template renders for its per-tenant time, in each round
                       at the target size (default 20)
  --chart DIR          the chart helm renders (default charts/grafana-tenancy)
  --dir DIR            where fleets and trees go (default /dev/shm when writable, else the temp folder)
  --keep               keep that folder at the end
  -h, --help           this text
`;

const { values: opts } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h', default: false },
    sizes: { type: 'string', default: '1000,10000' },
    'target-size': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    'fleet-runs': { type: 'string', default: '3' },
    chart: { type: 'string', default: join(ROOT, 'charts', 'grafana-tenancy') },
    'helm-sample': { type: 'string', default: '20' },
    dir: { type: 'string', default: defaultWorkDir() },
    keep: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const SIZES = opts.sizes.split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`bench: --sizes ${opts.sizes}: give whole numbers of tenants, comma-separated, e.g. --sizes 1000,10000`);
  process.exit(2);
}

/** /dev/shm when it is a writable folder (RAM-backed on Linux), else the system's temporary folder. */
function defaultWorkDir() {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
const TARGET_SIZE = SIZES.includes(Number(opts['target-size'])) ? Number(opts['target-size']) : Math.max(...SIZES);
const RUNS = Math.max(1, Number(opts.runs));
const FLEET_RUNS = Math.max(1, Number(opts['fleet-runs']));

/** The project's speed targets on a 2-core machine, each against its reference. */
const TARGETS = {
  renderVsHelm: 1, // one render's wall time / helm template's, same tenant
  helpSeconds: 0.15,
  synthVsHelm: 150, // helm per tenant x tenants / cold synth
  noOpVsCold: 0.1,
  fleetDiffVsCold: 0.2,
  treeDiffAllVsCold: 0.6,
  rssMb: 400,
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Wall seconds of one process, from spawn to exit, its output thrown away; throws when it fails. */
function timeProcess(command, args) {
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', DEV_NULL, 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${child.status}\n${child.stderr}`);
  return seconds;
}

/**
 * Peak RSS (worker threads included) of a CLI step, in MB: run once more in a fresh process by
 * bench-child.js, which runs the command itself to read its own resource usage (the timed runs
 * are of bin/grafana-tenancy, as users run it, whose peak a parent process cannot read).
 */
function peakRssMb(args) {
  // Without NODE_EXTRA_CA_CERTS, as bin/grafana-tenancy starts node (see its header).
  const { NODE_EXTRA_CA_CERTS, ...env } = process.env;
  const child = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  const last = child.stdout.trim().split('\n').pop();
  if (child.status !== 0 || !last) throw new Error(`bench step failed: ${args.join(' ')}\n${child.stderr}`);
  const { code, maxRssKb } = JSON.parse(last);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}\n${child.stderr}`);
  return maxRssKb / 1024;
}

function deepMerge(base, override) {
  const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(override)) return override === undefined ? base : override;
  const out = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

const work = mkdtempSync(join(opts.dir, 'gt-bench-'));
const haveHelm = existsSync(join(opts.chart, 'templates')) && existsSync(HELM);
console.log(`grafana-tenancy bench: node ${process.version}, ${cpus().length} cores, ${RUNS} runs per single-process row, temp ${work}`);
if (!haveHelm) console.log(`helm rows skipped: needs ${HELM} (scripts/install-tools.sh) and the chart at ${opts.chart}`);

const verdicts = [];
function verdict(row, measured, target, pass) {
  verdicts.push({ row, measured, target, result: pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS' });
}

try {
  // The fleet's own tenants, merged as synth merges them: the helm sample and the single render.
  const sample = syntheticFleet(Number(opts['helm-sample']));
  const helmDir = join(work, 'helm');
  mkdirSync(helmDir, { recursive: true });
  const apiVersionArgs = sample.apiVersions.flatMap((v) => ['--api-versions', v]);
  const valuesFiles = sample.tenants.map((tenant, i) => {
    const { namespace, release, ...own } = tenant;
    const file = join(helmDir, `values-${i}.yaml`);
    writeFileSync(file, stringify(deepMerge(sample.defaults, own)));
    return { namespace, release, file };
  });
  const helmArgs = ({ namespace, release, file }) => ['template', release, opts.chart, '-n', namespace, '-f', file, '--kube-version', '1.31.0', ...apiVersionArgs];
  const renderArgs = ({ namespace, release, file }) => ['render', '-n', namespace, '-r', release, '-f', file, ...sample.apiVersions.flatMap((v) => ['-a', v])];

  // One render against helm template of the same tenant (System mode with the token Job: the
  // largest output), interleaved so both see the same machine.
  const one = valuesFiles[1];
  // The command as users run it (bin/ picks the start-up snapshot when it fits), not `node bin/...`.
  timeProcess(BIN, renderArgs(one)); // warm-up: page cache
  const renders = [];
  const helms = [];
  for (let i = 0; i < RUNS; i++) {
    renders.push(timeProcess(BIN, renderArgs(one)));
    if (haveHelm) helms.push(timeProcess(HELM, helmArgs(one)));
  }
  const render = median(renders);
  const helmOne = haveHelm ? median(helms) : undefined;
  // The ratio of each pair of runs, then their median: a pair sees one machine.
  const renderRatio = haveHelm ? median(renders.map((r, i) => r / helms[i])) : undefined;
  verdict(
    'one render vs helm template (same tenant)',
    `${render.toFixed(3)} s vs ${helmOne?.toFixed(3) ?? '-'} s (medians); ${renderRatio?.toFixed(2) ?? '-'}x pair by pair`,
    `<= ${TARGETS.renderVsHelm}x`,
    renderRatio === undefined ? undefined : renderRatio <= TARGETS.renderVsHelm,
  );

  const helps = Array.from({ length: RUNS }, () => timeProcess(BIN, ['--help']));
  const nodeStart = median(Array.from({ length: RUNS }, () => timeProcess(process.execPath, ['-e', '0'])));
  const help = median(helps);
  const start = JSON.parse(spawnSync(BIN, ['version', '-o', 'json'], { encoding: 'utf8' }).stdout).start;
  console.log(`bin/grafana-tenancy starts from: ${start}`);
  verdict('--help', `${help.toFixed(3)} s (node -e 0: ${nodeStart.toFixed(3)} s)`, `<= ${TARGETS.helpSeconds} s`, help <= TARGETS.helpSeconds);

  // helm template per tenant, on the sample: what a helm loop over the fleet costs per tenant.
  // Timed in each round of the target size, just before its cold synth (see below).
  const helmPerTenant = () => {
    const times = valuesFiles.map((v) => timeProcess(HELM, helmArgs(v)));
    return times.reduce((a, b) => a + b, 0) / times.length;
  };

  const rows = [];
  for (const size of SIZES) {
    const dir = join(work, String(size));
    mkdirSync(dir, { recursive: true });
    const fleet = (name, variant, defaultsChange) => {
      const file = join(dir, name);
      const text = syntheticFleetYaml(size, variant);
      writeFileSync(file, defaultsChange ? text.replace(/letsencrypt-prod/g, 'letsencrypt-staging') : text);
      return file;
    };
    const base = fleet('base.yaml', 0, false);
    const some = fleet('some-changed.yaml', 1, false);
    const all = fleet('all-changed.yaml', 0, true);
    // Timed as users run it (bin/grafana-tenancy, from its start-up snapshot), in rounds (a
    // drifting machine slows every step alike), each row the median of its rounds; the peak RSS
    // of each step is read in one more run (see peakRssMb), into other folders.
    const tree = (name) => join(dir, name);
    const steps = new Map();
    const timed = (name, args, rssArgs = args) => {
      const step = steps.get(name) ?? { times: [], rssArgs };
      step.times.push(timeProcess(BIN, args));
      steps.set(name, step);
    };
    timeProcess(BIN, ['synth', '-q', '-f', some, '-d', tree('some')]);
    timeProcess(BIN, ['synth', '-q', '-f', all, '-d', tree('all')]);
    const helmRounds = [];
    for (let round = 0; round < FLEET_RUNS; round++) {
      const baseTree = tree(`base-${round}`);
      if (haveHelm && size === TARGET_SIZE) helmRounds.push(helmPerTenant());
      timed('synth cold', ['synth', '-q', '-f', base, '-d', baseTree], ['synth', '-q', '-f', base, '-d', tree('base-rss')]);
      timed('synth no-op', ['synth', '-q', '-f', base, '-d', baseTree], ['synth', '-q', '-f', base, '-d', tree('base-rss')]);
      timed('diff trees, 10% changed', ['diff', baseTree, tree('some')]);
      timed('diff trees, all changed', ['diff', baseTree, tree('all')]);
      timed('diff fleet files, 10% changed', ['diff', base, some]);
      timed('diff tree vs fleet file, 10% changed', ['diff', baseTree, some]);
    }
    for (const [name, { times, rssArgs }] of steps) rows.push({ size, step: name, seconds: median(times), rssArgs });
    const row = (name) => rows.find((r) => r.size === size && r.step === name);
    const [cold, noOp, treeAll, fleetDiff] = ['synth cold', 'synth no-op', 'diff trees, all changed', 'diff fleet files, 10% changed'].map(row);
    for (const row of rows.filter((r) => r.size === size)) row.rssMb = peakRssMb(row.rssArgs);
    if (size !== TARGET_SIZE) continue;

    // Each ratio is taken within a round (the step and its reference minutes apart would see two
    // machines, this VM's speed drifts), and the median of the rounds' ratios is the verdict's.
    const n = size.toLocaleString('en-US');
    const coldTimes = steps.get('synth cold').times;
    if (helmRounds.length > 0) {
      const helmMs = helmRounds.map((h) => (h * 1000).toFixed(1)).join(', ');
      console.log(`helm template: ${helmMs} ms per tenant (mean of ${valuesFiles.length} tenants, one process each, in each round at ${n})`);
      const speedup = median(helmRounds.map((h, i) => (h * size) / coldTimes[i]));
      verdict(`synth ${n}, cold vs helm loop`, `${cold.seconds.toFixed(2)} s vs helm ~${(median(helmRounds) * size).toFixed(0)} s (medians); ${speedup.toFixed(0)}x faster by round`, `>= ${TARGETS.synthVsHelm}x faster`, speedup >= TARGETS.synthVsHelm);
    } else verdict(`synth ${n}, cold vs helm loop`, `${cold.seconds.toFixed(2)} s`, `>= ${TARGETS.synthVsHelm}x faster`, undefined);
    const ofCold = (name, r, limit) => {
      const share = median(steps.get(r.step).times.map((t, i) => t / coldTimes[i]));
      verdict(name, `${r.seconds.toFixed(2)} s (median); ${(100 * share).toFixed(1)}% of cold by round`, `<= ${100 * limit}% of cold`, share <= limit);
    };
    ofCold(`synth ${n}, no change`, noOp, TARGETS.noOpVsCold);
    ofCold(`diff of two fleet files, ${n}, 10% changed`, fleetDiff, TARGETS.fleetDiffVsCold);
    ofCold(`diff of two trees, ${n}, all changed`, treeAll, TARGETS.treeDiffAllVsCold);
    const rss = Math.max(...rows.filter((r) => r.size === size).map((r) => r.rssMb));
    verdict(`peak RSS at ${n}`, `${rss.toFixed(0)} MB (largest of the steps above)`, `<= ${TARGETS.rssMb} MB`, rss <= TARGETS.rssMb);
  }

  console.log('\n| tenants | step | wall s | ms per tenant | peak RSS MB |\n| ---: | --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.size} | ${r.step} | ${r.seconds.toFixed(2)} | ${((1000 * r.seconds) / r.size).toFixed(3)} | ${r.rssMb.toFixed(0)} |`);

  console.log(`\nTargets (at ${TARGET_SIZE.toLocaleString('en-US')} tenants; each against a reference measured in the same round, the median of the rounds' ratios):\n`);
  console.log('| row | measured | target | result |\n| --- | --- | --- | --- |');
  for (const v of verdicts) console.log(`| ${v.row} | ${v.measured} | ${v.target} | ${v.result} |`);

  // Linear growth: per-tenant cost and RSS by size, relative to the smallest size.
  if (SIZES.length > 1) {
    console.log('\nScaling (per-tenant wall time and peak RSS, relative to the smallest size):\n');
    console.log('| step | ' + SIZES.map((s) => `${s} ms/tenant (x) | RSS MB`).join(' | ') + ' |');
    console.log('| --- | ' + SIZES.map(() => '---: | ---:').join(' | ') + ' |');
    for (const name of [...new Set(rows.map((r) => r.step))]) {
      const bySize = SIZES.map((s) => rows.find((r) => r.size === s && r.step === name));
      const first = (1000 * bySize[0].seconds) / bySize[0].size;
      console.log(`| ${name} | ` + bySize.map((r) => {
        const per = (1000 * r.seconds) / r.size;
        return `${per.toFixed(3)} (${(per / first).toFixed(2)}) | ${r.rssMb.toFixed(0)}`;
      }).join(' | ') + ' |');
    }
  }
} finally {
  if (opts.keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
