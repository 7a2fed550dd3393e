import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Command } from './command';
import { parseOutputFormat } from './options';
import { runsFromBundle } from '../config/install-files';

const usage = `Usage: grafana-tenancy version [-o text|json|yaml]
       grafana-tenancy --version

Prints the version of grafana-tenancy and of the Helm chart it renders the twin of (they are
released together), and the Node.js runtime. json and yaml also say how this process started:
"snapshot" (the fast start bin/grafana-tenancy picks when lib/bundle/cli.blob fits this node),
"bundle" (lib/bundle/cli.js) or "sources" (lib/src, when the bundle is older than them).

Options:
  -o, --output FORMAT   text (default), json or yaml
  -h, --help            show this help`;

/** The package's own package.json, found from this file in src/ (tests) or lib/src/ (built). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'grafana-tenancy' && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
  }
  return 'unknown';
}

/** How this process loaded the CLI: what to look at first when a start is slow. */
export function startMode(): 'snapshot' | 'bundle' | 'sources' {
  if (process.execArgv.includes('--snapshot-blob')) return 'snapshot';
  return runsFromBundle() ? 'bundle' : 'sources';
}

/** `grafana-tenancy 0.1.0`: what `--version` prints. */
export function versionLine(): string {
  return `grafana-tenancy ${packageVersion()}`;
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the version (also: --version)',
  usage,
  run(args, io) {
    const { values } = parseArgs({
      args,
      options: { output: { type: 'string', short: 'o', default: 'text' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    const format = parseOutputFormat(values.output, ['text', 'json', 'yaml']);
    const info = { version: packageVersion(), chartVersion: packageVersion(), node: process.version, start: startMode() };
    if (format === 'json') io.stdout(`${JSON.stringify(info, null, 2)}\n`);
    else if (format === 'yaml') io.stdout(Object.entries(info).map(([k, v]) => `${k}: "${v}"\n`).join(''));
    else io.stdout(`${versionLine()} (chart ${info.chartVersion}, node ${info.node})\n`);
    return 0;
  },
};
