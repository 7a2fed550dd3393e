#!/usr/bin/env node
/*
 * Builds the committed charts/grafana-tenancy/files/token-bootstrap.js from
 * src/token/bootstrap/token-bootstrap.ts (`npm run build:token-script`); see shipped-script.js.
 */
const { shippedScript } = require('./shipped-script');

const script = shippedScript({
  source: 'src/token/bootstrap/token-bootstrap.ts',
  output: 'charts/grafana-tenancy/files/token-bootstrap.js',
  npmScript: 'build:token-script',
  runLine: 'Run by the token bootstrap Job with `node token-bootstrap.js [bootstrap|prune]`.',
});

module.exports = { buildTokenScript: script.build, SOURCE: script.SOURCE, OUTPUT: script.OUTPUT, NPM_SCRIPT: script.NPM_SCRIPT };
script.main(module);
