/*
 * Shared by build-token-script.js and build-backup-script.js: a script both renderers ship is one
 * TypeScript file (Node built-ins only) transpiled to CommonJS under a GENERATED header and
 * committed under charts/grafana-tenancy/files/. test/shipped-scripts.test.ts fails when a
 * committed file differs from what its build produces. Type checking is done by `tsc`.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..');

/** `header` + the CommonJS build of one TypeScript file. */
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

/**
 * One shipped script: `build()` returns the JS the committed `output` must contain; `main(module)`
 * writes it when the calling build script is run directly (`npm run <npmScript>`).
 */
function shippedScript({ source, output, npmScript, runLine }) {
  const header = [`// GENERATED from ${source} by \`npm run ${npmScript}\`: do not edit.`, `// ${runLine}`, ''].join('\n');
  const build = () => transpileScript(source, header);
  const main = (mod) => {
    if (require.main !== mod) return;
    writeFileSync(join(root, output), build());
    process.stderr.write(`${npmScript}: wrote ${output}\n`);
  };
  return { build, main, SOURCE: source, OUTPUT: output, NPM_SCRIPT: npmScript };
}

module.exports = { transpileScript, shippedScript };
