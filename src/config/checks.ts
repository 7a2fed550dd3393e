import { checkBackup } from '../backup/backup-checks';
import { goQuote } from './go-quote';
import { fail } from './messages';
import { InstanceValues } from './schema';
import { InstanceNames, isDnsLabel, isDnsName, isReleaseName, isSecretDataKey, MAX_CLIENT_ID_LENGTH, MAX_JOB_NAME_LENGTH } from '../naming';

/** The API a cluster must serve for System mode (Helm: .Capabilities.APIVersions). */
export const KEYCLOAK_API_VERSION = 'v1.edp.epam.com/v1';

export const OIDC_MODES = ['None', 'System', 'CustomConfig'] as const;
export type OidcMode = (typeof OIDC_MODES)[number];

export const FALLBACK_ROLES = ['', 'Viewer'] as const;
export const SECRET_GENERATORS = ['ExternalSecret', 'HelmLookup'] as const;
export const REALM_KINDS = ['KeycloakRealm', 'ClusterKeycloakRealm'] as const;
export const TOKEN_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export const TOKEN_SINKS = ['kubernetes-secret', 'aws-secrets-manager', 'grafana-operator'] as const;
export type TokenSink = (typeof TOKEN_SINKS)[number];

/**
 * The realm issuer: https, a host (DNS name, IPv4 or [IPv6]), an optional port and path; no
 * whitespace, user info, query or fragment, since `/protocol/openid-connect/...` is appended
 * to it. Trailing slashes are allowed and dropped before joining (both renderers). The chart's
 * `grafana-tenancy.validate` uses this same pattern (a test checks; RE2 and JavaScript agree on it).
 */
export const ISSUER_URL_PATTERN = String.raw`^https://([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(:[0-9]{1,5})?(/[-a-zA-Z0-9._~%!$&'()*+,;=:@/]*)?$`;
const ISSUER_URL = new RegExp(ISSUER_URL_PATTERN);

/** Where an instance is rendered and what the cluster offers. */
export interface RenderTarget {
  readonly namespace: string;
  readonly release: string;
  /** API versions the cluster serves, like `helm template --api-versions`. */
  readonly apiVersions: readonly string[];
}

/**
 * The render failures of BRIEF section 6, in the same order as the chart's
 * `grafana-tenancy.validate` helper so that both report the same first failure.
 */
export function checkInstance(target: RenderTarget, values: InstanceValues): void {
  const { namespace, release } = target;
  if (!isDnsLabel(namespace)) fail('invalidNamespace', namespace);
  if (!isReleaseName(release)) fail('invalidRelease', release);
  const clientId = new InstanceNames(namespace, release).clientId;
  if (clientId.length > MAX_CLIENT_ID_LENGTH) fail('clientIdTooLong', clientId, clientId.length);

  if (values.host === '') fail('hostMissing');
  if (!isDnsName(values.host)) fail('hostInvalid', values.host);
  const { tlsSecretName } = values.grafana.ingress;
  if (tlsSecretName !== '' && !isDnsName(tlsSecretName)) fail('invalidObjectName', 'grafana.ingress.tlsSecretName', tlsSecretName);

  const { oidc } = values;
  if (!includes(OIDC_MODES, oidc.mode)) fail('unknownMode', oidc.mode);
  if (!includes(FALLBACK_ROLES, oidc.fallbackRole)) fail('invalidFallbackRole', oidc.fallbackRole);

  if (oidc.mode === 'System') checkSystemMode(target, values);
  if (oidc.mode === 'CustomConfig') checkCustomConfigMode(values);
  if (values.serviceAccountToken.enabled) checkServiceAccountToken(target, values);
  if (values.backup.enabled || values.backup.restore.enabled) checkBackup(target, values);
}

