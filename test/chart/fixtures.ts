/*
 * Where each charts/grafana-tenancy/ci/*-values.yaml fixture is rendered: values files cannot say
 * (namespace and release come from the Helm release), so the parity suite takes them from here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KEYCLOAK_API_VERSION } from '../../src/config/checks';
import { MessageKey } from '../../src/config/messages';
import { CHART_DIR } from './renderers';

export const CI_DIR = join(CHART_DIR, 'ci');
export const FAILURES_DIR = join(__dirname, 'failures');

export interface CiFixture {
  readonly file: string;
  readonly namespace: string;
  readonly release: string;
  readonly apiVersions: readonly string[];
  /** Helm-only values the cdk8s renderer refuses with this catalogue message. */
  readonly helmOnly?: MessageKey;
  /** Renders the token bootstrap: objects with a component label, some in the Secret's namespace, an empty Secret. */
  readonly tokenBootstrap?: boolean;
}

const keycloak = [KEYCLOAK_API_VERSION];

export const CI_FIXTURES: readonly CiFixture[] = [
  { file: 'none-values.yaml', namespace: 'tenant-umbrella', release: 'monitoring', apiVersions: [] },
  // The system fixtures name the Keycloak API in their `apiVersions` value (helm lint cannot pass
  // the flag); one also passes the flag, which adds to the value.
  { file: 'system-values.yaml', namespace: 'tenant-acme', release: 'monitoring', apiVersions: keycloak },
  { file: 'system-platform-values.yaml', namespace: 'cozy-monitoring', release: 'monitoring-system', apiVersions: [] },
  { file: 'system-existingsecret-values.yaml', namespace: 'tenant-hooli', release: 'grafana', apiVersions: [] },
  { file: 'system-helmlookup-values.yaml', namespace: 'tenant-acme', release: 'monitoring', apiVersions: [], helmOnly: 'helmLookupNeedsHelm' },
  { file: 'customconfig-inline-values.yaml', namespace: 'tenant-globex', release: 'monitoring', apiVersions: [] },
  { file: 'customconfig-secretref-values.yaml', namespace: 'tenant-initech', release: 'monitoring', apiVersions: [] },
  { file: 'token-kubernetes-secret-values.yaml', namespace: 'tenant-acme', release: 'monitoring', apiVersions: [], tokenBootstrap: true },
  { file: 'token-other-namespace-values.yaml', namespace: 'tenant-acme', release: 'grafana', apiVersions: [], tokenBootstrap: true },
  { file: 'token-aws-values.yaml', namespace: 'tenant-hooli', release: 'monitoring', apiVersions: [], tokenBootstrap: true },
  { file: 'token-operator-values.yaml', namespace: 'tenant-globex', release: 'monitoring', apiVersions: [], tokenBootstrap: true },
  { file: 'datasources-mimir-loki-values.yaml', namespace: 'tenant-acme', release: 'monitoring', apiVersions: [] },
  { file: 'datasources-amp-sigv4-values.yaml', namespace: 'tenant-hooli', release: 'grafana', apiVersions: [] },
];

export function ciFixturePath(f: CiFixture): string {
  return join(CI_DIR, f.file);
}

export function ciFixtureFiles(): string[] {
  return readdirSync(CI_DIR).filter((f) => f.endsWith('-values.yaml')).sort();
}

/** A values file that both renderers must refuse with the same catalogue message. */
export interface FailureFixture {
  readonly file: string;
  readonly namespace: string;
  readonly release: string;
  readonly apiVersions: readonly string[];
  /** The expected failure: a catalogue key and its printf arguments. */
  readonly expect: { readonly key: MessageKey; readonly args: readonly unknown[] };
  readonly values: unknown;
}

export function loadFailureFixtures(): FailureFixture[] {
  return readdirSync(FAILURES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const doc = parse(readFileSync(join(FAILURES_DIR, file), 'utf8'));
      return { file, apiVersions: [], ...doc, expect: { args: [], ...doc.expect } } as FailureFixture;
    });
}
