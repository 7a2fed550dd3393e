import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manifest } from '../../src/render/render';
import { TENANT } from '../support/fixtures';
import { ADMIN_PASSWORD, ADMIN_USER, FakeGrafana, GRAFANA } from './fakes/fake-grafana';
import { FakeKubernetes, KUBE } from './fakes/fake-kubernetes';
import { fakeAwsPath, newSharedDir, PodRun, runPod } from './fakes/run-pod';
import { kubernetesTokenFile } from './fakes/run-script';
import { AWS_SINK, find, synthToken, TokenValues } from './support';

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

  test.each([
    ['put-secret-value', 'an existing secret', { [SECRET_ID]: 'glsa_revoked' }, `storing the token in secret ${SECRET_ID}: `],
    ['create-secret', 'a missing secret', {}, `creating secret ${SECRET_ID}: `],
  ])('store failure (%s on %s): prune revokes the undelivered token and fails with the store error', async (command, _, secrets, what) => {
    // GIVEN older Job tokens, no valid stored token, and Secrets Manager refusing the write
    const account = grafana.addAccount('kagent', 'Admin');
    const old = ['kagent-20260101T000000Z-aaaa', 'kagent-20260201T000000Z-bbbb'].map((n) => grafana.addToken(account, n));
    setState({ secrets, fail: { [command]: 'AccessDeniedException' } });

    // WHEN the pod runs
    const run = await runAwsPod();

    // THEN store recorded the error without failing, and prune failed with that error
    expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 0], ['bootstrap', 0], ['store', 0], ['prune', 1]]);
    const prune = run.results[3].result.stderr;
    expect(prune).toContain(`token-bootstrap failed: the new token was not stored: ${what}`);
    expect(prune).toContain('AccessDeniedException');
    // AND the one token deleted is the new, undelivered one; the older ones and the secret are unchanged
    expect(grafana.issuedKeys).toHaveLength(old.length + 1);
    const deleted = grafana.callsTo('DELETE', GRAFANA.token).map((c) => Number(c.path.split('/').pop()));
    expect(deleted).toHaveLength(1);
    expect(old.map((t) => t.id)).not.toContain(deleted[0]);
    expect(grafana.tokensOf(account).map((t) => t.id)).toEqual(old.map((t) => t.id));
    expect(state().secrets).toEqual(secrets);
    expect(prune).toContain(`token id=${deleted[0]} was revoked`);
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

