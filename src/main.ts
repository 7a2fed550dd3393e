import { loadFleet } from './config/fleet';
import { InputError } from './config/parse';
import { synthFleet } from './fleet/synth';

/**
 * The cdk8s app (`npx cdk8s synth`): the CLI's `synth` code path, reading the fleet file from
 * TENANTS_FILE (default examples/tenants.yaml) and writing into CDK8S_OUTDIR (default dist).
 *
 * It does not call `App.synth()`: that writes one `<chart>.k8s.yaml` per chart with cdk8s' own
 * YAML writer, while the fleet's GitOps tree is `<namespace>/<release>.yaml` plus a
 * kustomization per folder, in the bytes the Helm chart's parity suite checks. What `App.synth()`
 * would add still applies: each tenant's chart runs its construct validations before it is
 * written (renderInstance), and cdk8s-cli's validation plugins (`validations:` in cdk8s.yaml)
 * read every *.yaml below the output folder, which includes this tree.
 * A cdk8s app of your own that holds `TenantMonitoring` constructs goes through `App.synth()`.
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
