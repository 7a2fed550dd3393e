import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manifest } from '../../src/render/render';
import { TENANT } from '../support/fixtures';
import { ADMIN_PASSWORD, ADMIN_USER, FakeGrafana, GRAFANA } from './fakes/fake-grafana';
import { FakeKubernetes, KUBE } from './fakes/fake-kubernetes';
import { fakeAwsPath, newSharedDir, PodRun, runPod } from './fakes/run-pod';
import { kubernetesTokenFile } from './fakes/run-script';
import { AWS_SINK, find, synthToken } from './support';

/*
 * The rendered Job's pod, run container by container with its own commands and env against the
 * fakes: proves the manifests and the shipped scripts fit together (env names, paths, order).
 * AWS sink: the AWS CLI is a fake `aws` on PATH keeping Secrets Manager state in a JSON file.
 */

const SECRET_ID = 'kagent/grafana/api-key';
const ADMIN_SECRETS = {
  'monitoring-admin-credentials': { GF_SECURITY_ADMIN_USER: ADMIN_USER, GF_SECURITY_ADMIN_PASSWORD: ADMIN_PASSWORD },
};

let grafana: FakeGrafana;
let grafanaUrl: string;

beforeEach(async () => {
  grafana = new FakeGrafana();
  grafanaUrl = await grafana.start();
});

afterEach(async () => {
  await grafana.stop();
});

function output(run: PodRun): string {
  return run.results.map((r) => r.result.output).join('');
}

function expectNoTokenPrinted(run: PodRun): void {
  for (const key of grafana.issuedKeys) expect(output(run)).not.toContain(key);
}

