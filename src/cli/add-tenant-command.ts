import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';
import { InputError } from '../config/input-error';
import { chooseFleetFile } from './options';
import { OidcMode } from '../config/choices';

const usage = `Usage: grafana-tenancy add-tenant --namespace NS --release REL --host HOST [--mode MODE] [-f FILE]

Appends a tenant to a fleet file, keeping the file's comments and formatting. The new fleet is
validated first (schema, render checks and every fleet-wide check of validate); a
refused tenant leaves the file untouched. The file is replaced atomically. Only what you give is
written: a --mode equal to what the tenant inherits (the fleet's defaults, else None) is left out.

In an empty folder, start the fleet with the platform's settings first ('grafana-tenancy init
--issuer-url URL --realm NAME'); without them add-tenant starts a fleet for modes None and
CustomConfig only.

Options:
  -n, --namespace NS     namespace of the instance (a DNS label)
  -r, --release REL      release name of the instance (a letter first, at most 53 characters)
      --host HOST        domain of the tenant; Grafana is served at https://grafana.HOST
  -m, --mode MODE        oidc.mode: None, System or CustomConfig (default: the fleet's default)
      --secret-ref NAME  CustomConfig: Secret of GF_AUTH_GENERIC_OAUTH_* keys (oidc.customConfig.secretRef.name)
  -f, --file FILE        fleet file (lookup like every fleet command: -f, $TENANTS_FILE,
                         ./tenants.yaml); '-' reads it from stdin and prints the new file on
                         stdout; a missing FILE is started
      --dry-run          print the new file on stdout instead of writing it
  -h, --help             show this help

Then run 'grafana-tenancy synth' to render the new tenant.`;

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
        mode: { type: 'string', short: 'm' },
        'secret-ref': { type: 'string' },
        file: { type: 'string', short: 'f' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    for (const required of ['namespace', 'release', 'host'] as const) {
      if (values[required] === undefined) throw new UsageError(`--${required} is required`);
    }
    // Loaded here, not at the top: `--help` and the other commands do not pay for them.
    const { appendTenant, writeFileAtomic } = await import('../fleet/add-tenant');
    const { newFleetFile } = await import('../fleet/init-fleet');
    if (values['secret-ref'] !== undefined && values.mode !== OidcMode.CUSTOM_CONFIG) {
      throw new UsageError(`--secret-ref ${JSON.stringify(values['secret-ref'])} needs --mode CustomConfig (it sets oidc.customConfig.secretRef.name), not ${values.mode === undefined ? 'no --mode' : `--mode ${values.mode}`}`);
    }
    const { file } = chooseFleetFile(values.file, []);
    const fromStdin = file === '-';
    const source = fromStdin ? '<stdin>' : file;
    let text: string;
    let started = false;
    try {
      text = readFileSync(fromStdin ? 0 : file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Onboarding the first tenant starts the fleet file.
      if (code !== 'ENOENT' || fromStdin) throw new InputError([`${source}: cannot read the file (${code ?? String(e)})`]);
      text = newFleetFile({}, file);
      started = true;
    }
    let updated: string;
    try {
      updated = appendTenant(text, source, {
        namespace: values.namespace!,
        release: values.release!,
        host: values.host!,
        mode: values.mode,
        secretRef: values['secret-ref'],
      });
    } catch (e) {
      // A new fleet has no platform settings: say where they come from.
      if (!started || !(e instanceof InputError)) throw e;
      throw new InputError([...e.problems, `${file} does not exist yet: start it with the platform's settings first, e.g. 'grafana-tenancy init -f ${file} --issuer-url URL --realm NAME'`]);
    }
    if (values['dry-run'] || fromStdin) {
      io.stdout(updated);
      return 0;
    }
    writeFileAtomic(file, updated);
    if (started) io.stderr(`${file} did not exist: started a new fleet file\n`);
    io.stderr(`added ${values.namespace}/${values.release} to ${file}; run 'grafana-tenancy synth -f ${file}' to render it\n`);
    return 0;
  },
};
