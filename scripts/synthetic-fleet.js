'use strict';
// Synthetic fleets for the benchmark: the example file's defaults, tenants cycling through
// the three OIDC modes (System twice as often, as on a real platform, half of those with the
// service-account token Job).
const { stringify } = require('yaml');

const DEFAULTS = {
  platform: {
    oidc: {
      enabled: true,
      issuerUrl: 'https://keycloak.example.org/realms/cozy',
      realmRef: { kind: 'ClusterKeycloakRealm', name: 'cozy' },
    },
  },
  grafana: { ingress: { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } } },
};

function tenant(i) {
  const namespace = `tenant-${String(i).padStart(5, '0')}`;
  const host = `${namespace}.example.org`;
  switch (i % 4) {
    case 0:
      return { namespace, release: 'monitoring', host, oidc: { mode: 'System' } };
    case 1:
      // System mode plus the service-account token Job (its script makes this file ~10x larger).
      return {
        namespace,
        release: 'monitoring',
        host,
        oidc: { mode: 'System' },
        serviceAccountToken: { enabled: true, serviceAccountName: 'agent', role: 'Viewer' },
      };
    case 2:
      return {
        namespace,
        release: 'monitoring',
        host,
        oidc: {
          mode: 'CustomConfig',
          customConfig: { config: { client_id: 'grafana', auth_url: `https://idp.${host}/authorize`, token_url: `https://idp.${host}/token`, use_pkce: true } },
        },
      };
    default:
      return { namespace, release: 'monitoring', host };
  }
}

/** A fleet document of `count` tenants; `variant` changes one setting of every 10th tenant. */
function syntheticFleet(count, variant = 0) {
  const tenants = Array.from({ length: count }, (_, i) => {
    const t = tenant(i);
    if (variant && i % 10 === 0) t.grafana = { version: `11.${variant}.0` };
    return t;
  });
  return { apiVersions: ['v1.edp.epam.com/v1', 'external-secrets.io/v1'], defaults: DEFAULTS, tenants };
}

function syntheticFleetYaml(count, variant) {
  return stringify(syntheticFleet(count, variant), { lineWidth: 0 });
}

module.exports = { syntheticFleet, syntheticFleetYaml };
