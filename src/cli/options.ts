import { UsageError } from './command';

/** `--jobs` as a positive integer, or undefined for the default. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a positive integer, got "${value}"`);
  return n;
}
