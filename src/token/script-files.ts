import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onForgetInstallFiles } from '../config/install-files';

/*
 * The files the token bootstrap Job runs. They live in the Helm chart's files/ so that the chart
 * (`.Files.Get`) and the constructs ship the very same bytes, the ones the scenario tests run.
 */

/** Built from src/token/bootstrap/token-bootstrap.ts by `npm run build:token-script`. */
export const BOOTSTRAP_SCRIPT = 'token-bootstrap.js';
/** AWS CLI step: copy the stored token from Secrets Manager into the shared emptyDir. */
export const AWS_READ_SCRIPT = 'token-aws-read.sh';
/** AWS CLI step: store the new token in Secrets Manager. */
export const AWS_STORE_SCRIPT = 'token-aws-store.sh';

const FILES_DIR = join('charts', 'grafana-tenancy', 'files');

let foundFilesDir: string | undefined;

/** The chart's files/ folder, from the package root: two levels up from src/token, three from lib/src/token. */
export function chartFilesDir(): string {
  if (foundFilesDir !== undefined) return foundFilesDir;
  for (const up of ['..', '../..', '../../..']) {
    const dir = join(__dirname, up, FILES_DIR);
    if (existsSync(join(dir, BOOTSTRAP_SCRIPT))) return (foundFilesDir = dir);
  }
  throw new Error(`${FILES_DIR}/${BOOTSTRAP_SCRIPT} not found next to ${__dirname}`);
}

/** Scripts by name, read once per process: every token tenant of a fleet ships the same files. */
const scripts = new Map<string, string>();
/** Checksums by the joined contents: a fleet has a handful of distinct script sets. */
const checksums = new Map<string, string>();
onForgetInstallFiles(() => scripts.clear());

export function readScript(name: string): string {
  let text = scripts.get(name);
  if (text === undefined) {
    text = readFileSync(join(chartFilesDir(), name), 'utf8');
    scripts.set(name, text);
  }
  return text;
}

/** Hex SHA-256 of the given file contents, in order: the chart computes the same with sha256sum. */
export function scriptChecksum(contents: readonly string[]): string {
  const joined = contents.join('');
  let sum = checksums.get(joined);
  if (sum === undefined) {
    sum = createHash('sha256').update(joined).digest('hex');
    checksums.set(joined, sum);
  }
  return sum;
}
