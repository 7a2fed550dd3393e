import { ApiObject } from 'cdk8s';
import * as k8s from '../../imports/k8s';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
  ExternalSecretSpecDataFromSourceRefStoreRefKind,
  ExternalSecretSpecRefreshPolicy,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secrets';
import { Password } from '../../imports/external-secrets-generators';
import { CLIENT_SECRET_KEY, InstanceNames } from '../naming';

export interface OidcClientSecretProps {
  readonly names: InstanceNames;
  /**
   * A Secret the user manages (key `client-secret`); nothing is rendered for it.
   * @default - a Secret generated once by External Secrets' Password generator
   */
  readonly existingSecret?: string;
}

/** Length of a generated client secret. */
export const CLIENT_SECRET_LENGTH = 32;

/** The key the Password generator writes on every ESO version (`spec.secretKeys` is v1.1.1+ only). */
export const PASSWORD_GENERATOR_KEY = 'password';

/** The Secret holding a tenant's client secret: `existingSecret` when given (not empty), else the one {@link OidcClientSecret} generates. */
export function clientSecretName(names: InstanceNames, existingSecret: string | undefined): string {
  return existingSecret || names.generatedClientSecret;
}

/** Where External Secrets reaches this cluster's API from inside it (the `kubernetes` Service). */
export const IN_CLUSTER_API_URL = 'https://kubernetes.default.svc';

/**
 * The Keycloak client secret, without its value ever being rendered, and never rotated once it
 * exists (docs/client-secret.md). One ExternalSecret (`refreshPolicy: CreatedOnce`) with two
 * `dataFrom` sources, merged in order:
 *
 * 1. the Password generator (key `password` renamed to `client-secret`): a fresh value;
 * 2. an `extract` of the target Secret itself through a `kubernetes`-provider SecretStore whose
 *    ServiceAccount may `get` only that Secret: when the Secret already exists, its value wins.
 *
 * A missing Secret (first creation) is a "no secret" result that External Secrets skips because
 * `deletionPolicy` is `Merge` (with `Retain` it would fail the sync instead), so the generated value
 * is stored. When the ExternalSecret is deleted and re-created (Helm reinstall, Argo CD replace, a
 * moved release) its status is new and it syncs again, but the existing value overrides the newly
 * generated one: the Keycloak client and the Grafana pods keep working.
 */
export class OidcClientSecret extends Construct {
  /** Name of the Secret that holds the client secret under key `client-secret`. */
  readonly secretName: string;
  /** The `ExternalSecret` that generates it; undefined for an `existingSecret` (also `node.defaultChild`). */
  readonly externalSecret?: ExternalSecret;

  constructor(scope: Construct, id: string, props: OidcClientSecretProps) {
    super(scope, id);
    this.secretName = clientSecretName(props.names, props.existingSecret);
    if (props.existingSecret) return;
    const name = this.secretName;

    const reader = `${name}-reader`;

    new Password(this, 'generator', {
      metadata: { name, namespace: props.names.namespace },
      spec: {
        length: CLIENT_SECRET_LENGTH,
        digits: 8,
        symbols: 0,
        noUpper: false,
        allowRepeat: true,
      },
    });

    // The identity External Secrets reads the existing value with: a token is requested for it
    // (TokenRequest API); it is never mounted into a pod.
    new k8s.KubeServiceAccount(this, 'reader', {
      metadata: { name: reader, namespace: props.names.namespace },
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, 'reader-role', {
      metadata: { name: reader, namespace: props.names.namespace },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [name], verbs: ['get'] }],
    });
    new k8s.KubeRoleBinding(this, 'reader-binding', {
      metadata: { name: reader, namespace: props.names.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: reader },
      subjects: [{ kind: 'ServiceAccount', name: reader, namespace: props.names.namespace }],
    });
    new ApiObject(this, 'store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name, namespace: props.names.namespace },
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: props.names.namespace,
            server: {
              url: IN_CLUSTER_API_URL,
              // Published into every namespace by kube-controller-manager.
              caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' },
            },
            auth: { serviceAccount: { name: reader } },
          },
        },
      },
    });

    this.externalSecret = new ExternalSecret(this, 'external-secret', {
      metadata: { name, namespace: props.names.namespace },
      spec: {
        refreshPolicy: ExternalSecretSpecRefreshPolicy.CREATED_ONCE,
        target: {
          name,
          // No owner reference: deleting the ExternalSecret (a mode change, an uninstall) must not
          // delete the Secret under a live Keycloak client.
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.ORPHAN,
          // Merge, not Retain: a missing source (the target Secret before its first sync) is then
          // skipped instead of failing the sync.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.MERGE,
        },
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: 'generators.external-secrets.io/v1alpha1',
                kind: ExternalSecretSpecDataFromSourceRefGeneratorRefKind.PASSWORD,
                name,
              },
            },
            rewrite: [{ regexp: { source: `^${PASSWORD_GENERATOR_KEY}$`, target: CLIENT_SECRET_KEY } }],
          },
          // Later sources override earlier keys: an existing value is kept.
          { extract: { key: name }, sourceRef: { storeRef: { kind: ExternalSecretSpecDataFromSourceRefStoreRefKind.SECRET_STORE, name } } },
        ],
      },
    });
    this.node.defaultChild = this.externalSecret;
  }
}
