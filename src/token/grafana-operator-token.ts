import { Construct } from 'constructs';
import { GrafanaServiceAccount, GrafanaServiceAccountSpecRole } from '../../imports/grafana';
import { TOKEN_COMPONENT_LABELS } from './token-bootstrap-job';
import { TokenSettings } from './token-settings';

export interface GrafanaOperatorTokenProps {
  readonly settings: TokenSettings;
}

/**
 * Sink `grafana-operator`: a GrafanaServiceAccount CR instead of the Job. The operator (v5.20+)
 * keeps the account and a token in sync and writes key `token` of a Secret in the CR's own
 * namespace, for org 1 only, without a relative lifetime (the checks refuse other settings).
 */
export class GrafanaOperatorToken extends Construct {
  /** The `GrafanaServiceAccount` (also `node.defaultChild`). */
  readonly serviceAccount: GrafanaServiceAccount;

  constructor(scope: Construct, id: string, props: GrafanaOperatorTokenProps) {
    super(scope, id);
    const { names, values, secret } = props.settings;
    this.serviceAccount = new GrafanaServiceAccount(this, 'service-account', {
      metadata: { name: names.grafanaServiceAccount(values.serviceAccountName), namespace: names.namespace, labels: TOKEN_COMPONENT_LABELS },
      spec: {
        instanceName: names.grafana,
        name: values.serviceAccountName,
        role: values.role as GrafanaServiceAccountSpecRole,
        isDisabled: false,
        tokens: [{ name: values.serviceAccountName, secretName: secret.name }],
      },
    });
    this.node.defaultChild = this.serviceAccount;
  }
}
