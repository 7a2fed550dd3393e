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

/** `header` + the CommonJS build of one TypeScript file (also used by build-backup-script.js). */
function transpileScript(sourcePath, header) {
  const source = readFileSync(join(root, sourcePath), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: sourcePath,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: false,
      removeComments: false,
      newLine: ts.NewLineKind.LineFeed,
    },
  });
  return header + outputText;
}

/** The JS the committed file must contain. */
function buildTokenScript() {
  return transpileScript(SOURCE, HEADER);
}

module.exports = { buildTokenScript, transpileScript, SOURCE, OUTPUT };

if (require.main === module) {
  writeFileSync(join(root, OUTPUT), buildTokenScript());
  process.stderr.write(`build-token-script: wrote ${OUTPUT}\n`);
}
