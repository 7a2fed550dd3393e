import { parseFleet, parseHelmYaml } from '../../src/config/fleet';
import { compareTrees } from '../../src/diff/compare';
import { diffSides } from '../../src/diff/fleet-diff';
import { readPair } from '../../src/diff/fleet-pair';
import { renderSides } from '../../src/diff/sides';
import { renderFleet } from '../../src/fleet/render-fleet';

// The bench's fleets: every 10th tenant changes its Grafana version.
const { syntheticFleetYaml } = require('../../scripts/synthetic-fleet');
const OLD = syntheticFleetYaml(24, 0) as string;
const NEW = syntheticFleetYaml(24, 1) as string;
const CHANGED = ['tenant-00000/monitoring.yaml', 'tenant-00010/monitoring.yaml', 'tenant-00020/monitoring.yaml'];

const full = (text: string, label: string) => parseFleet(parseHelmYaml(text, label), label);
const tenantFiles = (paths: readonly string[]) => paths.filter((p) => !p.endsWith('kustomization.yaml'));

describe('diff of two fleet files read as a pair', () => {
  test('GIVEN the tenants the pair reader shares between the sides WHEN rendered and compared THEN only the changed tenants are rendered and the report is that of two full renders', async () => {
    const pair = readPair(OLD, 'old.yaml', NEW, 'new.yaml')!;
    const sides = await renderSides({ label: 'old.yaml', fleet: pair.old }, { label: 'new.yaml', fleet: pair.new }, { parallelism: 1 });
    expect(tenantFiles(sides.old.paths)).toEqual(CHANGED);
    expect(tenantFiles(sides.new.paths)).toEqual(CHANGED);
    const report = compareTrees(sides.old, sides.new, { old: 'old.yaml', new: 'new.yaml' }, sides.unchanged);
    const reference = compareTrees(await renderFleet(full(OLD, 'old.yaml')), await renderFleet(full(NEW, 'new.yaml')), { old: 'old.yaml', new: 'new.yaml' });
    expect(report).toEqual(reference);
    expect(report.total).toEqual({ added: 0, removed: 0, changed: 3 });
  });

  test('GIVEN shared tenants but the API versions listed in another order on one side WHEN rendered THEN nothing counts as shared: every tenant is rendered, as before', async () => {
    const pair = readPair(OLD, 'old.yaml', NEW, 'new.yaml')!;
    const reordered = { ...pair.new, apiVersions: [...pair.new.apiVersions].reverse() };
    const sides = await renderSides({ label: 'old', fleet: pair.old }, { label: 'new', fleet: reordered }, { parallelism: 1 });
    expect(sides.unchanged).toBe(0);
    expect(tenantFiles(sides.old.paths)).toHaveLength(24);
  });

  test('GIVEN one values object held by tenants of different names on the two sides WHEN rendered THEN they are not taken as the same tenant', async () => {
    const fleet = full(OLD, 'old.yaml');
    const renamed = { ...fleet, tenants: fleet.tenants.map((t) => ({ ...t, release: 'other' })) };
    const sides = await renderSides({ label: 'old', fleet }, { label: 'new', fleet: renamed }, { parallelism: 1 });
    expect(sides.unchanged).toBe(0);
    expect(tenantFiles(sides.new.paths)).toHaveLength(24);
  });
});

describe('diffSides: rendering and comparing in one pass', () => {
  test('GIVEN two fleet files read as a pair WHEN diffed in one pass THEN the report is that of rendering both sides, then comparing', async () => {
    const pair = readPair(OLD, 'old.yaml', NEW, 'new.yaml')!;
    const [oldSide, newSide] = [{ label: 'old.yaml', fleet: pair.old }, { label: 'new.yaml', fleet: pair.new }];
    const sides = await renderSides(oldSide, newSide, { parallelism: 1 });
    const reference = compareTrees(sides.old, sides.new, { old: 'old.yaml', new: 'new.yaml' }, sides.unchanged);
    expect(await diffSides(oldSide, newSide, { parallelism: 1 })).toEqual(reference);
  });

  // Integration: worker threads load the compiled render worker from lib/ (built by `npm test`'s pretest).
  test('GIVEN enough changed tenants for two render workers (files arriving out of order) WHEN diffed in one pass THEN the report is the same as in-process', async () => {
    const size = 350;
    const before = full(syntheticFleetYaml(size, 0), 'old.yaml');
    // A change to the defaults: every tenant differs, so both sides render 700 files in all.
    const after = full((syntheticFleetYaml(size, 2) as string).replace(/letsencrypt-prod/g, 'letsencrypt-staging'), 'new.yaml');
    const [oldSide, newSide] = [{ label: 'old.yaml', fleet: before }, { label: 'new.yaml', fleet: after }];
    const sides = await renderSides(oldSide, newSide, { parallelism: 1 });
    const reference = compareTrees(sides.old, sides.new, { old: 'old.yaml', new: 'new.yaml' }, sides.unchanged);
    const progress: number[] = [];
    const report = await diffSides(oldSide, newSide, { parallelism: 2, onProgress: (done) => progress.push(done) });
    expect(report).toEqual(reference);
    expect(report.total.changed).toBeGreaterThanOrEqual(size);
    expect(progress[progress.length - 1]).toBe(2 * size);
  });

  test('GIVEN a folder on one side WHEN diffed THEN the two-step way is taken and gives the same report', async () => {
    const before = full(OLD, 'old.yaml');
    const tree = await renderFleet(before);
    const folder = { paths: [...tree.keys()], read: (p: string) => tree.get(p)! };
    const after = full(NEW, 'new.yaml');
    const report = await diffSides({ label: 'rendered', folder }, { label: 'new.yaml', fleet: after }, { parallelism: 1 });
    expect(report).toEqual(compareTrees(tree, await renderFleet(after), { old: 'rendered', new: 'new.yaml' }));
    expect(report.total.changed).toBe(3);
  });
});
