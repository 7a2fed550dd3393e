import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_HEADER } from '../../src/fleet/layout';
import { tempDir } from '../fleet/fleet-fixtures';

const ROOT = join(__dirname, '..', '..');

describe('the cdk8s app (npx cdk8s synth)', () => {
  test('renders TENANTS_FILE into CDK8S_OUTDIR through the synth code path', () => {
    // GIVEN the example fleet and an output dir, as the cdk8s CLI passes them
    const out = tempDir();
    // WHEN the app cdk8s.yaml names is run
    const result = spawnSync(process.execPath, [join(ROOT, 'lib', 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_OUTDIR: out, TENANTS_FILE: join(ROOT, 'examples', 'tenants.yaml') },
      encoding: 'utf8',
    });
    // THEN the GitOps layout is there, generated files and kustomizations alike
    expect(result.status).toBe(0);
    expect(readdirSync(join(out, 'tenant-acme')).sort()).toEqual(['kustomization.yaml', 'monitoring.yaml']);
    expect(readFileSync(join(out, 'tenant-acme', 'monitoring.yaml'), 'utf8').startsWith(GENERATED_HEADER)).toBe(true);
  });

  test('an invalid fleet exits 1 with the problems and no stack trace', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'lib', 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_OUTDIR: tempDir(), TENANTS_FILE: '/nonexistent/tenants.yaml' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: /nonexistent/tenants.yaml: cannot read the file (ENOENT)\n');
  });
});
