import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISSUER_URL_PATTERN } from '../../src/config/checks';
import { message, MessageKey, MESSAGE_KEYS, RenderError } from '../../src/config/messages';
import { InputError } from '../../src/config/parse';
import { InstanceValuesInput, SCHEMA_MESSAGE_KEYS } from '../../src/config/schema';
import { MonitoringInstance } from '../../src/monitoring-instance';
import { PLATFORM, TENANT, testApp, WITH_KEYCLOAK_API } from '../support/fixtures';

interface Failure {
  readonly key: MessageKey;
  readonly namespace?: string;
  readonly release?: string;
  readonly apiVersions?: string[];
  readonly values: InstanceValuesInput;
  /** Text the message must contain: the offending value and the way out. */
  readonly mentions: string[];
}

const system = (oidc: InstanceValuesInput['oidc'] = {}, platformOidc: object = {}): InstanceValuesInput => ({
  host: TENANT.host,
  oidc: { mode: 'System', ...oidc },
  platform: { oidc: { ...PLATFORM!.oidc, ...platformOidc } },
});
const custom = (customConfig: object): InstanceValuesInput => ({
  host: TENANT.host,
  oidc: { mode: 'CustomConfig', customConfig },
});

const token = (serviceAccountToken: object): InstanceValuesInput => ({
  host: TENANT.host,
  serviceAccountToken: { enabled: true, serviceAccountName: 'kagent', ...serviceAccountToken },
});

