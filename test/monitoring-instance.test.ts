import { ApiObject, Testing } from 'cdk8s';
import { MonitoringInstance, MonitoringInstanceProps } from '../src/monitoring-instance';
import { InstanceValuesInput } from '../src/config/schema';
import { Manifest } from '../src/render/render';
import { kinds, only, PLATFORM, TENANT, testApp, WITH_KEYCLOAK_API } from './support/fixtures';

function synth(props: Partial<MonitoringInstanceProps> & { values: InstanceValuesInput }): Manifest[] {
  const app = testApp();
  const chart = new MonitoringInstance(app, 'test', {
    namespace: TENANT.namespace,
    release: TENANT.release,
    apiVersions: WITH_KEYCLOAK_API,
    ...props,
  });
  return Testing.synth(chart);
}

const INLINE_CONFIG = {
  client_id: 'grafana',
  auth_url: 'https://idp.acme.example/oauth2/authorize',
  token_url: 'https://idp.acme.example/oauth2/token',
  api_url: 'https://idp.acme.example/oauth2/userinfo',
  use_pkce: true,
  scopes: 'openid email profile',
  allow_sign_up: false,
  auto_login: 0,
};

/** Every mode and secret source, with the values that select it: each has a reviewed snapshot. */
const MODES: Record<string, Partial<MonitoringInstanceProps> & { values: InstanceValuesInput }> = {
  'None': { values: { host: TENANT.host } },
  'System': { values: { host: TENANT.host, oidc: { mode: 'System' }, platform: PLATFORM } },
  'System, platform release': {
    namespace: 'cozy-monitoring',
    release: 'monitoring-system',
    values: { host: 'example.org', oidc: { mode: 'System' }, platform: PLATFORM },
  },
  'System, existingSecret': {
    values: { host: TENANT.host, oidc: { mode: 'System', clientSecret: { existingSecret: 'acme-oidc' } }, platform: PLATFORM },
  },
  'CustomConfig inline': { values: { host: TENANT.host, oidc: { mode: 'CustomConfig', customConfig: { config: INLINE_CONFIG } } } },
  'CustomConfig secretRef': {
    values: { host: TENANT.host, oidc: { mode: 'CustomConfig', customConfig: { secretRef: { name: 'acme-oauth' } } } },
  },
};

