import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../fleet/fleet-fixtures';
import { BIN } from '../cli/run-cli';

/*
 * bin/grafana-tenancy is a shell script that starts node from the CLI's V8 start-up snapshot
 * (lib/bundle/cli.blob, made by scripts/bundle.js) only when the snapshot's stamp fits, and the
 * bundle otherwise. These tests run copies of the install with stamps that do and do not fit.
 */

const LIB = resolve(__dirname, '..', '..', 'lib');
const FIXTURE = resolve(__dirname, '..', '..', 'charts', 'grafana-tenancy', 'ci', 'token-operator-values.yaml');
const RENDER = ['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', FIXTURE, '-a', 'v1.edp.epam.com/v1', '-a', 'external-secrets.io/v1'];

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function startOf(command: string, env?: NodeJS.ProcessEnv): string {
  const result = run(command, ['version', '-o', 'json'], env);
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout).start;
}

/** A copy of bin/ and lib/bundle/ (lib/src shared by a link) whose stamp the test may rewrite. */
function copyInstall(): { bin: string; bundle: string; stamp: string } {
  const root = tempDir();
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'lib', 'bundle'), { recursive: true });
  copyFileSync(BIN, join(root, 'bin', 'grafana-tenancy'));
  symlinkSync(join(LIB, 'src'), join(root, 'lib', 'src'), 'dir');
  copyFileSync(join(LIB, '.tsbuildinfo'), join(root, 'lib', '.tsbuildinfo'));
  const bundle = join(root, 'lib', 'bundle');
  for (const file of ['cli.js', 'cli.js.cache', 'render-worker.js', 'cli.blob']) copyFileSync(join(LIB, 'bundle', file), join(bundle, file));
  // The copies are newer than the compiled sources, as after a build.
  utimesSync(join(root, 'lib', '.tsbuildinfo'), new Date(2000), new Date(2000));
  const [node, , flags] = readFileSync(join(LIB, 'bundle', 'cli.blob.stamp'), 'utf8').split('\n');
  const stamp = join(bundle, 'cli.blob.stamp');
  writeStamp(stamp, [node, bundle, flags]);
  return { bin: join(root, 'bin', 'grafana-tenancy'), bundle, stamp };
}

/** A stamp as the build writes it: the lines, and the node binary's modification time. */
function writeStamp(stamp: string, lines: string[], mtimeOf = process.execPath): void {
  writeFileSync(stamp, `${lines.join('\n')}\n`);
  expect(spawnSync('touch', ['-r', mtimeOf, stamp]).status).toBe(0);
}

