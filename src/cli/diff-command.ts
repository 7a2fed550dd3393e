import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';
import { progressReporter } from './progress';
import { parseJobs, parseOutputFormat } from './options';
import type { OutputFormat } from '../diff/format';
import type { SideSpec } from '../diff/fleet-pair';

const usage = `Usage: grafana-tenancy diff OLD NEW [--output text|markdown|json] [--exit-code]
       grafana-tenancy diff --base REF FLEET_FILE [options]

Shows what a change does to the rendered objects. OLD and NEW are each a rendered folder (synth
output) or a fleet file (rendered in memory). With --base, OLD is FLEET_FILE as committed at
the git ref REF (e.g. origin/main) and NEW is the file in the working tree. Only the tenants
that can differ are rendered: against another fleet file, those whose values differ (and of
those only the parts of the instance a changed field reaches); against a rendered folder,
those whose file there synth did not write for their current values.

Objects are matched by (apiVersion, kind, namespace, name). The output has a summary (added,
removed, changed; per kind and per tenant) and a unified diff of each object's normalised YAML.
Secret data/stringData values are never shown: only their size and a sha256 prefix.

Options:
  -b, --base REF     compare FLEET_FILE at git ref REF with the working tree
  -o, --output FMT   text (default), markdown (for a pull-request comment) or json
      --exit-code    exit 1 when something changed (like git diff --exit-code)
  -j, --jobs N       worker threads for rendering fleet files (default: one per 1,500
                     tenant files to render, up to one per core) and for comparing two
                     rendered folders (one per 2,000 files, up to one per core); 1: in-process
  -q, --quiet        no progress
  -h, --help         show this help

Exit status: 0, or 1 with --exit-code when there are changes; 2 on invalid input (like diff(1)),
so CI can tell drift from a broken fleet file.`;

export const diffCommand: Command = {
  name: 'diff',
  summary: 'diff the rendered objects of two folders, fleet files or git refs (for CI)',
  usage,
  errorExitCode: 2,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        base: { type: 'string', short: 'b' },
        output: { type: 'string', short: 'o', default: 'text' },
        'exit-code': { type: 'boolean', default: false },
        jobs: { type: 'string', short: 'j' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    // Reading two 10,000-tenant fleet files parses each entry once: zod's JIT (a parser per object
    // schema, compiled with new Function) cost 10-15% more CPU there than parsing without it
    // (paired runs). Set before the schemas are built, so before the imports (see render-command).
    (await import('zod')).config({ jitless: true });
    // Loaded here, not at the top: `--help` and the other commands do not pay for them.
    const { hasChanges } = await import('../diff/compare');
    const { formatReport, OUTPUT_FORMATS } = await import('../diff/format');
    const { diffSpecs } = await import('../diff/fleet-diff');
    const format: OutputFormat = parseOutputFormat(values.output, OUTPUT_FORMATS);
    const options = { parallelism: parseJobs(values.jobs), onProgress: progressReporter(io, values.quiet, 'rendered') };

    let specs: [SideSpec, SideSpec];
    if (values.base !== undefined) {
      if (positionals.length !== 1) throw new UsageError('with --base, give exactly one fleet file');
      specs = [{ file: positionals[0], ref: values.base }, { file: positionals[0] }];
    } else {
      if (positionals.length !== 2) throw new UsageError('give two sides: OLD NEW (folders or fleet files), or --base REF FLEET_FILE');
      specs = [{ file: positionals[0] }, { file: positionals[1] }];
    }
    const report = await diffSpecs(...specs, options);
    io.stdout(formatReport(report, format));
    return values['exit-code'] && hasChanges(report) ? 1 : 0;
  },
};
