import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { GrafanaBackup } from './backup/grafana-backup';
import { checkInstance } from './config/checks';
import { parseInstanceValues } from './config/parse';
import { InstanceValues, InstanceValuesInput } from './config/schema';
import { GrafanaInstance } from './grafana/grafana-instance';
import { KeycloakAccess } from './keycloak/keycloak-access';
import { InstanceNames } from './naming';
import { grafanaIni } from './oidc/grafana-config';
import { OidcClientSecret } from './secrets/oidc-client-secret';
import { GrafanaOperatorToken } from './token/grafana-operator-token';
import { TokenBootstrapJob } from './token/token-bootstrap-job';
import { tokenSettings } from './token/token-settings';

export interface MonitoringInstanceProps {
  /** Namespace of the tenant; every object is rendered into it. */
  readonly namespace: string;
  /** Release name, unique within the namespace (Helm: the release). */
  readonly release: string;
  /**
   * The instance's values, in the Helm chart's values shape.
   * @default - every field at its default (mode None, which still needs `host`)
   */
  readonly values?: InstanceValuesInput;
  /**
   * API versions the target cluster serves, like `helm template --api-versions`.
   * System mode needs `v1.edp.epam.com/v1` (the EDP Keycloak operator).
   * @default []
   */
  readonly apiVersions?: readonly string[];
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
 * One tenant's Monitoring instance: the Grafana CR and, by `oidc.mode`, the Keycloak client,
 * audience scope, role groups and client secret. Invalid values throw at construction with the
 * same message the Helm chart fails with.
 */
export class MonitoringInstance extends Chart {
  readonly names: InstanceNames;
  readonly values: InstanceValues;

  constructor(scope: Construct, id: string, props: MonitoringInstanceProps) {
    const names = new InstanceNames(props.namespace, props.release);
    const values = parseInstanceValues(props.values);
    const chartProps: ChartProps = { namespace: props.namespace, labels: instanceLabels(names, values.commonLabels), disableResourceNameHashes: true };
    super(scope, id, chartProps);
    this.names = names;
    this.values = values;
    // Each construct names its own objects; only the whole chart can see two of them collide.
    this.node.addValidation({ validate: () => duplicateObjectErrors(this) });
    checkInstance({ namespace: props.namespace, release: props.release, apiVersions: props.apiVersions ?? [] }, this.values);

    const { oidc } = this.values;
    const ini = grafanaIni(names, this.values);
    switch (oidc.mode) {
      case 'System': {
        const secret = new OidcClientSecret(this, 'client-secret', {
          names,
          existingSecret: oidc.clientSecret.existingSecret || undefined,
        });
        new KeycloakAccess(this, 'keycloak', {
          names,
          host: this.values.host,
          realmRef: this.values.platform.oidc.realmRef,
          groupsClientScope: this.values.platform.oidc.groupsClientScope,
          clientSecretName: secret.secretName,
        });
        new GrafanaInstance(this, 'grafana', { names, values: this.values, ini, clientSecretName: secret.secretName });
        break;
      }
      case 'CustomConfig':
        new GrafanaInstance(this, 'grafana', {
          names,
          values: this.values,
          ini,
          envFromSecretName: oidc.customConfig.secretRef.name || undefined,
        });
        break;
      default:
        new GrafanaInstance(this, 'grafana', { names, values: this.values, ini });
    }

    if (this.values.serviceAccountToken.enabled) {
      const settings = tokenSettings(names, this.values);
      if (settings.sink === 'grafana-operator') new GrafanaOperatorToken(this, 'token', { settings });
      else new TokenBootstrapJob(this, 'token', { settings, podLabels: instanceLabels(names, this.values.commonLabels) });
    }
    if (this.values.backup.enabled) new GrafanaBackup(this, 'backup', { names, values: this.values, podLabels: instanceLabels(names, this.values.commonLabels) });
  }
}

/** Errors for objects of one chart that share (apiVersion, kind, namespace, name). */
export function duplicateObjectErrors(chart: Chart): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const construct of chart.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) continue;
    const id = `${construct.apiVersion} ${construct.kind} ${construct.metadata.namespace ?? ''}/${construct.name}`;
    const first = seen.get(id);
    if (first) errors.push(`${id} is rendered twice (${first} and ${construct.node.path}): give one of them another name`);
    else seen.set(id, construct.node.path);
  }
  return errors;
}
