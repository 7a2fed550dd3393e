/*
 * The platform's default dashboards, as code (@grafana/grafana-foundation-sdk). They reference
 * data sources by the placeholders `${DS_METRICS}` / `${DS_LOGS}`, which grafana-operator
 * replaces with the uids listed in each GrafanaDashboard's `spec.datasources` (its
 * resolveDatasources: a plain string replacement of `${<inputName>}`), so one JSON model serves
 * every tenant. `npm run build:dashboards` writes the JSON into the chart's files, which both
 * renderers read (dashboard-set.ts): the SDK is needed at build time only.
 *
 * A change to any dashboard is a new set: bump DEFAULT_SET_VERSION. The folder and every object
 * carry the version in their names, so the old folder leaves the render and GitOps prunes it.
 */
import { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, QueryVariableBuilder, TextBoxVariableBuilder, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_INPUTS, DatasourceRole } from '../datasources/datasource-settings';
import { DashboardSet } from './dashboard-set';

/** Version of the default set; the Grafana folder is titled "General v<version>". */
export const DEFAULT_SET_VERSION = 1;

/** Data-source reference by placeholder uid; no type, so the AMP plugin and Prometheus both match. */
function ref(role: DatasourceRole): DataSourceRef {
  return { uid: `\${${DATASOURCE_INPUTS[role]}}` };
}

function base(name: string, title: string, version: number): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(`grafana-tenancy-v${version}-${name}`)
    .tags(['grafana-tenancy', `general-v${version}`])
    // The operator writes the model back on every resync: a saved edit would be lost.
    .readonly()
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser');
}

function workloads(version: number): DashboardBuilder {
  const metrics = ref('metrics');
  const series = (id: number, title: string, unit: string, expr: string) =>
    new TimeSeriesPanel().id(id).title(title).unit(unit).datasource(metrics).height(8).span(12)
      .withTarget(new PromQuery().refId('A').expr(expr).legendFormat('{{namespace}}/{{pod}}'));
  const selector = 'namespace=~"$namespace", container!=""';
  return base('workloads', 'Workloads', version)
    .description('CPU, memory, network and restarts of the tenant\'s pods, from the tenant\'s metrics data source.')
    .withVariable(
      new QueryVariableBuilder('namespace').label('Namespace').datasource(metrics)
        .query('label_values(kube_pod_info, namespace)').refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true).includeAll(true).allValue('.+'),
    )
    .withPanel(series(1, 'CPU usage by pod', 'short', `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${selector}}[$__rate_interval]))`))
    .withPanel(series(2, 'Memory working set by pod', 'bytes', `sum by (namespace, pod) (container_memory_working_set_bytes{${selector}})`))
    .withPanel(series(3, 'Network received by pod', 'Bps', 'sum by (namespace, pod) (rate(container_network_receive_bytes_total{namespace=~"$namespace"}[$__rate_interval]))'))
    .withPanel(series(4, 'Container restarts by pod', 'short', 'sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace"}[$__rate_interval]))'));
}

function logs(version: number): DashboardBuilder {
  const source = ref('logs');
  const stream = '{namespace=~".+"} |= "$filter"';
  return base('logs', 'Logs', version)
    .description('The tenant\'s log lines and their volume, from the tenant\'s logs data source.')
    .withVariable(new TextBoxVariableBuilder('filter').label('Line contains'))
    .withPanel(
      new TimeSeriesPanel().id(1).title('Log volume by namespace').unit('short').datasource(source).height(6).span(24)
        .withTarget(new LokiQuery().refId('A').expr(`sum by (namespace) (count_over_time(${stream} [$__interval]))`).legendFormat('{{namespace}}')),
    )
    .withPanel(
      new LogsPanel().id(2).title('Log lines').datasource(source).height(16).span(24).showTime(true).wrapLogMessage(true)
        .withTarget(new LokiQuery().refId('A').expr(stream).maxLines(1000)),
    );
}

/** The current default set, as `npm run build:dashboards` writes it. */
export function defaultDashboardSet(): DashboardSet {
  return buildDashboardSet(DEFAULT_SET_VERSION);
}

/** The default dashboards as set `version`. */
export function buildDashboardSet(version: number): DashboardSet {
  return {
    version,
    dashboards: [
      { name: 'workloads', requires: ['metrics'], json: JSON.stringify(workloads(version).build()) },
      { name: 'logs', requires: ['logs'], json: JSON.stringify(logs(version).build()) },
    ],
  };
}
