import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

describe('the package', () => {
  test('loads by name, as the README\'s library example does', () => {
    // GIVEN the project linked into a node_modules folder, like an install
    const dir = mkdtempSync(join(tmpdir(), 'gt-pkg-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(resolve(__dirname, '..'), join(dir, 'node_modules', 'grafana-tenancy'), 'dir');
    // WHEN a consumer requires it and renders an instance
    const script = `
      const api = require('grafana-tenancy');
      const objects = api.renderInstance({ namespace: 'tenant-acme', release: 'monitoring', values: { host: 'acme.example.org' } });
      console.log(typeof api.TenantMonitoring, typeof api.MonitoringInstance, api.OidcMode.SYSTEM, objects.map((o) => o.kind).join(','), typeof api.fail);`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
    // THEN the entry point resolves and works, and exports the public API only (no internals like `fail`)
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function function System Grafana undefined');
  });
});
