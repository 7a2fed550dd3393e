import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { InstanceValuesInput } from '../../src/config/schema';
import { Manifest, renderInstance } from '../../src/render/render';

/** The cluster API the Keycloak objects need (System mode). */
export const WITH_KEYCLOAK_API = ['v1.edp.epam.com/v1'];

/** Platform settings of a cluster with platform OIDC on. */
export const PLATFORM: InstanceValuesInput['platform'] = {
  oidc: {
    enabled: true,
    issuerUrl: 'https://keycloak.example.org/realms/cozy',
    realmRef: { kind: 'ClusterKeycloakRealm', name: 'cozy' },
    groupsClientScope: 'groups',
    grafanaAdminInstance: 'cozy-monitoring/monitoring-system',
  },
};

export const TENANT = { namespace: 'tenant-acme', release: 'monitoring', host: 'acme.example.org' };

/** Values of a System-mode tenant, with optional overrides of the oidc block. */
export function systemValues(oidc: InstanceValuesInput['oidc'] = {}): InstanceValuesInput {
  return { host: TENANT.host, oidc: { mode: 'System', ...oidc }, platform: PLATFORM };
}

/** Renders a System-mode instance of tenant-acme (or the given namespace/release). */
export function renderSystem(
  oidc: InstanceValuesInput['oidc'] = {},
  where: { namespace?: string; release?: string } = {},
): Manifest[] {
  return renderInstance({
    namespace: where.namespace ?? TENANT.namespace,
    release: where.release ?? TENANT.release,
    values: systemValues(oidc),
    apiVersions: WITH_KEYCLOAK_API,
  });
}

/** The single object of `kind` (fails the test when there is not exactly one). */
export function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

export function kinds(manifests: Manifest[]): string[] {
  return manifests.map((m) => m.kind).sort();
}

/**
 * `Testing.app()` with one fixed outdir: tests synthesize charts in memory, and the default
 * makes a new temp folder per app that nothing ever removes.
 */
export function testApp(): App {
  return Testing.app({ outdir: join(tmpdir(), 'grafana-tenancy-test-outdir') });
}
