import { parseArgs } from 'node:util';
import { Command } from './command';
import { chooseFleetFile, requireFleetFile } from './options';

const usage = `Usage: grafana-tenancy validate [FILE | -f FILE] [--quiet]

Checks a fleet file without rendering it: the schema and render checks of every tenant, and the
fleet-wide ones: duplicate (namespace, release), clientId collisions between different pairs
(a-b/c and a/b-c both give a-b-c), duplicate hosts, two token Jobs writing to one Secret or AWS
secret, two namespaces sending one data-source tenant id (unless both set sharedTenantId), the
release name "kustomization", System mode with platform OIDC off.

The fleet file is looked up like every fleet command does: -f FILE, else the FILE argument,
else $TENANTS_FILE, else ./tenants.yaml. A missing file is reported with the path looked for.

Options:
  -f, --file FILE   fleet file (see above)
  -q, --quiet       print nothing when the file is valid
  -h, --help        show this help

Every problem is printed on stderr, each with its tenant and field path; a problem of defaults
once, as defaults.<path>, with the number of tenants it affects. Exit 1 if there is any.`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a fleet file: schema, render checks, collisions and duplicates',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        file: { type: 'string', short: 'f' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    const choice = chooseFleetFile(values.file, positionals);
    requireFleetFile(choice);
    // Loaded here, not at the top: `--help` and the other commands do not pay for them.
    const { loadFleet } = await import('../config/fleet');
    const fleet = loadFleet(choice.file);
    if (!values.quiet) {
      const namespaces = new Set(fleet.tenants.map((t) => t.namespace)).size;
      io.stdout(`${choice.file}: valid (${fleet.tenants.length} tenants in ${namespaces} namespaces)\n`);
    }
    return 0;
  },
};
