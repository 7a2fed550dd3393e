import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statKeyOf } from '../../src/fleet/file-stat';
import { writeIfChanged } from '../../src/fleet/file-writer';
import { tempDir } from './fleet-fixtures';

describe('writing a rendered file only when its bytes change', () => {
  test('GIVEN no folder yet WHEN written THEN the folder and file are made AND the stat key is the file\'s', () => {
    const out = tempDir();
    const write = writeIfChanged(out, { path: 'tenant-a/monitoring.yaml', existed: false }, 'kind: Job\n');
    expect(write.written).toBe(true);
    expect(readFileSync(join(out, 'tenant-a/monitoring.yaml'), 'utf8')).toBe('kind: Job\n');
    expect(write.stat).toBe(statKeyOf(join(out, 'tenant-a/monitoring.yaml')));
  });

  test('GIVEN a file holding the same bytes WHEN written THEN it is left alone, mtime kept', () => {
    const out = tempDir();
    writeIfChanged(out, { path: 'a/f.yaml', existed: false }, 'same: ü\n');
    const file = join(out, 'a/f.yaml');
    utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const before = statSync(file).mtimeMs;
    const write = writeIfChanged(out, { path: 'a/f.yaml', existed: true }, 'same: ü\n');
    expect(write.written).toBe(false);
    expect(statSync(file).mtimeMs).toBe(before);
    expect(write.stat).toBe(statKeyOf(file));
  });

  test.each([
    ['other bytes of the same length', 'same: x\n'],
    ['a shorter file', 'x\n'],
  ])('GIVEN a file holding %s WHEN written THEN it is replaced', (_, old) => {
    const out = tempDir();
    writeIfChanged(out, { path: 'a/f.yaml', existed: false }, old);
    const write = writeIfChanged(out, { path: 'a/f.yaml', existed: true }, 'same: y\n');
    expect(write.written).toBe(true);
    expect(readFileSync(join(out, 'a/f.yaml'), 'utf8')).toBe('same: y\n');
  });

  test('GIVEN a file that existed and is gone by the time it is written THEN it is written', () => {
    const out = tempDir();
    expect(writeIfChanged(out, { path: 'gone/f.yaml', existed: true }, 'a\n').written).toBe(true);
    expect(existsSync(join(out, 'gone/f.yaml'))).toBe(true);
  });

  test('GIVEN a file where the folder should be WHEN written THEN the error names the path', () => {
    const out = tempDir();
    writeFileSync(join(out, 'blocked'), '');
    expect(() => writeIfChanged(out, { path: 'blocked/f.yaml', existed: false }, 'a\n')).toThrow(/blocked/);
  });
});
