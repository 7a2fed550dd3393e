import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Chart } from 'cdk8s';
import { parseInstanceValues } from '../../src/config/parse';
import { shippedDashboardSet } from '../../src/dashboards/dashboard-set';
import { buildDashboardSet, DEFAULT_SET_VERSION, defaultDashboardSet } from '../../src/dashboards/default-set';
import { TenantDashboards } from '../../src/dashboards/tenant-dashboards';
import { InstanceNames } from '../../src/naming';
import { Manifest, renderInstance } from '../../src/render/render';
import { testApp, TENANT } from '../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DIR, dashboardFiles } = require('../../scripts/build-dashboards.js');

const MIMIR = 'http://mimir-query-frontend.mimir.svc:8080/prometheus';
const LOKI = 'http://loki-gateway.loki.svc';

function render(values: object, release = TENANT.release): Manifest[] {
  return renderInstance({ namespace: TENANT.namespace, release, values: { host: TENANT.host, ...values } });
}
const of = (m: Manifest[], kind: string) => m.filter((o) => o.kind === kind);

/** What grafana-operator sends to Grafana: `${<inputName>}` replaced by `datasourceName` (its resolveDatasources). */
function resolvedModel(dashboard: Manifest): any {
  let json: string = dashboard.spec.json;
  for (const input of dashboard.spec.datasources ?? []) json = json.split(`\${${input.inputName}}`).join(input.datasourceName);
  return JSON.parse(json);
}

/** Every `datasource.uid` in a dashboard model (panels, targets, template variables). */
function datasourceUids(node: any): string[] {
  if (Array.isArray(node)) return node.flatMap(datasourceUids);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'datasource' && value && typeof value === 'object' && 'uid' in value ? [(value as any).uid, ...datasourceUids(value)] : datasourceUids(value));
}

/** Structural problems of a dashboard JSON model, as Grafana's schema (v1, schemaVersion 3x+) expects it. */
function structuralProblems(model: any): string[] {
  const problems: string[] = [];
  if (typeof model.title !== 'string' || model.title === '') problems.push('title missing');
  if (typeof model.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(model.uid)) problems.push(`uid ${model.uid} is not a Grafana uid`);
  if (!Number.isInteger(model.schemaVersion)) problems.push('schemaVersion missing');
  if (!Array.isArray(model.panels) || model.panels.length === 0) problems.push('no panels');
  const ids = new Set<number>();
  const variables = new Set<string>((model.templating?.list ?? []).map((v: any) => v.name));
  const builtins = new Set(['__rate_interval', '__interval', '__range', '__auto']);
  for (const panel of model.panels ?? []) {
    if (!Number.isInteger(panel.id) || ids.has(panel.id)) problems.push(`panel ${panel.title}: id ${panel.id} missing or repeated`);
    ids.add(panel.id);
    const { h, w, x, y } = panel.gridPos ?? {};
    if (![h, w, x, y].every(Number.isInteger) || x + w > 24) problems.push(`panel ${panel.title}: gridPos outside the 24 columns`);
    const refIds = (panel.targets ?? []).map((t: any) => t.refId);
    if (refIds.length === 0 || new Set(refIds).size !== refIds.length || refIds.some((r: unknown) => typeof r !== 'string')) {
      problems.push(`panel ${panel.title}: targets need distinct refIds`);
    }
    for (const target of panel.targets ?? []) {
      for (const [, name] of String(target.expr).matchAll(/\$(\w+)/g)) {
        if (!variables.has(name) && !builtins.has(name)) problems.push(`panel ${panel.title}: $${name} is not a variable`);
      }
    }
  }
  return problems;
}

