import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
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

/**
 * The Keycloak client secret, without its value ever being rendered: an ExternalSecret with a
 * Password generator creates it once (`refreshPolicy: CreatedOnce`) and keeps it stable.
 */
export class OidcClientSecret extends Construct {
  /** Name of the Secret that holds the client secret under key `client-secret`. */
  readonly secretName: string;
  /** The `ExternalSecret` that generates it; undefined for an `existingSecret` (also `node.defaultChild`). */
  readonly externalSecret?: ExternalSecret;

  constructor(scope: Construct, id: string, props: OidcClientSecretProps) {
    super(scope, id);
    if (props.existingSecret) {
      this.secretName = props.existingSecret;
      return;
    }
    const name = props.names.generatedClientSecret;
    this.secretName = name;

    new Password(this, 'generator', {
      metadata: { name, namespace: props.names.namespace },
      spec: {
        length: CLIENT_SECRET_LENGTH,
        digits: 8,
        symbols: 0,
        noUpper: false,
        allowRepeat: true,
        secretKeys: [CLIENT_SECRET_KEY],
      },
    });

    this.externalSecret = new ExternalSecret(this, 'external-secret', {
      metadata: { name, namespace: props.names.namespace },
      spec: {
        refreshPolicy: ExternalSecretSpecRefreshPolicy.CREATED_ONCE,
        target: {
          name,
          // No owner reference: deleting or re-creating the ExternalSecret (a mode change, a
          // re-sync) must not delete the Secret and rotate it under a live Keycloak client.
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.ORPHAN,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
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
          },
        ],
      },
    });
    this.node.defaultChild = this.externalSecret;
  }
}
