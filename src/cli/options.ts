import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './command';
import { InputError } from '../config/parse';

/** `--jobs` as a positive integer, or undefined for the default. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a positive integer, got "${value}"`);
  return n;
}

/** Where a fleet command reads its fleet file from, and how that was decided (for messages). */
export interface FleetFileChoice {
  readonly file: string;
  /** e.g. "from -f", "from TENANTS_FILE", "the default" */
  readonly source: string;
}

/** The default fleet file, in the working directory. */
export const DEFAULT_FLEET_FILE = 'tenants.yaml';

/**
 * The fleet file every fleet command reads, looked up the same way: `-f FILE`, else a FILE
 * argument, else `$TENANTS_FILE` (what the cdk8s app reads), else ./tenants.yaml.
 */
export function chooseFleetFile(flag: string | undefined, positionals: readonly string[], env: NodeJS.ProcessEnv = process.env): FleetFileChoice {
  if (flag !== undefined && positionals.length > 0) throw new UsageError(`give the fleet file once: -f ${flag} or ${positionals[0]}, not both`);
  if (positionals.length > 1) throw new UsageError(`one fleet file at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  if (flag !== undefined) return { file: flag, source: 'from -f' };
  if (positionals.length === 1) return { file: positionals[0], source: 'from the argument' };
  if (env.TENANTS_FILE) return { file: env.TENANTS_FILE, source: 'from TENANTS_FILE' };
  return { file: DEFAULT_FLEET_FILE, source: 'the default' };
}

/**
 * Refuses a fleet file that is not there, saying where it was looked for and how to get one.
 * `-` (stdin) is always there.
 */
export function requireFleetFile(choice: FleetFileChoice): void {
  if (choice.file === '-' || existsSync(choice.file)) return;
  throw new InputError([
    `no fleet file: looked for ${resolve(choice.file)} (${choice.source}; lookup order: -f FILE, a FILE argument, $TENANTS_FILE, ./${DEFAULT_FLEET_FILE}). ` +
      `Start one with 'grafana-tenancy init' (platform settings) or 'grafana-tenancy add-tenant'`,
  ]);
}

/** `-o/--output`: the output format, the one meaning of `-o` in every command. */
export function parseOutputFormat<T extends string>(value: string | undefined, formats: readonly T[]): T {
  const format = value ?? formats[0];
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--output must be one of ${formats.join(', ')}, got "${value}"`);
  return format as T;
}
