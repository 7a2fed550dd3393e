import { InstanceValues } from '../config/schema';
import { InstanceNames } from '../naming';
import { allowedGroups, roleAttributePath } from './role-mapping';

/** What the Grafana OIDC settings are made of. */
type OidcValues = Pick<InstanceValues, 'host' | 'oidc' | 'platform'>;

/** grafana.ini as the Grafana CR wants it: section -> key -> STRING value. */
export type GrafanaIni = Record<string, Record<string, string>>;

/** Env var Grafana reads the generic OAuth client secret from. */
export const CLIENT_SECRET_ENV = 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET';

/** The `spec.config` of the Grafana CR for one instance, every value a string. */
export function grafanaIni(names: InstanceNames, values: OidcValues): GrafanaIni {
  const ini: GrafanaIni = {
    server: { root_url: InstanceNames.grafanaUrl(values.host) },
  };
  switch (values.oidc.mode) {
    case 'System':
      ini['auth.generic_oauth'] = systemGenericOAuth(names, values);
      break;
    case 'CustomConfig':
      if (Object.keys(values.oidc.customConfig.config).length > 0) {
        ini['auth.generic_oauth'] = stringify(values.oidc.customConfig.config);
      }
      break;
  }
  return ini;
}

/** `auth.generic_oauth` for the platform Keycloak realm: the tenant's confidential PKCE client, roles from its groups. */
function systemGenericOAuth(names: InstanceNames, values: OidcValues): Record<string, string> {
  const platform = values.platform.oidc;
  const endpoint = `${platform.issuerUrl.replace(/\/+$/, '')}/protocol/openid-connect`;
  const grafanaAdmin = isGrafanaAdminInstance(names, platform.grafanaAdminInstance);
  const fallbackRole = values.oidc.fallbackRole === 'Viewer' ? 'Viewer' : undefined;
  const loginUrl = `${InstanceNames.grafanaUrl(values.host)}/login`;

  const section: Record<string, string> = {
    enabled: 'true',
    name: 'Keycloak',
    allow_sign_up: 'true',
    client_id: names.clientId,
    scopes: `openid email profile ${platform.groupsClientScope} ${names.audienceScope}`,
    auth_url: `${endpoint}/auth`,
    token_url: `${endpoint}/token`,
    api_url: `${endpoint}/userinfo`,
    signout_redirect_url: `${endpoint}/logout?client_id=${names.clientId}&post_logout_redirect_uri=${encodeURIComponent(loginUrl)}`,
    use_pkce: 'true',
    use_refresh_token: 'true',
    login_attribute_path: 'preferred_username',
    email_attribute_path: 'email',
    name_attribute_path: 'name',
    groups_attribute_path: 'groups',
    role_attribute_path: roleAttributePath(names, { grafanaAdmin, fallbackRole }),
    role_attribute_strict: 'true',
  };
  if (!fallbackRole) {
    // Tenant isolation: only members of this instance's groups may log in at all (bare or full path).
    section.allowed_groups = allowedGroups(names);
  }
  if (grafanaAdmin) section.allow_assign_grafana_admin = 'true';
  return section;
}

export function isGrafanaAdminInstance(names: InstanceNames, grafanaAdminInstance: string): boolean {
  return grafanaAdminInstance === `${names.namespace}/${names.release}`;
}

function stringify(config: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(config).sort()) out[key] = String(config[key]);
  return out;
}
