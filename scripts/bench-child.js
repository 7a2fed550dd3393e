'use strict';
// Runs one CLI command in this process (output discarded) and reports the exit code and this
// process's peak RSS, worker threads included, as one JSON line: what bench.js measures. It
// starts the CLI the way bin/grafana-tenancy does (the bundle with its code cache when fresh).
const { join } = require('node:path');

const lib = join(__dirname, '..', 'lib');
const bundle = join(lib, 'bundle', 'cli.js');
const cache = require(join(lib, 'src', 'cli', 'compile-cache.js'));
const { runCli } = cache.isBundleFresh(bundle, join(lib, '.tsbuildinfo')) ? cache.loadBundle(bundle) : require(join(lib, 'src', 'cli', 'main.js'));

const io = { stdout: () => {}, stderr: (t) => process.stderr.write(t), stderrIsTty: false };
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.stdout.write(`${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  },
  (e) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  },
);
