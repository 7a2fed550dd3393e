import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRDS_DIR, describeWithCrds } from './support/schemas';

describeWithCrds('imports/', () => {
  test('is exactly what `npm run import` generates from the pinned CRDs', () => {
    // GIVEN a fresh generation into a temp folder
    const out = join(mkdtempSync(join(tmpdir(), 'gt-imports-')), 'imports');
    execFileSync('bash', ['scripts/import-crds.sh'], { env: { ...process.env, CRDS_DIR, IMPORTS_OUT: out }, stdio: 'pipe' });
    // THEN the committed files are byte-identical (never hand-edited, never stale)
    const committed = readdirSync('imports').sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    for (const file of committed) {
      expect({ file, same: readFileSync(join(out, file)).equals(readFileSync(join('imports', file))) }).toEqual({ file, same: true });
    }
  });
});
