import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { ComponentContext, ComponentState, HarnessComponent, loadComponent } from './components';
import { KubeClient, waitFor } from './kube';
import { isOurs, ProcessRecord, sleep, startProcess, stopProcess, tail } from './processes';

/** The repository root: the harness runs from test/e2e/harness (ts-jest) or lib/e2e/test/e2e/harness (compiled). */
export const REPO_ROOT = (() => {
  let d = __dirname;
  while (!(existsSync(join(d, 'package.json')) && existsSync(join(d, 'charts', 'grafana-tenancy', 'Chart.yaml'))) && resolve(d, '..') !== d) d = resolve(d, '..');
  return d;
})();
/** Where `npm run e2e:build` compiles the harness (processes it starts run the compiled JS). */
export const COMPILED_HARNESS = join(REPO_ROOT, 'lib', 'e2e', 'test', 'e2e', 'harness');
export const DEFAULT_PORT_BASE = 32300;
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.tools', 'e2e', 'run');
export const TOOLS_DIR = process.env.E2E_TOOLS_DIR ?? join(REPO_ROOT, '.tools', 'e2e');

/** Built-in components after etcd + kube-apiserver (which always run). */
export const BUILTIN_COMPONENTS = ['kube-controller-manager', 'external-secrets', 'grafana-operator', 'keycloak-operator'] as const;

/** Where each operator runs (its OPERATOR_NAMESPACE / the namespace its Secrets live in). */
export const OPERATOR_NAMESPACES: Record<string, string> = {
  'external-secrets': 'external-secrets',
  'grafana-operator': 'grafana-operator',
  'keycloak-operator': 'keycloak-operator',
};

/** Port offsets from the port base (0-19 harness, 20-39 optional components, 40-99 tests' fakes). */
export const PORTS = { etcd: 0, etcdPeer: 1, apiserver: 2, serviceProxy: 3, grafanaOperatorHealth: 4, keycloakOperatorHealth: 5 };

export interface StartOptions {
  /** Default E2E_STATE_DIR or .tools/e2e/run. */
  readonly stateDir?: string;
  /** Default E2E_PORT_BASE or 32300; the harness uses portBase+0..portBase+99. */
  readonly portBase?: number;
  /** Built-in and optional components; default every built-in, plus E2E_COMPONENTS (comma-separated). */
  readonly components?: readonly string[];
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/** state.json: everything `e2e:down` / `e2e:status` and the tests need. */
export interface ClusterState {
  readonly stateDir: string;
  readonly portBase: number;
  readonly server: string;
  readonly kubeconfig: string;
  readonly caFile: string;
  readonly adminToken: string;
  /** Operator name -> its namespace. */
  readonly namespaces: Record<string, string>;
  readonly processes: ProcessRecord[];
  /** Optional components' states (processes are also in `processes`). */
  readonly components: Record<string, ComponentState>;
  readonly startedAt: string;
  readonly startSeconds?: number;
}

export interface Cluster extends ClusterState {
  readonly kube: KubeClient;
  stop(): Promise<void>;
}

export function stateDirOf(opts: StartOptions = {}): string {
  return resolve(opts.stateDir ?? process.env.E2E_STATE_DIR ?? DEFAULT_STATE_DIR);
}

export function portBaseOf(opts: StartOptions = {}): number {
  const v = opts.portBase ?? (process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) : DEFAULT_PORT_BASE);
  if (!Number.isInteger(v) || v < 1024 || v > 65_400) throw new Error(`E2E_PORT_BASE '${v}' must be an integer port between 1024 and 65400`);
  return v;
}