describe('MonitoringInstance', () => {
  describe.each(Object.entries(MODES))('mode %s', (_, props) => {
    test('renders the reviewed manifests', () => {
      // GIVEN the mode's values  WHEN synthesized  THEN the output matches the reviewed snapshot
      expect(synth(props)).toMatchSnapshot();
    });

    test('every spec.config value is a string', () => {
      const grafana = only(synth(props), 'Grafana');
      for (const [section, entries] of Object.entries<Record<string, unknown>>(grafana.spec.config)) {
        for (const [key, value] of Object.entries(entries)) {
          expect({ key: `${section}.${key}`, type: typeof value }).toEqual({ key: `${section}.${key}`, type: 'string' });
        }
      }
    });

    test('renders no Secret value, and no Secret at all', () => {
      const manifests = synth(props);
      expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
      expect(JSON.stringify(manifests)).not.toMatch(/"(data|stringData)":/);
    });

    test('is deterministic', () => {
      expect(JSON.stringify(synth(props))).toEqual(JSON.stringify(synth(props)));
    });

    test('puts every object in the namespace with the instance labels', () => {
      const namespace = props.namespace ?? TENANT.namespace;
      const release = props.release ?? TENANT.release;
      for (const m of synth(props)) {
        expect(m.metadata.namespace).toBe(namespace);
        expect(m.metadata.labels).toEqual({
          'app.kubernetes.io/name': 'grafana-tenancy',
          'app.kubernetes.io/instance': release,
          'grafana-tenancy.io/client-id': `${namespace}-${release}`,
        });
      }
    });

    test('runs the grafana container under the restricted profile with requests and limits', () => {
      const pod = only(synth(props), 'Grafana').spec.deployment.spec.template.spec;
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const [container] = pod.containers;
      expect(container.name).toBe('grafana');
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
      });
      expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
    });
  });

  describe('None', () => {
    test('renders only the Grafana CR, without generic_oauth', () => {
      const manifests = synth(MODES.None);
      expect(kinds(manifests)).toEqual(['Grafana']);
      const grafana = only(manifests, 'Grafana');
      expect(grafana.metadata.name).toBe('monitoring');
      expect(grafana.spec.config).toEqual({ server: { root_url: 'https://grafana.acme.example.org' } });
      expect(grafana.spec.deployment.spec.template.spec.containers[0].env).toBeUndefined();
    });
  });

  describe('System', () => {
    const manifests = synth(MODES.System);
    const client = only(manifests, 'KeycloakClient');
    const oauth = only(manifests, 'Grafana').spec.config['auth.generic_oauth'];

    test('renders the Keycloak client, audience scope, three groups, secret generator and Grafana', () => {
      expect(kinds(manifests)).toEqual([
        'ExternalSecret', 'Grafana', 'KeycloakClient', 'KeycloakClientScope',
        'KeycloakRealmGroup', 'KeycloakRealmGroup', 'KeycloakRealmGroup', 'Password',
        'Role', 'RoleBinding', 'SecretStore', 'ServiceAccount',
      ]);
    });

    test('the client is confidential, redirects exactly to Grafana and reads its secret from the namespace', () => {
      expect(client.spec).toMatchObject({
        clientId: 'tenant-acme-monitoring',
        public: false,
        directAccess: false,
        webUrl: 'https://grafana.acme.example.org',
        secret: '$monitoring-oidc-client:client-secret',
        realmRef: { kind: 'ClusterKeycloakRealm', name: 'cozy' },
        defaultClientScopes: ['groups', 'tenant-acme-monitoring-audience'],
      });
      expect(client.spec.redirectUris).toEqual(['https://grafana.acme.example.org/login/generic_oauth']);
    });

    test('logout ends the Keycloak session and returns to this Grafana only', () => {
      // THEN Keycloak accepts exactly Grafana's login page after logout, and Grafana sends the user there through the realm
      expect(client.spec.attributes['post.logout.redirect.uris']).toBe('https://grafana.acme.example.org/login');
      const signout = new URL(oauth.signout_redirect_url);
      expect(`${signout.origin}${signout.pathname}`).toBe('https://keycloak.example.org/realms/cozy/protocol/openid-connect/logout');
      expect(Object.fromEntries(signout.searchParams)).toEqual({
        client_id: 'tenant-acme-monitoring',
        post_logout_redirect_uri: 'https://grafana.acme.example.org/login',
      });
    });

    test('the operator-managed Ingress serves grafana.<host> over TLS from <release>-grafana-tls', () => {
      const ingress = only(manifests, 'Grafana').spec.ingress;
      expect(ingress.spec.rules.map((r: Manifest) => r.host)).toEqual(['grafana.acme.example.org']);
      expect(ingress.spec.tls).toEqual([{ hosts: ['grafana.acme.example.org'], secretName: 'monitoring-grafana-tls' }]);
    });

    test('PKCE is on at both ends', () => {
      expect(client.spec.attributes['pkce.code.challenge.method']).toBe('S256');
      expect(oauth.use_pkce).toBe('true');
    });

    test('Grafana talks to the realm endpoints as this client, with the secret from env', () => {
      const issuer = 'https://keycloak.example.org/realms/cozy/protocol/openid-connect';
      expect(oauth).toMatchObject({
        enabled: 'true',
        client_id: 'tenant-acme-monitoring',
        auth_url: `${issuer}/auth`,
        token_url: `${issuer}/token`,
        api_url: `${issuer}/userinfo`,
        scopes: 'openid email profile groups tenant-acme-monitoring-audience',
        groups_attribute_path: 'groups',
      });
      expect(oauth.client_secret).toBeUndefined();
      const container = only(manifests, 'Grafana').spec.deployment.spec.template.spec.containers[0];
      expect(container.env).toEqual([
        {
          name: 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET',
          valueFrom: { secretKeyRef: { name: 'monitoring-oidc-client', key: 'client-secret' } },
        },
      ]);
      expect(only(manifests, 'Grafana').spec.config.server.root_url).toBe('https://grafana.acme.example.org');
    });

    test('only the three groups may log in, strictly, and there is no GrafanaAdmin', () => {
      expect(oauth.role_attribute_strict).toBe('true');
      // each group as a bare name (mapper full.path "false") and as a full path (full.path "true")
      expect(oauth.allowed_groups.split(' ')).toEqual([
        'tenant-acme-monitoring-admin', '/tenant-acme-monitoring-admin',
        'tenant-acme-monitoring-editor', '/tenant-acme-monitoring-editor',
        'tenant-acme-monitoring-viewer', '/tenant-acme-monitoring-viewer',
      ]);
      expect(oauth.role_attribute_path).not.toMatch(/GrafanaAdmin/);
      expect(oauth.allow_assign_grafana_admin).toBeUndefined();
    });

    test('the audience scope maps the clientId into aud, using type rather than the deprecated default', () => {
      const scope = only(manifests, 'KeycloakClientScope');
      expect(scope.spec.name).toBe('tenant-acme-monitoring-audience');
      expect(scope.spec.type).toBe('none');
      expect(scope.spec.default).toBeUndefined();
      expect(scope.spec.protocolMappers).toEqual([
        expect.objectContaining({
          protocolMapper: 'oidc-audience-mapper',
          config: {
            'included.client.audience': 'tenant-acme-monitoring',
            'access.token.claim': 'true',
            'id.token.claim': 'true',
            'introspection.token.claim': 'true',
          },
        }),
      ]);
    });

    test('the groups are named after the clientId and protected from every pruner', () => {
      const groups = manifests.filter((m) => m.kind === 'KeycloakRealmGroup');
      expect(groups.map((g) => g.spec.name)).toEqual([
        'tenant-acme-monitoring-admin', 'tenant-acme-monitoring-editor', 'tenant-acme-monitoring-viewer',
      ]);
      for (const group of groups) {
        expect(group.metadata.annotations).toEqual({
          'helm.sh/resource-policy': 'keep',
          'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        });
      }
    });

    test('the client secret is generated once by External Secrets, never rendered', () => {
      const externalSecret = only(manifests, 'ExternalSecret');
      expect(externalSecret.spec.refreshPolicy).toBe('CreatedOnce');
      expect(externalSecret.spec.target.name).toBe('monitoring-oidc-client');
      // generated value first, the existing Secret's value (if any) last so it wins (test/secrets/)
      expect(externalSecret.spec.dataFrom[0].sourceRef.generatorRef).toEqual({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'monitoring-oidc-client' });
      expect(externalSecret.spec.dataFrom[1].extract).toEqual({ key: 'monitoring-oidc-client' });
      expect(only(manifests, 'Password').spec.secretKeys).toBeUndefined();
    });

    test('existingSecret replaces the generator and feeds both the client and Grafana', () => {
      const withExisting = synth(MODES['System, existingSecret']);
      expect(kinds(withExisting)).not.toContain('ExternalSecret');
      expect(kinds(withExisting)).not.toContain('Password');
      expect(only(withExisting, 'KeycloakClient').spec.secret).toBe('$acme-oidc:client-secret');
      const env = only(withExisting, 'Grafana').spec.deployment.spec.template.spec.containers[0].env;
      expect(env[0].valueFrom.secretKeyRef).toEqual({ name: 'acme-oidc', key: 'client-secret' });
    });

    test('the platform release may assign GrafanaAdmin', () => {
      const platform = only(synth(MODES['System, platform release']), 'Grafana').spec.config['auth.generic_oauth'];
      expect(platform.allow_assign_grafana_admin).toBe('true');
      expect(platform.role_attribute_path).toMatch(/'\/cozy-monitoring-monitoring-system-admin'\)\) && 'GrafanaAdmin'/);
    });

    test('fallbackRole Viewer drops allowed_groups and ends the mapping with Viewer', () => {
      const open = only(synth({ values: { ...MODES.System.values, oidc: { mode: 'System', fallbackRole: 'Viewer' } } }), 'Grafana')
        .spec.config['auth.generic_oauth'];
      expect(open.allowed_groups).toBeUndefined();
      expect(open.role_attribute_path).toMatch(/ \|\| 'Viewer'$/);
    });
  });

  describe('CustomConfig', () => {
    test('inline config is copied into auth.generic_oauth as strings', () => {
      const grafana = only(synth(MODES['CustomConfig inline']), 'Grafana');
      expect(grafana.spec.config['auth.generic_oauth']).toEqual({
        client_id: 'grafana',
        auth_url: 'https://idp.acme.example/oauth2/authorize',
        token_url: 'https://idp.acme.example/oauth2/token',
        api_url: 'https://idp.acme.example/oauth2/userinfo',
        use_pkce: 'true',
        scopes: 'openid email profile',
        allow_sign_up: 'false',
        auto_login: '0',
      });
    });

    test('secretRef is projected with envFrom and renders no Keycloak objects', () => {
      const manifests = synth(MODES['CustomConfig secretRef']);
      expect(kinds(manifests)).toEqual(['Grafana']);
      const grafana = only(manifests, 'Grafana');
      expect(grafana.spec.config['auth.generic_oauth']).toBeUndefined();
      expect(grafana.spec.deployment.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'acme-oauth' } }]);
    });
  });
});

describe('validation across constructs', () => {
  test('two objects with the same identity are refused', () => {
    // GIVEN a System instance  AND an extra object that reuses the KeycloakClient's name
    const chart = new MonitoringInstance(testApp(), 'test', { ...TENANT, apiVersions: WITH_KEYCLOAK_API, values: MODES.System.values });
    new ApiObject(chart, 'clash', { apiVersion: 'v1.edp.epam.com/v1', kind: 'KeycloakClient', metadata: { name: 'monitoring' } });
    // WHEN the chart is validated  THEN the clash is reported with both construct paths
    const errors = chart.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/v1.edp.epam.com\/v1 KeycloakClient tenant-acme\/monitoring is rendered twice \(test\/instance\/keycloak\/client and test\/clash\)/);
  });

  test('every rendered mode passes the validation', () => {
    for (const props of Object.values(MODES)) {
      const chart = new MonitoringInstance(testApp(), 'test', { ...TENANT, apiVersions: WITH_KEYCLOAK_API, ...props });
      expect(chart.node.validate()).toEqual([]);
    }
  });
});
