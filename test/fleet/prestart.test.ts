import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runBin } from '../cli/run-cli';
import { fleetDocument, tempDir } from './fleet-fixtures';

/*
 * Integration: the real executable. A fleet file of 700 tenants makes synth start its two render
 * workers before the fleet is checked (their start-up overlaps the checks); these hold it to the
 * same outcomes as without them.
 */
describe('synth of a fleet file large enough to start the render workers early', () => {
  const tenants = (count: number) => Array.from({ length: count }, (_, i) => ({ namespace: `tenant-${i}`, mode: 'None' as const }));

  test('GIVEN 700 valid tenants WHEN synthesized with two workers THEN every tenant folder is written and the command exits 0', () => {
    const dir = tempDir();
    const file = join(dir, 'tenants.yaml');
    writeFileSync(file, stringify(fleetDocument(tenants(700))));
    const result = runBin(['synth', '-f', file, '-d', join(dir, 'out'), '-j', '2', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(join(dir, 'out')).filter((f) => f.startsWith('tenant-'))).toHaveLength(700);
  });

  test('GIVEN 700 tenants, one invalid WHEN synthesized THEN it exits 1 naming the problem, writes nothing, and the started workers do not keep it running', () => {
    const dir = tempDir();
    const file = join(dir, 'tenants.yaml');
    const document = fleetDocument(tenants(700)) as { tenants: Record<string, unknown>[] };
    document.tenants[650].host = 42;
    writeFileSync(file, stringify(document));
    const started = Date.now();
    const result = runBin(['synth', '-f', file, '-d', join(dir, 'out'), '-j', '2']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tenants[650] (tenant-650/monitoring): host');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // An idle worker left running would hold the process until the test's own timeout.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