function checkSystemMode(target: RenderTarget, values: InstanceValues): void {
  const platform = values.platform.oidc;
  if (platform.enabled !== true) fail('systemNeedsPlatformOidc', platform.enabled);
  if (!target.apiVersions.includes(KEYCLOAK_API_VERSION)) fail('systemNeedsKeycloakApi');
  if (!ISSUER_URL.test(platform.issuerUrl)) fail('systemNeedsIssuerUrl', platform.issuerUrl);
  if (platform.realmRef.name === '') fail('systemNeedsRealmRef');
  if (!includes(REALM_KINDS, platform.realmRef.kind)) fail('invalidRealmKind', platform.realmRef.kind);
  if (!/^[^\s'"]+$/.test(platform.groupsClientScope)) fail('invalidClientScopeName', platform.groupsClientScope);
  if (platform.grafanaAdminInstance !== '' && !isInstanceRef(platform.grafanaAdminInstance)) {
    fail('invalidGrafanaAdminInstance', platform.grafanaAdminInstance);
  }

  const secret = values.oidc.clientSecret;
  if (secret.existingSecret !== '' && !isDnsName(secret.existingSecret)) {
    fail('invalidObjectName', 'oidc.clientSecret.existingSecret', secret.existingSecret);
  }
  if (secret.existingSecret === '') {
    if (!includes(SECRET_GENERATORS, secret.generator)) fail('invalidSecretGenerator', secret.generator);
    // Only the chart can look a Secret up; rendered cdk8s output goes to git.
    if (secret.generator === 'HelmLookup') fail('helmLookupNeedsHelm');
  }
}

function checkCustomConfigMode(values: InstanceValues): void {
  const { config, secretRef } = values.oidc.customConfig;
  const hasConfig = Object.keys(config).length > 0;
  const hasSecretRef = secretRef.name !== '';
  if (hasConfig && hasSecretRef) fail('customConfigBoth', secretRef.name);
  if (!hasConfig && !hasSecretRef) fail('customConfigNeither');
  if (hasSecretRef && !isDnsName(secretRef.name)) fail('invalidObjectName', 'oidc.customConfig.secretRef.name', secretRef.name);
  if ('client_secret' in config) fail('customConfigInlineSecret');
}

function checkServiceAccountToken(target: RenderTarget, values: InstanceValues): void {
  const token = values.serviceAccountToken;
  const names = new InstanceNames(target.namespace, target.release);
  if (token.serviceAccountName === '') fail('tokenNeedsServiceAccountName');
  if (!isDnsLabel(token.serviceAccountName)) fail('tokenInvalidServiceAccountName', token.serviceAccountName);
  if (!includes(TOKEN_ROLES, token.role)) fail('tokenInvalidRole', token.role);
  if (token.grafanaUrl !== '' && !/^https?:\/\/[^/\s]+/.test(token.grafanaUrl)) fail('tokenInvalidGrafanaUrl', token.grafanaUrl);
  if (!includes(TOKEN_SINKS, token.sink.type)) fail('tokenUnknownSink', token.sink.type);
  if (names.tokenBootstrap.length > MAX_JOB_NAME_LENGTH) fail('tokenJobNameTooLong', names.tokenBootstrap, names.tokenBootstrap.length);

  const secret = token.sink.kubernetesSecret;
  const secretNamespace = secret.namespace || target.namespace;
  const secretName = secret.name || names.tokenSecret(token.serviceAccountName, secretNamespace);
  if (!isDnsLabel(secretNamespace) || !isDnsName(secretName)) fail('tokenInvalidSecretTarget', `${secretNamespace}/${secretName}`);
  if (token.sink.type === 'kubernetes-secret' && !isSecretDataKey(secret.key)) fail('tokenInvalidSecretKey', secret.key);

  if (token.sink.type === 'aws-secrets-manager' && token.sink.awsSecretsManager.secretId === '') fail('tokenAwsNeedsSecretId');
  if (token.sink.type === 'grafana-operator') {
    const limits = [
      secretNamespace !== target.namespace ? `sink.kubernetesSecret.namespace is ${goQuote(secretNamespace)}` : '',
      secret.key !== 'token' ? `sink.kubernetesSecret.key is ${goQuote(secret.key)}` : '',
      token.orgId !== 1 ? `orgId is ${token.orgId}` : '',
      token.secondsToLive !== 0 ? `secondsToLive is ${token.secondsToLive}` : '',
    ].filter(Boolean);
    if (limits.length > 0) fail('tokenOperatorSinkLimits', limits.join(', '));
  }
}

/** `<namespace>/<release>`, each valid on its own. */
function isInstanceRef(value: string): boolean {
  const parts = value.split('/');
  return parts.length === 2 && isDnsLabel(parts[0]) && isReleaseName(parts[1]);
}

function includes<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}
