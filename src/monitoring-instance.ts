import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { GrafanaBackup } from './backup/grafana-backup';
import { Construct, IConstruct } from 'constructs';
import { ExternalSecret } from '../imports/external-secrets';
import { Grafana, GrafanaServiceAccount } from '../imports/grafana';
import { KubeJob } from '../imports/k8s';
import { KeycloakClient } from '../imports/keycloak';
import { checkInstance } from './config/checks';
import { OidcMode, TokenSink } from './config/choices';
import { parseInstanceValues } from './config/parse';
import { InstanceValues, InstanceValuesInput } from './config/schema';
import { TenantDashboards } from './dashboards/tenant-dashboards';
import { TenantDatasources } from './datasources/tenant-datasources';
import { GrafanaInstance } from './grafana/grafana-instance';
import { KeycloakAccess } from './keycloak/keycloak-access';
import { InstanceNames } from './naming';
import { grafanaIni } from './oidc/grafana-config';
import { clientSecretName, OidcClientSecret } from './secrets/oidc-client-secret';
import { GrafanaOperatorToken } from './token/grafana-operator-token';
import { TokenBootstrapJob } from './token/token-bootstrap-job';
import { tokenSettings } from './token/token-settings';
import { INSTANCE_PARTS, InstancePart, PartValues } from './instance-parts';

