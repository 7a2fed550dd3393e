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
import { OidcClientSecret } from './secrets/oidc-client-secret';
import { GrafanaOperatorToken } from './token/grafana-operator-token';
import { TokenBootstrapJob } from './token/token-bootstrap-job';
import { tokenSettings } from './token/token-settings';

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
    const names = new InstanceNames(props.namespace, props.release);
    this.names = names;
    this.values = parseInstanceValues(props.values);
    checkInstance({ namespace: props.namespace, release: props.release, apiVersions: props.apiVersions ?? [] }, this.values);
    validateObjectIdentities(Chart.of(this));
    const labels = instanceLabels(names, { ...props.labels, ...this.values.commonLabels });

    // Every child of the instance is created here; each passes `names.namespace` to its objects.
    const { oidc } = this.values;
    const ini = grafanaIni(names, this.values);
    let grafana: GrafanaInstance;
    switch (oidc.mode) {
      case OidcMode.SYSTEM: {
        const secret = new OidcClientSecret(this, 'client-secret', {
          names,
          existingSecret: oidc.clientSecret.existingSecret || undefined,
        });
        this.clientSecret = secret.externalSecret;
        this.keycloakClient = new KeycloakAccess(this, 'keycloak', {
          names,
          host: this.values.host,
          realmRef: this.values.platform.oidc.realmRef,
          groupsClientScope: this.values.platform.oidc.groupsClientScope,
          clientSecretName: secret.secretName,
        }).client;
        grafana = new GrafanaInstance(this, 'grafana', { names, values: this.values, ini, clientSecretName: secret.secretName });
        break;
      }
      case OidcMode.CUSTOM_CONFIG:
        grafana = new GrafanaInstance(this, 'grafana', {
          names,
          values: this.values,
          ini,
          envFromSecretName: oidc.customConfig.secretRef.name || undefined,
        });
        break;
      default:
        grafana = new GrafanaInstance(this, 'grafana', { names, values: this.values, ini });
    }
    this.grafana = grafana.resource;

    this.datasources = new TenantDatasources(this, 'datasources', { names, values: this.values });
    this.dashboards = new TenantDashboards(this, 'dashboards', { names, values: this.values });

    const namespaces = new Set([names.namespace]);
    if (this.values.serviceAccountToken.enabled) {
      const settings = tokenSettings(names, this.values);
      // The kubernetes-secret sink's Secret, Role and RoleBinding may live in another namespace.
      if (settings.sink === TokenSink.KUBERNETES_SECRET) namespaces.add(settings.secret.namespace);
      if (settings.sink === TokenSink.GRAFANA_OPERATOR) this.tokenServiceAccount = new GrafanaOperatorToken(this, 'token', { settings }).serviceAccount;
      else this.tokenJob = new TokenBootstrapJob(this, 'token', { settings, podLabels: labels }).job;
    }
    if (this.values.backup.enabled) this.backup = new GrafanaBackup(this, 'backup', { names, values: this.values, podLabels: labels });

    this.node.defaultChild = this.grafana;
    for (const object of this.apiObjects()) {
      for (const [key, value] of Object.entries(labels)) object.metadata.addLabel(key, value);
    }
    this.node.addValidation({ validate: () => this.namespaceErrors(namespaces) });
  }

  /** The Kubernetes objects of this instance. */
  apiObjects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  }

  /**
   * Objects outside the tenant's namespaces: without `metadata.namespace` an object inherits the
   * chart's namespace (or none, which `kubectl` reads as its current one).
   */
  private namespaceErrors(namespaces: ReadonlySet<string>): string[] {
    return this.apiObjects()
      .filter((o) => !namespaces.has(o.metadata.namespace ?? ''))
      .map((o) => `${o.kind} ${o.name} (${o.node.path}) is in namespace "${o.metadata.namespace ?? ''}", not the tenant's "${this.names.namespace}": pass metadata.namespace (names.namespace)`);
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
