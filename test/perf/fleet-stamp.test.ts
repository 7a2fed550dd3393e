import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CliIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';
import * as fleetModule from '../../src/config/fleet';
import { statKeyOf } from '../../src/fleet/file-stat';
import { STAMP_FILE, synthFleetFile } from '../../src/fleet/fleet-stamp';
import { fleetLayout } from '../../src/fleet/render-fleet';
import { CACHE_DIR, readStatCache, writeStatCache } from '../../src/fleet/stat-cache';
import { synthFleet } from '../../src/fleet/synth';
import { GENERATED_HEADER } from '../../src/fleet/layout';
import * as render from '../../src/render/render';
import { fleetDocument, TenantSpec, tempDir } from '../fleet/fleet-fixtures';

/** node:fs itself (not an import namespace), so a spy sees the calls fleet-stamp.ts makes. */
const nodeFs: typeof import('node:fs') = require('node:fs');
const PAST = new Date('2020-01-01T00:00:00Z');
const SPECS: TenantSpec[] = [
  { namespace: 'a' },
  { namespace: 'b', mode: 'System' },
  { namespace: 'b', release: 'second', mode: 'CustomConfig' },
  { namespace: 'c' },
];

/** Every file under `dir` (relative path → bytes), the record included, the stat cache not. */
function tree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as any).path, e.name).slice(dir.length + 1))
    .filter((path) => !path.startsWith(`${CACHE_DIR}/`))
    .sort();
  return new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function ageEverything(dir: string): void {
  for (const path of tree(dir).keys()) utimesSync(join(dir, path), PAST, PAST);
}

function changedSinceAged(dir: string): string[] {
  return [...tree(dir).keys()].filter((path) => statSync(join(dir, path)).mtimeMs !== PAST.getTime());
}

/** A fleet file of SPECS synthesized into a fresh tree, every mtime in the past. */
async function synthesized(specs: TenantSpec[] = SPECS): Promise<{ fleet: string; out: string }> {
  const dir = tempDir();
  const fleet = join(dir, 'tenants.yaml');
  writeFileSync(fleet, stringify(fleetDocument(specs)));
  const out = join(dir, 'rendered');
  const first = await synthFleetFile(fleet, out, { parallelism: 1 });
  expect(first.parsed).toBe(true);
  ageEverything(out);
  return { fleet, out };
}

