import { clusterStatus, startCluster, stateDirOf, stopCluster } from './cluster';

const HELP = `Usage: npm run e2e:up | e2e:down | e2e:status   (node lib/e2e/test/e2e/harness/cli.js up|down|status)

  up      start etcd, kube-apiserver (RBAC, PodSecurity), kube-controller-manager, External Secrets
          Operator, grafana-operator and the EDP keycloak-operator on 127.0.0.1; print the
          kubeconfig path and each operator's namespace. Extra components: E2E_COMPONENTS=keycloak
  down    stop exactly the processes recorded in <state dir>/state.json, by PID
  status  show those processes and whether they run

Environment:
  E2E_STATE_DIR   state dir (default .tools/e2e/run): state.json, kubeconfig, logs/, pki/, etcd/
  E2E_PORT_BASE   first port (default 32300); the harness uses E2E_PORT_BASE..E2E_PORT_BASE+99
  E2E_COMPONENTS  optional components to add, comma-separated (e.g. keycloak)
`;

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0];
  if (!cmd || cmd === '--help' || cmd === '-h' || argv.includes('--help')) {
    process.stdout.write(HELP);
    return cmd ? 0 : 2;
  }
  const stateDir = stateDirOf();
  if (cmd === 'up') {
    const c = await startCluster();
    process.stdout.write(`kubeconfig: ${c.kubeconfig}\n`);
    process.stdout.write(`server: ${c.server}\n`);
    for (const [name, ns] of Object.entries(c.namespaces)) process.stdout.write(`namespace of ${name}: ${ns}\n`);
    process.stdout.write(`logs: ${stateDir}/logs\nstop with: npm run e2e:down\n`);
    return 0;
  }
  if (cmd === 'down') {
    await stopCluster(stateDir);
    return 0;
  }
  if (cmd === 'status') {
    const { state, processes } = clusterStatus(stateDir);
    if (!state) {
      process.stdout.write(`no cluster state in ${stateDir}\n`);
      return 1;
    }
    process.stdout.write(`kubeconfig: ${state.kubeconfig}\nserver: ${state.server}\n`);
    for (const [name, ns] of Object.entries(state.namespaces)) process.stdout.write(`namespace of ${name}: ${ns}\n`);
    for (const p of processes) process.stdout.write(`${p.running ? 'running' : 'stopped'}  ${p.name} (pid ${p.pid})\n`);
    return processes.every((p) => p.running) ? 0 : 1;
  }
  process.stderr.write(`unknown command '${cmd}'\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`e2e: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
