import { TokenSink } from '../config/choices';
import { InstanceValues } from '../config/schema';
import { InstanceNames } from '../naming';
import { PartValues } from '../instance-parts';

type TokenValues = InstanceValues['serviceAccountToken'];
type ImageValues = TokenValues['image'];

/** The token bootstrap's values with every "empty means default" resolved against the instance. */
export interface TokenSettings {
  readonly names: InstanceNames;
  readonly values: TokenValues;
  readonly sink: TokenSink;
  readonly grafanaUrl: string;
  readonly adminSecret: string;
  /** Where the Kubernetes Secret sink (and the grafana-operator sink) puts the token. */
  readonly secret: { readonly namespace: string; readonly name: string; readonly key: string };
  readonly nodeImage: string;
  readonly awsImage: string;
}

/** Resolves defaults; call only after `checkInstance` accepted the values. */
export function tokenSettings(names: InstanceNames, values: PartValues<'token'>): TokenSettings {
  const token = values.serviceAccountToken;
  const secret = token.sink.kubernetesSecret;
  const secretNamespace = secret.namespace || names.namespace;
  return {
    names,
    values: token,
    sink: token.sink.type,
    grafanaUrl: token.grafanaUrl || names.grafanaServiceUrl,
    adminSecret: token.adminCredentials.secretName || names.adminCredentials,
    secret: {
      namespace: secretNamespace,
      name: secret.name || names.tokenSecret(token.serviceAccountName, secretNamespace),
      key: secret.key,
    },
    nodeImage: imageRef(token.image),
    awsImage: imageRef(token.sink.awsSecretsManager.image),
  };
}

/** `registry/repository:tag`, or `registry/repository@sha256:...` when the tag is a digest. */
export function imageRef(image: ImageValues): string {
  const repository = image.registry ? `${image.registry}/${image.repository}` : image.repository;
  return image.tag.startsWith('sha256:') || image.tag.startsWith('@') ? `${repository}@${image.tag.replace(/^@/, '')}` : `${repository}:${image.tag}`;
}
