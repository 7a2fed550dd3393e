import { message } from '../../src/config/messages';
import { datasourceUid } from '../../src/datasources/datasource-settings';
import { InstanceNames } from '../../src/naming';
import { Manifest, renderInstance } from '../../src/render/render';
import { describeWithCrds, schemaErrors } from '../support/schemas';
import { only, TENANT } from '../support/fixtures';
import { prunedFields } from './pruned-fields';

const MIMIR = 'http://mimir-query-frontend.mimir.svc:8080/prometheus';
const LOKI = 'http://loki-gateway.loki.svc';
const AMP = 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/';

function render(datasources: object, where: { namespace?: string; release?: string } = {}, extra: object = {}): Manifest[] {
  return renderInstance({
    namespace: where.namespace ?? TENANT.namespace,
    release: where.release ?? TENANT.release,
    values: { host: TENANT.host, datasources, ...extra },
  });
}

const sources = (m: Manifest[]) => m.filter((o) => o.kind === 'GrafanaDatasource');
const byName = (m: Manifest[], name: string) => m.find((o) => o.metadata.name === name)!;

describe('tenant data sources', () => {
  test('GIVEN metrics and logs URLs WHEN rendered THEN each sends its tenant id as X-Scope-OrgID, the namespace by default', () => {
    const out = render({ metrics: { url: MIMIR }, logs: { url: LOKI, tenantId: 'acme-logs' } });
    const metrics = byName(out, 'monitoring-metrics');
    const logs = byName(out, 'monitoring-logs');
    expect(sources(out)).toHaveLength(2);
    expect(metrics.spec.datasource).toMatchObject({ type: 'prometheus', url: MIMIR, access: 'proxy', isDefault: true, editable: false });
    expect(metrics.spec.datasource.jsonData).toEqual({ httpMethod: 'POST', httpHeaderName1: 'X-Scope-OrgID' });
    expect(metrics.spec.datasource.secureJsonData).toEqual({ httpHeaderValue1: 'tenant-acme' });
    expect(logs.spec.datasource).toMatchObject({ type: 'loki', url: LOKI, isDefault: false });
    expect(logs.spec.datasource.jsonData).toEqual({ httpHeaderName1: 'X-Scope-OrgID' });
    expect(logs.spec.datasource.secureJsonData).toEqual({ httpHeaderValue1: 'acme-logs' });
  });

  test('GIVEN two tenants WHEN rendered THEN each selects only its own Grafana, with its own uid and tenant id', () => {
    const acme = render({ metrics: { url: MIMIR } });
    const globex = render({ metrics: { url: MIMIR } }, { namespace: 'tenant-globex' });
    const [a, g] = [only(acme, 'GrafanaDatasource'), only(globex, 'GrafanaDatasource')];
    // The selector is the clientId label the Grafana CR of the same instance carries.
    expect(a.spec.instanceSelector).toEqual({ matchLabels: { 'grafana-tenancy.io/client-id': 'tenant-acme-monitoring' } });
    expect(only(acme, 'Grafana').metadata.labels['grafana-tenancy.io/client-id']).toBe('tenant-acme-monitoring');
    expect(g.spec.instanceSelector).toEqual({ matchLabels: { 'grafana-tenancy.io/client-id': 'tenant-globex-monitoring' } });
    expect(g.spec.datasource.secureJsonData.httpHeaderValue1).toBe('tenant-globex');
    expect(a.spec.uid).not.toBe(g.spec.uid);
    expect(a.spec.uid).toMatch(/^metrics-[0-9a-f]{12}$/);
  });

  test('GIVEN the same instance WHEN rendered twice THEN the uid is the same, within Grafana\'s 40 characters', () => {
    const names = new InstanceNames('a'.repeat(30), 'b'.repeat(30));
    expect(datasourceUid(names, 'metrics')).toBe(datasourceUid(new InstanceNames('a'.repeat(30), 'b'.repeat(30)), 'metrics'));
    expect(datasourceUid(names, 'metrics').length).toBeLessThanOrEqual(40);
    expect(only(render({ logs: { url: LOKI } }), 'GrafanaDatasource').spec.uid).toBe(datasourceUid(new InstanceNames('tenant-acme', 'monitoring'), 'logs'));
  });

  test('GIVEN default logs WHEN rendered THEN only the logs source is default', () => {
    const out = render({ default: 'logs', metrics: { url: MIMIR }, logs: { url: LOKI } });
    expect(sources(out).map((s) => [s.metadata.name, s.spec.datasource.isDefault])).toEqual([
      ['monitoring-metrics', false],
      ['monitoring-logs', true],
    ]);
  });

  test('GIVEN Amazon Managed Prometheus WHEN rendered THEN it signs with SigV4 through the ServiceAccount, sends no tenant header and holds no key', () => {
    const annotations = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/amp-query' };
    const out = render({ metrics: { url: AMP, sigV4: { enabled: true, region: 'eu-west-1', serviceAccountAnnotations: annotations } } });
    const amp = only(out, 'GrafanaDatasource');
    expect(amp.spec.plugins).toEqual([{ name: 'grafana-amazonprometheus-datasource', version: '2.3.0' }]);
    expect(amp.spec.datasource.type).toBe('grafana-amazonprometheus-datasource');
    expect(amp.spec.datasource.jsonData).toEqual({ httpMethod: 'POST', sigV4Auth: true, sigV4AuthType: 'default', sigV4Region: 'eu-west-1' });
    expect(amp.spec.datasource.secureJsonData).toBeUndefined();
    expect(only(out, 'Grafana').spec.serviceAccount).toEqual({ metadata: { annotations } });
  });

  test('GIVEN service account annotations without SigV4 WHEN rendered THEN the Grafana CR has no serviceAccount', () => {
    const out = render({ metrics: { url: MIMIR, sigV4: { serviceAccountAnnotations: { a: 'b' } } } });
    expect(only(out, 'Grafana').spec.serviceAccount).toBeUndefined();
  });

  test('GIVEN no data source WHEN rendered THEN no grafana-operator content objects at all', () => {
    const kinds = render({}).map((m) => m.kind);
    expect(kinds).toEqual(['Grafana']);
  });

  test.each([
    [{ logs: { url: 'loki.svc' } }, message('datasourceInvalidUrl', 'datasources.logs.url', 'loki.svc')],
    [{ metrics: { url: MIMIR, tenantId: 'a|b' } }, message('datasourceInvalidTenantId', 'datasources.metrics.tenantId', 'a|b')],
    [{ metrics: { url: AMP, sigV4: { enabled: true, region: 'Europe' } } }, message('sigV4InvalidRegion', 'Europe')],
    [{ default: 'logs', metrics: { url: MIMIR } }, message('datasourceDefaultNotConfigured', 'logs', 'logs')],
  ])('GIVEN inconsistent data sources %j WHEN rendered THEN the catalogue message is thrown', (datasources, expected) => {
    expect(() => render(datasources)).toThrow(expected);
  });
});

