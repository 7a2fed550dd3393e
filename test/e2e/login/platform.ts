/*
 * The login suite's world: the platform's part (realm `cozy` and its `groups` client scope, what
 * Cozystack's Keycloak chart provides, as a fixture applied through the EDP operator) and our
 * rendered instances (two tenants, the platform's own Grafana, and a tenant that opted into
 * `oidc.fallbackRole: Viewer`), applied as GitOps would and reconciled by the real operators.
 */
import { join } from 'node:path';
import { InstanceValuesInput } from '../../../src/config/schema';
import { InstanceNames } from '../../../src/naming';
import { Manifest, renderInstance } from '../../../src/render/render';
import { attach, Cluster } from '../harness/cluster';
import { ComponentState } from '../harness/components';
import { CLUSTER_KEYCLOAK, connectOperator, KeycloakInfo, KEYCLOAK_PORT_OFFSET, startKeycloak } from '../harness/keycloak';
import { KubeClient, waitFor } from '../harness/kube';
import { ProcessRecord, startProcess, stopProcess } from '../harness/processes';
import { KeycloakAdmin } from './keycloak-admin';

let running: Cluster | undefined;
/** The cluster globalSetup started (or `npm run e2e:up` left running). */
export function cluster(): Cluster {
  running ??= attach();
  return running;
}

/** Server-side applies (strict field validation), failing on any refusal or warning. */
async function applyOrThrow(kube: KubeClient, manifests: readonly Manifest[]): Promise<void> {
  for (const m of manifests) {
    const r = await kube.apply(m, 'grafana-tenancy-login-e2e');
    if (r.status >= 300 || r.warnings.length) {
      throw new Error(`${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}: HTTP ${r.status} ${r.body?.message ?? ''} ${r.warnings.join('; ')}`);
    }
  }
}

/** A namespace enforcing the restricted Pod Security Standard, with its default ServiceAccount. */
async function restrictedNamespace(kube: KubeClient, name: string): Promise<void> {
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' };
  await applyOrThrow(kube, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }]);
  await waitFor(`namespace ${name} ready`, async () => kube.getOrUndefined(`/api/v1/namespaces/${name}/serviceaccounts/default`));
}

/** The realm as the rendered objects name it (issuer URL and realmRef). */
export const REALM = 'cozy';
export const REALM_REF = { kind: 'ClusterKeycloakRealm' as const, name: REALM };
/**
 * The issuer our values carry. Grafana would reach Keycloak at this https URL through the
 * platform's ingress; here the same paths are served by the loopback Keycloak over plain HTTP
 * ({@link reachable} swaps the origin, nothing else).
 */
export const ISSUER = `https://keycloak.e2e.test/realms/${REALM}`;
export const FIXTURE_NAMESPACE = 'cozy-keycloak';
export const GROUPS_SCOPE = 'groups';
export const GRAFANA_ADMIN_INSTANCE = 'cozy-monitoring/monitoring-system';

export interface Instance {
  readonly label: string;
  readonly namespace: string;
  readonly release: string;
  readonly host: string;
  readonly oidc: InstanceValuesInput['oidc'];
  readonly names: InstanceNames;
  manifests: Manifest[];
}

function instance(label: string, namespace: string, release: string, host: string, oidc: InstanceValuesInput['oidc'] = {}): Instance {
  return { label, namespace, release, host, oidc: { mode: 'System', ...oidc }, names: new InstanceNames(namespace, release), manifests: [] };
}

export const ACME = instance('acme', 'tenant-acme', 'monitoring', 'acme.example.org');
export const GLOBEX = instance('globex', 'tenant-globex', 'monitoring', 'globex.example.org');
export const PLATFORM_GRAFANA = instance('platform', 'cozy-monitoring', 'monitoring-system', 'example.org');
export const OPEN = instance('open', 'tenant-open', 'monitoring', 'open.example.org', { fallbackRole: 'Viewer' });
export const INSTANCES = [ACME, GLOBEX, PLATFORM_GRAFANA, OPEN];

