import { renderFleet } from '../../src/fleet/render-fleet';
import { mixedFleet } from './fleet-fixtures';

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
});
