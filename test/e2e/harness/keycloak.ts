/*
 * Optional harness component `keycloak`: a real Keycloak (Quarkus distribution from Maven Central,
 * installed and built once by scripts/e2e/install-keycloak.sh) on loopback, with a fresh database
 * per cluster, and the ClusterKeycloak that connects the EDP keycloak-operator to it.
 *
 * Keycloak is started with `kc.sh start --optimized` (the build step ran at install time), plain
 * HTTP on 127.0.0.1 (accepted: realms default to "SSL required: external"), local caches (no
 * cluster ports) and a throw-away bootstrap admin. kc.sh forwards SIGTERM to its java child; both
 * PIDs are recorded, java first to stop, so nothing outlives `e2e:down`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ComponentContext, ComponentState, HarnessComponent } from './components';
import { waitFor } from './kube';
import { isOurs, ProcessRecord, tail } from './processes';

/** Port offset of Keycloak's HTTP listener (the harness reserves 20-29 for Keycloak). */
export const KEYCLOAK_PORT_OFFSET = 20;
export const KC_JAVA_HOME = process.env.KC_JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
/** The ClusterKeycloak (and its admin Secret in the operator's namespace) the platform fixture refers to. */
export const CLUSTER_KEYCLOAK = 'keycloak';

export interface KeycloakInfo {
  readonly url: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly clusterKeycloak: string;
  /** Seconds from spawn to the master realm answering. */
  readonly startSeconds: number;
}

function repoRoot(): string {
  // source (test/e2e/harness) or compiled (lib/e2e/test/e2e/harness): the repo has package.json
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'scripts', 'e2e'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('keycloak: repository root not found');
    dir = up;
  }
  return dir;
}

/** Runs the install script (a no-op once installed and built) and returns Keycloak's home. */
export function installKeycloak(toolsDir: string): string {
  const out = execFileSync('bash', [join(repoRoot(), 'scripts', 'e2e', 'install-keycloak.sh')], {
    env: { ...process.env, E2E_TOOLS_DIR: toolsDir, KC_JAVA_HOME },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  return out.trim().split('\n').pop()!;
}

export interface StartedKeycloak {
  readonly processes: ProcessRecord[];
  readonly info: KeycloakInfo;
}

/**
 * Starts Keycloak on 127.0.0.1:<port> with its database under dataDir (wiped first) and waits
 * until the master realm answers. `spawn` records the process (the harness's ctx.spawn, or
 * processes.ts startProcess for a stand-alone run).
 */
export async function startKeycloak(opts: {
  toolsDir: string;
  port: number;
  dataDir: string;
  spawn: (name: string, command: string, args: readonly string[], env: Record<string, string>) => ProcessRecord;
  log: (line: string) => void;
}): Promise<StartedKeycloak> {
  const home = installKeycloak(opts.toolsDir);
  rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(opts.dataDir, { recursive: true });
  const adminUser = 'e2e-admin';
  const adminPassword = randomBytes(18).toString('base64url');
  const url = `http://127.0.0.1:${opts.port}`;
  const t0 = Date.now();
  const sh = opts.spawn(
    'keycloak',
    '/bin/sh',
    [
      join(home, 'bin', 'kc.sh'),
      'start',
      '--optimized',
      '--http-enabled=true',
      '--http-host=127.0.0.1',
      `--http-port=${opts.port}`,
      '--hostname-strict=false',
      '--cache=local',
      `--db-url=jdbc:h2:file:${join(opts.dataDir, 'keycloakdb')};NON_KEYWORDS=VALUE`,
      '--log-level=warn',
    ],
    {
      JAVA_HOME: KC_JAVA_HOME,
      JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx384m',
      KC_BOOTSTRAP_ADMIN_USERNAME: adminUser,
      KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    },
  );
  const processes = [sh];
  // kc.sh runs java as a child: record it too, so a stop signals java itself.
  const java = await waitFor('the Keycloak java process', async () => {
    if (!isOurs(sh)) throw new Error(`Keycloak exited while starting; last lines of ${sh.log}:\n${tail(sh.log)}`);
    const children = readFileSync(`/proc/${sh.pid}/task/${sh.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.map(Number).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(`${KC_JAVA_HOME}/bin/java\0`));
  }, 30_000, 100);
  processes.push({ name: 'keycloak-java', pid: java, command: `${KC_JAVA_HOME}/bin/java`, log: sh.log });
  opts.log(`keycloak starting on ${url} (pids ${sh.pid}, ${java}); a fresh database takes ~30-40 CPU-s`);
  await waitFor('Keycloak /realms/master', async () => {
    if (!isOurs(sh)) throw new Error(`Keycloak exited while starting; last lines of ${sh.log}:\n${tail(sh.log)}`);
    const res = await fetch(`${url}/realms/master`).catch(() => undefined);
    return res?.ok;
  }, 420_000, 1000);
  return { processes, info: { url, adminUser, adminPassword, clusterKeycloak: CLUSTER_KEYCLOAK, startSeconds: Math.round((Date.now() - t0) / 100) / 10 } };
}

/** The admin Secret and ClusterKeycloak through which the EDP operator administers this Keycloak. */
export async function connectOperator(ctx: Pick<ComponentContext, 'kube'>, namespace: string, info: KeycloakInfo): Promise<void> {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${CLUSTER_KEYCLOAK}-admin`, namespace },
    type: 'Opaque',
    stringData: { username: info.adminUser, password: info.adminPassword },
  };
  const ck = {
    apiVersion: 'v1.edp.epam.com/v1alpha1',
    kind: 'ClusterKeycloak',
    // v1alpha1: url without /auth; the Secret lives in the operator's namespace
    metadata: { name: CLUSTER_KEYCLOAK },
    spec: { url: info.url, secret: `${CLUSTER_KEYCLOAK}-admin` },
  };
  for (const obj of [secret, ck]) {
    const r = await ctx.kube.apply(obj);
    if (r.status >= 300) throw new Error(`${obj.kind} ${obj.metadata.name}: HTTP ${r.status}: ${r.body?.message}`);
  }
  await waitFor(`ClusterKeycloak ${CLUSTER_KEYCLOAK} connected`, async () => {
    const got = await ctx.kube.getOrUndefined(`/apis/v1.edp.epam.com/v1alpha1/clusterkeycloaks/${CLUSTER_KEYCLOAK}`);
    return got?.status?.connected === true;
  }, 180_000, 1000);
}

export const component: HarnessComponent = {
  name: 'keycloak',
  after: ['keycloak-operator'],
  async start(ctx: ComponentContext): Promise<ComponentState> {
    const started = await startKeycloak({
      toolsDir: ctx.toolsDir,
      port: ctx.port(KEYCLOAK_PORT_OFFSET),
      dataDir: join(ctx.stateDir, 'keycloak'),
      spawn: (name, command, args, env) => ctx.spawn(name, command, args, env),
      log: (l) => ctx.log(l),
    });
    const namespace = 'keycloak-operator';
    await connectOperator(ctx, namespace, started.info);
    ctx.log(`keycloak ready in ${started.info.startSeconds} s, ClusterKeycloak ${CLUSTER_KEYCLOAK} connected`);
    return { processes: started.processes, namespace, info: { ...started.info } };
  },
  async stop(_state, { stateDir }) {
    // the database is per cluster: drop it with the cluster
    rmSync(join(stateDir, 'keycloak'), { recursive: true, force: true });
  },
};
