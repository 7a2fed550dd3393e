import { DNS_LABEL_PATTERN, DNS_NAME_PATTERN } from './config/patterns';
/**
 * Every name the instance renders, derived in one place. Kubernetes object names come from the
 * release (unique within the namespace); Keycloak names come from the clientId (unique within
 * the realm, which all tenants share).
 */
export class InstanceNames {
  /** Keycloak clientId, unique per realm: `<namespace>-<release>`. */
  readonly clientId: string;
  /** The grafana-operator `Grafana` CR; the operator derives `<cr>-service`, `<cr>-admin-credentials`, ... */
  readonly grafana: string;
  /** KeycloakClient object. */
  readonly keycloakClient: string;
  /** Audience client scope's Keycloak name (realm-wide, so clientId-based). */
  readonly audienceScope: string;
  /** KeycloakClientScope object holding the audience scope. */
  readonly audienceScopeObject: string;
  /** Secret holding the OIDC client secret (key {@link CLIENT_SECRET_KEY}) when generated. */
  readonly generatedClientSecret: string;

  constructor(readonly namespace: string, readonly release: string) {
    this.clientId = InstanceNames.clientIdOf(namespace, release);
    this.grafana = release;
    this.keycloakClient = release;
    this.audienceScope = `${this.clientId}-audience`;
    this.audienceScopeObject = `${release}-audience`;
    this.generatedClientSecret = `${release}-oidc-client`;
  }

  /** The {@link clientId} of (namespace, release), without the other names (the fleet checks ask it of every tenant). */
  static clientIdOf(namespace: string, release: string): string {
    return `${namespace}-${release}`;
  }

  /** Keycloak group granting `role` (admin, editor, viewer) in this instance. */
  group(role: GroupRole): string {
    return `${this.clientId}-${role}`;
  }

  /** Kubernetes name of the KeycloakRealmGroup object for `role`. */
  groupObject(role: GroupRole): string {
    return `${this.release}-${role}`;
  }

  /** Secret the operator creates with the Grafana admin login (keys {@link ADMIN_USER_KEY}, {@link ADMIN_PASSWORD_KEY}). */
  get adminCredentials(): string {
    return `${this.grafana}-admin-credentials`;
  }

  /** The operator's in-cluster Service URL of this Grafana (`<cr>-service`, port 3000). */
  get grafanaServiceUrl(): string {
    return `http://${this.grafana}-service.${this.namespace}.svc:3000`;
  }

  /** ServiceAccount, Role, RoleBinding, ConfigMap and Job of the token bootstrap. */
  get tokenBootstrap(): string {
    return `${this.release}-token-bootstrap`;
  }

  /**
   * Role and RoleBinding granting the Job access to the token Secret in `secretNamespace`. In a
   * namespace other than the instance's, several tenants may have the same release name, so the
   * clientId (namespace-release) keeps them apart.
   */
  tokenBootstrapRole(secretNamespace: string): string {
    return secretNamespace === this.namespace ? this.tokenBootstrap : `${this.clientId}-token-bootstrap`;
  }

  /**
   * Default Secret receiving the token of Grafana service account `serviceAccount` in
   * `secretNamespace`. Like {@link tokenBootstrapRole}: in a namespace other than the instance's,
   * tenants of other namespaces may have the same release, so the clientId keeps them apart.
   */
  tokenSecret(serviceAccount: string, secretNamespace: string): string {
    const owner = secretNamespace === this.namespace ? this.release : this.clientId;
    return `${owner}-${serviceAccount}-grafana-token`;
  }

  /** GrafanaServiceAccount object for Grafana service account `serviceAccount`. */
  grafanaServiceAccount(serviceAccount: string): string {
    return `${this.release}-${serviceAccount}`;
  }

  /** The public URL of this Grafana. */
  static grafanaUrl(host: string): string {
    return `https://grafana.${host}`;
  }
}

export const GROUP_ROLES = ['admin', 'editor', 'viewer'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Keys of the operator's admin-credentials Secret. */
export const ADMIN_USER_KEY = 'GF_SECURITY_ADMIN_USER';
export const ADMIN_PASSWORD_KEY = 'GF_SECURITY_ADMIN_PASSWORD';

/** Max length of a Job name: the Job controller copies it into a label value. */
export const MAX_JOB_NAME_LENGTH = 63;

/** Key of the OIDC client secret in its Secret. */
export const CLIENT_SECRET_KEY = 'client-secret';

/** Max length of a label value, which the clientId is used as. */
export const MAX_CLIENT_ID_LENGTH = 63;

const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);
const DNS_NAME = new RegExp(DNS_NAME_PATTERN);

/** Helm's release-name limit; also keeps `<release>-service` a valid Service name (DNS-1035). */
export const MAX_RELEASE_LENGTH = 53;
const RELEASE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isReleaseName(value: string): boolean {
  return value.length <= MAX_RELEASE_LENGTH && RELEASE_NAME.test(value);
}

export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

export function isDnsName(value: string): boolean {
  return value.length <= 253 && DNS_NAME.test(value);
}