describe('aws-secrets-manager sink, rendered pod, beyond the defaults', () => {
  const awsBin = fakeAwsPath();
  let stateFile: string;
  const state = (): { secrets: Record<string, string>; calls?: { command: string; region: string }[] } => JSON.parse(readFileSync(stateFile, 'utf8'));

  beforeEach(() => {
    stateFile = join(newSharedDir(), 'aws-state.json');
    writeFileSync(stateFile, JSON.stringify({ secrets: {} }));
  });

  function runAwsPod(token: TokenValues, override: Record<string, string> = {}, path = `${awsBin}:${process.env.PATH}`, sharedDir = newSharedDir()): Promise<PodRun> {
    const job = find(synthToken(token), 'Job')!;
    return runPod(job, {
      secrets: ADMIN_SECRETS,
      override: { GRAFANA_URL: grafanaUrl, RETRY_BASE_DELAY_MS: '1', FAKE_AWS_STATE: stateFile, ...override },
      sharedDir,
    }, path);
  }

  const withoutRegion: TokenValues = { sink: { ...AWS_SINK.sink, awsSecretsManager: { ...AWS_SINK.sink!.awsSecretsManager, region: '' } } };

  test('no region rendered and none injected: read-stored fails with a hint, before Grafana is touched', async () => {
    // GIVEN values without a region and a pod without AWS_REGION (no IRSA webhook)
    // WHEN the pod runs
    const run = await runAwsPod(withoutRegion);

    // THEN the AWS CLI error is passed on with the fix
    expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 1]]);
    expect(run.results[0].result.stderr).toContain('You must specify a region');
    expect(run.results[0].result.stderr).toContain('set serviceAccountToken.sink.awsSecretsManager.region, or let IRSA/Pod Identity inject AWS_REGION');
    expect(grafana.calls).toHaveLength(0);
  });

  test('no region rendered, AWS_REGION injected by the IRSA webhook: the token is stored', async () => {
    // GIVEN values without a region and the variable the EKS pod identity webhook adds to every container
    // WHEN the pod runs
    const run = await runAwsPod(withoutRegion, { AWS_REGION: 'eu-central-1' });

    // THEN it succeeds with the injected region
    expect(run.succeeded).toBe(true);
    expect(state().calls!.map((c) => c.region)).toEqual(['eu-central-1', 'eu-central-1', 'eu-central-1']);
    expect(state().secrets[SECRET_ID]).toBe(grafana.issuedKeys[0]);
  });

  test('a stored value that is not a token (multi-line JSON) is replaced, never probed nor printed', async () => {
    // GIVEN Secrets Manager holds a JSON document instead of a bare token
    const json = JSON.stringify({ token: 'glsa_not_like_this', note: 'wrong shape' }, null, 2);
    writeFileSync(stateFile, JSON.stringify({ secrets: { [SECRET_ID]: json } }));

    // WHEN the pod runs
    const run = await runAwsPod(AWS_SINK);

    // THEN Grafana was not asked about it, and a new token replaced it
    expect(run.succeeded).toBe(true);
    expect(grafana.count('GET', GRAFANA.org)).toBe(0);
    expect(state().secrets[SECRET_ID]).toBe(grafana.issuedKeys[0]);
    expect(output(run)).toContain('the stored value is not a usable token');
    expect(output(run)).not.toContain('glsa_not_like_this');
  });

  test('every node step counts its deadline from the pod start that read-stored wrote', async () => {
    // GIVEN a pod that started 1000 s ago (a `date` that says so), a 540 s deadline, and Grafana answering 503
    const bin = mkdtempSync(join(tmpdir(), 'fake-date-'));
    writeFileSync(join(bin, 'date'), `#!/bin/sh\necho ${Math.floor(Date.now() / 1000) - 1000}\n`);
    chmodSync(join(bin, 'date'), 0o755);
    grafana.fail('GET', GRAFANA.search, 100, { status: 503 });
    const sharedDir = newSharedDir();

    // WHEN the pod runs
    const run = await runAwsPod(AWS_SINK, {}, `${bin}:${awsBin}:${process.env.PATH}`, sharedDir);

    // THEN bootstrap gave up after one attempt because the pod's deadline has passed
    expect(run.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 0], ['bootstrap', 1]]);
    expect(run.results[1].result.stderr).toContain('the deadline (DEADLINE_SECONDS) would pass');
    expect(grafana.count('GET', GRAFANA.search)).toBe(1);
    expect(existsSync(join(sharedDir, 'pod-start'))).toBe(true);
  });

  test('the same pod started just now retries within its deadline', async () => {
    // GIVEN the real `date` and the same failing Grafana
    grafana.fail('GET', GRAFANA.search, 100, { status: 503 });

    // WHEN the pod runs
    const run = await runAwsPod(AWS_SINK);

    // THEN bootstrap used its whole attempt budget (6), not the deadline
    expect(run.results[1].result.stderr).toContain('giving up after 6 attempts, last error: HTTP 503');
    expect(grafana.count('GET', GRAFANA.search)).toBe(6);
  });

  test('renewal after a failed store: the delivered token, not the undelivered one, survives pruning', async () => {
    // GIVEN a stored token D of this Job with 10 of its 60 minutes left
    const account = grafana.addAccount('kagent', 'Admin');
    const delivered = grafana.addToken(account, 'kagent-20260101T000000Z-aaaa', { secondsToLive: 3600, ageSeconds: 3000 });
    writeFileSync(stateFile, JSON.stringify({ secrets: { [SECRET_ID]: delivered.key }, fail: { 'put-secret-value': 'ThrottlingException' } }));
    const token: TokenValues = { ...AWS_SINK, secondsToLive: 3600, keepOldTokens: 1 };

    // WHEN a run renews but cannot store, and the next run can
    const failed = await runAwsPod(token);
    writeFileSync(stateFile, JSON.stringify({ secrets: state().secrets }));
    const next = await runAwsPod(token);

    // THEN the first run revoked its token and failed; the second stored a new one and kept D
    expect(failed.results.map((r) => [r.name, r.result.code])).toEqual([['read-stored', 0], ['bootstrap', 0], ['store', 0], ['prune', 1]]);
    expect(next.succeeded).toBe(true);
    const current = grafana.tokensOf(account).find((t) => t.key === state().secrets[SECRET_ID])!;
    expect(current.id).not.toBe(delivered.id);
    expect(grafana.tokensOf(account).map((t) => t.id)).toEqual([delivered.id, current.id]);
    expect(grafana.issuedKeys).toHaveLength(3);
    expectNoTokenPrinted(failed);
    expectNoTokenPrinted(next);
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
