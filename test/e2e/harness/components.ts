import { KubeClient } from './kube';
import { ProcessRecord } from './processes';

/**
 * What a component gets from the harness when it starts. Port offsets 0-19 of the port base are
 * the harness's own; an optional component takes its ports from `port(offset)` with offsets
 * 20-39 (Keycloak: 20-29); 40-99 are free for the tests' own fakes (see README.md).
 */
export interface ComponentContext {
  readonly stateDir: string;
  readonly toolsDir: string;
  readonly portBase: number;
  port(offset: number): number;
  /** Cluster-admin client of the running API server. */
  readonly kube: KubeClient;
  readonly kubeconfig: string;
  /** Starts a detached process logging to <stateDir>/logs/<name>.log; the harness records its PID. */
  spawn(name: string, command: string, args: readonly string[], env?: Record<string, string | undefined>): ProcessRecord;
  log(message: string): void;
}

/** What a started component hands back: its processes (stopped by PID on `down`) and facts for the tests. */
export interface ComponentState {
  readonly processes: ProcessRecord[];
  /** Namespace the component runs for (printed by `e2e:up`), if any. */
  readonly namespace?: string;
  /** Anything the tests need (URLs, credentials of a throw-away instance), stored in state.json. */
  readonly info?: Record<string, unknown>;
}

/**
 * An optional component (e.g. Keycloak in `keycloak.ts`): a module under this folder exporting
 * `component: HarnessComponent`, selected by name in `startCluster({ components })` or
 * `E2E_COMPONENTS`.
 */
export interface HarnessComponent {
  readonly name: string;
  /** Components this one needs started first (built-in: 'eso', 'grafana-operator', 'keycloak-operator'). */
  readonly after?: readonly string[];
  start(ctx: ComponentContext): Promise<ComponentState>;
  /** Optional extra clean-up after its processes were stopped. */
  stop?(state: ComponentState, ctx: { stateDir: string }): Promise<void>;
}

/** Loads an optional component module `./<name>` (e.g. `keycloak`), with a clear error if absent. */
export function loadComponent(name: string): HarnessComponent {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`component name '${name}' must be kebab-case`);
  let mod: { component?: HarnessComponent };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`./${name}`);
  } catch (e) {
    throw new Error(`component '${name}': no module test/e2e/harness/${name}.ts (${(e as Error).message.split('\n')[0]})`);
  }
  if (!mod.component || typeof mod.component.start !== 'function') {
    throw new Error(`component '${name}': test/e2e/harness/${name}.ts must export 'component: HarnessComponent'`);
  }
  return mod.component;
}