/** Every render failure (the catalogue in charts/grafana-tenancy/files/messages.json and the checks that keep output valid). */
const FAILURES: Record<string, Failure> = {
  'System without platform OIDC': {
    key: 'systemNeedsPlatformOidc', values: system({}, { enabled: false }), mentions: ['platform.oidc.enabled is false', 'CustomConfig'],
  },
  'System without the Keycloak operator API': {
    key: 'systemNeedsKeycloakApi', apiVersions: [], values: system(), mentions: ['v1.edp.epam.com/v1', '--api-versions'],
  },
  'System without an https issuer': {
    key: 'invalidIssuerUrl', values: system({}, { issuerUrl: 'http://kc/realms/x' }), mentions: ['"http://kc/realms/x"', 'https://'],
  },
  'System with an issuer that is only a scheme': {
    key: 'invalidIssuerUrl', values: system({}, { issuerUrl: 'https://' }), mentions: ['"https://"', 'with a host'],
  },
  'System with an issuer with a query': {
    key: 'invalidIssuerUrl', values: system({}, { issuerUrl: 'https://kc.example.org/realms/x?a=b' }), mentions: ['"https://kc.example.org/realms/x?a=b"', 'query'],
  },
  'System with an issuer with a fragment': {
    key: 'invalidIssuerUrl', values: system({}, { issuerUrl: 'https://kc.example.org/realms/x#top' }), mentions: ['"https://kc.example.org/realms/x#top"', 'fragment'],
  },
  'System with an issuer with a space': {
    key: 'invalidIssuerUrl', values: system({}, { issuerUrl: 'https://kc.example.org/realms/my realm' }), mentions: ['"https://kc.example.org/realms/my realm"', 'spaces'],
  },
  'System with an issuer with user info': {
    key: 'invalidIssuerUrl', values: system({}, { issuerUrl: 'https://admin@kc.example.org/realms/x' }), mentions: ['"https://admin@kc.example.org/realms/x"'],
  },
  'System with a grafanaAdminInstance without a namespace': {
    key: 'invalidGrafanaAdminInstance', values: system({}, { grafanaAdminInstance: 'monitoring-system' }),
    mentions: ['"monitoring-system"', '<namespace>/<release>', 'leave it empty'],
  },
  'System with a grafanaAdminInstance whose release is not a release name': {
    key: 'invalidGrafanaAdminInstance', values: system({}, { grafanaAdminInstance: 'cozy-monitoring/Monitoring' }), mentions: ['"cozy-monitoring/Monitoring"'],
  },
  'System with a grafanaAdminInstance with an extra part': {
    key: 'invalidGrafanaAdminInstance', values: system({}, { grafanaAdminInstance: 'cozy/monitoring/x' }), mentions: ['"cozy/monitoring/x"'],
  },
  'System without an issuer': {
    key: 'systemNeedsIssuerUrl', values: system({}, { issuerUrl: '' }), mentions: ['issuerUrl is empty', 'https://keycloak.example.org/realms/cozy'],
  },
  'System without a realm': { key: 'systemNeedsRealmRef', values: system({}, { realmRef: { name: '' } }), mentions: ['realmRef.name'] },
  'System with an unknown realm kind': {
    key: 'invalidRealmKind', values: system({}, { realmRef: { kind: 'Realm', name: 'cozy' } }), mentions: ['"Realm"', 'ClusterKeycloakRealm'],
  },
  'System with an unknown secret generator': {
    key: 'invalidSecretGenerator', values: system({ clientSecret: { generator: 'Vault' as never } }), mentions: ['"Vault"', 'ExternalSecret'],
  },
  'System with the Helm-only secret generator': {
    key: 'helmLookupNeedsHelm', values: system({ clientSecret: { generator: 'HelmLookup' } }), mentions: ['HelmLookup', 'existingSecret'],
  },
  'CustomConfig with config and secretRef': {
    key: 'customConfigBoth', values: custom({ config: { client_id: 'x' }, secretRef: { name: 'idp' } }), mentions: ['"idp"', 'remove the other'],
  },
  'CustomConfig with neither': { key: 'customConfigNeither', values: custom({}), mentions: ['neither config nor secretRef.name'] },
  'CustomConfig with an inline client_secret': {
    key: 'customConfigInlineSecret', values: custom({ config: { client_id: 'x', client_secret: 's3cr3t' } }), mentions: ['secretRef.name'],
  },
  'an unknown mode': { key: 'unknownMode', values: { host: TENANT.host, oidc: { mode: 'Keycloak' as never } }, mentions: ['"Keycloak"', 'None, System, CustomConfig'] },
  'an unknown fallback role': {
    key: 'invalidFallbackRole', values: system({ fallbackRole: 'Admin' as never }), mentions: ['"Admin"', 'Viewer'],
  },
  'a namespace that is not a DNS label': {
    key: 'invalidNamespace', namespace: 'Tenant_Acme', values: { host: TENANT.host }, mentions: ['"Tenant_Acme"', 'DNS label'],
  },
  'a release that is not a DNS label': {
    key: 'invalidRelease', release: 'monitoring.v2', values: { host: TENANT.host }, mentions: ['"monitoring.v2"'],
  },
  'a release starting with a digit': {
    key: 'invalidRelease', release: '9monitoring', values: { host: TENANT.host }, mentions: ['"9monitoring"', 'starting with a letter'],
  },
  'a release over Helm\'s 53 characters': {
    key: 'invalidRelease', namespace: 'a', release: 'r'.repeat(54), values: { host: TENANT.host }, mentions: ['at most 53'],
  },
  'a clientId over 63 characters': {
    key: 'clientIdTooLong', namespace: 'tenant-with-a-really-quite-long-name-indeed', release: 'monitoring-for-production',
    values: { host: TENANT.host }, mentions: ['is 69 characters', 'limit of 63', 'shorten'],
  },
  'a null value (Helm would delete the key)': {
    key: 'nullValue', values: { host: TENANT.host, grafana: { ingress: { className: null as unknown as string } } },
    mentions: ['grafana.ingress.className is null', 'delete the line'],
  },
  'a groups scope with a space': {
    key: 'invalidClientScopeName', values: system({}, { groupsClientScope: 'my groups' }), mentions: ['"my groups"', 'without spaces'],
  },
  'an existingSecret that is not an object name': {
    key: 'invalidObjectName', values: system({ clientSecret: { existingSecret: 'My Secret' } }),
    mentions: ['oidc.clientSecret.existingSecret "My Secret"', 'lowercase'],
  },
  'a host label over 63 characters': {
    key: 'hostInvalid', values: { host: `${'a'.repeat(64)}.example.org` }, mentions: ['is not a DNS name'],
  },
  'a missing host': { key: 'hostMissing', values: {}, mentions: ['host is empty', 'https://grafana.<host>'] },
  'a host that is not a DNS name': { key: 'hostInvalid', values: { host: 'https://acme.example.org' }, mentions: ['"https://acme.example.org"'] },
  'a token without a service account name': {
    key: 'tokenNeedsServiceAccountName', values: token({ serviceAccountName: '' }), mentions: ['serviceAccountToken.serviceAccountName is empty', 'kagent'],
  },
  'a token service account name that is not a DNS label': {
    key: 'tokenInvalidServiceAccountName', values: token({ serviceAccountName: 'K Agent' }), mentions: ['"K Agent"', 'lowercase'],
  },
  'a token role Grafana does not know': {
    key: 'tokenInvalidRole', values: token({ role: 'GrafanaAdmin' }), mentions: ['"GrafanaAdmin"', 'Viewer, Editor or Admin'],
  },
  'a token Grafana URL that is not http(s)': {
    key: 'tokenInvalidGrafanaUrl', values: token({ grafanaUrl: 'grafana:3000' }), mentions: ['"grafana:3000"', 'leave it empty'],
  },
  'an unknown token sink': {
    key: 'tokenUnknownSink', values: token({ sink: { type: 'vault' } }), mentions: ['"vault"', 'kubernetes-secret, aws-secrets-manager or grafana-operator'],
  },
  'a token Secret in a namespace that is not a DNS label': {
    key: 'tokenInvalidSecretTarget', values: token({ sink: { kubernetesSecret: { namespace: 'Agents' } } }),
    mentions: ['"Agents/tenant-acme-monitoring-kagent-grafana-token"', 'DNS label'],
  },
  'a token Secret data key with a space': {
    key: 'tokenInvalidSecretKey', values: token({ sink: { kubernetesSecret: { key: 'GRAFANA TOKEN' } } }), mentions: ['"GRAFANA TOKEN"', "'-', '_' or '.'"],
  },
  'the AWS sink without a secret id': {
    key: 'tokenAwsNeedsSecretId', values: token({ sink: { type: 'aws-secrets-manager' } }), mentions: ['awsSecretsManager.secretId is empty', 'kagent/grafana/api-key'],
  },
  'the grafana-operator sink beyond what GrafanaServiceAccount can do': {
    key: 'tokenOperatorSinkLimits', values: token({ orgId: 2, sink: { type: 'grafana-operator', kubernetesSecret: { namespace: 'agents' } } }),
    mentions: ['sink.kubernetesSecret.namespace is "agents", orgId is 2', 'Use sink kubernetes-secret'],
  },
  'a token Job name over 63 characters': {
    key: 'tokenJobNameTooLong', namespace: 'a', release: 'r'.repeat(50), values: token({}),
    mentions: ['is 66 characters', 'shorten the release name'],
  },
  'a data-source URL without a scheme': {
    key: 'datasourceInvalidUrl', values: { host: TENANT.host, datasources: { logs: { url: 'loki.loki.svc' } } },
    mentions: ['datasources.logs.url "loki.loki.svc"', 'leave it empty'],
  },
  'a federated tenant id': {
    key: 'datasourceInvalidTenantId', values: { host: TENANT.host, datasources: { metrics: { url: 'http://mimir', tenantId: 'a|b' } } },
    mentions: ['datasources.metrics.tenantId "a|b"', 'several tenants'],
  },
  'SigV4 without a workspace URL': {
    key: 'sigV4NeedsUrl', values: { host: TENANT.host, datasources: { metrics: { sigV4: { enabled: true, region: 'eu-west-1' } } } },
    mentions: ['datasources.metrics.url is empty', 'aps-workspaces'],
  },
  'SigV4 without a region': {
    key: 'sigV4InvalidRegion', values: { host: TENANT.host, datasources: { metrics: { url: 'https://aps', sigV4: { enabled: true } } } },
    mentions: ['region ""', 'eu-west-1'],
  },
  'an unknown default data source': {
    key: 'datasourceUnknownDefault', values: { host: TENANT.host, datasources: { default: 'traces' } },
    mentions: ['"traces"', 'metrics or logs'],
  },
  'a default data source without a URL': {
    key: 'datasourceDefaultNotConfigured', values: { host: TENANT.host, datasources: { default: 'metrics' } },
    mentions: ['datasources.metrics.url is empty', 'choose another default'],
  },
  'a dashboard name that is not a DNS label': {
    key: 'dashboardInvalidName', values: { host: TENANT.host, dashboards: { extra: [{ name: 'My SLO', json: '{}' }] } },
    mentions: ['dashboards.extra[0].name "My SLO"', 'lowercase'],
  },
  'a dashboard name twice': {
    key: 'dashboardDuplicateName', values: { host: TENANT.host, dashboards: { extra: [{ name: 'slo', json: '{}' }, { name: 'slo', json: '{}' }] } },
    mentions: ['dashboards.extra[1].name "slo"', 'its own name'],
  },
  'a dashboard with json and a ConfigMap': {
    key: 'dashboardNeedsOneSource', values: { host: TENANT.host, dashboards: { extra: [{ name: 'slo', json: '{}', configMapRef: { name: 'c', key: 'k' } }] } },
    mentions: ['dashboards.extra[0] needs exactly one source', 'not both'],
  },
  'a dashboard ConfigMap without a key': {
    key: 'dashboardConfigMapRefIncomplete', values: { host: TENANT.host, dashboards: { extra: [{ name: 'slo', configMapRef: { name: 'c' } }] } },
    mentions: ['dashboards.extra[0].configMapRef needs both name and key'],
  },
};

