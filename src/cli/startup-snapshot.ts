import { startupSnapshot } from 'node:v8';
import { forgetInstallFiles } from '../config/install-files';
import { CliIo } from './command';
import { main, runCli } from './main';

/*
 * Entry point of the CLI's V8 startup snapshot (scripts/bundle.js bundles this file and runs
 * `node --snapshot-blob lib/bundle/cli.blob --build-snapshot` on it; bin/grafana-tenancy starts
 * `node --snapshot-blob` when the blob fits the node binary and the folder). A snapshot holds the
 * heap after the CLI's modules are loaded and a few renders have run, so a process starts with
 * the code already initialised instead of parsing and evaluating the bundle: see
 * https://nodejs.org/api/cli.html#--build-snapshot-entry.
 *
 * The warm-up renders only touch module state that depends on the install (the bundled token
 * and backup scripts, dashboards, caches keyed by content), never on the user's input, which
 * the deserialized process reads afresh (argv, env, cwd, files).
 */

/** Environment variable the build sets: a JSON list of argument lists to run before the snapshot. */
const WARM_UP_ENV = 'GRAFANA_TENANCY_SNAPSHOT_WARM_UP';

async function warmUp(runs: readonly string[][]): Promise<void> {
  const io: CliIo = { stdout: () => {}, stderr: () => {}, stderrIsTty: false };
  // Refused fixtures (exit 1) warm the error paths too; an internal error (exit 2, or a throw)
  // means a broken build: stop it rather than snapshot a half-initialised CLI.
  for (const argv of runs) {
    const code = await runCli([...argv], io);
    if (code > 1) throw new Error(`snapshot warm-up failed (exit ${code}): ${argv.join(' ')}`);
  }
}

// The snapshot is taken once this script's work, the warm-up included, has drained.
warmUp(JSON.parse(process.env[WARM_UP_ENV] ?? '[]')).catch((e) => {
  process.stderr.write(`snapshot warm-up: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});

// What the warm-up read from the install is read again by each process (a file may change).
startupSnapshot.addSerializeCallback(forgetInstallFiles);

// In a process started from the snapshot there is no script: argv[1] is the first argument.
startupSnapshot.setDeserializeMainFunction(() => main(process.argv.slice(1)));
