import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSides, diffSpecs } from '../../src/diff/fleet-diff';
import { loadSidePair, SideSpec } from '../../src/diff/fleet-pair';
import { compareTrees } from '../../src/diff/compare';
import { RenderOptions } from '../../src/fleet/parallel-render';
import { renderFleet } from '../../src/fleet/render-fleet';
import { fleetOf, tempDir, TenantSpec } from '../fleet/fleet-fixtures';

const { syntheticFleetYaml } = require('../../scripts/synthetic-fleet');

/** The synthetic fleet with the host of every tenant `i` for which `change(i)` holds renamed. */
function fleetText(size: number, change: (i: number) => boolean): string {
  return (syntheticFleetYaml(size, 0) as string).replace(/host: tenant-(\d+)\.example\.org/g, (line, n) => (change(Number(n)) ? `host: moved-${n}.example.org` : line));
}

function write(texts: { old: string; new: string }): [SideSpec, SideSpec] {
  const dir = tempDir('fleet-diff-');
  writeFileSync(join(dir, 'old.yaml'), texts.old);
  writeFileSync(join(dir, 'new.yaml'), texts.new);
  return [{ file: join(dir, 'old.yaml') }, { file: join(dir, 'new.yaml') }];
}

/** The report of reading both sides first, then rendering and comparing (the way before). */
async function stepByStep(specs: [SideSpec, SideSpec], options: RenderOptions) {
  const [oldSide, newSide] = loadSidePair(...specs);
  return diffSides(oldSide, newSide, options);
}

