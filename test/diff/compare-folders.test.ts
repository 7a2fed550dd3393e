import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../src/config/input-error';
import { compareTrees } from '../../src/diff/compare';
import { compareSources, prestartCompareWorkers } from '../../src/diff/compare-folders';
import { folderSource } from '../../src/diff/sides';
import * as parallelRender from '../../src/fleet/parallel-render';
import { tempDir } from '../fleet/fleet-fixtures';

// Integration: worker threads load the compiled worker from lib/ (built by `npm test`'s pretest).

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team' }, data });

/** Writes `files` (path -> objects) under a new folder and returns it. */
function folder(files: Map<string, object[]>): string {
  const dir = tempDir('compare-folders-');
  for (const [path, objects] of files) {
    mkdirSync(join(dir, path.slice(0, path.lastIndexOf('/'))), { recursive: true });
    writeFileSync(join(dir, path), objects.map((o) => stringify(o)).join('---\n'));
  }
  return dir;
}

describe('comparing two rendered folders on worker threads', () => {
  test('GIVEN 4,200 files with changes, moves across the whole tree and one-sided files WHEN compared by two workers THEN the report is the in-process one', async () => {
    // GIVEN
    const before = new Map<string, object[]>();
    const after = new Map<string, object[]>();
    for (let i = 0; i < 4200; i++) {
      const path = `ns-${String(i).padStart(4, '0')}/app.yaml`;
      before.set(path, [configMap(`a-${i}`, { v: '1' }), configMap(`b-${i}`, { v: 'same' })]);
      after.set(path, [configMap(`a-${i}`, { v: i % 7 === 0 ? '2' : '1' }), configMap(`b-${i}`, { v: 'same' })]);
    }
    // an object moved from the first file to the last (other batches, other workers), unchanged,
    // and one moved the other way and changed
    before.get('ns-0000/app.yaml')!.push(configMap('moved', { v: 'x' }));
    after.get('ns-4199/app.yaml')!.push(configMap('moved', { v: 'x' }));
    before.get('ns-4198/app.yaml')!.push(configMap('moved-back', { v: 'x' }));
    after.get('ns-0001/app.yaml')!.push(configMap('moved-back', { v: 'y' }));
    // files only on one side
    before.set('gone/app.yaml', [configMap('gone', { v: '1' })]);
    after.set('new/app.yaml', [configMap('new', { v: '1' })]);
    const [oldDir, newDir] = [folder(before), folder(after)];
    const labels = { old: 'old', new: 'new' };
    // WHEN compared by two workers started before the folders were listed
    const prestarted = prestartCompareWorkers(oldDir, newDir, 2);
    expect(prestarted).toHaveLength(2);
    const onWorkers = jest.spyOn(parallelRender, 'runInWorkers');
    const parallel = await compareSources(folderSource(oldDir), folderSource(newDir), labels, 0, 2, prestarted);
    const inProcess = compareTrees(folderSource(oldDir), folderSource(newDir), labels);
    // THEN the files went to those two workers, and the report is the in-process one
    expect(onWorkers).toHaveBeenCalledWith(expect.any(Array), 2, expect.objectContaining({ prestarted }));
    onWorkers.mockRestore();
    expect(parallel).toEqual(inProcess);
    expect(parallel.total).toEqual({ added: 1, removed: 1, changed: 601 });
    expect(parallel.changes.find((c) => c.name === 'moved-back')?.change).toBe('changed');
    expect(parallel.changes.some((c) => c.name === 'moved')).toBe(false);
  });

  test('GIVEN folders too small for workers, a file, or one worker allowed THEN no compare worker is started ahead', () => {
    const small = folder(new Map([['ns/app.yaml', [configMap('a', { v: '1' })]]]));
    const file = join(small, 'ns', 'app.yaml');
    expect(prestartCompareWorkers(small, small, 2)).toEqual([]);
    expect(prestartCompareWorkers(file, small, 2)).toEqual([]);
    expect(prestartCompareWorkers(join(small, 'missing'), small, 2)).toEqual([]);
    const many = tempDir('compare-folders-many-');
    for (let i = 0; i < 4000; i++) mkdirSync(join(many, `ns-${i}`));
    expect(prestartCompareWorkers(many, many, 1)).toEqual([]);
  });

  test('GIVEN a file that is not valid YAML WHEN compared by workers THEN the problem names it', async () => {
    const files = new Map<string, object[]>();
    for (let i = 0; i < 4100; i++) files.set(`ns-${i}/app.yaml`, [configMap(`a-${i}`, { v: '1' })]);
    const [oldDir, newDir] = [folder(files), folder(files)];
    writeFileSync(join(newDir, 'ns-4000/app.yaml'), 'kind: [unclosed\n');
    const failure = compareSources(folderSource(oldDir), folderSource(newDir), { old: 'o', new: 'n' }, 0, 2);
    // AND it is the input problem the CLI reports (exit 2), not a crash
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(/ns-4000\/app\.yaml: not valid YAML/);
  });
});
