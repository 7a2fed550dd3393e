import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildBackupScript, OUTPUT } = require('../../scripts/build-backup-script.js') as { buildBackupScript(): string; OUTPUT: string };

describe('GIVEN the shipped grafana-backup.js', () => {
  test('WHEN the source is built again THEN it is the current build of src/backup/snapshot/grafana-backup.ts', () => {
    const committed = readFileSync(join(__dirname, '../..', OUTPUT), 'utf8');
    const built = buildBackupScript();
    if (committed !== built) throw new Error(`${OUTPUT} is stale: run \`npm run build:backup-script\` and commit it`);
    expect(committed).toBe(built);
  });

  test('WHEN its requires are read THEN it uses Node built-ins only, so the plain node image can run it', () => {
    const committed = readFileSync(join(__dirname, '../..', OUTPUT), 'utf8');
    const requires = [...committed.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(requires.length).toBeGreaterThan(0);
    expect(requires.filter((r) => !r.startsWith('node:'))).toEqual([]);
  });
});
