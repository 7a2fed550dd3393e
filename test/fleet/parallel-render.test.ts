import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statKeyOf } from '../../src/fleet/file-stat';
import { forEachRenderedTenant } from '../../src/fleet/parallel-render';
import { fleetLayout, renderFleet } from '../../src/fleet/render-fleet';
import { synthFleet } from '../../src/fleet/synth';
import { mixedFleet, tempDir } from './fleet-fixtures';

// Integration: worker threads load the compiled render worker from lib/ (built by `npm test`'s pretest).
describe('renderFleet across worker threads', () => {
  test('worker threads and in-process rendering give the same bytes', async () => {
    // GIVEN a fleet large enough to be spread over two workers
    const fleet = mixedFleet(700);
    // WHEN rendered both ways
    const inProcess = await renderFleet(fleet, { parallelism: 1 });
    const workers = await renderFleet(fleet, { parallelism: 2 });
    // THEN the trees are identical, path for path
    expect([...workers.keys()]).toEqual([...inProcess.keys()]);
    for (const [path, text] of inProcess) expect(workers.get(path)).toBe(text);
  });

  test('GIVEN a slow sink WHEN rendering in workers THEN the workers render ahead of the writes, by at most two batches each', async () => {
    // GIVEN 14 batches of 100 tenants and a sink that takes 300 ms per file (a slow disk)
    const fleet = mixedFleet(1400);
    const { jobs } = fleetLayout(fleet);
    let pending = 0;
    let maxPending = 0;
    const seen = new Set<number>();
    // WHEN they are rendered by two workers
    await forEachRenderedTenant(jobs, fleet.apiVersions, { parallelism: 2 }, async (index) => {
      seen.add(index);
      maxPending = Math.max(maxPending, ++pending);
      await new Promise((resolve) => setTimeout(resolve, 300));
      pending--;
    });
    // THEN every tenant reached the sink once, more than one batch per worker was being written
    // at a time (the workers went on rendering), and never more than two per worker
    expect(seen.size).toBe(jobs.length);
    expect(maxPending).toBeGreaterThan(200);
    expect(maxPending).toBeLessThanOrEqual(400);
  });

  test('GIVEN a tree written by render workers WHEN synthesized again THEN every tenant is up to date and none is rendered', async () => {
    // GIVEN 700 tenants synthesized by two workers (compiled code here, TypeScript in this
    // thread: each computes its own renderer fingerprint)
    const fleet = mixedFleet(700);
    const out = tempDir();
    const first = await synthFleet(fleet, out, { parallelism: 2 });
    expect(first.written).toHaveLength(1400);
    // WHEN synthesized again
    const progress: number[] = [];
    const again = await synthFleet(fleet, out, { parallelism: 2, onProgress: (done) => progress.push(done) });
    // THEN the digests the workers wrote are the ones this thread checks: nothing is rendered
    expect(progress).toEqual([700]);
    expect(again.written).toEqual([]);
    expect(again.inputs).toEqual(first.inputs);
  });

  test('GIVEN a fleet WHEN synthesized by render workers (which write the files) and in-process THEN the trees and records are the same', async () => {
    // GIVEN
    const fleet = mixedFleet(700);
    const [byWorkers, inProcess] = [tempDir(), tempDir()];
    // WHEN
    const workers = await synthFleet(fleet, byWorkers, { parallelism: 2 });
    const local = await synthFleet(fleet, inProcess, { parallelism: 1 });
    // THEN every file (tenants and kustomizations) is written once, with the same bytes
    expect(workers.written).toEqual(local.written);
    expect(workers.written).toHaveLength(1400);
    const read = (dir: string) => workers.written.map((path) => readFileSync(join(dir, path), 'utf8'));
    expect(read(byWorkers)).toEqual(read(inProcess));
    // AND each file's stat key is the one taken on it when it was written
    for (const path of workers.written) expect(workers.stats.get(path)).toBe(statKeyOf(join(byWorkers, path)));
    expect(workers.inputs).toEqual(local.inputs);
  });

  test('GIVEN a file where a tenant folder should be WHEN synthesized by workers THEN synth fails with the file system\'s error', async () => {
    const fleet = mixedFleet(700);
    const out = tempDir();
    writeFileSync(join(out, fleet.tenants[650].namespace), 'not a folder');
    await expect(synthFleet(fleet, out, { parallelism: 2 })).rejects.toMatchObject({ message: expect.stringContaining(fleet.tenants[650].namespace), code: expect.stringMatching(/^E/), syscall: expect.any(String) });
  });
});
