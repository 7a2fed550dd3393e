import { loadFleet } from './config/fleet';
import { InputError } from './config/parse';
import { synthFleet } from './fleet/synth';

/**
 * The cdk8s app (`npx cdk8s synth`): the CLI's `synth` code path, reading the fleet file from
 * TENANTS_FILE (default examples/tenants.yaml) and writing into CDK8S_OUTDIR (default dist).
 */
async function synth(): Promise<void> {
  const file = process.env.TENANTS_FILE ?? 'examples/tenants.yaml';
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const result = await synthFleet(loadFleet(file), outdir);
  process.stderr.write(
    `rendered ${file} into ${outdir}/: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n`,
  );
}

synth().catch((e: unknown) => {
  if (!(e instanceof InputError)) throw e;
  process.stderr.write(e.problems.map((p) => `error: ${p}\n`).join(''));
  process.exitCode = 1;
});
