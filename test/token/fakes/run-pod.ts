import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manifest } from '../../../src/render/render';
import { ScriptResult } from './run-script';

const FILES_DIR = join(__dirname, '../../../charts/grafana-tenancy/files');

export interface PodRun {
  /** Results of the containers that ran, in order; the pod stops at the first failing one. */
  readonly results: { name: string; result: ScriptResult }[];
  readonly succeeded: boolean;
}

export interface PodEnvironment {
  /** Secrets the kubelet would resolve for `secretKeyRef`: name -> key -> value. */
  readonly secrets: Record<string, Record<string, string>>;
  /** Env the cluster would provide (e.g. the Grafana URL of the fake instead of the in-cluster Service). */
  readonly override: Record<string, string>;
  /** Directory standing in for the pod's emptyDir volumes (kept across runs only if reused). */
  readonly sharedDir: string;
}

/** A PATH directory whose `aws` is the fake AWS CLI. */
export function fakeAwsPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-aws-bin-'));
  copyFileSync(join(__dirname, 'fake-aws.js'), join(dir, 'aws'));
  chmodSync(join(dir, 'aws'), 0o755);
  return dir;
}

export function newSharedDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-pod-'));
  mkdirSync(join(dir, 'tmp'));
  mkdirSync(join(dir, 'snapshot'));
  return dir;
}

/**
 * Runs a rendered Job's pod the way the kubelet would: init containers one after another, then
 * the containers, each with the command and env of the manifest. Mount paths are mapped to local
 * directories (`/scripts` -> the chart's files, `/shared` and `/tmp` -> `sharedDir`), `node` is
 * this Node, and `secretKeyRef` env comes from `secrets`.
 */
export async function runPod(job: Manifest, environment: PodEnvironment, path: string): Promise<PodRun> {
  const spec = job.spec.template.spec;
  const results: PodRun['results'] = [];
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const result = await runContainer(container, environment, path);
    results.push({ name: container.name, result });
    if (result.code !== 0) return { results, succeeded: false };
  }
  return { results, succeeded: true };
}

function runContainer(container: Manifest, environment: PodEnvironment, path: string): Promise<ScriptResult> {
  const local = (value: string) =>
    value
      .replace(/^\/scripts\//, `${FILES_DIR}/`)
      .replace(/^\/shared(\/|$)/, `${environment.sharedDir}$1`)
      .replace(/^\/snapshot(\/|$)/, `${environment.sharedDir}/snapshot$1`)
      .replace(/^\/tmp$/, join(environment.sharedDir, 'tmp'));
  const env: Record<string, string> = { PATH: path };
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      const ref = e.valueFrom.secretKeyRef;
      const value = environment.secrets[ref.name]?.[ref.key];
      if (value === undefined && ref.optional === true) continue;
      if (value === undefined) throw new Error(`secret ${ref.name} key ${ref.key} missing: the kubelet would not start ${container.name}`);
      env[e.name] = value;
    } else {
      env[e.name] = local(e.value ?? ''); // Kubernetes: an unset value is the empty string
    }
  }
  Object.assign(env, environment.override);
  const [command, ...args] = container.command.map(local);
  const executable = command === 'node' ? process.execPath : command;
  return new Promise((resolve) => {
    execFile(executable, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, output: stdout + stderr });
    });
  });
}