export function readState(stateDir: string): ClusterState | undefined {
  const f = join(stateDir, 'state.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ClusterState) : undefined;
}

/** The running cluster of a state dir, as a client; throws if it is not running. */
export function attach(stateDir = stateDirOf()): Cluster {
  const state = readState(stateDir);
  if (!state || !state.processes.some(isOurs)) throw new Error(`no e2e cluster is running for ${stateDir} (npm run e2e:up)`);
  const kube = new KubeClient(state.server, readFileSync(state.caFile, 'utf8'), state.adminToken);
  return { ...state, kube, stop: () => stopCluster(stateDir) };
}

function tool(name: string): string {
  const p = join(TOOLS_DIR, 'bin', name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run scripts/e2e/install-tools.sh (npm run e2e:tools)`);
  return p;
}

/**
 * Starts etcd, kube-apiserver (RBAC, PodSecurity), and the selected components on loopback, writes
 * a kubeconfig and <stateDir>/state.json (updated after every process start, so `stopCluster`
 * stops exactly what was started even when start-up fails half way).
 */
export async function startCluster(opts: StartOptions = {}): Promise<Cluster> {
  const t0 = Date.now();
  const stateDir = stateDirOf(opts);
  const portBase = portBaseOf(opts);
  const log = opts.log ?? ((l: string) => process.stderr.write(`e2e: ${l}\n`));
  const port = (offset: number) => portBase + offset;
  const extra = (process.env.E2E_COMPONENTS ?? '').split(',').filter(Boolean);
  const wanted = new Set(opts.components ?? [...BUILTIN_COMPONENTS, ...extra]);

  const previous = readState(stateDir);
  if (previous && previous.processes.some(isOurs)) {
    throw new Error(`an e2e cluster is already running for ${stateDir} (pids ${previous.processes.filter(isOurs).map((p) => p.pid).join(' ')}): npm run e2e:down first`);
  }
  // A fresh cluster every time: etcd data, certificates and logs of the last run are dropped.
  for (const d of ['etcd', 'pki', 'logs']) rmSync(join(stateDir, d), { recursive: true, force: true });
  mkdirSync(join(stateDir, 'pki'), { recursive: true });
  mkdirSync(join(stateDir, 'logs'), { recursive: true });

  const pki = join(stateDir, 'pki');
  const saKey = join(pki, 'sa.key');
  execFileSync('openssl', ['genrsa', '-traditional', '-out', saKey, '2048'], { stdio: 'ignore' });
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(pki, 'tokens.csv'), `${adminToken},e2e-admin,e2e-admin,"system:masters"\n`, { mode: 0o600 });
  const caFile = join(pki, 'apiserver.crt');
  const server = `https://127.0.0.1:${port(PORTS.apiserver)}`;
  const kubeconfig = join(stateDir, 'kubeconfig');

  const processes: ProcessRecord[] = [];
  const components: Record<string, ComponentState> = {};
  const namespaces: Record<string, string> = {};
  const state = (): ClusterState => ({
    stateDir,
    portBase,
    server,
    kubeconfig,
    caFile,
    adminToken,
    namespaces,
    processes,
    components,
    startedAt: new Date(t0).toISOString(),
    startSeconds: Math.round((Date.now() - t0) / 100) / 10,
  });
  const save = () => writeFileSync(join(stateDir, 'state.json'), `${JSON.stringify(state(), null, 2)}\n`, { mode: 0o600 });
  const spawnLogged = (name: string, command: string, args: readonly string[], env: Record<string, string | undefined> = {}) => {
    const p = startProcess(name, command, args, join(stateDir, 'logs', `${name}.log`), env);
    processes.push(p);
    save();
    return p;
  };
  const alive = async (p: ProcessRecord, what: string) => {
    if (!isOurs(p)) throw new Error(`${p.name} exited while ${what}; last lines of ${p.log}:\n${tail(p.log)}`);
  };

  try {
    // etcd
    const etcdUrl = `http://127.0.0.1:${port(PORTS.etcd)}`;
    const peerUrl = `http://127.0.0.1:${port(PORTS.etcdPeer)}`;
    let step = Date.now();
    const etcd = spawnLogged('etcd', tool('etcd'), [
      '--name=default',
      `--data-dir=${join(stateDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--listen-metrics-urls=',
      // a throw-away test store on a busy shared disk: durability is not the point
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor('etcd /health', async () => {
      await alive(etcd, 'starting');
      const r = await fetch(`${etcdUrl}/health`).catch(() => undefined);
      return r?.ok;
    }, 60_000);
    log(`etcd ready on ${etcdUrl} (${secs(step)} s)`);

    // kube-apiserver
    step = Date.now();
    const apiserver = spawnLogged('kube-apiserver', tool('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      `--secure-port=${port(PORTS.apiserver)}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--cert-dir=${pki}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saKey}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=RBAC',
      '--endpoint-reconciler-type=none',
      `--token-auth-file=${join(pki, 'tokens.csv')}`,
      '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,DefaultTolerationSeconds,ResourceQuota,ValidatingAdmissionPolicy',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=0',
    ]);
    await waitFor('kube-apiserver /readyz', async () => {
      await alive(apiserver, 'starting');
      if (!existsSync(caFile)) return false;
      const k = new KubeClient(server, readFileSync(caFile, 'utf8'), adminToken);
      const r = await k.raw({ path: '/readyz' }).catch(() => undefined);
      return r?.status === 200;
    }, 120_000, 500);
    const kube = new KubeClient(server, readFileSync(caFile, 'utf8'), adminToken);
    writeFileSync(kubeconfig, kubeconfigYaml(server, readFileSync(caFile, 'utf8'), adminToken), { mode: 0o600 });
    log(`kube-apiserver ready on ${server} (${secs(step)} s)`);

    const ctx: ComponentContext = {
      stateDir,
      toolsDir: TOOLS_DIR,
      portBase,
      port,
      kube,
      kubeconfig,
      spawn: (name, command, args, env) => spawnLogged(name, command, args, env),
      log,
    };

    if (wanted.has('kube-controller-manager')) {
      step = Date.now();
      const kcm = spawnLogged('kube-controller-manager', tool('kube-controller-manager'), [
        `--kubeconfig=${kubeconfig}`,
        `--service-account-private-key-file=${saKey}`,
        `--root-ca-file=${caFile}`,
        '--use-service-account-credentials=true',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        '--leader-elect=false',
        "--controllers=*",
        '--concurrent-gc-syncs=5',
        '--v=0',
      ]);
      await waitFor('the default ServiceAccount (kube-controller-manager)', async () => {
        await alive(kcm, 'starting');
        return kube.getOrUndefined('/api/v1/namespaces/default/serviceaccounts/default');
      }, 120_000, 500);
      log(`kube-controller-manager ready (${secs(step)} s)`);
    }

    const operators = BUILTIN_COMPONENTS.filter((c) => c !== 'kube-controller-manager' && wanted.has(c));
    if (operators.length) {
      step = Date.now();
      // The operators' own CRDs, from the modules they were built from; all three sets are
      // installed whenever any operator runs, so every rendered kind can be applied.
      const n = await installCrds(kube);
      log(`${n} CRDs established (${secs(step)} s)`);
      const proxy = spawnLogged('service-proxy', process.execPath, [
        join(COMPILED_HARNESS, 'service-proxy.js'),
        String(port(PORTS.serviceProxy)),
        `kubernetes.default.svc:443=127.0.0.1:${port(PORTS.apiserver)}`,
        `kubernetes.default.svc.cluster.local:443=127.0.0.1:${port(PORTS.apiserver)}`,
      ]);
      await sleep(200);
      await alive(proxy, 'starting');
    }
    for (const op of operators) {
      step = Date.now();
      const ns = OPERATOR_NAMESPACES[op];
      await ensureNamespace(kube, ns);
      namespaces[op] = ns;
      const env = { KUBECONFIG: kubeconfig };
      let p: ProcessRecord;
      if (op === 'external-secrets') {
        p = spawnLogged(op, tool('external-secrets'), [
          '--metrics-addr=0',
          '--enable-cluster-external-secret-reconciler=false',
          '--enable-cluster-push-secret-reconciler=false',
          '--enable-cluster-store-reconciler=false',
          '--concurrent=2',
        ], { ...env, HTTPS_PROXY: `http://127.0.0.1:${port(PORTS.serviceProxy)}`, NO_PROXY: '127.0.0.1,localhost', POD_NAMESPACE: ns });
        await waitFor('external-secrets to start its controllers', async () => {
          await alive(p, 'starting');
          return /Starting workers|starting manager/i.test(tail(p.log, 200));
        }, 120_000, 500);
      } else if (op === 'grafana-operator') {
        const health = port(PORTS.grafanaOperatorHealth);
        p = spawnLogged(op, tool('grafana-operator'), ['--metrics-bind-address=0', `--health-probe-bind-address=127.0.0.1:${health}`], {
          ...env,
          POD_NAMESPACE: ns,
        });
        await waitFor('grafana-operator /readyz', async () => {
          await alive(p, 'starting');
          return (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok;
        }, 120_000, 500);
      } else {
        const health = port(PORTS.keycloakOperatorHealth);
        p = spawnLogged(op, tool('keycloak-operator'), ['--metrics-bind-address=0', `--health-probe-bind-address=127.0.0.1:${health}`, `--kubeconfig=${kubeconfig}`], {
          ...env,
          WATCH_NAMESPACE: '',
          OPERATOR_NAMESPACE: ns,
          ENABLE_WEBHOOKS: 'false',
        });
        await waitFor('keycloak-operator /readyz', async () => {
          await alive(p, 'starting');
          return (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok;
        }, 120_000, 500);
      }
      log(`${op} running in namespace ${ns}, pid ${p.pid} (${secs(step)} s)`);
    }

    // Optional components, e.g. keycloak (test/e2e/harness/keycloak.ts).
    const optional = [...wanted].filter((c) => !(BUILTIN_COMPONENTS as readonly string[]).includes(c));
    for (const name of optional) {
      step = Date.now();
      const c: HarnessComponent = loadComponent(name);
      const s = await c.start(ctx);
      components[name] = { ...s, processes: s.processes };
      if (s.namespace) namespaces[name] = s.namespace;
      save();
      log(`${name} ready (${secs(step)} s)`);
    }
    save();
    log(`cluster up in ${secs(t0)} s; kubeconfig ${kubeconfig}`);
    return { ...state(), kube, stop: () => stopCluster(stateDir) };
  } catch (e) {
    log(`start-up failed: ${(e as Error).message}`);
    await stopCluster(stateDir, log);
    throw e;
  }
}

/** Stops exactly the PIDs recorded in <stateDir>/state.json (newest first). */
export async function stopCluster(stateDir = stateDirOf(), log: (l: string) => void = (l) => process.stderr.write(`e2e: ${l}\n`)): Promise<void> {
  const state = readState(stateDir);
  if (!state) {
    log(`nothing to stop: no ${join(stateDir, 'state.json')}`);
    return;
  }
  for (const name of Object.keys(state.components ?? {}).reverse()) {
    const c = state.components[name];
    for (const p of [...c.processes].reverse()) log(`${p.name} (pid ${p.pid}): ${await stopProcess(p)}`);
    try {
      const mod = loadComponent(name);
      await mod.stop?.(c, { stateDir });
    } catch {
      // its module is gone: its processes are stopped anyway
    }
  }
  const seen = new Set(Object.values(state.components ?? {}).flatMap((c) => c.processes.map((p) => p.pid)));
  for (const p of [...state.processes].reverse()) {
    if (seen.has(p.pid)) continue;
    log(`${p.name} (pid ${p.pid}): ${await stopProcess(p)}`);
  }
}

/**
 * Stops one recorded process by PID and starts it again with the same command, arguments and
 * environment (e.g. an operator restart); state.json gets the new PID.
 */
export async function restartProcess(stateDir: string, name: string): Promise<ProcessRecord> {
  const state = readState(stateDir);
  const i = state?.processes.findIndex((p) => p.name === name) ?? -1;
  if (!state || i < 0) throw new Error(`no process '${name}' recorded in ${join(stateDir, 'state.json')}`);
  const old = state.processes[i];
  await stopProcess(old);
  const p = startProcess(old.name, old.command, old.args ?? [], old.log, old.env ?? {});
  const processes = [...state.processes];
  processes[i] = p;
  writeFileSync(join(stateDir, 'state.json'), `${JSON.stringify({ ...state, processes }, null, 2)}\n`, { mode: 0o600 });
  return p;
}

export interface StatusLine {
  readonly name: string;
  readonly pid: number;
  readonly running: boolean;
}

export function clusterStatus(stateDir = stateDirOf()): { state?: ClusterState; processes: StatusLine[] } {
  const state = readState(stateDir);
  return { state, processes: (state?.processes ?? []).map((p) => ({ name: p.name, pid: p.pid, running: isOurs(p) })) };
}

async function ensureNamespace(kube: KubeClient, name: string, labels: Record<string, string> = {}): Promise<void> {
  const r = await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  if (r.status >= 300) throw new Error(`namespace ${name}: HTTP ${r.status} ${r.body?.message}`);
}

/** Server-side applies every CRD under <tools>/crds/* and waits until all are Established. */
export async function installCrds(kube: KubeClient): Promise<number> {
  const root = join(TOOLS_DIR, 'crds');
  const names: string[] = [];
  for (const op of ['external-secrets', 'grafana-operator', 'keycloak-operator']) {
    const dir = join(root, op);
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run scripts/e2e/install-tools.sh`);
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()) {
      for (const doc of loadAll(readFileSync(join(dir, f), 'utf8')) as any[]) {
        if (!doc || doc.kind !== 'CustomResourceDefinition') continue;
        const r = await kube.apply(doc, 'grafana-tenancy-e2e-crds');
        if (r.status >= 300) throw new Error(`CRD ${doc.metadata.name} (${op}/${f}): HTTP ${r.status} ${r.body?.message}`);
        names.push(doc.metadata.name);
      }
    }
  }
  for (const n of names) {
    await waitFor(`CRD ${n} Established`, async () => {
      const crd = await kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`);
      return crd.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
    }, 60_000);
  }
  return names.length;
}

function kubeconfigYaml(server: string, ca: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: e2e',
    '    cluster:',
    `      server: ${server}`,
    `      certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
    'users:',
    '  - name: e2e-admin',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    '  - name: e2e',
    '    context: { cluster: e2e, user: e2e-admin }',
    'current-context: e2e',
    '',
  ].join('\n');
}

function secs(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
