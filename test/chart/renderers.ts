/*
 * Runs both renderers the way users do: `helm template` on charts/grafana-tenancy and
 * `bin/grafana-tenancy render`, with the same namespace, release, values and API versions.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

export const ROOT = join(__dirname, '..', '..');
export const CHART_DIR = join(ROOT, 'charts', 'grafana-tenancy');
export const HELM = join(ROOT, '.tools', 'bin', 'helm');
const CLI = join(ROOT, 'bin', 'grafana-tenancy');
const CLI_ENTRY = join(ROOT, 'lib', 'src', 'cli', 'main.js');

/** helm built with `go install` defaults to Kubernetes 1.20; pin what the project supports. */
export const KUBE_VERSION = '1.31.0';

/** Fails loudly instead of skipping: the parity suite is the proof that the chart is right. */
export function requireTools(helm = HELM): void {
  if (!existsSync(helm)) {
    throw new Error(`helm not found at ${helm}: run 'bash scripts/install-tools.sh' (npm test does this in pretest)`);
  }
  if (!existsSync(CLI_ENTRY)) {
    throw new Error(`${CLI_ENTRY} is missing: run 'npm run build' (npm test does this in pretest)`);
  }
}

export interface RenderRequest {
  readonly namespace: string;
  readonly release: string;
  readonly valuesFiles: readonly string[];
  readonly apiVersions?: readonly string[];
  /** Chart directory; tests may render a copy with extra templates. */
  readonly chartDir?: string;
}

export interface RenderResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

async function exec(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RenderResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, env: env ?? process.env });
    return { ok: true, stdout, stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof err.code !== 'number') throw e; // could not start the process at all
    return { ok: false, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

export function helmTemplate(req: RenderRequest): Promise<RenderResult> {
  const args = ['template', req.release, req.chartDir ?? CHART_DIR, '--namespace', req.namespace, '--kube-version', KUBE_VERSION];
  for (const f of req.valuesFiles) args.push('--values', f);
  for (const v of req.apiVersions ?? []) args.push('--api-versions', v);
  return exec(HELM, args);
}

/** The CLI as users run it: the command itself (its start-up snapshot when it fits). */
export function cliRender(req: RenderRequest): Promise<RenderResult> {
  const args = ['render', '--namespace', req.namespace, '--release', req.release];
  for (const f of req.valuesFiles) args.push('--values', f);
  for (const v of req.apiVersions ?? []) args.push('--api-versions', v);
  return exec(CLI, args);
}

/** Any helm command, e.g. package or show. */
export function runHelm(args: string[], env?: NodeJS.ProcessEnv): Promise<RenderResult> {
  return exec(HELM, args, env);
}

export function helmLint(valuesFile: string): Promise<RenderResult> {
  return exec(HELM, ['lint', '--strict', CHART_DIR, '--values', valuesFile, '--kube-version', KUBE_VERSION]);
}

/** The failure text without helm's `Error: execution error at (<template>:<line>:<col>): ` prefix. */
export function helmFailure(stderr: string): string {
  return stderr
    .trim()
    .replace(/^Error: execution error at \(.*?:\d+:\d+\): /, '')
    .replace(/\s*Use --debug flag to render out invalid YAML$/, '');
}

/** The failure text without the CLI's `error: ` prefix. */
export function cliFailure(stderr: string): string {
  return stderr.trim().replace(/^error: /, '');
}

export type Manifest = Record<string, any>;

/** Parses a YAML stream into objects; empty documents (helm's template comments) are dropped. */
export function parseStream(text: string): Manifest[] {
  // YAML 1.1, as Kubernetes tooling (sigs.k8s.io/yaml) reads it: `on` or `yes` written plain would be booleans.
  return parseAllDocuments(text, { version: '1.1' })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML in rendered output: ${doc.errors[0].message}`);
      return doc.toJSON() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
}

/** (apiVersion, kind, namespace, name): the identity of an object in a cluster. */
export function objectKey(m: Manifest): string {
  return `${m.apiVersion} ${m.kind} ${m.metadata?.namespace ?? '(cluster)'}/${m.metadata?.name}`;
}

/** Objects by key; a duplicate key is an error (it would overwrite an object when applied). */
export function byKey(manifests: readonly Manifest[]): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const m of manifests) {
    const key = objectKey(m);
    if (out.has(key)) throw new Error(`two objects with the same key: ${key}`);
    out.set(key, m);
  }
  return out;
}

/** Secret values are random on the Helm side: compare a Secret's data by key set only. */
export function normaliseSecrets(m: Manifest): Manifest {
  if (m.apiVersion !== 'v1' || m.kind !== 'Secret') return m;
  const keysOnly = (data: unknown) =>
    data && typeof data === 'object' ? Object.fromEntries(Object.keys(data).sort().map((k) => [k, '<redacted>'])) : data;
  return { ...m, data: keysOnly(m.data), stringData: keysOnly(m.stringData) };
}

/**
 * Differences between two values as `path: left != right` lines; key order is ignored, array
 * order is not (it is meaningful in Kubernetes objects).
 */
export function diffValues(left: unknown, right: unknown, path = ''): string[] {
  if (isObject(left) && isObject(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((k) => diffValues(left[k], right[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    const n = Math.max(left.length, right.length);
    return Array.from({ length: n }, (_, i) => diffValues(left[i], right[i], `${path}[${i}]`)).flat();
  }
  if (left === right) return [];
  return [`  ${path || '(root)'}: ${show(left)} != ${show(right)}`];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

/** Labels only a Helm release has: parity is defined without them. */
export const HELM_ONLY_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];

/** A Helm-rendered object without the Helm-only labels. */
export function withoutHelmLabels(m: Manifest): Manifest {
  const labels = m.metadata?.labels;
  if (!labels) return m;
  const rest = Object.fromEntries(Object.entries(labels).filter(([k]) => !HELM_ONLY_LABELS.includes(k)));
  return { ...m, metadata: { ...m.metadata, labels: rest } };
}

/**
 * A readable report of how two renders differ, object by object (`helm != cdk8s`); empty when
 * they render the same objects. Helm's own labels (HELM_ONLY_LABELS) are not compared.
 */
export function compareRenders(helm: readonly Manifest[], cdk8s: readonly Manifest[]): string {
  const left = byKey(helm.map(withoutHelmLabels).map(normaliseSecrets));
  const right = byKey(cdk8s.map(normaliseSecrets));
  const report: string[] = [];
  for (const key of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    if (!right.has(key)) report.push(`${key}: only rendered by helm`);
    else if (!left.has(key)) report.push(`${key}: only rendered by cdk8s`);
    else {
      const lines = diffValues(left.get(key), right.get(key));
      if (lines.length > 0) report.push(`${key}: differs (helm != cdk8s)\n${lines.join('\n')}`);
    }
  }
  return report.join('\n');
}
