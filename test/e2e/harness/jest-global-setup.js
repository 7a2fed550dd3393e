// Starts the e2e cluster once for `npm run e2e` (compiled harness: `npm run e2e:build`), or reuses
// one already started with `npm run e2e:up` for the same state dir (then it is left running).
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const h = require(join(__dirname, '..', '..', '..', 'lib', 'e2e', 'test', 'e2e', 'harness', 'cluster.js'));
  const stateDir = h.stateDirOf();
  process.env.E2E_STATE_DIR = stateDir;
  try {
    h.attach(stateDir);
    process.stderr.write(`\ne2e: reusing the running cluster of ${stateDir} (left running)\n`);
    globalThis.__E2E_OWNED__ = false;
    return;
  } catch {
    // none running: start one
  }
  process.stderr.write('\n');
  const cluster = await h.startCluster({ stateDir });
  globalThis.__E2E_OWNED__ = true;
  // Ctrl-C or a kill of jest still stops what was started, by PID.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      cluster.stop().finally(() => process.exit(130));
    });
  }
};