describeWithCrds('data-source and dashboard objects against the pinned grafana-operator CRDs', () => {
  const rendered = [
    ...render({ metrics: { url: MIMIR }, logs: { url: LOKI } }, {}, {
      dashboards: { extra: [{ name: 'own', folder: 'Team', json: '{"title":"own"}' }, { name: 'cm', configMapRef: { name: 'dash', key: 'a.json' } }] },
    }),
    ...render({ metrics: { url: AMP, sigV4: { enabled: true, region: 'eu-west-1', serviceAccountAnnotations: { a: 'b' } } } }),
  ];

  test('GIVEN the renders WHEN listing kinds THEN every new kind is covered', () => {
    expect(new Set(rendered.map((m) => m.kind))).toEqual(new Set(['Grafana', 'GrafanaDatasource', 'GrafanaFolder', 'GrafanaDashboard']));
  });

  test.each(rendered.map((m) => [`${m.kind}/${m.metadata.name}`, m]))('%s validates and keeps every field', (_, manifest) => {
    expect(schemaErrors(manifest)).toEqual([]);
    expect(prunedFields(manifest)).toEqual([]);
  });

  test('GIVEN a field the CRD does not declare WHEN checked THEN it is reported as pruned', () => {
    const source = rendered.find((m) => m.kind === 'GrafanaDatasource')!;
    expect(prunedFields({ ...source, spec: { ...source.spec, datasource: { ...source.spec.datasource, headers: {} } } })).toEqual(['.spec.datasource.headers']);
  });
});
