import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';
import { chooseFleetFile } from './options';
import { InputError } from '../config/parse';
import { writeFileAtomic } from '../fleet/add-tenant';
import { newFleetFile } from '../fleet/init-fleet';

const usage = `Usage: grafana-tenancy init [FILE | -f FILE] [--issuer-url URL --realm NAME] [options]

Starts a fleet file with the platform's settings, so that the first 'add-tenant' gives a working
fleet. Only the settings given are written (as defaults of every tenant); everything else keeps
its default and stays out of the file. An existing file is never overwritten.

  grafana-tenancy init --issuer-url https://keycloak.example.org/realms/cozy --realm cozy
  grafana-tenancy add-tenant --namespace tenant-foo --release monitoring --host foo.example.org --mode System

Without --issuer-url the fleet serves mode None and CustomConfig tenants (no platform Keycloak).

Options:
  -f, --file FILE           fleet file to create (lookup like every fleet command: -f, FILE,
                            $TENANTS_FILE, ./tenants.yaml)
      --issuer-url URL      issuer of the platform Keycloak realm: turns platform OIDC on
                            (platform.oidc.enabled, platform.oidc.issuerUrl)
      --realm NAME          the realm object clients are created in (platform.oidc.realmRef.name)
      --realm-kind KIND     ClusterKeycloakRealm (default) or KeycloakRealm
      --groups-scope NAME   realm-wide client scope of the groups claim (default: groups)
  -a, --api-versions LIST   API versions the cluster serves, comma-separated (default with
                            --issuer-url: v1.edp.epam.com/v1, the Keycloak operator's API)
      --dry-run             print the file on stdout instead of writing it
  -h, --help                show this help`;

export const initCommand: Command = {
  name: 'init',
  summary: 'start a fleet file with the platform settings (Keycloak realm)',
  usage,
  run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        file: { type: 'string', short: 'f' },
        'issuer-url': { type: 'string' },
        realm: { type: 'string' },
        'realm-kind': { type: 'string' },
        'groups-scope': { type: 'string' },
        'api-versions': { type: 'string', short: 'a', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if ((values['issuer-url'] === undefined) !== (values.realm === undefined)) {
      throw new UsageError('--issuer-url and --realm go together: System mode needs both the realm issuer and the realm object');
    }
    const { file } = chooseFleetFile(values.file, positionals);
    if (!values['dry-run'] && existsSync(file)) {
      throw new InputError([`${file} already exists: edit its defaults, or add tenants with 'grafana-tenancy add-tenant -f ${file}'`]);
    }
    const apiVersions = values['api-versions']?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const text = newFleetFile(
      {
        issuerUrl: values['issuer-url'],
        realm: values.realm,
        realmKind: values['realm-kind'],
        groupsClientScope: values['groups-scope'],
        apiVersions,
      },
      file,
    );
    if (values['dry-run']) {
      io.stdout(text);
      return 0;
    }
    writeFileAtomic(file, text);
    io.stderr(`started ${file}; add tenants with 'grafana-tenancy add-tenant -f ${file} --namespace NS --release REL --host HOST'\n`);
    return 0;
  },
};