/** What `run` rejects with, as text ('' when it resolves). */
async function problem(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('diff of two fleet files: the changed tenants rendered, the unchanged ones checked', () => {
  test('GIVEN two fleet files with a few tenants changed WHEN diffed THEN the report is the one of reading, then rendering and comparing', async () => {
    const specs = write({ old: fleetText(30, () => false), new: fleetText(30, (i) => i % 10 === 3) });
    const report = await diffSpecs(...specs, { parallelism: 1 });
    expect(report).toEqual(await stepByStep(specs, { parallelism: 1 }));
    expect(Object.keys(report.byTenant)).toEqual(['tenant-00003/monitoring', 'tenant-00013/monitoring', 'tenant-00023/monitoring']);
  });

  // Integration: worker threads load the compiled render worker from lib/ (built by `npm test`'s pretest).
  test('GIVEN enough changed tenants for two render workers WHEN diffed THEN the report is the same as the step-by-step one in-process', async () => {
    // 400 of 600 tenants change: 800 files for the workers, while 200 entries are checked in turns.
    const specs = write({ old: fleetText(600, () => false), new: fleetText(600, (i) => i % 3 !== 0) });
    const report = await diffSpecs(...specs, { parallelism: 2 });
    expect(report).toEqual(await stepByStep(specs, { parallelism: 1 }));
    expect(Object.keys(report.byTenant)).toHaveLength(400);
  });

  test.each([
    ['an unchanged entry invalid on both sides, many changed', 600, (text: string) => text.replace('host: tenant-00300.example.org', 'host: "Not A Host"')],
    ['an unchanged entry invalid on both sides, few changed', 30, (text: string) => text.replace('host: tenant-00009.example.org', 'host: "Not A Host"')],
    ['a changed entry that is invalid', 30, (text: string) => text.replace('host: moved-00001.example.org', 'host: "Not A Host"')],
    ['two tenants at one host, one of them unchanged', 30, (text: string) => text.replace('host: moved-00001.example.org', 'host: tenant-00009.example.org')],
  ])('GIVEN %s WHEN diffed THEN it is refused with the messages of reading both files in full', async (_, size, breakIt) => {
    const old = fleetText(size, () => false);
    const changed = fleetText(size, (i) => i % 3 !== 0);
    const specs = write({ old: breakIt(old), new: breakIt(changed) });
    const expected = await problem(() => stepByStep(specs, { parallelism: 1 }));
    expect(expected).toMatch(/new\.yaml|old\.yaml/);
    // Checked in turns beside render workers, and in one pass before rendering in-process.
    for (const parallelism of [2, 1]) expect(await problem(() => diffSpecs(...specs, { parallelism }))).toBe(expected);
  });

  test('GIVEN a rendered folder and a fleet file WHEN diffed THEN the step-by-step way gives the report', async () => {
    const dir = tempDir('fleet-diff-');
    const specs = write({ old: fleetText(12, () => false), new: fleetText(12, (i) => i === 5) });
    const { synthFleetFile } = await import('../../src/fleet/fleet-stamp');
    await synthFleetFile(specs[0].file, dir, { parallelism: 1 });
    const report = await diffSpecs({ file: dir }, specs[1], { parallelism: 1 });
    expect(report).toEqual(await stepByStep([{ file: dir }, specs[1]], { parallelism: 1 }));
    expect(Object.keys(report.byTenant)).toEqual(['tenant-00005/monitoring']);
  });

  // Each tenant changes in one field, so only the parts that read it are rendered (instance-parts.ts).
  const token = { serviceAccountToken: { enabled: true, serviceAccountName: 'agent' } };
  const backup = { backup: { enabled: true, s3: { bucket: 'backups', region: 'eu-west-1' }, credentials: { existingSecret: 'backup-s3' } } };
  const metrics = { datasources: { metrics: { url: 'http://mimir.example.org/prometheus' } } };
  const PAIRS: [TenantSpec, TenantSpec][] = [
    [{ namespace: 'version', mode: 'System' }, { namespace: 'version', mode: 'System', grafana: { version: '11.2.0' } }],
    [{ namespace: 'labels', mode: 'System', ...token }, { namespace: 'labels', mode: 'System', ...token, commonLabels: { team: 'a' } }],
    [{ namespace: 'metrics', mode: 'CustomConfig' }, { namespace: 'metrics', mode: 'CustomConfig', ...metrics }],
    [{ namespace: 'token-on', mode: 'System' }, { namespace: 'token-on', mode: 'System', ...token }],
    [{ namespace: 'token-role', ...token }, { namespace: 'token-role', serviceAccountToken: { ...token.serviceAccountToken, role: 'Editor' } }],
    [{ namespace: 'backup', ...token, ...backup }, { namespace: 'backup', ...token, backup: { ...backup.backup, keep: 3 } }],
    [{ namespace: 'mode', mode: 'System' }, { namespace: 'mode', mode: 'None' }],
    [{ namespace: 'host', mode: 'System' }, { namespace: 'host', mode: 'System', host: 'elsewhere.example.org' }],
    [{ namespace: 'api', mode: 'System' }, { namespace: 'api', mode: 'System', apiVersions: ['example.org/v1'] }],
    [{ namespace: 'same', mode: 'System' }, { namespace: 'same', mode: 'System' }],
  ];

  test.each([1, 2])('GIVEN tenants changed in one field each WHEN diffed with %i thread(s) THEN the report is the one of both fleets rendered in full and compared', async (parallelism) => {
    const before = fleetOf(PAIRS.map(([old]) => old));
    const after = fleetOf(PAIRS.map(([, now]) => now));
    const labels = { old: 'old', new: 'new' };
    const report = await diffSides({ label: labels.old, fleet: before }, { label: labels.new, fleet: after }, { parallelism });
    expect(report).toEqual(compareTrees(await renderFleet(before), await renderFleet(after), labels));
    // AND every tenant changed but two: the same values, and API versions that only the checks read
    const unchanged = ['api', 'same'];
    expect(Object.keys(report.byTenant).sort()).toEqual(PAIRS.map(([t]) => t.namespace).filter((n) => !unchanged.includes(n)).map((n) => `${n}/monitoring`).sort());
  });
});
