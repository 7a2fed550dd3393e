/*
 * The public API of grafana-tenancy, for cdk8s apps and scripts. Everything else under src/ is
 * internal (the CLI, the message catalogue, the renderers' plumbing) and may change without notice.
 */

// Constructs
export { TenantMonitoring, MonitoringInstance, instanceLabels } from './monitoring-instance';
export type { TenantMonitoringProps, MonitoringInstanceProps } from './monitoring-instance';
export { InstanceNames, GROUP_ROLES } from './naming';
export type { GroupRole } from './naming';

// The values: one shape for cdk8s, the CLI's fleet file and the Helm chart
export { ClientSecretGenerator, FallbackRole, GrafanaRole, OidcMode, RealmKind, TokenSink } from './config/choices';
export { instanceValuesSchema, defaultInstanceValues } from './config/schema';
export type { InstanceValues, InstanceValuesInput } from './config/schema';
export { InputError } from './config/parse';
export { RenderError } from './config/messages';

// Rendering without writing a cdk8s app
export { renderInstance, toYamlStream } from './render/render';
export type { InstanceTarget, Manifest } from './render/render';
export { loadFleet } from './config/fleet';
export type { Fleet, FleetTenant } from './config/fleet';
export { renderFleet } from './fleet/render-fleet';
export type { FileTree } from './fleet/render-fleet';
export { synthFleet } from './fleet/synth';
export type { SynthResult } from './fleet/synth';
export { compareTrees, hasChanges } from './diff/compare';
export type { DiffReport } from './diff/compare';
export { formatReport, OUTPUT_FORMATS } from './diff/format';
export type { OutputFormat } from './diff/format';
export type { RenderOptions } from './fleet/parallel-render';

// Tenant data sources and dashboards (docs/datasources-and-dashboards.md)
export { TenantDatasources, instanceSelector } from './datasources/tenant-datasources';
export type { TenantDatasourcesProps } from './datasources/tenant-datasources';
export { TenantDashboards, defaultFolder } from './dashboards/tenant-dashboards';
export type { TenantDashboardsProps } from './dashboards/tenant-dashboards';
export { DATASOURCE_ROLES, datasourceUid } from './datasources/datasource-settings';
export type { DatasourceRole, DatasourceSettings } from './datasources/datasource-settings';
export { shippedDashboardSet } from './dashboards/dashboard-set';
export type { DashboardSet, SetDashboard } from './dashboards/dashboard-set';

// Scheduled dashboard backup and restore (docs/backup.md)
export { GrafanaBackup } from './backup/grafana-backup';
export type { GrafanaBackupProps } from './backup/grafana-backup';
