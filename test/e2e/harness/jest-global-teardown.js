// Stops the cluster globalSetup started (by the PIDs in state.json), whatever the tests' outcome.
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  if (!globalThis.__E2E_OWNED__) return;
  const h = require(join(__dirname, '..', '..', '..', 'lib', 'e2e', 'test', 'e2e', 'harness', 'cluster.js'));
  if (process.env.E2E_KEEP === '1') {
    process.stderr.write(`e2e: E2E_KEEP=1, cluster left running (npm run e2e:down)\n`);
    return;
  }
  await h.stopCluster(process.env.E2E_STATE_DIR);
};