describe('aws-secrets-manager sink, rendered pod', () => {
  const job: Manifest = find(synthToken({ ...AWS_SINK, keepOldTokens: 1 }), 'Job')!;
  const awsBin = fakeAwsPath();
  let stateFile: string;

  interface AwsState { secrets: Record<string, string>; fail?: Record<string, string>; calls?: { command: string; endpoint: string }[] }
  const state = (): AwsState => JSON.parse(readFileSync(stateFile, 'utf8'));
  const setState = (s: AwsState) => writeFileSync(stateFile, JSON.stringify(s));

  beforeEach(() => {
    stateFile = join(newSharedDir(), 'aws-state.json');
    setState({ secrets: {} });
  });

  const runAwsPod = () =>
    runPod(job, { secrets: ADMIN_SECRETS, override: { GRAFANA_URL: grafanaUrl, RETRY_BASE_DELAY_MS: '1', FAKE_AWS_STATE: stateFile }, sharedDir: newSharedDir() },
      `${awsBin}:${process.env.PATH}`);

  test('first run: creates the secret with a new token; prune runs after the store', async () => {
    // GIVEN no secret in Secrets Manager and an empty Grafana
    // WHEN the pod runs
    const run = await runAwsPod();

    // THEN every container succeeded in order and the secret holds the issued token
    expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 0], ['bootstrap', 0], ['store', 0], ['prune', 0]]);
    const [account] = grafana.accountsNamed('kagent');
    expect(state().secrets[SECRET_ID]).toBe(grafana.tokensOf(account)[0].key);
    expect(state().calls!.map((c) => c.command)).toEqual(['get-secret-value', 'put-secret-value', 'create-secret']);
    // AND the rendered LocalStack endpoint reached the AWS CLI
    expect(state().calls!.every((c) => c.endpoint === 'http://localstack.localstack.svc:4566')).toBe(true);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(1);
    expect(grafana.count('POST', GRAFANA.tokens)).toBe(1);
    expect(grafana.count('DELETE', GRAFANA.token)).toBe(0);
    expectNoTokenPrinted(run);
  });

  test('second run: one Grafana call, nothing stored, nothing pruned', async () => {
    // GIVEN a first run
    expect((await runAwsPod()).succeeded).toBe(true);
    const stored = state().secrets[SECRET_ID];
    grafana.calls.length = 0;
    setState({ secrets: state().secrets });

    // WHEN the pod runs again
    const run = await runAwsPod();

    // THEN only the probe reached Grafana and only the read reached Secrets Manager
    expect(run.succeeded).toBe(true);
    expect(grafana.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/org']);
    expect(state().calls!.map((c) => c.command)).toEqual(['get-secret-value']);
    expect(state().secrets[SECRET_ID]).toBe(stored);
    expectNoTokenPrinted(run);
  });

  test('store failure: the pod fails before prune, old tokens stay', async () => {
    // GIVEN a revoked stored token, older Job tokens, and Secrets Manager refusing the write
    const account = grafana.addAccount('kagent', 'Admin');
    const old = ['kagent-20260101T000000Z-aaaa', 'kagent-20260201T000000Z-bbbb'].map((n) => grafana.addToken(account, n));
    setState({ secrets: { [SECRET_ID]: 'glsa_revoked' }, fail: { 'put-secret-value': 'AccessDeniedException' } });

    // WHEN the pod runs
    const run = await runAwsPod();

    // THEN store failed with a message, prune never ran, no token was deleted, the secret is unchanged
    expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 0], ['bootstrap', 0], ['store', 1]]);
    expect(run.results[2].result.stderr).toContain(`token-bootstrap failed: storing the token in secret ${SECRET_ID}: `);
    expect(run.results[2].result.stderr).toContain('AccessDeniedException');
    expect(grafana.count('DELETE', GRAFANA.token)).toBe(0);
    expect(grafana.tokensOf(account).map((t) => t.id)).toEqual(expect.arrayContaining(old.map((t) => t.id)));
    expect(state().secrets[SECRET_ID]).toBe('glsa_revoked');
    expectNoTokenPrinted(run);
  });

  test('read failure other than "not found": the pod fails before Grafana is touched', async () => {
    // GIVEN Secrets Manager denies the read
    setState({ secrets: {}, fail: { 'get-secret-value': 'AccessDeniedException' } });

    // WHEN the pod runs
    const run = await runAwsPod();

    // THEN it stopped at read-stored with a clear message, and Grafana saw nothing
    expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 1]]);
    expect(run.results[0].result.stderr).toContain(`token-bootstrap failed: reading secret ${SECRET_ID} from AWS Secrets Manager`);
    expect(grafana.calls).toHaveLength(0);
  });

  test('token revoked: a new token replaces it, Job tokens beyond keepOldTokens are pruned after the store', async () => {
    // GIVEN three older Job tokens, the newest of them stored but revoked
    const account = grafana.addAccount('kagent', 'Admin');
    const [oldest, middle, newest] = ['kagent-20260101T000000Z-aaaa', 'kagent-20260201T000000Z-bbbb', 'kagent-20260301T000000Z-cccc']
      .map((n) => grafana.addToken(account, n));
    grafana.tokens.splice(grafana.tokens.indexOf(newest), 1);
    setState({ secrets: { [SECRET_ID]: newest.key } });

    // WHEN the pod runs with keepOldTokens 1
    const run = await runAwsPod();

    // THEN the secret holds a new token, the newest old token is kept, the oldest deleted
    expect(run.succeeded).toBe(true);
    const current = grafana.tokensOf(account).find((t) => t.key === state().secrets[SECRET_ID]);
    expect(current).toBeDefined();
    expect(grafana.tokensOf(account).map((t) => t.id).sort()).toEqual([middle.id, current!.id].sort());
    expect(grafana.callsTo('DELETE', GRAFANA.token).map((c) => c.path)).toEqual([`/api/serviceaccounts/${account.id}/tokens/${oldest.id}`]);
    expectNoTokenPrinted(run);
  });
});

describe('kubernetes-secret sink, rendered pod', () => {
  test('the rendered env and script store the token in the pre-created Secret', async () => {
    // GIVEN the Kubernetes API with the pre-created, empty Secret
    const kube = new FakeKubernetes();
    const kubeUrl = await kube.start();
    kube.put(TENANT.namespace, 'monitoring-kagent-grafana-token');
    const job = find(synthToken(), 'Job')!;
    try {
      // WHEN the pod runs (in-cluster discovery replaced by the API URL and token file overrides)
      const run = await runPod(job, {
        secrets: ADMIN_SECRETS,
        override: { GRAFANA_URL: grafanaUrl, KUBERNETES_API_URL: kubeUrl, KUBERNETES_TOKEN_FILE: kubernetesTokenFile(), RETRY_BASE_DELAY_MS: '1' },
        sharedDir: newSharedDir(),
      }, process.env.PATH ?? '');

      // THEN the one container succeeded, and the Secret holds the issued token under key "token"
      expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['bootstrap', 0]]);
      const [account] = grafana.accountsNamed('kagent');
      expect(kube.read(TENANT.namespace, 'monitoring-kagent-grafana-token')).toEqual({ token: grafana.tokensOf(account)[0].key });
      expect(kube.count('PATCH', KUBE.secret)).toBe(1);
      expectNoTokenPrinted(run);
    } finally {
      await kube.stop();
    }
  });
});
