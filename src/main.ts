import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFleet } from './config/fleet';
import { InputError } from './config/parse';
import { renderInstance, toYamlStream } from './render/render';

/**
 * The cdk8s app (`npx cdk8s synth`): renders every tenant of the fleet file into
 * `<outdir>/<namespace>/<release>.yaml`.
 */
function synth(): void {
  const file = process.env.TENANTS_FILE ?? 'examples/tenants.yaml';
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const fleet = loadFleet(file);
  for (const tenant of fleet.tenants) {
    const manifests = renderInstance({ ...tenant, apiVersions: fleet.apiVersions });
    const dir = join(outdir, tenant.namespace);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${tenant.release}.yaml`), toYamlStream(manifests));
  }
  process.stderr.write(`rendered ${fleet.tenants.length} tenants from ${file} into ${outdir}/\n`);
}

try {
  synth();
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  process.stderr.write(e.problems.map((p) => `error: ${p}\n`).join(''));
  process.exitCode = 1;
}