export interface TenantMonitoringProps {
  /** Namespace of the tenant; every object is rendered into it (the token Role may go to the sink's). */
  readonly namespace: string;
  /** Release name, unique within the namespace (Helm: the release). */
  readonly release: string;
  /**
   * The instance's values, in the Helm chart's values shape. Choices can be written with the
   * typed constants (`OidcMode.SYSTEM`, `TokenSink.AWS_SECRETS_MANAGER`, ...).
   * @default - every field at its default (mode None, which still needs `host`)
   */
  readonly values?: InstanceValuesInput;
  /**
   * API versions the target cluster serves, like `helm template --api-versions`.
   * System mode needs `v1.edp.epam.com/v1` (the EDP Keycloak operator).
   * @default []
   */
  readonly apiVersions?: readonly string[];
  /**
   * Labels added to every object (and pod) of this tenant, on top of the chart's labels, like
   * the values' `commonLabels` (which win on the same key). The instance labels
   * ({@link instanceLabels}) cannot be overridden: tools select a tenant's objects by them.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Labels the renderers set themselves: `commonLabels` never replaces them (as in the chart). */
const OWN_LABELS = ['app.kubernetes.io/component', 'helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];

/** Labels on every object of an instance: its own, then the user's `commonLabels`. */
export function instanceLabels(names: InstanceNames, commonLabels: Readonly<Record<string, string>> = {}): Record<string, string> {
  const own = {
    'app.kubernetes.io/name': 'grafana-tenancy',
    'app.kubernetes.io/instance': names.release,
    'grafana-tenancy.io/client-id': names.clientId,
  };
  const extra = Object.entries(commonLabels).filter(([key]) => !(key in own) && !OWN_LABELS.includes(key));
  return { ...own, ...Object.fromEntries(extra) };
}

/**
 * One tenant's Monitoring instance, as a construct any cdk8s `Chart` can hold (several tenants
 * in one chart, the chart's own labels and settings): the Grafana CR and, by `oidc.mode`, the
 * Keycloak client, audience scope, role groups and client secret, and the token bootstrap.
 * Invalid values throw at construction with the same message the Helm chart fails with.
 *
 * `node.defaultChild` is the Grafana CR, so `addJsonPatch` escape hatches need no construct ids.
 */
export class TenantMonitoring extends Construct {
  /** Every name the instance renders. */
  readonly names: InstanceNames;
  /** The values after defaults. */
  readonly values: InstanceValues;
  /** The grafana-operator `Grafana` CR (also `node.defaultChild`). */
  readonly grafana: Grafana;
  /** The `KeycloakClient` (System mode only). */
  readonly keycloakClient?: KeycloakClient;
  /** The `ExternalSecret` that generates the OIDC client secret (System mode without `existingSecret`). */
  readonly clientSecret?: ExternalSecret;
  /** The token bootstrap `Job` (token enabled, sink kubernetes-secret or aws-secrets-manager). */
  readonly tokenJob?: KubeJob;
  /** The `GrafanaServiceAccount` (token enabled, sink grafana-operator). */
  readonly tokenServiceAccount?: GrafanaServiceAccount;
  /** The tenant's `GrafanaDatasource`s (none unless `datasources.*` is configured). */
  readonly datasources: TenantDatasources;
  /** The default dashboard set and the tenant's own dashboards. */
  readonly dashboards: TenantDashboards;
  /** The scheduled dashboard backup (`backup.enabled`). */
  readonly backup?: GrafanaBackup;

  constructor(scope: Construct, id: string, props: TenantMonitoringProps) {
    super(scope, id);
    const { names, values, handles } = addInstance(this, props, INSTANCE_PARTS);
    this.names = names;
    this.values = values;
    this.clientSecret = handles.clientSecret;
    this.keycloakClient = handles.keycloakClient;
    this.grafana = handles.grafana!;
    this.datasources = handles.datasources!;
    this.dashboards = handles.dashboards!;
    this.tokenServiceAccount = handles.tokenServiceAccount;
    this.tokenJob = handles.tokenJob;
    this.backup = handles.backup;
    this.node.defaultChild = this.grafana;
  }

  /** The Kubernetes objects of this instance. */
  apiObjects(): ApiObject[] {
    return apiObjectsUnder(this);
  }
}

export interface MonitoringInstanceProps extends TenantMonitoringProps, Omit<ChartProps, 'namespace' | 'labels'> {}

/**
 * A `Chart` holding exactly one {@link TenantMonitoring}: the chart's namespace is the tenant's,
 * and object names are never hashed. What `grafana-tenancy render`/`synth` and the Helm chart
 * produce for one release.
 */
export class MonitoringInstance extends Chart {
  /** The tenant this chart holds, with its handles (`grafana`, `keycloakClient`, ...). */
  readonly instance: TenantMonitoring;
  readonly names: InstanceNames;
  readonly values: InstanceValues;

  constructor(scope: Construct, id: string, props: MonitoringInstanceProps) {
    const { namespace, release, values, apiVersions, labels, ...chartProps } = props;
    // The tenant labels its own objects (instance labels, `labels`, `commonLabels`).
    super(scope, id, { disableResourceNameHashes: true, ...chartProps, namespace });
    this.instance = new TenantMonitoring(this, 'instance', { namespace, release, values, apiVersions, labels });
    this.names = this.instance.names;
    this.values = this.instance.values;
  }
}

/**
 * Some parts of one tenant's instance (instance-parts.ts) in a chart set up like
 * {@link MonitoringInstance}'s: exactly the objects a whole instance has for those parts, in the
 * same order, at the same construct paths. The diff renders only the parts a change reaches.
 */
export class PartialMonitoringInstance extends Chart {
  constructor(scope: Construct, id: string, props: TenantMonitoringProps, parts: ReadonlySet<InstancePart>) {
    super(scope, id, { disableResourceNameHashes: true, namespace: props.namespace });
    addInstance(new Construct(this, 'instance'), props, INSTANCE_PARTS.filter((part) => parts.has(part)));
  }
}

/** What a {@link TenantMonitoring} keeps a handle to, of the parts that were added. */
interface InstanceHandles {
  clientSecret?: ExternalSecret;
  keycloakClient?: KeycloakClient;
  grafana?: Grafana;
  datasources?: TenantDatasources;
  dashboards?: TenantDashboards;
  tokenServiceAccount?: GrafanaServiceAccount;
  tokenJob?: KubeJob;
  backup?: GrafanaBackup;
}

/**
 * Checks the values and adds the objects of `parts` (in {@link INSTANCE_PARTS} order) under
 * `scope`, each part given only the values it reads, then the instance labels on all of them.
 * Invalid values throw with the same message the Helm chart fails with.
 */
function addInstance(scope: Construct, props: TenantMonitoringProps, parts: readonly InstancePart[]) {
  const names = new InstanceNames(props.namespace, props.release);
  const values = parseInstanceValues(props.values);
  checkInstance({ namespace: props.namespace, release: props.release, apiVersions: props.apiVersions ?? [] }, values);
  validateObjectIdentities(Chart.of(scope));
  const labels = instanceLabels(names, { ...props.labels, ...values.commonLabels });

  // Every part passes `names.namespace` to its objects; the token's Secret, Role and RoleBinding
  // may go to the sink's namespace.
  const namespaces = new Set([names.namespace]);
  const handles: InstanceHandles = {};
  for (const part of parts) {
    switch (part) {
      case 'keycloak':
        Object.assign(handles, addKeycloak(scope, names, values));
        break;
      case 'grafana':
        handles.grafana = addGrafana(scope, names, values);
        break;
      case 'datasources':
        handles.datasources = new TenantDatasources(scope, 'datasources', { names, values });
        break;
      case 'dashboards':
        handles.dashboards = new TenantDashboards(scope, 'dashboards', { names, values });
        break;
      case 'token': {
        const token = addToken(scope, names, values, labels);
        Object.assign(handles, token.handles);
        token.namespaces.forEach((namespace) => namespaces.add(namespace));
        break;
      }
      case 'backup':
        if (values.backup.enabled) handles.backup = new GrafanaBackup(scope, 'backup', { names, values, podLabels: labels });
        break;
    }
  }

  for (const object of apiObjectsUnder(scope)) {
    for (const [key, value] of Object.entries(labels)) object.metadata.addLabel(key, value);
  }
  scope.node.addValidation({ validate: () => namespaceErrors(apiObjectsUnder(scope), namespaces, names) });
  return { names, values, handles };
}

function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** System mode: the OIDC client Secret, then the Keycloak client, audience scope and groups. */
function addKeycloak(scope: Construct, names: InstanceNames, values: PartValues<'keycloak'>): InstanceHandles {
  const { oidc } = values;
  if (oidc.mode !== OidcMode.SYSTEM) return {};
  const secret = new OidcClientSecret(scope, 'client-secret', { names, existingSecret: oidc.clientSecret.existingSecret || undefined });
  const keycloak = new KeycloakAccess(scope, 'keycloak', {
    names,
    host: values.host,
    realmRef: values.platform.oidc.realmRef,
    groupsClientScope: values.platform.oidc.groupsClientScope,
    clientSecretName: secret.secretName,
  });
  return { clientSecret: secret.externalSecret, keycloakClient: keycloak.client };
}

/** The Grafana CR, its OIDC settings by `oidc.mode`. */
function addGrafana(scope: Construct, names: InstanceNames, values: PartValues<'grafana'>): Grafana {
  const { oidc } = values;
  const ini = grafanaIni(names, values);
  switch (oidc.mode) {
    case OidcMode.SYSTEM:
      return new GrafanaInstance(scope, 'grafana', { names, values, ini, clientSecretName: clientSecretName(names, oidc.clientSecret.existingSecret) }).resource;
    case OidcMode.CUSTOM_CONFIG:
      return new GrafanaInstance(scope, 'grafana', { names, values, ini, envFromSecretName: oidc.customConfig.secretRef.name || undefined }).resource;
    default:
      return new GrafanaInstance(scope, 'grafana', { names, values, ini }).resource;
  }
}

/** The token bootstrap (`serviceAccountToken.enabled`), and the namespaces its objects go to. */
function addToken(scope: Construct, names: InstanceNames, values: PartValues<'token'>, labels: Record<string, string>) {
  if (!values.serviceAccountToken.enabled) return { handles: {}, namespaces: [] };
  const settings = tokenSettings(names, values);
  if (settings.sink === TokenSink.GRAFANA_OPERATOR) return { handles: { tokenServiceAccount: new GrafanaOperatorToken(scope, 'token', { settings }).serviceAccount }, namespaces: [] };
  const tokenJob = new TokenBootstrapJob(scope, 'token', { settings, podLabels: labels }).job;
  // The kubernetes-secret sink's Secret, Role and RoleBinding may live in another namespace.
  return { handles: { tokenJob }, namespaces: settings.sink === TokenSink.KUBERNETES_SECRET ? [settings.secret.namespace] : [] };
}

/**
 * Objects outside the tenant's namespaces: without `metadata.namespace` an object inherits the
 * chart's namespace (or none, which `kubectl` reads as its current one).
 */
function namespaceErrors(objects: readonly ApiObject[], namespaces: ReadonlySet<string>, names: InstanceNames): string[] {
  return objects
    .filter((o) => !namespaces.has(o.metadata.namespace ?? ''))
    .map((o) => `${o.kind} ${o.name} (${o.node.path}) is in namespace "${o.metadata.namespace ?? ''}", not the tenant's "${names.namespace}": pass metadata.namespace (names.namespace)`);
}

/** Charts that already check their objects' identities (one validation per chart, however many tenants). */
const identityCheckedCharts = new WeakSet<Chart>();

function validateObjectIdentities(chart: Chart): void {
  if (identityCheckedCharts.has(chart)) return;
  identityCheckedCharts.add(chart);
  // Each construct names its own objects; only the whole chart can see two of them collide.
  chart.node.addValidation({ validate: () => duplicateObjectErrors(chart) });
}

/** Errors for objects under `scope` that share (apiVersion, kind, namespace, name). */
export function duplicateObjectErrors(scope: IConstruct): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const construct of scope.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) continue;
    const id = `${construct.apiVersion} ${construct.kind} ${construct.metadata.namespace ?? ''}/${construct.name}`;
    const first = seen.get(id);
    if (first) errors.push(`${id} is rendered twice (${first} and ${construct.node.path}): give one of them another name`);
    else seen.set(id, construct.node.path);
  }
  return errors;
}
