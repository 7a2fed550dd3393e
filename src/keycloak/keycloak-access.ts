import { Construct } from 'constructs';
import {
  KeycloakClient,
  KeycloakClientScope,
  KeycloakClientScopeSpecRealmRefKind,
  KeycloakClientScopeSpecType,
  KeycloakClientSpecRealmRefKind,
  KeycloakRealmGroup,
  KeycloakRealmGroupSpecRealmRefKind,
} from '../../imports/keycloak';
import { CLIENT_SECRET_KEY, GROUP_ROLES, InstanceNames } from '../naming';

/** Annotations that keep GitOps tools and Helm from ever deleting an object. */
export const NO_PRUNE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'helm.sh/resource-policy': 'keep',
  'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

export interface KeycloakAccessProps {
  readonly names: InstanceNames;
  /** Tenant domain; Grafana lives at https://grafana.<host>. */
  readonly host: string;
  /** The realm object the client, scope and groups belong to. */
  readonly realmRef: { readonly kind: string; readonly name: string };
  /** Realm-wide client scope (owned by the platform) that puts group membership in the `groups` claim. */
  readonly groupsClientScope: string;
  /** Secret (same namespace) holding the client secret under key `client-secret`. */
  readonly clientSecretName: string;
}

/**
 * The Keycloak side of one instance: a confidential PKCE client, its audience scope and the
 * three role groups. Group objects are never pruned: deleting one drops all its members.
 */
export class KeycloakAccess extends Construct {
  /** The `KeycloakClient` (also `node.defaultChild`). */
  readonly client: KeycloakClient;

  constructor(scope: Construct, id: string, props: KeycloakAccessProps) {
    super(scope, id);
    const { names } = props;
    const grafanaUrl = InstanceNames.grafanaUrl(props.host);

    this.client = new KeycloakClient(this, 'client', {
      metadata: { name: names.keycloakClient, namespace: names.namespace },
      spec: {
        clientId: names.clientId,
        realmRef: { kind: props.realmRef.kind as KeycloakClientSpecRealmRefKind, name: props.realmRef.name },
        public: false,
        directAccess: false,
        // Never empty: the operator would write its own Secret and rewrite the spec (endless GitOps drift).
        secret: `$${props.clientSecretName}:${CLIENT_SECRET_KEY}`,
        webUrl: grafanaUrl,
        redirectUris: [`${grafanaUrl}/login/generic_oauth`],
        defaultClientScopes: [props.groupsClientScope, names.audienceScope],
        attributes: {
          'pkce.code.challenge.method': 'S256',
          'post.logout.redirect.uris': `${grafanaUrl}/login`,
        },
      },
    });

    new KeycloakClientScope(this, 'audience', {
      metadata: { name: names.audienceScopeObject, namespace: names.namespace },
      spec: {
        name: names.audienceScope,
        realmRef: { kind: props.realmRef.kind as KeycloakClientScopeSpecRealmRefKind, name: props.realmRef.name },
        protocol: 'openid-connect',
        type: KeycloakClientScopeSpecType.NONE,
        description: `Audience ${names.clientId} for APIs that check the aud claim`,
        protocolMappers: [
          {
            name: 'audience',
            protocol: 'openid-connect',
            protocolMapper: 'oidc-audience-mapper',
            config: {
              'included.client.audience': names.clientId,
              'access.token.claim': 'true',
              'id.token.claim': 'true',
              'introspection.token.claim': 'true',
            },
          },
        ],
      },
    });

    for (const role of GROUP_ROLES) {
      new KeycloakRealmGroup(this, `group-${role}`, {
        metadata: { name: names.groupObject(role), namespace: names.namespace, annotations: { ...NO_PRUNE_ANNOTATIONS } },
        spec: {
          name: names.group(role),
          realmRef: { kind: props.realmRef.kind as KeycloakRealmGroupSpecRealmRefKind, name: props.realmRef.name },
        },
      });
    }
    this.node.defaultChild = this.client;
  }
}
