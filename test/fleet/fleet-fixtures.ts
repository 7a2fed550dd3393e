import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fleet, parseFleet } from '../../src/config/fleet';
import { PLATFORM } from '../support/fixtures';

/** A fresh temporary folder for one test. */
export function tempDir(prefix = 'gt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TenantSpec {
  readonly namespace: string;
  readonly release?: string;
  readonly mode?: 'None' | 'System' | 'CustomConfig';
  readonly [field: string]: unknown;
}

/** A fleet document: platform OIDC on, the Keycloak API served, one entry per spec. */
export function fleetDocument(specs: readonly TenantSpec[]): object {
  return {
    apiVersions: ['v1.edp.epam.com/v1'],
    defaults: { platform: PLATFORM },
    tenants: specs.map(({ namespace, release = 'monitoring', mode = 'None', ...rest }) => ({
      namespace,
      release,
      host: `${release}.${namespace}.example.org`,
      oidc: mode === 'CustomConfig' ? { mode, customConfig: { secretRef: { name: 'oauth' } } } : { mode },
      ...rest,
    })),
  };
}

export function fleetOf(specs: readonly TenantSpec[]): Fleet {
  return parseFleet(fleetDocument(specs), 'fleet.yaml');
}

/** `count` tenants cycling through the three modes. */
export function mixedFleet(count: number): Fleet {
  const modes = ['System', 'CustomConfig', 'None'] as const;
  return fleetOf(Array.from({ length: count }, (_, i) => ({ namespace: `tenant-${i}`, mode: modes[i % 3] })));
}
