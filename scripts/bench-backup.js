#!/usr/bin/env node
/*
 * Benchmark (not a test): the shipped export step (charts/grafana-tenancy/files/grafana-backup.js)
 * saving 1,000 dashboards in nested folders, plus alert rules, from the Grafana fake of the test
 * suite. Prints the wall time and the Grafana API call count (the export also reports its own).
 * `npm run bench:backup [-- DASHBOARDS]`.
 */
const { execFile } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const ts = require('typescript');

// Load the TypeScript fakes of test/ without a build step.
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  module._compile(outputText, filename);
};
const { FakeGrafana } = require('../test/token/fakes/fake-grafana.ts');

const SCRIPT = join(__dirname, '..', 'charts', 'grafana-tenancy', 'files', 'grafana-backup.js');
const count = Number(process.argv[2] ?? 1000);

async function main() {
  const grafana = new FakeGrafana();
  const url = await grafana.start();
  const token = grafana.addToken(grafana.addAccount('backup', 'Viewer'), 'backup').key;
  const folders = [];
  for (let i = 0; i < 20; i++) {
    const top = grafana.content.addFolder(`team-${i}`, `Team ${i}`);
    folders.push(top.uid, grafana.content.addFolder(`team-${i}-svc`, `Services ${i}`, top.uid).uid);
  }
  const panels = Array.from({ length: 12 }, (_, p) => ({ type: 'timeseries', title: `Panel ${p}`, targets: [{ expr: `rate(http_requests_total{job="svc-${p}"}[5m])` }] }));
  for (let i = 0; i < count; i++) grafana.content.addDashboard(`dash-${i}`, `Dashboard ${i}`, folders[i % folders.length], panels, 1 + (i % 5));
  for (let i = 0; i < 50; i++) grafana.content.addRule(`rule-${i}`, `Rule ${i}`, folders[i % folders.length]);

  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const started = process.hrtime.bigint();
  const result = await new Promise((resolve) => {
    const child = execFile(process.execPath, [SCRIPT, 'export'], {
      env: { PATH: process.env.PATH, GRAFANA_URL: url, GRAFANA_TOKEN: token, SNAPSHOT_DIR: dir },
    }, (error, stdout, stderr) => resolve({ error, stdout, stderr, child }));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  await grafana.stop();
  rmSync(dir, { recursive: true, force: true });
  if (result.error) {
    process.stderr.write(result.stderr);
    process.exit(1);
  }
  const line = result.stdout.trim().split('\n').pop();
  const calls = grafana.calls.length;
  const byKind = {
    search: grafana.calls.filter((c) => c.path === '/api/search').length,
    folders: grafana.calls.filter((c) => c.path === '/api/folders').length,
    dashboards: grafana.calls.filter((c) => c.path.startsWith('/api/dashboards/uid/')).length,
    other: 0,
  };
  byKind.other = calls - byKind.search - byKind.folders - byKind.dashboards;
  console.log(`backup export of ${count} dashboards (${folders.length} nested folders, 50 alert rules) against the Grafana fake`);
  console.log(`  wall time:  ${wallMs.toFixed(0)} ms`);
  console.log(`  API calls:  ${calls} (search ${byKind.search}, folder lists ${byKind.folders}, dashboard reads ${byKind.dashboards}, other ${byKind.other})`);
  console.log(`  script:     ${line.replace(/^\S+ /, '')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