export function values(i: Instance): InstanceValuesInput {
  return {
    host: i.host,
    oidc: i.oidc,
    platform: {
      oidc: { enabled: true, issuerUrl: ISSUER, realmRef: REALM_REF, groupsClientScope: GROUPS_SCOPE, grafanaAdminInstance: GRAFANA_ADMIN_INSTANCE },
    },
  };
}

/** The platform's `groups` client scope (group-membership mapper), bare names or full paths. */
export function groupsScope(fullPath: 'false' | 'true'): Manifest {
  return {
    apiVersion: 'v1.edp.epam.com/v1',
    kind: 'KeycloakClientScope',
    metadata: { name: 'groups', namespace: FIXTURE_NAMESPACE },
    spec: {
      name: GROUPS_SCOPE,
      realmRef: REALM_REF,
      protocol: 'openid-connect',
      description: 'Group membership',
      type: 'none',
      protocolMappers: [
        {
          name: 'groups',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-group-membership-mapper',
          config: {
            'claim.name': 'groups',
            'full.path': fullPath,
            'id.token.claim': 'true',
            'access.token.claim': 'true',
            'userinfo.token.claim': 'true',
          },
        },
      ],
    },
  };
}

export interface World {
  readonly kube: KubeClient;
  readonly keycloak: KeycloakInfo;
  readonly admin: KeycloakAdmin;
  /** Keycloak processes this file started itself (when the cluster has no keycloak component). */
  readonly own: ProcessRecord[];
}

/** The rendered https endpoint, served by the loopback Keycloak. */
export function reachable(keycloakUrl: string, renderedUrl: string): string {
  const u = new URL(renderedUrl);
  if (u.origin !== new URL(ISSUER).origin) throw new Error(`${renderedUrl} is not under the rendered issuer ${ISSUER}`);
  return `${keycloakUrl}${u.pathname}${u.search}`;
}

/**
 * Keycloak from the cluster's `keycloak` component, or (when the cluster was started without it)
 * one started here on the component's port and stopped by PID in {@link teardown}.
 */
export async function keycloakOf(kube: KubeClient): Promise<{ info: KeycloakInfo; own: ProcessRecord[] }> {
  const c = cluster();
  const comp: ComponentState | undefined = c.components?.keycloak;
  if (comp?.info) return { info: comp.info as unknown as KeycloakInfo, own: [] };
  const stateDir = join(c.stateDir, 'login-keycloak');
  const started = await startKeycloak({
    toolsDir: process.env.E2E_TOOLS_DIR ?? join(__dirname, '..', '..', '..', '.tools', 'e2e'),
    port: c.portBase + KEYCLOAK_PORT_OFFSET,
    dataDir: join(stateDir, 'data'),
    spawn: (name, command, args, env) => startProcess(name, command, args, join(stateDir, `${name}.log`), env),
    log: (l) => process.stderr.write(`login e2e: ${l}\n`),
  });
  await connectOperator({ kube }, c.namespaces['keycloak-operator'] ?? 'keycloak-operator', started.info);
  return { info: started.info, own: started.processes };
}

export async function teardown(world: World | undefined): Promise<void> {
  for (const p of [...(world?.own ?? [])].reverse()) await stopProcess(p, 20_000);
}

/** Applies the realm and the groups scope (through the operator) and waits until Keycloak has them. */
export async function applyPlatform(world: Pick<World, 'kube' | 'admin'>, fullPath: 'false' | 'true'): Promise<void> {
  const { kube, admin } = world;
  await restrictedNamespace(kube, FIXTURE_NAMESPACE);
  await applyOrThrow(kube, [
    {
      apiVersion: 'v1.edp.epam.com/v1alpha1',
      kind: 'ClusterKeycloakRealm',
      metadata: { name: REALM },
      spec: { clusterKeycloakRef: CLUSTER_KEYCLOAK, realmName: REALM },
    },
  ]);
  await waitFor(`realm ${REALM} in Keycloak`, async () => (await fetch(`${admin.url}/realms/${REALM}`)).ok, 180_000, 1000);
  await setFullPath(world, fullPath);
}

