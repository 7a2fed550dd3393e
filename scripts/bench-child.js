'use strict';
// Runs one CLI command in this process (output discarded) and reports the exit code and this
// process's peak RSS, worker threads included, as one JSON line: the peak RSS bench.js reports
// for each fleet step (it times bin/grafana-tenancy itself, whose peak a parent cannot read).
// It loads the CLI as `node bin/grafana-tenancy` does (the bundle with its code cache when
// fresh): this process has to run the command itself to report its RSS.
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
