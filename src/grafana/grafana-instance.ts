import { Construct } from 'constructs';
import {
  Grafana,
  GrafanaSpecDeploymentSpecTemplateSpecContainers,
  GrafanaSpecDeploymentSpecTemplateSpecContainersResourcesLimits as Quantity,
  GrafanaSpecIngress,
} from '../../imports/grafana';
import { InstanceValues } from '../config/schema';
import { CLIENT_SECRET_KEY, InstanceNames } from '../naming';
import { CLIENT_SECRET_ENV, GrafanaIni } from '../oidc/grafana-config';
import { PartValues } from '../instance-parts';

/** Name of the Grafana container in the operator's Deployment. */
export const GRAFANA_CONTAINER = 'grafana';
/** Port of the operator's `<cr>-service`. */
export const GRAFANA_SERVICE_PORT = 3000;

export interface GrafanaInstanceProps {
  readonly names: InstanceNames;
  readonly values: PartValues<'grafana'>;
  /** The `spec.config` (grafana.ini) of the CR. */
  readonly ini: GrafanaIni;
  /**
   * Secret whose `client-secret` key becomes GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET.
   * @default - no client secret env
   */
  readonly clientSecretName?: string;
  /**
   * Secret of GF_AUTH_GENERIC_OAUTH_* keys projected into the container with envFrom.
   * @default - none
   */
  readonly envFromSecretName?: string;
}

/** The grafana-operator `Grafana` CR, with a pod that meets the restricted Pod Security Standard. */
export class GrafanaInstance extends Construct {
  readonly crName: string;
  /** The `Grafana` CR (also `node.defaultChild`). */
  readonly resource: Grafana;

  constructor(scope: Construct, id: string, props: GrafanaInstanceProps) {
    super(scope, id);
    const { names, values } = props;
    this.crName = names.grafana;

    this.resource = new Grafana(this, 'grafana', {
      metadata: { name: names.grafana, namespace: names.namespace },
      spec: {
        ...(values.grafana.version ? { version: values.grafana.version } : {}),
        config: props.ini,
        deployment: {
          spec: {
            template: {
              spec: {
                securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [grafanaContainer(props)],
              },
            },
          },
        },
        ...(values.grafana.ingress.enabled ? { ingress: ingress(names, values) } : {}),
        ...serviceAccount(values),
      },
    });
    this.node.defaultChild = this.resource;
  }
}

function grafanaContainer(props: GrafanaInstanceProps): GrafanaSpecDeploymentSpecTemplateSpecContainers {
  const { resources } = props.values.grafana;
  return {
    name: GRAFANA_CONTAINER,
    ...(props.clientSecretName
      ? {
        env: [
          {
            name: CLIENT_SECRET_ENV,
            valueFrom: { secretKeyRef: { name: props.clientSecretName, key: CLIENT_SECRET_KEY } },
          },
        ],
      }
      : {}),
    ...(props.envFromSecretName ? { envFrom: [{ secretRef: { name: props.envFromSecretName } }] } : {}),
    resources: {
      requests: { cpu: Quantity.fromString(resources.requests.cpu), memory: Quantity.fromString(resources.requests.memory) },
      limits: { cpu: Quantity.fromString(resources.limits.cpu), memory: Quantity.fromString(resources.limits.memory) },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** IRSA-style annotations on the operator's `<cr>-sa` for the SigV4 metrics data source (AWS SDK default credentials). */
function serviceAccount(values: Pick<InstanceValues, 'datasources'>): { serviceAccount?: { metadata: { annotations: Record<string, string> } } } {
  const { sigV4 } = values.datasources.metrics;
  const annotations = sigV4.serviceAccountAnnotations;
  if (!sigV4.enabled || Object.keys(annotations).length === 0) return {};
  return { serviceAccount: { metadata: { annotations } } };
}

function ingress(names: InstanceNames, values: Pick<InstanceValues, 'grafana' | 'host'>): GrafanaSpecIngress {
  const { ingress: settings } = values.grafana;
  const host = `grafana.${values.host}`;
  const annotations = Object.keys(settings.annotations).length > 0 ? { annotations: settings.annotations } : undefined;
  return {
    ...(annotations ? { metadata: annotations } : {}),
    spec: {
      ...(settings.className ? { ingressClassName: settings.className } : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: `${names.grafana}-service`, port: { number: GRAFANA_SERVICE_PORT } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: [host], secretName: settings.tlsSecretName || `${names.release}-grafana-tls` }],
    },
  };
}
