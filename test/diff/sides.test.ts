import { compareTrees } from '../../src/diff/compare';
import { renderSides } from '../../src/diff/sides';
import { renderFleet } from '../../src/fleet/render-fleet';
import { fleetOf, TenantSpec } from '../fleet/fleet-fixtures';

const token = { serviceAccountToken: { enabled: true, serviceAccountName: 'agent' } };
const BEFORE: TenantSpec[] = [
  { namespace: 'a', mode: 'System', ...token },
  { namespace: 'b', mode: 'CustomConfig' },
  { namespace: 'c' },
  { namespace: 'd', mode: 'System' },
];
/** b changes its host, c leaves, e arrives; a and d are the same on both sides. */
const AFTER: TenantSpec[] = [BEFORE[0], { ...BEFORE[1], host: 'new-b.example.org' }, BEFORE[3], { namespace: 'e', mode: 'System' }];

describe('diff of two fleets', () => {
  test('GIVEN fleets that share some tenants unchanged WHEN diffed THEN the report is the one of their full renders', async () => {
    const before = fleetOf(BEFORE);
    const after = fleetOf(AFTER);
    // WHEN the fleets are diffed (identical tenants skipped) and, for reference, their full renders
    const sides = await renderSides({ label: 'old', fleet: before }, { label: 'new', fleet: after });
    const report = compareTrees(sides.old, sides.new, { old: 'old', new: 'new' }, sides.unchanged);
    const reference = compareTrees(await renderFleet(before), await renderFleet(after), { old: 'old', new: 'new' });
    // THEN both agree on every change and on the unchanged count
    expect(report).toEqual(reference);
    expect(Object.keys(report.byTenant).sort()).toEqual(['b/monitoring', 'c/monitoring', 'e/monitoring']);
  });

  test('GIVEN identical tenants WHEN the sides are rendered THEN only the differing tenants are rendered', async () => {
    const sides = await renderSides({ label: 'old', fleet: fleetOf(BEFORE) }, { label: 'new', fleet: fleetOf(AFTER) });
    expect(sides.old.paths).toEqual(['b/kustomization.yaml', 'b/monitoring.yaml', 'c/kustomization.yaml', 'c/monitoring.yaml']);
    expect(sides.new.paths).toEqual(['b/kustomization.yaml', 'b/monitoring.yaml', 'e/kustomization.yaml', 'e/monitoring.yaml']);
    // AND the skipped tenants (a, d) are counted from their construct trees as exactly the objects they render
    const full = await renderFleet(fleetOf([BEFORE[0], BEFORE[3]]));
    const objects = [...full].filter(([p]) => !p.endsWith('kustomization.yaml')).reduce((n, [, text]) => n + text.split(/^---$/m).length, 0);
    expect(sides.unchanged).toBe(objects);
  });

  test('GIVEN the new side lists its tenants in another order WHEN rendered THEN the same tenants are found unchanged', async () => {
    // Tenants at the same place on both sides, and tenants that moved, are matched by location alike.
    const sides = await renderSides({ label: 'old', fleet: fleetOf(BEFORE) }, { label: 'new', fleet: fleetOf([...AFTER].reverse()) });
    expect(sides.old.paths).toEqual(['b/kustomization.yaml', 'b/monitoring.yaml', 'c/kustomization.yaml', 'c/monitoring.yaml']);
    expect(sides.new.paths).toEqual(['b/kustomization.yaml', 'b/monitoring.yaml', 'e/kustomization.yaml', 'e/monitoring.yaml']);
  });

  test('GIVEN different API versions on the two sides WHEN rendered THEN every tenant is rendered (the same values may render differently)', async () => {
    const before = fleetOf(BEFORE.filter((t) => t.mode !== 'System'));
    const after = { ...before, apiVersions: [] as string[] };
    const sides = await renderSides({ label: 'old', fleet: before }, { label: 'new', fleet: after });
    expect(sides.unchanged).toBe(0);
    expect(sides.new.paths.filter((p) => !p.endsWith('kustomization.yaml'))).toHaveLength(2);
  });
});
