import { Construct } from 'constructs';
import { GrafanaDashboard, GrafanaDashboardSpecDatasources, GrafanaFolder } from '../../imports/grafana';
import { DATASOURCE_INPUTS, datasourceSettings } from '../datasources/datasource-settings';
import { instanceSelector } from '../datasources/tenant-datasources';
import { InstanceNames } from '../naming';
import { DashboardSet, shippedDashboardSet } from './dashboard-set';
import { PartValues } from '../instance-parts';

export interface TenantDashboardsProps {
  readonly names: InstanceNames;
  readonly values: PartValues<'dashboards'>;
  /**
   * The default set to render.
   * @default - the set the chart ships, shippedDashboardSet()
   */
  readonly set?: DashboardSet;
}

/** Names of the default set's folder for `version`: object `<release>-general-v<N>`, uid and title. */
export function defaultFolder(names: InstanceNames, version: number) {
  return { objectName: `${names.release}-general-v${version}`, uid: `grafana-tenancy-general-v${version}`, title: `General v${version}` };
}

/**
 * The default set in a `GrafanaFolder` "General v<N>" (each dashboard only when the data sources
 * it reads are configured; the folder only when it holds one), and the tenant's own dashboards
 * (`dashboards.extra`). `${DS_METRICS}` / `${DS_LOGS}` in any of them become the instance's
 * data-source uids through `spec.datasources`.
 */
export class TenantDashboards extends Construct {
  constructor(scope: Construct, id: string, props: TenantDashboardsProps) {
    super(scope, id);
    const { names, values } = props;
    const sources = datasourceSettings(names, values);
    const configured = new Set(sources.map((s) => s.role));
    const inputs: GrafanaDashboardSpecDatasources[] = sources.map((s) => ({ inputName: DATASOURCE_INPUTS[s.role], datasourceName: s.uid }));
    const selector = instanceSelector(names);

    // Without a data source no default dashboard can render: the set is not even read.
    const set = values.dashboards.defaultSet.enabled && configured.size > 0 ? props.set ?? shippedDashboardSet() : undefined;
    const dashboards = set ? set.dashboards.filter((d) => d.requires.every((r) => configured.has(r))) : [];
    if (set && dashboards.length > 0) {
      const folder = defaultFolder(names, set.version);
      new GrafanaFolder(this, 'folder', {
        metadata: { name: folder.objectName, namespace: names.namespace },
        spec: { instanceSelector: selector, uid: folder.uid, title: folder.title },
      });
      for (const dashboard of dashboards) {
        new GrafanaDashboard(this, `default-${dashboard.name}`, {
          metadata: { name: `${folder.objectName}-${dashboard.name}`, namespace: names.namespace },
          spec: {
            instanceSelector: selector,
            folderRef: folder.objectName,
            json: dashboard.json,
            datasources: inputs.filter((i) => dashboard.requires.some((r) => DATASOURCE_INPUTS[r] === i.inputName)),
          },
        });
      }
    }

    for (const extra of values.dashboards.extra) {
      new GrafanaDashboard(this, `custom-${extra.name}`, {
        metadata: { name: `${names.release}-custom-${extra.name}`, namespace: names.namespace },
        spec: {
          instanceSelector: selector,
          ...(extra.folder ? { folder: extra.folder } : {}),
          ...(extra.json ? { json: extra.json } : { configMapRef: { name: extra.configMapRef.name, key: extra.configMapRef.key } }),
          ...(inputs.length > 0 ? { datasources: inputs } : {}),
        },
      });
    }
  }
}
