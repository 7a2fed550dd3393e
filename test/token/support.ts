import { Testing } from 'cdk8s';
import { InstanceValuesInput } from '../../src/config/schema';
import { MonitoringInstance } from '../../src/monitoring-instance';
import { Manifest } from '../../src/render/render';
import { TENANT, testApp } from '../support/fixtures';

export type TokenValues = NonNullable<InstanceValuesInput['serviceAccountToken']>;

/** Values of a tenant (mode None) with the token bootstrap on for `kagent`, plus overrides. */
export function tokenValues(token: TokenValues = {}): InstanceValuesInput {
  return { host: TENANT.host, serviceAccountToken: { enabled: true, serviceAccountName: 'kagent', role: 'Admin', ...token } };
}

/** Synthesizes tenant-acme/monitoring with the given token values through `testApp()`. */
export function synthToken(token: TokenValues = {}, where: { namespace?: string; release?: string } = {}): Manifest[] {
  const chart = new MonitoringInstance(testApp(), 'test', {
    namespace: where.namespace ?? TENANT.namespace,
    release: where.release ?? TENANT.release,
    values: tokenValues(token),
  });
  return Testing.synth(chart);
}

/** The objects of the token bootstrap (everything but the rest of the instance). */
export function tokenObjects(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => m.metadata?.labels?.['app.kubernetes.io/component'] === 'token-bootstrap');
}

export function find(manifests: Manifest[], kind: string): Manifest | undefined {
  return manifests.find((m) => m.kind === kind);
}

/** Init containers then containers, in the order the kubelet starts them. */
export function podContainers(job: Manifest): Manifest[] {
  const spec = job.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

export function envOf(container: Manifest): Record<string, unknown> {
  return Object.fromEntries((container.env ?? []).map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
}

export const AWS_SINK: TokenValues = {
  sink: {
    type: 'aws-secrets-manager',
    awsSecretsManager: {
      secretId: 'kagent/grafana/api-key',
      region: 'us-east-1',
      endpointUrl: 'http://localstack.localstack.svc:4566',
      credentialsSecret: 'localstack-credentials',
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/grafana-token' },
    },
  },
};
