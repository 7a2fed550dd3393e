import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHART_DIR, cliRender, compareRenders, KUBE_VERSION, parseStream, requireTools, runHelm } from './renderers';

beforeAll(() => requireTools());

describe('as a subchart', () => {
  test('GIVEN an umbrella chart with global values WHEN rendered THEN the schema accepts them and the objects equal a direct render', async () => {
    // GIVEN an umbrella chart that depends on this one and sets globals (Helm passes `global` to every subchart)
    const umbrella = mkdtempSync(join(tmpdir(), 'gt-umbrella-'));
    cpSync(CHART_DIR, join(umbrella, 'charts', 'grafana-tenancy'), { recursive: true });
    writeFileSync(join(umbrella, 'Chart.yaml'), stringify({
      apiVersion: 'v2', name: 'platform', version: '1.0.0',
      dependencies: [{ name: 'grafana-tenancy', version: '0.1.0' }],
    }));
    const values = { host: 'acme.example.org', oidc: { mode: 'None' } };
    writeFileSync(join(umbrella, 'values.yaml'), stringify({ global: { imageRegistry: 'registry.example.org' }, 'grafana-tenancy': values }));
    const direct = join(umbrella, 'direct-values.yaml');
    writeFileSync(direct, stringify({ ...values, global: { imageRegistry: 'registry.example.org' } }));

    // WHEN both render
    const helm = await runHelm(['template', 'monitoring', umbrella, '-n', 'tenant-acme', '--kube-version', KUBE_VERSION]);
    const cli = await cliRender({ namespace: 'tenant-acme', release: 'monitoring', valuesFiles: [direct] });

    // THEN both succeed with the same objects
    expect({ ok: helm.ok, stderr: helm.stderr }).toEqual({ ok: true, stderr: '' });
    expect(cli.ok).toBe(true);
    expect(compareRenders(parseStream(helm.stdout), parseStream(cli.stdout))).toBe('');
  });
});
