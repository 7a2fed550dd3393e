import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(__dirname, '..', '..', 'bin', 'grafana-tenancy');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real executable as users run it: the command itself, which starts the compiled CLI
 * from its start-up snapshot when that fits (test/perf/startup-snapshot.test.ts covers the rest).
 */
export function runBin(args: string[], options: { cwd?: string; input?: string } = {}): CliResult {
  const result = spawnSync(BIN, args, { encoding: 'utf8', cwd: options.cwd, input: options.input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
