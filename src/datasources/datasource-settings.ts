import { createHash } from 'node:crypto';
import { fail } from '../config/messages';
import { InstanceValues } from '../config/schema';
import { InstanceNames } from '../naming';

/** The data sources an instance can have; dashboards declare which of them they read. */
/** What a tenant's data sources are made of. */
type DatasourceValues = Pick<InstanceValues, 'datasources'>;

export const DATASOURCE_ROLES = ['metrics', 'logs'] as const;
export type DatasourceRole = (typeof DATASOURCE_ROLES)[number];

/** Header Mimir, Cortex, Loki and Tempo read the tenant from. */
export const TENANT_HEADER = 'X-Scope-OrgID';
/** Grafana's plugin for Amazon Managed Service for Prometheus (SigV4 built in). */
export const AMP_PLUGIN = 'grafana-amazonprometheus-datasource';
/** Placeholder of a data source's uid in dashboard JSON; the operator replaces `${<input>}` by `spec.datasources`. */
export const DATASOURCE_INPUTS: Record<DatasourceRole, string> = { metrics: 'DS_METRICS', logs: 'DS_LOGS' };

/** Mimir's tenant id rules (letters, digits, !-_.*'(), at most 150), without `|`: a federated id would read several tenants. */
const TENANT_ID = /^[a-zA-Z0-9!\-_.*'()]{1,150}$/;
const HTTP_URL = /^https?:\/\/[^/\s]+\S*$/;

/** One rendered data source, derived from the values. */
export interface DatasourceSettings {
  readonly role: DatasourceRole;
  /** The GrafanaDatasource object: `<release>-<role>`. */
  readonly objectName: string;
  /** Grafana uid: `<role>-<12 hex of sha256(clientId)>`, stable and unique across the fleet (40 characters at most). */
  readonly uid: string;
  /** Display name in Grafana. */
  readonly name: string;
  readonly type: string;
  readonly url: string;
  readonly isDefault: boolean;
  /** X-Scope-OrgID value; undefined for SigV4 (the AMP workspace is the tenant). */
  readonly tenantId?: string;
  /** AWS region for SigV4 signing. */
  readonly sigV4Region?: string;
  /** Plugin the operator installs for this data source. */
  readonly plugin?: { readonly name: string; readonly version: string };
}

/** Grafana uid of an instance's data source; both renderers derive it the same way. */
export function datasourceUid(names: InstanceNames, role: DatasourceRole): string {
  return `${role}-${createHash('sha256').update(names.clientId).digest('hex').slice(0, 12)}`;
}

/** The tenant id a data source sends: its own, else the namespace. */
export function tenantIdOf(names: InstanceNames, values: DatasourceValues, role: DatasourceRole): string {
  return values.datasources[role].tenantId || names.namespace;
}

/** Whether the values configure the data source `role`. */
export function isConfigured(values: DatasourceValues, role: DatasourceRole): boolean {
  return values.datasources[role].url !== '';
}

/** The data sources the values configure, metrics first. */
export function datasourceSettings(names: InstanceNames, values: DatasourceValues): DatasourceSettings[] {
  const defaultRole = defaultDatasource(values);
  return DATASOURCE_ROLES.filter((role) => isConfigured(values, role)).map((role) => {
    const common = {
      role,
      objectName: `${names.release}-${role}`,
      uid: datasourceUid(names, role),
      url: values.datasources[role].url,
      isDefault: role === defaultRole,
    };
    if (role === 'logs') return { ...common, name: 'Logs', type: 'loki', tenantId: tenantIdOf(names, values, role) };
    const { sigV4 } = values.datasources.metrics;
    if (!sigV4.enabled) return { ...common, name: 'Metrics', type: 'prometheus', tenantId: tenantIdOf(names, values, role) };
    return {
      ...common,
      name: 'Metrics',
      type: AMP_PLUGIN,
      sigV4Region: sigV4.region,
      plugin: { name: AMP_PLUGIN, version: sigV4.pluginVersion },
    };
  });
}

/** The role marked default: the chosen one, else metrics when configured, else logs. */
export function defaultDatasource(values: DatasourceValues): DatasourceRole | undefined {
  const chosen = values.datasources.default;
  if (chosen === 'metrics' || chosen === 'logs') return chosen;
  return DATASOURCE_ROLES.find((role) => isConfigured(values, role));
}

/**
 * Render failures of `datasources.*` and `dashboards.*`, in the order of the chart's
 * `grafana-tenancy.validateDatasources` (templates/_datasources.tpl).
 */
export function checkDatasources(values: Pick<InstanceValues, 'datasources' | 'dashboards'>): void {
  const { datasources, dashboards } = values;
  for (const role of DATASOURCE_ROLES) {
    const source = datasources[role];
    if (source.url !== '' && !HTTP_URL.test(source.url)) fail('datasourceInvalidUrl', `datasources.${role}.url`, source.url);
    if (source.tenantId !== '' && !TENANT_ID.test(source.tenantId)) fail('datasourceInvalidTenantId', `datasources.${role}.tenantId`, source.tenantId);
  }
  const { sigV4 } = datasources.metrics;
  if (sigV4.enabled && datasources.metrics.url === '') fail('sigV4NeedsUrl');
  if (sigV4.enabled && !/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(sigV4.region)) fail('sigV4InvalidRegion', sigV4.region);
  if (datasources.default !== '') {
    if (!(DATASOURCE_ROLES as readonly string[]).includes(datasources.default)) fail('datasourceUnknownDefault', datasources.default);
    if (datasources[datasources.default as DatasourceRole].url === '') fail('datasourceDefaultNotConfigured', datasources.default, datasources.default);
  }

  const seen = new Set<string>();
  dashboards.extra.forEach((dashboard, i) => {
    const where = `dashboards.extra[${i}]`;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(dashboard.name)) fail('dashboardInvalidName', `${where}.name`, dashboard.name);
    if (seen.has(dashboard.name)) fail('dashboardDuplicateName', `${where}.name`, dashboard.name);
    seen.add(dashboard.name);
    const ref = dashboard.configMapRef;
    const hasJson = dashboard.json !== '';
    const hasRef = ref.name !== '' || ref.key !== '';
    if (hasJson === hasRef) fail('dashboardNeedsOneSource', where);
    if (hasRef && (ref.name === '' || ref.key === '')) fail('dashboardConfigMapRefIncomplete', `${where}.configMapRef`);
  });
}
