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
    this.clientId = `${namespace}-${release}`;
    this.grafana = release;
    this.keycloakClient = release;
    this.audienceScope = `${this.clientId}-audience`;
    this.audienceScopeObject = `${release}-audience`;
    this.generatedClientSecret = `${release}-oidc-client`;
  }

  /** Keycloak group granting `role` (admin, editor, viewer) in this instance. */
  group(role: GroupRole): string {
    return `${this.clientId}-${role}`;
  }

  /** Kubernetes name of the KeycloakRealmGroup object for `role`. */
  groupObject(role: GroupRole): string {
    return `${this.release}-${role}`;
  }

  /** The public URL of this Grafana. */
  static grafanaUrl(host: string): string {
    return `https://grafana.${host}`;
  }
}

export const GROUP_ROLES = ['admin', 'editor', 'viewer'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Key of the OIDC client secret in its Secret. */
export const CLIENT_SECRET_KEY = 'client-secret';

/** Max length of a label value, which the clientId is used as. */
export const MAX_CLIENT_ID_LENGTH = 63;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

export function isDnsName(value: string): boolean {
  return value.length <= 253 && DNS_NAME.test(value);
}
