import { ClientSecretGenerator, OidcMode, TokenSink } from './choices';
import { goQuote } from './go-quote';
import { checkDatasources } from '../datasources/datasource-settings';
import { fail } from './messages';
import { InstanceValues } from './schema';
import { InstanceNames, isDnsLabel, isDnsName, isReleaseName, MAX_CLIENT_ID_LENGTH, MAX_JOB_NAME_LENGTH } from '../naming';

/** The API a cluster must serve for System mode (Helm: .Capabilities.APIVersions). */
export const KEYCLOAK_API_VERSION = 'v1.edp.epam.com/v1';

/** The issuer pattern, shared with the schema (src/config/patterns.ts). */
export { ISSUER_URL_PATTERN } from './patterns';

/** Where an instance is rendered and what the cluster offers. */
export interface RenderTarget {
  readonly namespace: string;
  readonly release: string;
  /** API versions the cluster serves, like `helm template --api-versions`. */
  readonly apiVersions: readonly string[];
}

/**
 * The render failures the schema cannot express (rules across fields, names derived from the
 * release), in the same order as the chart's `grafana-tenancy.validate` helper so that both
 * report the same first failure. Values that are a choice or a pattern are refused by the schema
 * before this runs (src/config/schema.ts).
 */
export function checkInstance(target: RenderTarget, values: InstanceValues): void {
  const { namespace, release } = target;
  if (!isDnsLabel(namespace)) fail('invalidNamespace', namespace);
  if (!isReleaseName(release)) fail('invalidRelease', release);
  const clientId = new InstanceNames(namespace, release).clientId;
  if (clientId.length > MAX_CLIENT_ID_LENGTH) fail('clientIdTooLong', clientId, clientId.length);

  if (values.host === '') fail('hostMissing');

  const { oidc } = values;
  if (oidc.mode === OidcMode.SYSTEM) checkSystemMode(target, values);
  if (oidc.mode === OidcMode.CUSTOM_CONFIG) checkCustomConfigMode(values);
  if (values.serviceAccountToken.enabled) checkServiceAccountToken(target, values);
  checkDatasources(values);
}

function checkSystemMode(target: RenderTarget, values: InstanceValues): void {
  const platform = values.platform.oidc;
  if (platform.enabled !== true) fail('systemNeedsPlatformOidc', platform.enabled);
  if (!target.apiVersions.includes(KEYCLOAK_API_VERSION) && !values.apiVersions.includes(KEYCLOAK_API_VERSION)) fail('systemNeedsKeycloakApi');
  // The schema refuses a malformed issuer; an empty one is refused only where it is needed.
  if (platform.issuerUrl === '') fail('systemNeedsIssuerUrl');
  if (platform.realmRef.name === '') fail('systemNeedsRealmRef');

  const secret = values.oidc.clientSecret;
  // Only the chart can look a Secret up; rendered cdk8s output goes to git.
  if (secret.existingSecret === '' && secret.generator === ClientSecretGenerator.HELM_LOOKUP) fail('helmLookupNeedsHelm');
}

function checkCustomConfigMode(values: InstanceValues): void {
  const { config, secretRef } = values.oidc.customConfig;
  const hasConfig = Object.keys(config).length > 0;
  const hasSecretRef = secretRef.name !== '';
  if (hasConfig && hasSecretRef) fail('customConfigBoth', secretRef.name);
  if (!hasConfig && !hasSecretRef) fail('customConfigNeither');
  if ('client_secret' in config) fail('customConfigInlineSecret');
}

function checkServiceAccountToken(target: RenderTarget, values: InstanceValues): void {
  const token = values.serviceAccountToken;
  const names = new InstanceNames(target.namespace, target.release);
  if (token.serviceAccountName === '') fail('tokenNeedsServiceAccountName');
  if (names.tokenBootstrap.length > MAX_JOB_NAME_LENGTH) fail('tokenJobNameTooLong', names.tokenBootstrap, names.tokenBootstrap.length);

  const secret = token.sink.kubernetesSecret;
  const secretNamespace = secret.namespace || target.namespace;
  const secretName = secret.name || names.tokenSecret(token.serviceAccountName, secretNamespace);
  if (!isDnsLabel(secretNamespace) || !isDnsName(secretName)) fail('tokenInvalidSecretTarget', `${secretNamespace}/${secretName}`);

  if (token.sink.type === TokenSink.AWS_SECRETS_MANAGER && token.sink.awsSecretsManager.secretId === '') fail('tokenAwsNeedsSecretId');
  if (token.sink.type === TokenSink.GRAFANA_OPERATOR) {
    const limits = [
      secretNamespace !== target.namespace ? `sink.kubernetesSecret.namespace is ${goQuote(secretNamespace)}` : '',
      secret.key !== 'token' ? `sink.kubernetesSecret.key is ${goQuote(secret.key)}` : '',
      token.orgId !== 1 ? `orgId is ${token.orgId}` : '',
      token.secondsToLive !== 0 ? `secondsToLive is ${token.secondsToLive}` : '',
    ].filter(Boolean);
    if (limits.length > 0) fail('tokenOperatorSinkLimits', limits.join(', '));
  }
}
