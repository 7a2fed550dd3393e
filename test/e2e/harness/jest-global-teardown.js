// Stops the cluster globalSetup started (by the PIDs in state.json), whatever the tests' outcome,
// then prints the run's closing line (see summary-reporter.js).
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  try {
    if (!globalThis.__E2E_OWNED__) return;
    if (process.env.E2E_KEEP === '1') {
      process.stderr.write('e2e: E2E_KEEP=1, cluster left running (npm run e2e:down)\n');
      return;
    }
    const h = require(join(__dirname, '..', '..', '..', 'lib', 'e2e', 'test', 'e2e', 'harness', 'cluster.js'));
    await h.stopCluster(process.env.E2E_STATE_DIR);
  } finally {
    if (globalThis.__E2E_SUMMARY__) process.stdout.write(`${globalThis.__E2E_SUMMARY__}\n`);
  }
};
