#!/usr/bin/env node
/*
 * Transpiles src/backup/snapshot/grafana-backup.ts (one file, Node built-ins only) into the
 * committed charts/grafana-tenancy/files/grafana-backup.js that both renderers ship, the same way
 * build-token-script.js builds the token script. `npm run build:backup-script` writes it;
 * test/backup/backup-script-fresh.test.ts fails when the committed file is stale.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { transpileScript } = require('./build-token-script');

const SOURCE = 'src/backup/snapshot/grafana-backup.ts';
const OUTPUT = 'charts/grafana-tenancy/files/grafana-backup.js';

const HEADER = [
  '// GENERATED from ' + SOURCE + ' by `npm run build:backup-script`: do not edit.',
  '// Run by the backup CronJob and the restore Job with `node grafana-backup.js export|restore`.',
  '',
].join('\n');

/** The JS the committed file must contain. */
function buildBackupScript() {
  return transpileScript(SOURCE, HEADER);
}

module.exports = { buildBackupScript, SOURCE, OUTPUT };

if (require.main === module) {
  writeFileSync(join(__dirname, '..', OUTPUT), buildBackupScript());
  process.stderr.write(`build-backup-script: wrote ${OUTPUT}\n`);
}
