import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { GrafanaRole, OidcMode, TokenSink } from '../src/config/choices';
import { MonitoringInstance, TenantMonitoring, TenantMonitoringProps } from '../src/monitoring-instance';
import { Manifest, renderInstance } from '../src/render/render';
import { PLATFORM, WITH_KEYCLOAK_API } from './support/fixtures';

/** Two tenants as a cdk8s user writes them: typed choices, one in System mode with a token Job. */
const ACME: TenantMonitoringProps = {
  namespace: 'tenant-acme',
  release: 'monitoring',
  apiVersions: WITH_KEYCLOAK_API,
  values: {
    host: 'acme.example.org',
    oidc: { mode: OidcMode.SYSTEM },
    platform: PLATFORM,
    serviceAccountToken: { enabled: true, serviceAccountName: 'kagent', role: GrafanaRole.EDITOR, sink: { type: TokenSink.KUBERNETES_SECRET } },
  },
};
const BETA: TenantMonitoringProps = { namespace: 'tenant-beta', release: 'grafana', values: { host: 'beta.example.org', oidc: { mode: OidcMode.NONE } } };

const USER_LABELS = { 'example.org/team': 'observability' };

/** The user's own chart: their namespace (none of the tenants'), labels and settings. */
function userChart(): Chart {
  return new Chart(Testing.app(), 'platform', { namespace: 'platform', labels: USER_LABELS, disableResourceNameHashes: true });
}

/** The objects of one tenant, by its client-id label. */
function ofTenant(manifests: Manifest[], clientId: string): Manifest[] {
  return manifests.filter((m) => m.metadata.labels['grafana-tenancy.io/client-id'] === clientId);
}

/** A manifest without the user's label: what the tenant renders on its own. */
function withoutUserLabels(m: Manifest): Manifest {
  const labels = { ...m.metadata.labels };
  for (const key of Object.keys(USER_LABELS)) delete labels[key];
  return { ...m, metadata: { ...m.metadata, labels } };
}

