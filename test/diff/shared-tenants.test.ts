import { parseFleet, parseHelmYaml } from '../../src/config/fleet';
import { compareTrees } from '../../src/diff/compare';
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
