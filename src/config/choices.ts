/** How users log in to Grafana (`oidc.mode`). */
export const OidcMode = { NONE: 'None', SYSTEM: 'System', CUSTOM_CONFIG: 'CustomConfig' } as const;
export type OidcMode = (typeof OidcMode)[keyof typeof OidcMode];

/** A Grafana organization role (`serviceAccountToken.role`). */
export const GrafanaRole = { VIEWER: 'Viewer', EDITOR: 'Editor', ADMIN: 'Admin' } as const;
export type GrafanaRole = (typeof GrafanaRole)[keyof typeof GrafanaRole];

/** Role of realm users outside the instance's groups (`oidc.fallbackRole`); NONE refuses them. */
export const FallbackRole = { NONE: '', VIEWER: 'Viewer' } as const;
export type FallbackRole = (typeof FallbackRole)[keyof typeof FallbackRole];

/** Where the service-account token is stored (`serviceAccountToken.sink.type`). */
export const TokenSink = { KUBERNETES_SECRET: 'kubernetes-secret', AWS_SECRETS_MANAGER: 'aws-secrets-manager', GRAFANA_OPERATOR: 'grafana-operator' } as const;
export type TokenSink = (typeof TokenSink)[keyof typeof TokenSink];

/** Kind of the Keycloak realm object (`platform.oidc.realmRef.kind`). */
export const RealmKind = { KEYCLOAK_REALM: 'KeycloakRealm', CLUSTER_KEYCLOAK_REALM: 'ClusterKeycloakRealm' } as const;
export type RealmKind = (typeof RealmKind)[keyof typeof RealmKind];

/** How the OIDC client secret is produced (`oidc.clientSecret.generator`). */
export const ClientSecretGenerator = { EXTERNAL_SECRET: 'ExternalSecret', HELM_LOOKUP: 'HelmLookup' } as const;
export type ClientSecretGenerator = (typeof ClientSecretGenerator)[keyof typeof ClientSecretGenerator];