function construct(failure: Failure): () => void {
  return () => new MonitoringInstance(testApp(), 'test', {
    namespace: failure.namespace ?? TENANT.namespace,
    release: failure.release ?? TENANT.release,
    apiVersions: failure.apiVersions ?? WITH_KEYCLOAK_API,
    values: failure.values,
  });
}

describe('render failures', () => {
  test.each(Object.entries(FAILURES))('%s throws at construction', (_, failure) => {
    // GIVEN values that must not render  WHEN the construct is created  THEN it throws the catalogue message
    expect(construct(failure)).toThrowErrorMatchingSnapshot();
  });

  test.each(Object.entries(FAILURES))('%s names the value and the fix', (_, failure) => {
    let error: unknown;
    try {
      construct(failure)();
    } catch (e) {
      error = e;
    }
    if (SCHEMA_MESSAGE_KEYS.has(failure.key)) {
      // A choice or a pattern: the schema refuses it with the field's catalogue message.
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(catalogueText(failure.key));
    } else {
      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).key).toBe(failure.key);
    }
    for (const text of failure.mentions) expect((error as Error).message).toContain(text);
  });

  test('every catalogue message is reachable from some input', () => {
    const covered = new Set(Object.values(FAILURES).map((f) => f.key));
    expect(MESSAGE_KEYS.filter((k) => !covered.has(k))).toEqual([]);
  });

  test.each([
    ['a trailing slash (dropped when joined)', 'https://keycloak.example.org/realms/cozy/'],
    ['a port', 'https://keycloak.example.org:8443/realms/cozy'],
    ['the legacy /auth prefix', 'https://keycloak.example.org/auth/realms/cozy'],
    ['an IPv6 host', 'https://[fd00::1]:8443/realms/cozy'],
    ['a percent-encoded realm', 'https://keycloak.example.org/realms/my%20realm'],
  ])('GIVEN an issuer with %s WHEN rendered in System mode THEN it is accepted', (_, issuerUrl) => {
    expect(() => construct({ key: 'systemNeedsIssuerUrl', values: system({}, { issuerUrl }), mentions: [] })()).not.toThrow();
  });

  test.each([
    ['<namespace>/<release>', 'cozy-monitoring/monitoring-system'],
    ['empty (no platform Grafana)', ''],
    ['a release of 53 characters', `cozy/${'r'.repeat(53)}`],
  ])('GIVEN grafanaAdminInstance %s WHEN rendered in System mode THEN it is accepted', (_, grafanaAdminInstance) => {
    expect(() => construct({ key: 'invalidGrafanaAdminInstance', values: system({}, { grafanaAdminInstance }), mentions: [] })()).not.toThrow();
  });

  test('GIVEN the chart\'s schema WHEN reading the issuer pattern THEN it is ISSUER_URL_PATTERN, or empty', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'charts', 'grafana-tenancy', 'values.schema.json'), 'utf8'));
    expect(schema.properties.platform.properties.oidc.properties.issuerUrl.pattern).toBe(new RegExp(`^(${ISSUER_URL_PATTERN.slice(1, -1)})?$`).source);
  });

  test('GIVEN grafanaAdminInstance with a 54-character release WHEN rendered in System mode THEN it is refused', () => {
    expect(construct({ key: 'invalidGrafanaAdminInstance', values: system({}, { grafanaAdminInstance: `cozy/${'r'.repeat(54)}` }), mentions: [] }))
      .toThrow(/^platform\.oidc\.grafanaAdminInstance "cozy\/r+" is not <namespace>\/<release>/);
  });

  test('a clientId of exactly 63 characters is accepted', () => {
    // GIVEN namespace + "-" + release = 63 characters
    const namespace = 'a'.repeat(40);
    const release = 'b'.repeat(22);
    // WHEN rendered THEN no error
    expect(() => new MonitoringInstance(testApp(), 'ok', { namespace, release, values: { host: TENANT.host } })).not.toThrow();
  });
});

/** The catalogue message `key` with any argument: its fixed text must be there word for word. */
function catalogueText(key: MessageKey): RegExp {
  const parts = message(key, 'ARG', 'ARG').split(/"?ARG"?/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
