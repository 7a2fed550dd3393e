import { Construct } from 'constructs';
import { GrafanaDatasource, GrafanaDatasourceSpecInstanceSelector } from '../../imports/grafana';
import { InstanceNames } from '../naming';
import { datasourceSettings, DatasourceSettings, TENANT_HEADER } from './datasource-settings';
import { PartValues } from '../instance-parts';

export interface TenantDatasourcesProps {
  readonly names: InstanceNames;
  readonly values: PartValues<'datasources'>;
}

/**
 * The label selector of this instance's Grafana CR. `instanceSelector` is immutable in the
 * grafana-operator CRDs, so it uses the clientId label, which never changes for an instance
 * and is unique in the cluster (the fleet check refuses two instances with one clientId).
 */
export function instanceSelector(names: InstanceNames): GrafanaDatasourceSpecInstanceSelector {
  return { matchLabels: { 'grafana-tenancy.io/client-id': names.clientId } };
}

/**
 * One `GrafanaDatasource` per configured data source (`datasources.metrics`, `datasources.logs`),
 * selecting only this instance's Grafana. Header-scoped sources send the tenant id as
 * X-Scope-OrgID; Amazon Managed Prometheus signs with the pod's AWS identity instead.
 */
export class TenantDatasources extends Construct {
  readonly settings: readonly DatasourceSettings[];

  constructor(scope: Construct, id: string, props: TenantDatasourcesProps) {
    super(scope, id);
    this.settings = datasourceSettings(props.names, props.values);
    for (const source of this.settings) {
      new GrafanaDatasource(this, source.role, {
        metadata: { name: source.objectName, namespace: props.names.namespace },
        spec: {
          instanceSelector: instanceSelector(props.names),
          uid: source.uid,
          ...(source.plugin ? { plugins: [source.plugin] } : {}),
          datasource: {
            name: source.name,
            type: source.type,
            access: 'proxy',
            url: source.url,
            isDefault: source.isDefault,
            editable: false,
            jsonData: jsonData(source),
            // Grafana reads custom header values only from secureJsonData. The tenant id is not a
            // secret: it names whose data the backend returns, which the header already does.
            ...(source.tenantId !== undefined ? { secureJsonData: { httpHeaderValue1: source.tenantId } } : {}),
          },
        },
      });
    }
  }
}

function jsonData(source: DatasourceSettings): Record<string, unknown> {
  const method = source.role === 'metrics' ? { httpMethod: 'POST' } : {};
  if (source.sigV4Region !== undefined) {
    // "AWS SDK Default" credentials: IRSA or EKS Pod Identity on the Grafana ServiceAccount, no keys.
    return { ...method, sigV4Auth: true, sigV4AuthType: 'default', sigV4Region: source.sigV4Region };
  }
  return { ...method, httpHeaderName1: TENANT_HEADER };
}
