import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildTokenScript, OUTPUT } = require('../../scripts/build-token-script.js') as { buildTokenScript(): string; OUTPUT: string };

describe('GIVEN the shipped token-bootstrap.js', () => {
  test('WHEN the source is built again THEN it is the current build of src/token/bootstrap/token-bootstrap.ts', () => {
    // GIVEN the committed script and the TypeScript source
    const committed = readFileSync(join(__dirname, '../..', OUTPUT), 'utf8');

    // WHEN the source is built again
    const built = buildTokenScript();

    // THEN they are identical
    if (committed !== built) throw new Error(`${OUTPUT} is stale: run \`npm run build:token-script\` and commit it`);
    expect(committed).toBe(built);
  });

  test('WHEN its requires are read THEN it uses Node built-ins only, so the plain node image can run it', () => {
    // GIVEN the committed script
    const committed = readFileSync(join(__dirname, '../..', OUTPUT), 'utf8');

    // WHEN its requires are collected
    const requires = [...committed.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);

    // THEN every one is a node: built-in
    expect(requires.length).toBeGreaterThan(0);
    expect(requires.filter((r) => !r.startsWith('node:'))).toEqual([]);
  });
});