describe('re-synth of an unchanged fleet file', () => {
  afterEach(() => jest.restoreAllMocks());

  test('GIVEN a tree synth left WHEN the same fleet file is synthesized again THEN it is not parsed, nothing is rendered or written', async () => {
    const { fleet, out } = await synthesized();
    const before = tree(out);
    const parses = jest.spyOn(fleetModule, 'loadFleetBytes');
    const loads = jest.spyOn(fleetModule, 'loadFleet');
    const renders = jest.spyOn(render, 'renderInstance');
    // WHEN
    const result = await synthFleetFile(fleet, out, { parallelism: 1 });
    // THEN the fleet was neither parsed nor rendered
    expect(result.parsed).toBe(false);
    expect(parses).not.toHaveBeenCalled();
    expect(loads).not.toHaveBeenCalled();
    expect(renders).not.toHaveBeenCalled();
    // AND the result is what the full path reports for a no-op: every file unchanged
    expect(result).toMatchObject({ tenants: 4, written: [], removed: [] });
    expect(result.unchanged).toEqual(['a/kustomization.yaml', 'a/monitoring.yaml', 'b/kustomization.yaml', 'b/monitoring.yaml', 'b/second.yaml', 'c/kustomization.yaml', 'c/monitoring.yaml']);
    // AND no byte or mtime changed
    expect(tree(out)).toEqual(before);
    expect(changedSinceAged(out)).toEqual([]);
  });

  test('GIVEN the record WHEN read THEN it is generated, names the fleet digest and every tenant file with its inputs digest', async () => {
    const { out } = await synthesized();
    const lines = readFileSync(join(out, STAMP_FILE), 'utf8').split('\n');
    expect(`${lines[0]}\n`).toBe(GENERATED_HEADER);
    expect(lines[1]).toMatch(/^# Fleet: [0-9a-f]{64}$/);
    expect(lines[2]).toBe('# Tenants: 4');
    const entries = lines.slice(3, -1).map((line) => line.split(' '));
    expect(entries.map(([, path]) => path)).toEqual(['a/monitoring.yaml', 'b/monitoring.yaml', 'b/second.yaml', 'c/monitoring.yaml']);
    // Each inputs digest is the one on the tenant file's digest line.
    for (const [inputs, path] of entries) expect(readFileSync(join(out, path), 'utf8').split('\n')[1]).toContain(`inputs ${inputs},`);
  });

  test('GIVEN the same fleet synthesized into two folders THEN the records are the same bytes; the stats are in a cache git ignores', async () => {
    const dir = tempDir();
    const fleet = join(dir, 'tenants.yaml');
    writeFileSync(fleet, stringify(fleetDocument(SPECS)));
    await synthFleetFile(fleet, join(dir, 'one'), { parallelism: 1 });
    await synthFleetFile(fleet, join(dir, 'two'), { parallelism: 1 });
    // THEN the record holds nothing of this machine: it can be committed with the tree
    expect(readFileSync(join(dir, 'one', STAMP_FILE), 'utf8')).toBe(readFileSync(join(dir, 'two', STAMP_FILE), 'utf8'));
    // AND the cache tells git to ignore it, and holds each file's stat as synth left it
    expect(readFileSync(join(dir, 'one', CACHE_DIR, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    const cache = readStatCache(join(dir, 'one'))!;
    // (each namespace folder too, as `<folder>/`)
    expect([...cache.stats.keys()]).toEqual(['a/', 'a/kustomization.yaml', 'a/monitoring.yaml', 'b/', 'b/kustomization.yaml', 'b/monitoring.yaml', 'b/second.yaml', 'c/', 'c/kustomization.yaml', 'c/monitoring.yaml']);
    for (const [path, stat] of cache.stats) expect(stat).toBe(statKeyOf(join(dir, 'one', path)));
    expect(cache.stats.get('a/monitoring.yaml')).not.toBe(readStatCache(join(dir, 'two'))!.stats.get('a/monitoring.yaml'));
  });

  describe('GIVEN a tree as synth left it (no file written since)', () => {
    async function fresh(): Promise<{ fleet: string; out: string }> {
      const dir = tempDir();
      const fleet = join(dir, 'tenants.yaml');
      writeFileSync(fleet, stringify(fleetDocument(SPECS)));
      const out = join(dir, 'rendered');
      await synthFleetFile(fleet, out, { parallelism: 1 });
      // A coarse clock could give the cache the tick of the last file: make it strictly later.
      const later = new Date(Date.now() + 5_000);
      utimesSync(join(out, CACHE_DIR, 'stats'), later, later);
      return { fleet, out };
    }
    const opened = (opens: jest.SpyInstance, out: string) => opens.mock.calls.map(([path]) => String(path)).filter((path) => path.startsWith(`${out}/`) && path.endsWith('.yaml'));

    test('WHEN synthesized again THEN no generated file is even opened: their stats are those synth left', async () => {
      const { fleet, out } = await fresh();
      const opens = jest.spyOn(nodeFs, 'openSync');
      // WHEN
      const result = await synthFleetFile(fleet, out, { parallelism: 1 });
      // THEN
      expect(result.parsed).toBe(false);
      expect(opened(opens, out)).toEqual([]);
    });

    test('WHEN synthesized again THEN no namespace folder is even listed: their stats are those synth left', async () => {
      const { fleet, out } = await fresh();
      const listings = jest.spyOn(nodeFs, 'readdirSync');
      // WHEN
      const result = await synthFleetFile(fleet, out, { parallelism: 1 });
      // THEN only the output folder itself is listed (for folders synth did not leave)
      expect(result.parsed).toBe(false);
      expect(listings.mock.calls.map(([path]) => String(path))).toEqual([out]);
    });

    test.each([
      ['a generated file no tenant has', `${GENERATED_HEADER}kind: List\n`, true],
      ['a hand-written file', 'kind: ConfigMap\n', false],
    ])('WHEN %s appears in a namespace folder THEN the folder\'s stat gives it away and the folder is listed', async (_, content, removed) => {
      const { fleet, out } = await fresh();
      writeFileSync(join(out, 'c/extra.yaml'), content);
      const listings = jest.spyOn(nodeFs, 'readdirSync');
      // WHEN
      const result = await synthFleetFile(fleet, out, { parallelism: 1 });
      // THEN a generated leftover is removed by the full path; a hand-written file leaves it a no-op
      expect(listings.mock.calls.map(([path]) => String(path))).toContain(join(out, 'c'));
      expect(result.parsed).toBe(removed);
      expect(existsSync(join(out, 'c/extra.yaml'))).toBe(!removed);
    });

    test('WHEN a file is rewritten with its modification time put back (cp -p, rsync -t) THEN its change time gives it away and the tree is repaired', async () => {
      const { fleet, out } = await fresh();
      const file = join(out, 'b/second.yaml');
      const pristine = readFileSync(file, 'utf8');
      const { atime, mtime } = statSync(file);
      writeFileSync(file, pristine.replace('kind: Grafana', 'kind: Grafanb'));
      utimesSync(file, atime, mtime);
      // WHEN
      const result = await synthFleetFile(fleet, out, { parallelism: 1 });
      // THEN
      expect(result.parsed).toBe(true);
      expect(result.written).toEqual(['b/second.yaml']);
      expect(readFileSync(file, 'utf8')).toBe(pristine);
    });

    test.each([
      ['is not newer than the files (the same clock tick)', (out: string) => utimesSync(join(out, CACHE_DIR, 'stats'), PAST, PAST)],
      ['is missing', (out: string) => rmSync(join(out, CACHE_DIR), { recursive: true })],
      ['is cut short', (out: string) => writeFileSync(join(out, CACHE_DIR, 'stats'), readFileSync(join(out, CACHE_DIR, 'stats'), 'utf8').slice(0, 200))],
    ])('WHEN the stat cache %s THEN every file is read and checked, and it is still a no-op', async (_, damage) => {
      const { fleet, out } = await fresh();
      damage(out);
      const opens = jest.spyOn(nodeFs, 'openSync');
      // WHEN
      const result = await synthFleetFile(fleet, out, { parallelism: 1 });
      // THEN
      expect(result.parsed).toBe(false);
      expect(opened(opens, out)).toHaveLength(7);
    });
  });

  test('GIVEN a file rewritten by someone else after synth wrote it WHEN the cache is written THEN it keeps the stat synth saw', async () => {
    const dir = tempDir();
    const file = join(dir, 'tenants.yaml');
    writeFileSync(file, stringify(fleetDocument(SPECS)));
    const out = join(dir, 'rendered');
    const fleet = fleetModule.loadFleet(file);
    const result = await synthFleet(fleet, out, { parallelism: 1 }, fleetLayout(fleet));
    // WHEN another writer gets in between (same bytes even), then the cache is written
    const tenantFile = join(out, 'a/monitoring.yaml');
    writeFileSync(tenantFile, readFileSync(tenantFile));
    writeStatCache(out, result.stats);
    // THEN the cached stat is synth's own, which the file no longer has: it will be read and checked
    const cached = readStatCache(out)!.stats.get('a/monitoring.yaml');
    expect(cached).toBe(result.stats.get('a/monitoring.yaml'));
    expect(cached).not.toBe(statKeyOf(tenantFile));
  });

  test.each([
    ['a tenant file edited by hand (same size)', (out: string) => writeFileSync(join(out, 'a/monitoring.yaml'), readFileSync(join(out, 'a/monitoring.yaml'), 'utf8').replace('kind: Grafana', 'kind: Grafanb'))],
    ['a tenant file deleted', (out: string) => rmSync(join(out, 'a/monitoring.yaml'))],
    ['a tenant file replaced by another, intact, tenant file', (out: string) => copyFileSync(join(out, 'c/monitoring.yaml'), join(out, 'a/monitoring.yaml'))],
    ['a kustomization edited by hand', (out: string) => appendFileSync(join(out, 'a/kustomization.yaml'), '  - extra.yaml\n')],
    ['a namespace folder deleted', (out: string) => rmSync(join(out, 'a'), { recursive: true })],
  ])('GIVEN %s WHEN synthesized again THEN the fleet is parsed and the tree restored byte for byte', async (_, damage) => {
    const { fleet, out } = await synthesized();
    const pristine = tree(out);
    damage(out);
    const parses = jest.spyOn(fleetModule, 'loadFleetBytes');
    // WHEN
    const result = await synthFleetFile(fleet, out, { parallelism: 1 });
    // THEN the full path ran and repaired exactly the damage
    expect(result.parsed).toBe(true);
    expect(parses).toHaveBeenCalledTimes(1);
    expect(tree(out)).toEqual(pristine);
    expect(result.written.length).toBeGreaterThan(0);
    expect(changedSinceAged(out).sort()).toEqual([...result.written].sort());
  });

  test('GIVEN a link to an identical file where a tenant file goes WHEN synthesized again THEN synth refuses as the full path does', async () => {
    const { fleet, out } = await synthesized();
    copyFileSync(join(out, 'a/monitoring.yaml'), join(out, 'a.yaml'));
    rmSync(join(out, 'a/monitoring.yaml'));
    symlinkSync(join(out, 'a.yaml'), join(out, 'a/monitoring.yaml'));
    await expect(synthFleetFile(fleet, out, { parallelism: 1 })).rejects.toThrow(/a\/monitoring.yaml: exists and was not written by grafana-tenancy/);
  });

  test('GIVEN a generated file of a tenant no longer recorded WHEN synthesized again THEN it is removed; a hand-written one stays and keeps the shortcut', async () => {
    const { fleet, out } = await synthesized();
    const pristine = tree(out);
    writeFileSync(join(out, 'c/notes.yaml'), 'kind: ConfigMap\n');
    mkdirSync(join(out, 'old'));
    writeFileSync(join(out, 'old/monitoring.yaml'), `${GENERATED_HEADER}kind: List\n`);
    // WHEN
    const repaired = await synthFleetFile(fleet, out, { parallelism: 1 });
    // THEN the generated leftover and its folder are gone, the hand-written file is untouched
    expect(repaired.parsed).toBe(true);
    expect(repaired.removed).toEqual(['old/monitoring.yaml']);
    expect(existsSync(join(out, 'old'))).toBe(false);
    expect(tree(out)).toEqual(new Map([...pristine, ['c/notes.yaml', 'kind: ConfigMap\n']]));
    // AND with only the hand-written file left, the next re-synth takes the shortcut again
    expect((await synthFleetFile(fleet, out, { parallelism: 1 })).parsed).toBe(false);
  });

  test('GIVEN the fleet file changed by one byte WHEN synthesized again THEN it is parsed and only the tenant it changes is rewritten', async () => {
    const { fleet, out } = await synthesized();
    const text = readFileSync(fleet, 'utf8');
    // One byte: tenant c's host.
    writeFileSync(fleet, text.replace('monitoring.c.example.org', 'monitoring.d.example.org'));
    const parses = jest.spyOn(fleetModule, 'loadFleetBytes');
    // WHEN
    const result = await synthFleetFile(fleet, out, { parallelism: 1 });
    // THEN
    expect(result.parsed).toBe(true);
    expect(parses).toHaveBeenCalledTimes(1);
    expect(result.written).toEqual(['c/monitoring.yaml']);
    expect(changedSinceAged(out).sort()).toEqual([STAMP_FILE, 'c/monitoring.yaml']);
    expect(readFileSync(join(out, 'c/monitoring.yaml'), 'utf8')).toContain('monitoring.d.example.org');
    // AND the next re-synth of the new bytes takes the shortcut
    expect((await synthFleetFile(fleet, out, { parallelism: 1 })).parsed).toBe(false);
  });

  test('GIVEN a record cut short or for other bytes WHEN synthesized again THEN the fleet is parsed and the record rewritten', async () => {
    const { fleet, out } = await synthesized();
    const record = readFileSync(join(out, STAMP_FILE), 'utf8');
    // A record that lost its last line (a killed run) no longer adds up.
    writeFileSync(join(out, STAMP_FILE), record.slice(0, record.lastIndexOf('\n', record.length - 2) + 1));
    expect((await synthFleetFile(fleet, out, { parallelism: 1 })).parsed).toBe(true);
    expect(readFileSync(join(out, STAMP_FILE), 'utf8')).toBe(record);
    // A record for another fleet file is not trusted.
    writeFileSync(join(out, STAMP_FILE), record.replace(/# Fleet: [0-9a-f]/, '# Fleet: x'));
    expect((await synthFleetFile(fleet, out, { parallelism: 1 })).parsed).toBe(true);
    expect(readFileSync(join(out, STAMP_FILE), 'utf8')).toBe(record);
  });

  test('GIVEN a hand-written file where the record goes WHEN synthesized THEN it is never overwritten and the fleet is always parsed', async () => {
    const dir = tempDir();
    const fleet = join(dir, 'tenants.yaml');
    writeFileSync(fleet, stringify(fleetDocument(SPECS)));
    const out = join(dir, 'rendered');
    mkdirSync(out);
    writeFileSync(join(out, STAMP_FILE), 'mine\n');
    // WHEN synthesized twice
    expect((await synthFleetFile(fleet, out, { parallelism: 1 })).parsed).toBe(true);
    expect((await synthFleetFile(fleet, out, { parallelism: 1 })).parsed).toBe(true);
    // THEN
    expect(readFileSync(join(out, STAMP_FILE), 'utf8')).toBe('mine\n');
  });

  test('GIVEN a re-synth through the CLI THEN its summary and progress are those of a no-op, and --quiet prints nothing', async () => {
    const { fleet, out } = await synthesized();
    const io = { out: '', err: '', stderrIsTty: true } as CliIo & { out: string; err: string };
    Object.assign(io, { stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) });
    const parses = jest.spyOn(fleetModule, 'loadFleetBytes');
    expect(await runCli(['synth', '-f', fleet, '-d', out], io)).toBe(0);
    expect(parses).not.toHaveBeenCalled();
    expect(io.err).toBe(`\rrendered 4/4 (100%)\nsynth: 4 tenants from ${fleet} into ${out}/: 0 written, 7 unchanged, 0 removed\n`);
    const quiet = { ...io, err: '' };
    Object.assign(quiet, { stderr: (t: string) => void (quiet.err += t) });
    expect(await runCli(['synth', '-f', fleet, '-d', out, '-q'], quiet)).toBe(0);
    expect(quiet.err).toBe('');
  });
});