/** Changes the mapper's full.path through the operator and waits until Keycloak serves it. */
export async function setFullPath(world: Pick<World, 'kube' | 'admin'>, fullPath: 'false' | 'true'): Promise<void> {
  await applyOrThrow(world.kube, [groupsScope(fullPath)]);
  await waitFor(`groups scope with full.path ${fullPath} in Keycloak`, async () => {
    const scope = await world.admin.clientScope(REALM, GROUPS_SCOPE);
    return scope?.protocolMappers?.some((m: any) => m.protocolMapper === 'oidc-group-membership-mapper' && m.config?.['full.path'] === fullPath);
  }, 180_000, 1000);
}

/** Renders and applies every instance; waits until the operator made its client and groups and ESO its Secret. */
export async function applyInstances(world: Pick<World, 'kube' | 'admin'>): Promise<void> {
  for (const i of INSTANCES) {
    await restrictedNamespace(world.kube, i.namespace);
    i.manifests = renderInstance({ namespace: i.namespace, release: i.release, values: values(i), apiVersions: ['v1.edp.epam.com/v1', 'external-secrets.io/v1'] });
    await applyOrThrow(world.kube, i.manifests);
  }
  for (const i of INSTANCES) {
    await waitFor(`Keycloak client ${i.names.clientId}`, async () => world.admin.client(REALM, i.names.clientId), 300_000, 1000);
    for (const g of ['admin', 'editor', 'viewer'] as const) {
      await waitFor(`Keycloak group ${i.names.group(g)}`, async () => world.admin.groupId(REALM, i.names.group(g)), 300_000, 1000);
    }
    await waitFor(`client secret Secret of ${i.names.clientId}`, async () => grafanaClientSecret(world.kube, i), 300_000, 1000);
  }
}

/** The Secret reference of GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, from the Deployment grafana-operator made. */
export async function clientSecretRef(kube: KubeClient, i: Instance): Promise<{ name: string; key: string }> {
  const deploy = await waitFor<any>(`Deployment ${i.release}-deployment (grafana-operator)`, async () =>
    kube.getOrUndefined(`/apis/apps/v1/namespaces/${i.namespace}/deployments/${i.release}-deployment`), 300_000, 1000);
  const env = deploy.spec.template.spec.containers.flatMap((c: any) => c.env ?? []);
  const ref = env.find((e: any) => e.name === 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET')?.valueFrom?.secretKeyRef;
  if (!ref) throw new Error(`Deployment ${i.release}-deployment has no GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET from a Secret`);
  return ref;
}

/** The client secret Grafana reads (the Secret its Deployment references), or undefined while missing. */
export async function grafanaClientSecret(kube: KubeClient, i: Instance): Promise<string | undefined> {
  const ref = await clientSecretRef(kube, i);
  const secret = await kube.getOrUndefined(`/api/v1/namespaces/${i.namespace}/secrets/${ref.name}`);
  const b64 = secret?.data?.[ref.key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

/**
 * grafana.ini as Grafana reads it: the ConfigMap grafana-operator wrote from our Grafana CR, by
 * section and key.
 */
export async function grafanaIni(kube: KubeClient, i: Instance): Promise<Record<string, Record<string, string>>> {
  const cm = await waitFor<any>(`ConfigMap ${i.release}-ini (grafana-operator)`, async () =>
    kube.getOrUndefined(`/api/v1/namespaces/${i.namespace}/configmaps/${i.release}-ini`), 300_000, 1000);
  const ini: string = cm.data['grafana.ini'];
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const line of ini.split('\n')) {
    const s = /^\[(.+)\]\s*$/.exec(line);
    if (s) {
      section = s[1];
      out[section] ??= {};
      continue;
    }
    const kv = /^([^=\s]+)\s*=\s?(.*)$/.exec(line);
    if (section && kv) out[section][kv[1]] = kv[2];
  }
  if (!out['auth.generic_oauth']?.client_id) throw new Error(`no [auth.generic_oauth] in ConfigMap ${i.release}-ini:\n${ini}`);
  return out;
}