describe('default dashboards', () => {
  test('GIVEN every dashboard of the set WHEN checked THEN the JSON model is structurally sound and read-only', () => {
    for (const dashboard of defaultDashboardSet().dashboards) {
      const model = JSON.parse(dashboard.json);
      expect({ name: dashboard.name, problems: structuralProblems(model) }).toEqual({ name: dashboard.name, problems: [] });
      expect(model.editable).toBe(false);
      expect(model.uid).toContain(`v${DEFAULT_SET_VERSION}`);
    }
  });

  test('GIVEN a broken model WHEN checked THEN the structural check finds it', () => {
    const model = JSON.parse(defaultDashboardSet().dashboards[0].json);
    model.panels[1].id = model.panels[0].id;
    model.panels[0].targets[0].expr = 'up{namespace="$tenant"}';
    expect(structuralProblems(model)).toEqual([
      expect.stringContaining('$tenant is not a variable'),
      expect.stringContaining('repeated'),
    ]);
  });

  test('GIVEN metrics and logs WHEN rendered THEN every dashboard resolves only to uids of rendered data sources', () => {
    const out = render({ datasources: { metrics: { url: MIMIR }, logs: { url: LOKI } } });
    const uids = new Set(of(out, 'GrafanaDatasource').map((s) => s.spec.uid));
    const dashboards = of(out, 'GrafanaDashboard');
    expect(dashboards.map((d) => d.metadata.name)).toEqual(['monitoring-general-v1-workloads', 'monitoring-general-v1-logs']);
    for (const dashboard of dashboards) {
      const referenced = datasourceUids(resolvedModel(dashboard));
      expect(referenced.length).toBeGreaterThan(0);
      expect(referenced.filter((uid) => !uids.has(uid))).toEqual([]);
    }
  });

  test('GIVEN only metrics WHEN rendered THEN only the metrics dashboard, in folder "General v1", selecting this Grafana', () => {
    const out = render({ datasources: { metrics: { url: MIMIR } } });
    const [folder] = of(out, 'GrafanaFolder');
    expect(of(out, 'GrafanaFolder')).toHaveLength(1);
    expect(folder.metadata.name).toBe('monitoring-general-v1');
    expect(folder.spec).toEqual({
      instanceSelector: { matchLabels: { 'grafana-tenancy.io/client-id': 'tenant-acme-monitoring' } },
      uid: 'grafana-tenancy-general-v1',
      title: 'General v1',
    });
    const [dashboard] = of(out, 'GrafanaDashboard');
    expect(of(out, 'GrafanaDashboard')).toHaveLength(1);
    expect(dashboard.spec.folderRef).toBe('monitoring-general-v1');
    expect(dashboard.spec.instanceSelector).toEqual(folder.spec.instanceSelector);
    expect(dashboard.spec.datasources).toEqual([{ inputName: 'DS_METRICS', datasourceName: of(out, 'GrafanaDatasource')[0].spec.uid }]);
  });

  test('GIVEN only logs WHEN rendered THEN only the logs dashboard', () => {
    expect(of(render({ datasources: { logs: { url: LOKI } } }), 'GrafanaDashboard').map((d) => d.metadata.name)).toEqual(['monitoring-general-v1-logs']);
  });

  test('GIVEN the set switched off WHEN rendered THEN no folder and no default dashboard', () => {
    const out = render({ datasources: { metrics: { url: MIMIR } }, dashboards: { defaultSet: { enabled: false } } });
    expect(out.map((m) => m.kind)).toEqual(['Grafana', 'GrafanaDatasource']);
  });

  test('GIVEN the tenant\'s own dashboards WHEN rendered THEN each is a GrafanaDashboard with the data-source inputs', () => {
    const out = render({
      datasources: { metrics: { url: MIMIR } },
      dashboards: {
        defaultSet: { enabled: false },
        extra: [
          { name: 'slo', folder: 'Team', json: '{"title":"SLO"}' },
          { name: 'ingress', configMapRef: { name: 'acme-dashboards', key: 'ingress.json' } },
        ],
      },
    });
    const uid = of(out, 'GrafanaDatasource')[0].spec.uid;
    const [slo, ingress] = of(out, 'GrafanaDashboard');
    expect(slo.metadata.name).toBe('monitoring-custom-slo');
    expect(slo.spec).toMatchObject({ folder: 'Team', json: '{"title":"SLO"}', datasources: [{ inputName: 'DS_METRICS', datasourceName: uid }] });
    expect(ingress.spec.configMapRef).toEqual({ name: 'acme-dashboards', key: 'ingress.json' });
    expect(ingress.spec.folder).toBeUndefined();
  });

  test('GIVEN set v1 and then v2 WHEN rendered THEN no object of v1 is left, so GitOps prunes the old folder', () => {
    const renderSet = (version: number) => {
      const chart = new Chart(testApp(), 'c', { namespace: TENANT.namespace });
      const values = parseInstanceValues({ host: TENANT.host, datasources: { metrics: { url: MIMIR }, logs: { url: LOKI } } });
      new TenantDashboards(chart, 'dashboards', { names: new InstanceNames(TENANT.namespace, TENANT.release), values, set: buildDashboardSet(version) });
      return chart.toJson();
    };
    const v1 = renderSet(1);
    const v2 = renderSet(2);
    const v1Names = v1.map((m) => `${m.kind}/${m.metadata.name}`);
    const v2Names = v2.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(v1Names.filter((n) => v2Names.includes(n))).toEqual([]);
    expect(v2.find((m) => m.kind === 'GrafanaFolder')!.spec.title).toBe('General v2');
    expect(v2Names).toEqual(['GrafanaFolder/monitoring-general-v2', 'GrafanaDashboard/monitoring-general-v2-workloads', 'GrafanaDashboard/monitoring-general-v2-logs']);
    // Grafana-side identities move too: the old folder's dashboards are deleted, the new ones never clash with them.
    const uids = (m: Manifest[]) => m.map((o) => o.spec.uid ?? JSON.parse(o.spec.json).uid);
    expect(uids(v1).filter((u) => uids(v2).includes(u))).toEqual([]);
  });
});

describe('the chart\'s copy of the default dashboards', () => {
  test('GIVEN npm run build:dashboards WHEN comparing with the committed files THEN they are identical, with no stale version', () => {
    const expected: Map<string, string> = dashboardFiles(defaultDashboardSet());
    const list = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? list(join(dir, e.name)) : [relative(DIR, join(dir, e.name))]);
    expect(existsSync(DIR)).toBe(true);
    expect(list(DIR).sort()).toEqual([...expected.keys()].sort());
    for (const [path, content] of expected) expect({ path, same: readFileSync(join(DIR, path), 'utf8') === content }).toEqual({ path, same: true });
  });

  test('GIVEN the renderers WHEN they load the shipped set THEN it is the SDK-built set, model for model, byte for byte', () => {
    const shipped = shippedDashboardSet();
    expect(shipped.version).toBe(DEFAULT_SET_VERSION);
    expect(shipped).toEqual(defaultDashboardSet());
    expect(JSON.parse(readFileSync(join(DIR, 'default-set.json'), 'utf8')).dashboards.map((d: { file: string }) => d.file))
      .toEqual(shipped.dashboards.map((d) => `files/dashboards/v${DEFAULT_SET_VERSION}/${d.name}.json`));
  });
});
