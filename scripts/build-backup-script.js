#!/usr/bin/env node
/*
 * Builds the committed charts/grafana-tenancy/files/grafana-backup.js from
 * src/backup/snapshot/grafana-backup.ts (`npm run build:backup-script`); see shipped-script.js.
 */
const { shippedScript } = require('./shipped-script');

const script = shippedScript({
  source: 'src/backup/snapshot/grafana-backup.ts',
  output: 'charts/grafana-tenancy/files/grafana-backup.js',
  npmScript: 'build:backup-script',
  runLine: 'Run by the backup CronJob and the restore Job with `node grafana-backup.js export|restore`.',
});

module.exports = { buildBackupScript: script.build, SOURCE: script.SOURCE, OUTPUT: script.OUTPUT, NPM_SCRIPT: script.NPM_SCRIPT };
script.main(module);
