import { parseArgs } from 'node:util';
import { Command } from './command';

const usage = `Usage: grafana-tenancy validate [-f tenants.yaml] [--quiet]

Checks a fleet file without rendering it: the schema and render checks of every tenant, and the
fleet-wide ones: duplicate (namespace, release), clientId collisions between different pairs
(a-b/c and a/b-c both give a-b-c), duplicate hosts, two token Jobs writing to one Secret or AWS
secret, the release name "kustomization", System mode with platform OIDC off.

Options:
  -f, --file FILE   fleet file (default: tenants.yaml)
  -q, --quiet       print nothing when the file is valid
  -h, --help        show this help

Every problem is printed on stderr, each with its tenant and field path; exit 1 if there is any.`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a fleet file: schema, render checks, collisions and duplicates',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        file: { type: 'string', short: 'f', default: 'tenants.yaml' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    // Loaded here, not at the top: `--help` and the other commands do not pay for it.
    const { loadFleet } = await import('../config/fleet');
    const fleet = loadFleet(values.file);
    if (!values.quiet) {
      const namespaces = new Set(fleet.tenants.map((t) => t.namespace)).size;
      io.stdout(`${values.file}: valid (${fleet.tenants.length} tenants in ${namespaces} namespaces)\n`);
    }
    return 0;
  },
};
