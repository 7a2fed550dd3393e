import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';
import { InputError } from '../config/input-error';

const usage = `Usage: grafana-tenancy add-tenant --namespace NS --release REL --host HOST [--mode MODE] [-f tenants.yaml]

Appends a tenant to a fleet file, keeping the file's comments and formatting. The new fleet is
validated first (schema, render checks and every fleet-wide check of validate); a
refused tenant leaves the file untouched. The file is replaced atomically.

Options:
  -n, --namespace NS     namespace of the instance (a DNS label)
  -r, --release REL      release name of the instance (a DNS label)
      --host HOST        domain of the tenant; Grafana is served at https://grafana.HOST
  -m, --mode MODE        oidc.mode: None (default), System or CustomConfig
      --secret-ref NAME  CustomConfig: Secret of GF_AUTH_GENERIC_OAUTH_* keys (oidc.customConfig.secretRef.name)
  -f, --file FILE        fleet file (default: tenants.yaml); '-' reads it from stdin and
                         prints the new file on stdout; a missing FILE is started
      --dry-run          print the new file on stdout instead of writing it
  -h, --help             show this help

Then run 'grafana-tenancy synth' to render the new tenant.`;

/** A fleet file to start from when -f names a file that does not exist yet. */
const NEW_FLEET_FILE = `# Fleet file of grafana-tenancy: one entry per Monitoring instance (namespace + release).
# apiVersions: [v1.edp.epam.com/v1]   # what the cluster serves; System mode needs the Keycloak API
# defaults: {}                        # deep-merged into every tenant
tenants:
`;

export const addTenantCommand: Command = {
  name: 'add-tenant',
  summary: 'append a validated tenant to a fleet file, keeping its comments',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        namespace: { type: 'string', short: 'n' },
        release: { type: 'string', short: 'r' },
        host: { type: 'string' },
        mode: { type: 'string', short: 'm', default: 'None' },
        'secret-ref': { type: 'string' },
        file: { type: 'string', short: 'f', default: 'tenants.yaml' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    for (const required of ['namespace', 'release', 'host'] as const) {
      if (values[required] === undefined) throw new UsageError(`--${required} is required`);
    }
    if (values['secret-ref'] !== undefined && values.mode !== 'CustomConfig') {
      throw new UsageError(`--secret-ref ${JSON.stringify(values['secret-ref'])} needs --mode CustomConfig (it sets oidc.customConfig.secretRef.name), not --mode ${values.mode}`);
    }
    const fromStdin = values.file === '-';
    const source = fromStdin ? '<stdin>' : values.file;
    let text: string;
    let started = false;
    try {
      text = readFileSync(fromStdin ? 0 : values.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Onboarding the first tenant starts the fleet file.
      if (code !== 'ENOENT' || fromStdin) throw new InputError([`${source}: cannot read the file (${code ?? String(e)})`]);
      text = NEW_FLEET_FILE;
      started = true;
    }
    // Loaded here, not at the top: `--help` and the other commands do not pay for it.
    const { appendTenant, writeFileAtomic } = await import('../fleet/add-tenant');
    const updated = appendTenant(text, source, {
      namespace: values.namespace!,
      release: values.release!,
      host: values.host!,
      mode: values.mode,
      secretRef: values['secret-ref'],
    });
    if (values['dry-run'] || fromStdin) {
      io.stdout(updated);
      return 0;
    }
    writeFileAtomic(values.file, updated);
    if (started) io.stderr(`${values.file} did not exist: started a new fleet file\n`);
    io.stderr(`added ${values.namespace}/${values.release} to ${values.file}; run 'grafana-tenancy synth -f ${values.file}' to render it\n`);
    return 0;
  },
};
