'use strict';
// Runs one CLI command in this process (output discarded) and reports the exit code and this
// process's peak RSS, worker threads included, as one JSON line: what bench.js measures.
const { runCli } = require('../lib/src/cli/main');

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
