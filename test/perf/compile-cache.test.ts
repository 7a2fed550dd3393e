import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBundleFresh, loadBundle, WRITE_CACHE_ENV } from '../../src/cli/compile-cache';
import { tempDir } from '../fleet/fleet-fixtures';
import { runBin } from '../cli/run-cli';

describe('the CLI bundle and its code cache', () => {
  test('GIVEN a bundle older than the last tsc run THEN it is not fresh (bin falls back to lib/src)', () => {
    const dir = tempDir();
    const bundle = join(dir, 'cli.js');
    const info = join(dir, '.tsbuildinfo');
    writeFileSync(bundle, '');
    writeFileSync(info, '');
    utimesSync(bundle, new Date(2000), new Date(2000));
    expect(isBundleFresh(bundle, info)).toBe(false);
    utimesSync(info, new Date(1000), new Date(1000));
    expect(isBundleFresh(bundle, info)).toBe(true);
    // a missing file is never fresh
    expect(isBundleFresh(join(dir, 'missing.js'), info)).toBe(false);
  });

  test('GIVEN a code cache that does not match the bundle WHEN loaded THEN V8 rejects it and the bundle runs all the same', () => {
    const dir = tempDir();
    const bundle = join(dir, 'b.js');
    writeFileSync(bundle, `exports.answer = require('node:path').basename(__filename) + ':' + (40 + 2);`);
    writeFileSync(`${bundle}.cache`, Buffer.from('not a V8 code cache'));
    expect(loadBundle(bundle).answer).toBe('b.js:42');
  });

  test('GIVEN no cache WHEN loaded with the build-time variable THEN a cache is written at exit, and the bundle loads with it', () => {
    expect(WRITE_CACHE_ENV).toBe('GRAFANA_TENANCY_WRITE_COMPILE_CACHE');
    const dir = tempDir();
    const bundle = join(dir, 'b.js');
    writeFileSync(bundle, 'exports.f = (x) => x * 2; exports.f(1);');
    const script = `const { loadBundle } = require(${JSON.stringify(join(__dirname, '../../lib/src/cli/compile-cache.js'))}); loadBundle(${JSON.stringify(bundle)});`;
    const result = require('node:child_process').spawnSync(process.execPath, ['-e', script], { env: { ...process.env, [WRITE_CACHE_ENV]: `${bundle}.cache` } });
    expect(result.status).toBe(0);
    expect(existsSync(`${bundle}.cache`)).toBe(true);
    expect(loadBundle(bundle).f(21)).toBe(42);
  });

  test('GIVEN the built bundle WHEN bin runs --help and a render THEN it answers like the compiled sources', () => {
    // pretest builds lib/bundle; bin uses it when it is fresh
    expect(existsSync(join(__dirname, '../../lib/bundle/cli.js'))).toBe(true);
    const help = runBin(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: grafana-tenancy <command>/);
    const bad = runBin(['render', '-n', 'tenant-acme', '-r', 'monitoring']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/host/);
    expect(bad.stdout).toBe('');
  });
});
