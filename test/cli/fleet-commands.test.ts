import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CliIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';
import { BIN, runBin } from './run-cli';
import { fleetDocument, TenantSpec, tempDir } from '../fleet/fleet-fixtures';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'tenants.yaml');

function writeFleet(dir: string, specs: TenantSpec[], name = 'tenants.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(fleetDocument(specs)));
  return file;
}

/** An in-memory CliIo; `tty` decides whether progress may be drawn. */
function captureIo(tty: boolean): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stderrIsTty: tty, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('fleet commands on the example fleet (real executable)', () => {
  test('validate accepts it; synth renders it; a second synth writes nothing', () => {
    const out = tempDir();
    expect(runBin(['validate', '-f', EXAMPLE]).status).toBe(0);
    const first = runBin(['synth', '-f', EXAMPLE, '-d', out]);
    expect(first.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.grafana-tenancy-cache', '.grafana-tenancy-fleet', 'cozy-monitoring', 'tenant-acme', 'tenant-globex', 'tenant-initech', 'tenant-umbrella']);
    const second = runBin(['synth', '-f', EXAMPLE, '-d', out]);
    expect(second.stderr).toMatch(/ 0 written, 10 unchanged, 0 removed/);
  });

  test('validate lists every problem with its tenant and exits 1', () => {
    const dir = tempDir();
    const file = writeFleet(dir, [{ namespace: 'a-b', release: 'c' }, { namespace: 'a', release: 'b-c' }, { namespace: 'x', mode: 'Bogus' as never }]);
    const result = runBin(['validate', '-f', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes('(x/monitoring)') && l.includes('oidc.mode "Bogus"'))).toBe(true);
    expect(lines.some((l) => l.includes('clientId collision'))).toBe(true);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  test('diff --exit-code: 0 for the same fleet, 1 when something changed', () => {
    const dir = tempDir();
    const before = writeFleet(dir, [{ namespace: 'a' }, { namespace: 'b', mode: 'System' }], 'before.yaml');
    const after = writeFleet(dir, [{ namespace: 'a' }, { namespace: 'b' }], 'after.yaml');
    const same = runBin(['diff', before, before, '--exit-code']);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/No changes/);
    const changed = runBin(['diff', before, after, '--exit-code', '--output', 'json']);
    expect(changed.status).toBe(1);
    const report = JSON.parse(changed.stdout);
    expect(report.total.removed).toBeGreaterThan(0);
    expect(Object.keys(report.byTenant)).toEqual(['b/monitoring']);
    // AND without --exit-code a change is not a failure
    expect(runBin(['diff', before, after]).status).toBe(0);
  });

  test('GIVEN a report larger than a pipe holds WHEN its reader is slow THEN every byte arrives before the exit, with the exit code', async () => {
    const { syntheticFleetYaml } = require('../../scripts/synthetic-fleet');
    const dir = tempDir();
    const before = join(dir, 'before.yaml');
    const after = join(dir, 'after.yaml');
    writeFileSync(before, syntheticFleetYaml(300, 0));
    // A change to the defaults reaches every tenant's Grafana CR.
    writeFileSync(after, syntheticFleetYaml(300, 0).replace(/letsencrypt-prod/g, 'letsencrypt-staging'));
    const args = ['diff', before, after, '--exit-code'];
    const eager = runBin(args);
    expect(eager.stdout.length).toBeGreaterThan(2 * 64 * 1024); // twice a Linux pipe's capacity

    // WHEN the reader takes nothing for a while, then all of it
    const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(1);
    expect(out).toBe(eager.stdout);
  });

  test('diff compares a synthesized folder with a fleet file', () => {
    const dir = tempDir();
    const fleet = writeFleet(dir, [{ namespace: 'a' }]);
    const out = join(dir, 'out');
    expect(runBin(['synth', '-f', fleet, '-d', out, '-q']).status).toBe(0);
    expect(runBin(['diff', out, fleet, '--exit-code']).status).toBe(0);
  });

  test('diff --base compares the fleet file at a git ref with the working tree', () => {
    // GIVEN a repository whose committed fleet has tenant a, and a working copy that adds b
    const repo = tempDir();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    const file = writeFleet(repo, [{ namespace: 'a' }]);
    git('add', '.');
    git('commit', '-qm', 'fleet');
    writeFleet(repo, [{ namespace: 'a' }, { namespace: 'b' }]);
    // WHEN diffed against HEAD
    const result = runBin(['diff', '--base', 'HEAD', file, '--output', 'markdown', '--exit-code']);
    // THEN b's Grafana is added, reported as markdown
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/<details><summary>added Grafana b\/monitoring/);
    expect(result.stdout).not.toMatch(/summary>[^<]* a\/monitoring/);
  });

  test('add-tenant refuses a duplicate and leaves the file byte for byte', () => {
    const dir = tempDir();
    const file = join(dir, 'tenants.yaml');
    copyFileSync(EXAMPLE, file);
    const result = runBin(['add-tenant', '-f', file, '--namespace', 'tenant-acme', '--release', 'monitoring', '--host', 'x.example.org']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(EXAMPLE, 'utf8'));
  });
});

describe('progress', () => {
  test('is drawn on a TTY stderr, and not with --quiet or when stderr is not a TTY', async () => {
    const dir = tempDir();
    const fleet = writeFleet(dir, [{ namespace: 'a' }, { namespace: 'b' }]);
    const tty = captureIo(true);
    expect(await runCli(['synth', '-f', fleet, '-d', join(dir, 'o1'), '-j', '1'], tty)).toBe(0);
    expect(tty.err).toContain('\rrendered 2/2 (100%)');

    const quiet = captureIo(true);
    await runCli(['synth', '-f', fleet, '-d', join(dir, 'o2'), '--quiet'], quiet);
    expect(quiet.err).toBe('');

    const pipe = captureIo(false);
    await runCli(['synth', '-f', fleet, '-d', join(dir, 'o3')], pipe);
    expect(pipe.err).not.toContain('\r');
  });
});
