#!/usr/bin/env node
/*
 * Transpiles src/token/bootstrap/token-bootstrap.ts (one file, Node built-ins only) into the
 * committed charts/grafana-tenancy/files/token-bootstrap.js that both renderers ship.
 * `node scripts/build-token-script.js` writes it; test/token/token-script-fresh.test.ts fails
 * when the committed file differs from what this produces. Type checking is done by `tsc`.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..');
const SOURCE = 'src/token/bootstrap/token-bootstrap.ts';
const OUTPUT = 'charts/grafana-tenancy/files/token-bootstrap.js';

const HEADER = [
  '// GENERATED from ' + SOURCE + ' by `npm run build:token-script`: do not edit.',
  '// Run by the token bootstrap Job with `node token-bootstrap.js [bootstrap|prune]`.',
  '',
].join('\n');

/** The JS the committed file must contain. */
function buildTokenScript() {
  const source = readFileSync(join(root, SOURCE), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: SOURCE,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: false,
      removeComments: false,
      newLine: ts.NewLineKind.LineFeed,
    },
  });
  return HEADER + outputText;
}

module.exports = { buildTokenScript, SOURCE, OUTPUT };

if (require.main === module) {
  writeFileSync(join(root, OUTPUT), buildTokenScript());
  process.stderr.write(`build-token-script: wrote ${OUTPUT}\n`);
}
