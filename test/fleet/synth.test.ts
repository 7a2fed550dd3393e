import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../../src/config/parse';
import { GENERATED_HEADER } from '../../src/fleet/layout';
import { renderFleet } from '../../src/fleet/render-fleet';
import { synthFleet } from '../../src/fleet/synth';
import { fleetOf, mixedFleet, tempDir } from './fleet-fixtures';

const PAST = new Date('2020-01-01T00:00:00Z');

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as any).path, e.name).slice(dir.length + 1))
    .sort();
}

describe('synth', () => {
  test('writes one folder per namespace with the tenant files and a kustomization listing them', async () => {
    // GIVEN two releases in one namespace and one in another
    const fleet = fleetOf([
      { namespace: 'team-a', release: 'zeta' },
      { namespace: 'team-a', release: 'alpha', mode: 'System' },
      { namespace: 'team-b' },
    ]);
    const out = tempDir();
    // WHEN synthesized
    await synthFleet(fleet, out);
    // THEN the layout is <ns>/<release>.yaml + <ns>/kustomization.yaml
    expect(listFiles(out)).toEqual([
      'team-a/alpha.yaml',
      'team-a/kustomization.yaml',
      'team-a/zeta.yaml',
      'team-b/kustomization.yaml',
      'team-b/monitoring.yaml',
    ]);
    const kustomization = parse(readFileSync(join(out, 'team-a/kustomization.yaml'), 'utf8'));
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.resources).toEqual(['alpha.yaml', 'zeta.yaml']);
    // AND each tenant file holds that tenant's objects, in its namespace
    const docs = readFileSync(join(out, 'team-a/alpha.yaml'), 'utf8').split(/^---$/m).map((d) => parse(d));
    expect(docs.map((d) => d.kind)).toContain('KeycloakClient');
    expect(new Set(docs.map((d) => d.metadata.namespace))).toEqual(new Set(['team-a']));
  });

  test('a re-synth without changes writes nothing and keeps every mtime', async () => {
    // GIVEN a synthesized tree whose files all carry an old mtime
    const fleet = mixedFleet(6);
    const out = tempDir();
    await synthFleet(fleet, out);
    const files = listFiles(out);
    for (const f of files) utimesSync(join(out, f), PAST, PAST);
    // WHEN synthesized again from the same fleet
    const result = await synthFleet(fleet, out);
    // THEN nothing was written and the old mtimes are still there
    expect(result.written).toEqual([]);
    expect(result.unchanged).toHaveLength(files.length);
    for (const f of files) expect(statSync(join(out, f)).mtime.getTime()).toBe(PAST.getTime());
  });

  test('only the files whose bytes change are rewritten', async () => {
    const out = tempDir();
    await synthFleet(fleetOf([{ namespace: 'a' }, { namespace: 'b' }]), out);
    for (const f of listFiles(out)) utimesSync(join(out, f), PAST, PAST);
    // WHEN tenant b switches mode
    const result = await synthFleet(fleetOf([{ namespace: 'a' }, { namespace: 'b', mode: 'System' }]), out);
    // THEN only b's file is written; a's file keeps its mtime
    expect(result.written).toEqual(['b/monitoring.yaml']);
    expect(statSync(join(out, 'a/monitoring.yaml')).mtime.getTime()).toBe(PAST.getTime());
  });

  test('files of tenants that left are removed; files the tool did not write stay', async () => {
    // GIVEN a tree of three namespaces, with hand-written files in two of them and at the top
    const out = tempDir();
    await synthFleet(fleetOf([{ namespace: 'stay' }, { namespace: 'gone' }, { namespace: 'shared' }, { namespace: 'shared', release: 'extra' }]), out);
    writeFileSync(join(out, 'shared/notes.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    writeFileSync(join(out, 'README.md'), 'hand-written\n');
    mkdirSync(join(out, 'other'));
    writeFileSync(join(out, 'other/app.yaml'), 'kind: Thing\n');
    // WHEN 'gone' and shared/extra leave the fleet, and 'shared' loses every tenant too
    const result = await synthFleet(fleetOf([{ namespace: 'stay' }]), out);
    // THEN their generated files are gone, the emptied folder too; the hand-written ones remain
    expect(result.removed).toEqual(['gone/kustomization.yaml', 'gone/monitoring.yaml', 'shared/extra.yaml', 'shared/kustomization.yaml', 'shared/monitoring.yaml']);
    expect(existsSync(join(out, 'gone'))).toBe(false);
    expect(listFiles(out)).toEqual(['README.md', 'other/app.yaml', 'shared/notes.yaml', 'stay/kustomization.yaml', 'stay/monitoring.yaml']);
    expect(readFileSync(join(out, 'shared/notes.yaml'), 'utf8')).toBe('apiVersion: v1\nkind: ConfigMap\n');
  });

  test('a hand-written file where a tenant file goes is never overwritten; nothing is written', async () => {
    // GIVEN a hand-written file at b's path
    const out = tempDir();
    mkdirSync(join(out, 'b'));
    writeFileSync(join(out, 'b/monitoring.yaml'), 'mine\n');
    // WHEN synthesizing a fleet with tenants a and b
    const attempt = synthFleet(fleetOf([{ namespace: 'a' }, { namespace: 'b' }]), out);
    // THEN it refuses, naming the file, and writes nothing at all
    await expect(attempt).rejects.toThrow(InputError);
    await expect(synthFleet(fleetOf([{ namespace: 'a' }, { namespace: 'b' }]), out)).rejects.toThrow(/b\/monitoring.yaml: exists and was not written by grafana-tenancy/);
    expect(readFileSync(join(out, 'b/monitoring.yaml'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(out, 'a'))).toBe(false);
  });

  test('a symlink where a tenant file goes is not written through', async () => {
    // GIVEN b/monitoring.yaml is a link to a file outside the tree
    const out = tempDir();
    const target = join(tempDir(), 'precious.yaml');
    writeFileSync(target, 'precious\n');
    mkdirSync(join(out, 'b'));
    symlinkSync(target, join(out, 'b/monitoring.yaml'));
    // WHEN synthesizing, THEN it refuses and the link's target is untouched
    await expect(synthFleet(fleetOf([{ namespace: 'b' }]), out)).rejects.toThrow(/b\/monitoring.yaml: exists and was not written by grafana-tenancy/);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  test('the order of tenants in the fleet file changes no byte of the tree', async () => {
    // GIVEN the same tenants listed in two orders
    const specs = [{ namespace: 'b', release: 'two' }, { namespace: 'a' }, { namespace: 'b', release: 'one', mode: 'System' as const }];
    // WHEN both are rendered
    const forward = await renderFleet(fleetOf(specs));
    const backward = await renderFleet(fleetOf([...specs].reverse()));
    // THEN the trees are identical, paths in the same order
    expect([...backward.entries()]).toEqual([...forward.entries()]);
  });

  test('every generated file starts with the ownership header', async () => {
    const tree = await renderFleet(mixedFleet(3));
    for (const text of tree.values()) expect(text.startsWith(GENERATED_HEADER)).toBe(true);
  });
});