describe('TenantMonitoring in a chart of the user', () => {
  test('two tenants, the user labels and a JSON patch through the typed grafana handle', () => {
    // GIVEN the user's chart holding two tenants
    const chart = userChart();
    const acme = new TenantMonitoring(chart, 'acme', ACME);
    const beta = new TenantMonitoring(chart, 'beta', BETA);

    // WHEN acme's Grafana CR is patched through the handle, not through a construct id
    acme.grafana.addJsonPatch(JsonPatch.add('/spec/deployment/spec/replicas', 2));
    const manifests = Testing.synth(chart);

    // THEN every object carries the user's label and its tenant's instance labels, in its tenant's namespace
    const acmeObjects = ofTenant(manifests, 'tenant-acme-monitoring');
    const betaObjects = ofTenant(manifests, 'tenant-beta-grafana');
    expect(acmeObjects.length + betaObjects.length).toBe(manifests.length);
    expect(betaObjects.map((m) => m.kind)).toEqual(['Grafana']);
    for (const m of manifests) expect(m.metadata.labels['example.org/team']).toBe('observability');
    for (const m of betaObjects) expect(m.metadata.namespace).toBe('tenant-beta');
    expect(new Set(acmeObjects.map((m) => m.metadata.namespace))).toEqual(new Set(['tenant-acme']));

    // AND only acme's Grafana is patched
    const grafanas = manifests.filter((m) => m.kind === 'Grafana');
    expect(grafanas.map((g) => [g.metadata.namespace, g.spec.deployment.spec.replicas])).toEqual([
      ['tenant-acme', 2],
      ['tenant-beta', undefined],
    ]);

    // AND the handles are the rendered objects, the Grafana CR the default child
    expect(acme.node.defaultChild).toBe(acme.grafana);
    expect(acme.keycloakClient?.name).toBe('monitoring');
    expect(acme.clientSecret?.name).toBe('monitoring-oidc-client');
    expect(acme.tokenJob?.name).toBe('monitoring-token-bootstrap');
    expect([beta.keycloakClient, beta.clientSecret, beta.tokenJob]).toEqual([undefined, undefined, undefined]);
    expect(chart.node.validate()).toEqual([]);
  });

  test('each tenant renders what the one-tenant chart renders, apart from the user label', () => {
    // GIVEN both tenants in the user's chart, no patch
    const chart = userChart();
    new TenantMonitoring(chart, 'acme', ACME);
    new TenantMonitoring(chart, 'beta', BETA);
    // WHEN synthesized  THEN each tenant's objects equal the MonitoringInstance chart's (the CLI's render)
    const manifests = Testing.synth(chart).map(withoutUserLabels);
    expect(ofTenant(manifests, 'tenant-acme-monitoring')).toEqual(renderInstance(ACME));
    expect(ofTenant(manifests, 'tenant-beta-grafana')).toEqual(renderInstance(BETA));
  });

  test("the user labels cannot replace the instance labels; the values' commonLabels win over them", () => {
    // GIVEN a tenant whose own labels try to rename its instance, and commonLabels in its values
    const chart = userChart();
    new TenantMonitoring(chart, 'beta', {
      ...BETA,
      values: { ...BETA.values, commonLabels: { 'example.org/cost-center': '43' } },
      labels: { 'app.kubernetes.io/instance': 'other', 'example.org/cost-center': '42', 'example.org/tier': 'gold' },
    });
    // WHEN synthesized  THEN the instance label wins, commonLabels win over the construct's labels
    const [grafana] = Testing.synth(chart);
    expect(grafana.metadata.labels).toEqual({
      'example.org/team': 'observability',
      'example.org/cost-center': '43',
      'example.org/tier': 'gold',
      'app.kubernetes.io/name': 'grafana-tenancy',
      'app.kubernetes.io/instance': 'grafana',
      'grafana-tenancy.io/client-id': 'tenant-beta-grafana',
    });
  });

  test('the same tenant twice in one chart is refused by the chart validation', () => {
    // GIVEN one chart with the same namespace/release twice under two ids
    const chart = userChart();
    new TenantMonitoring(chart, 'one', BETA);
    new TenantMonitoring(chart, 'two', BETA);
    // WHEN validated  THEN the collision names both construct paths
    expect(chart.node.validate()).toEqual([
      'grafana.integreatly.org/v1beta1 Grafana tenant-beta/grafana is rendered twice (platform/one/grafana/grafana and platform/two/grafana/grafana): give one of them another name',
    ]);
  });

  test.each([
    ['a chart without namespace', undefined, ''],
    ["the user's chart namespace", 'platform', 'platform'],
  ])('an object added without a namespace, in %s, is refused', (_, chartNamespace, inherited) => {
    // GIVEN an object added to the tenant without a namespace
    const chart = new Chart(Testing.app(), 'bare', { namespace: chartNamespace });
    const tenant = new TenantMonitoring(chart, 'beta', BETA);
    new ApiObject(tenant, 'extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } });
    // WHEN validated  THEN the object is named with the fix
    expect(tenant.node.validate()).toEqual([
      `ConfigMap extra (bare/beta/extra) is in namespace "${inherited}", not the tenant's "tenant-beta": pass metadata.namespace (names.namespace)`,
    ]);
  });

  test("the token sink's own namespace is one of the tenant's", () => {
    // GIVEN a token Secret in another namespace, in a chart of yet another one
    const chart = userChart();
    const tenant = new TenantMonitoring(chart, 'beta', {
      ...BETA,
      values: { ...BETA.values, serviceAccountToken: { enabled: true, serviceAccountName: 'kagent', sink: { kubernetesSecret: { namespace: 'agents' } } } },
    });
    // WHEN validated  THEN nothing is refused, and the Role is in the sink's namespace
    expect(tenant.node.validate()).toEqual([]);
    expect(Testing.synth(chart).filter((m) => m.kind === 'Role').map((m) => m.metadata.namespace)).toEqual(['agents']);
  });

  test('the data sources, dashboards and backup are typed handles too', () => {
    // GIVEN a tenant with a metrics data source and a scheduled backup with its restore Job
    const chart = userChart();
    const tenant = new TenantMonitoring(chart, 'beta', {
      ...BETA,
      values: {
        ...BETA.values,
        datasources: { metrics: { url: 'http://mimir.mimir.svc:8080/prometheus' } },
        backup: { enabled: true, s3: { bucket: 'beta-backups', region: 'eu-west-1' }, restore: { enabled: true } },
      },
    });
    // WHEN the CronJob is patched through the handle
    tenant.backup!.cronJob.addJsonPatch(JsonPatch.add('/spec/suspend', true));
    const manifests = Testing.synth(chart);
    // THEN each handle is the object it names, and the patch lands on the CronJob only
    expect(tenant.datasources.settings.map((s) => s.role)).toEqual(['metrics']);
    expect(tenant.dashboards.node.children.length).toBeGreaterThan(0);
    expect(tenant.backup!.restoreJob?.kind).toBe('Job');
    const cronJob = manifests.find((m) => m.kind === 'CronJob');
    expect(cronJob?.metadata.name).toBe(tenant.backup!.cronJob.name);
    expect(cronJob?.spec.suspend).toBe(true);
  });

  test('the backup handle is absent when the backup is off', () => {
    // GIVEN a tenant without backup  WHEN constructed  THEN there is no backup handle
    expect(new TenantMonitoring(userChart(), 'beta', BETA).backup).toBeUndefined();
  });

  test('the chart convenience passes ChartProps through and exposes the tenant', () => {
    // GIVEN the one-tenant chart with a label of the user
    const chart = new MonitoringInstance(Testing.app(), 'acme', { ...BETA, labels: { 'example.org/team': 'observability' } });
    // WHEN synthesized  THEN the label is there next to the instance labels, and the handles are the tenant's
    expect(Testing.synth(chart)[0].metadata.labels['example.org/team']).toBe('observability');
    expect(chart.instance.grafana.name).toBe('grafana');
    expect(chart.namespace).toBe('tenant-beta');
  });
});