describe('the start-up snapshot', () => {
  test('GIVEN a build WHEN the command runs THEN it starts from the snapshot and renders the bytes the bundle renders', () => {
    expect(startOf(BIN)).toBe('snapshot');
    const fromSnapshot = run(BIN, RENDER);
    const fromBundle = run(process.execPath, [BIN, ...RENDER]);
    expect(fromSnapshot.status).toBe(0);
    expect(fromSnapshot.stdout).toContain('kind: Grafana');
    expect(fromSnapshot.stdout).toBe(fromBundle.stdout);
    expect(fromSnapshot.stderr).toBe('');
  });

  test('GIVEN either start WHEN the command runs THEN node sizes V8\'s background threads to the machine (--v8-pool-size=0), not to a fixed 4', () => {
    // A preloaded probe prints the options node started with; NODE_OPTIONS reaches both starts.
    const probe = join(tempDir(), 'probe.js');
    writeFileSync(probe, 'process.stderr.write(JSON.stringify(process.execArgv));');
    const env = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
    for (const extra of [{}, { GRAFANA_TENANCY_NO_SNAPSHOT: '1' }]) {
      const result = run(BIN, ['version'], { ...env, ...extra });
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stderr)).toContain('--v8-pool-size=0');
    }
  });

  test('GIVEN the snapshot WHEN --version, --help or -h is asked THEN the CLI answers, not node', () => {
    expect(run(BIN, ['--version']).stdout).toMatch(/^grafana-tenancy \d+\.\d+\.\d+/);
    expect(run(BIN, ['--help']).stdout).toMatch(/^Usage: grafana-tenancy <command>/);
    expect(run(BIN, ['render', '-h']).stdout).toMatch(/^Usage: grafana-tenancy render/);
  });

  test('GIVEN the snapshot WHEN a fleet is synthesised with worker threads THEN the files are those of the bundle', () => {
    const dir = tempDir();
    const tenants = Array.from({ length: 610 }, (_, i) => `  - namespace: tenant-${i}\n    release: monitoring\n    host: t${i}.example.org\n    oidc:\n      mode: None\n`);
    writeFileSync(join(dir, 'tenants.yaml'), `tenants:\n${tenants.join('')}`);
    const fromSnapshot = run(BIN, ['synth', '-f', join(dir, 'tenants.yaml'), '-d', join(dir, 'a'), '-j', '2', '-q']);
    const fromBundle = run(process.execPath, [BIN, 'synth', '-f', join(dir, 'tenants.yaml'), '-d', join(dir, 'b'), '-j', '2', '-q']);
    expect(fromSnapshot).toMatchObject({ status: 0, stderr: '' });
    expect(fromBundle.status).toBe(0);
    for (const i of [0, 305, 609]) {
      expect(readFileSync(join(dir, 'a', `tenant-${i}`, 'monitoring.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'b', `tenant-${i}`, 'monitoring.yaml'), 'utf8'));
    }
  });

  test('GIVEN NODE_EXTRA_CA_CERTS WHEN the command runs THEN node does not load it (the CLI opens no TLS connection)', () => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' };
    // node itself warns about an extra CA file it cannot load: proof that it tried
    expect(run(process.execPath, ['-e', '0'], env).stderr).toMatch(/extra certs/);
    const result = run(BIN, ['--version'], env);
    expect(result).toMatchObject({ status: 0, stderr: '' });
  });

  test('GIVEN GRAFANA_TENANCY_NO_SNAPSHOT WHEN the command runs THEN it starts the bundle', () => {
    expect(startOf(BIN, { ...process.env, GRAFANA_TENANCY_NO_SNAPSHOT: '1' })).toBe('bundle');
  });

  describe('GIVEN a copy of the install', () => {
    test('WHEN its stamp fits THEN it starts from the snapshot, also through a symbolic link as npm installs it', () => {
      const { bin } = copyInstall();
      expect(startOf(bin)).toBe('snapshot');
      const link = join(tempDir(), 'grafana-tenancy');
      symlinkSync(bin, link);
      expect(startOf(link)).toBe('snapshot');
    });

    test('WHEN the stamp names another node binary THEN it starts the bundle', () => {
      const { bin, bundle, stamp } = copyInstall();
      const [, , flags] = readFileSync(stamp, 'utf8').split('\n');
      writeStamp(stamp, ['/bin/sh', bundle, flags], '/bin/sh');
      expect(startOf(bin)).toBe('bundle');
    });

    test('WHEN node was replaced in place (another modification time) THEN it starts the bundle', () => {
      const { bin, stamp } = copyInstall();
      utimesSync(stamp, new Date(3000), new Date(3000));
      expect(startOf(bin)).toBe('bundle');
    });

    test('WHEN the stamp names another folder (an install that was moved) THEN it starts the bundle', () => {
      const { bin, stamp } = copyInstall();
      const [node, , flags] = readFileSync(stamp, 'utf8').split('\n');
      writeStamp(stamp, [node, join(LIB, 'bundle'), flags]);
      expect(startOf(bin)).toBe('bundle');
    });

    test('WHEN the sources were compiled after the snapshot THEN it starts the bundle, or the sources', () => {
      const { bin, bundle } = copyInstall();
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(bundle, '..', '.tsbuildinfo'), later, later);
      // newer sources than the bundle as well: the compiled sources run
      expect(startOf(bin)).toBe('sources');
    });

    test('WHEN there is no stamp or no snapshot THEN it starts the bundle, with nothing on stderr', () => {
      const { bin, bundle, stamp } = copyInstall();
      rmSync(stamp);
      expect(run(bin, ['version', '-o', 'json'])).toMatchObject({ status: 0, stderr: '' });
      expect(startOf(bin)).toBe('bundle');
      rmSync(join(bundle, 'cli.blob'));
      expect(startOf(bin)).toBe('bundle');
    });
  });
});
