import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What each build script under scripts/ exports about the file it writes. */
interface ShippedScript { build(): string; SOURCE: string; OUTPUT: string; NPM_SCRIPT: string }

/* eslint-disable @typescript-eslint/no-require-imports */
const token = require('../scripts/build-token-script.js') as { buildTokenScript(): string; SOURCE: string; OUTPUT: string; NPM_SCRIPT: string };
const backup = require('../scripts/build-backup-script.js') as { buildBackupScript(): string; SOURCE: string; OUTPUT: string; NPM_SCRIPT: string };
/* eslint-enable @typescript-eslint/no-require-imports */

const SCRIPTS: [string, ShippedScript][] = [
  ['token-bootstrap.js', { ...token, build: token.buildTokenScript }],
  ['grafana-backup.js', { ...backup, build: backup.buildBackupScript }],
];

describe.each(SCRIPTS)('GIVEN the shipped %s', (_name, script) => {
  test(`WHEN its source is built again THEN it is the current build of ${script.SOURCE}`, () => {
    // GIVEN the committed script and the TypeScript source
    const committed = readFileSync(join(__dirname, '..', script.OUTPUT), 'utf8');

    // WHEN the source is built again
    const built = script.build();

    // THEN they are identical
    if (committed !== built) throw new Error(`${script.OUTPUT} is stale: run \`npm run ${script.NPM_SCRIPT}\` and commit it`);
    expect(committed).toBe(built);
  });

  test('WHEN its requires are read THEN it uses Node built-ins only, so the plain node image can run it', () => {
    // GIVEN the committed script
    const committed = readFileSync(join(__dirname, '..', script.OUTPUT), 'utf8');

    // WHEN its requires are collected
    const requires = [...committed.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);

    // THEN every one is a node: built-in
    expect(requires.length).toBeGreaterThan(0);
    expect(requires.filter((r) => !r.startsWith('node:'))).toEqual([]);
  });
});
