import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGrafana, FakeServiceAccount, GRAFANA } from './fakes/fake-grafana';
import { FakeKubernetes, KUBE } from './fakes/fake-kubernetes';
import { DroppingServer, kubernetesTokenFile, runScript, ScriptResult, scriptEnv } from './fakes/run-script';

/*
 * Scenarios of the token bootstrap (docs/token-bootstrap.md), each running the shipped token-bootstrap.js against a fake Grafana and a
 * fake Kubernetes API, with the calls counted. Sink: a Kubernetes Secret (the AWS path, whose
 * steps run in several containers, is run from the rendered pod in rendered-pod.test.ts).
 */

const NAMESPACE = 'tenant-acme';
const SECRET = 'monitoring-kagent-grafana-token';
const KEY = 'token';
const TOKEN_NAME = /^kagent-\d{8}T\d{6}Z-[0-9a-f]{4}$/;

let grafana: FakeGrafana;
let kube: FakeKubernetes;
let grafanaUrl: string;
let kubeUrl: string;
const tokenFile = kubernetesTokenFile();

beforeEach(async () => {
  grafana = new FakeGrafana();
  kube = new FakeKubernetes();
  grafanaUrl = await grafana.start();
  kubeUrl = await kube.start();
});

afterEach(async () => {
  await grafana.stop();
  await kube.stop();
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return scriptEnv(grafanaUrl, {
    SINK: 'kubernetes-secret',
    KUBERNETES_API_URL: kubeUrl,
    KUBERNETES_TOKEN_FILE: tokenFile,
    SECRET_NAMESPACE: NAMESPACE,
    SECRET_NAME: SECRET,
    SECRET_KEY: KEY,
    ...overrides,
  });
}

/** Runs the script and checks what must hold for every run: no token printed, org header on every Grafana call. */
async function run(overrides: Record<string, string> = {}, fakeGrafana = grafana): Promise<ScriptResult> {
  const result = await runScript(env(overrides));
  for (const key of fakeGrafana.issuedKeys) expect(result.output).not.toContain(key);
  const orgId = overrides.GRAFANA_ORG_ID ?? '1';
  for (const call of fakeGrafana.calls) expect(call.headers['x-grafana-org-id']).toBe(orgId);
  for (const line of result.stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^token-bootstrap \w+: /);
  return result;
}

function storedToken(): string | undefined {
  return kube.read(NAMESPACE, SECRET)?.[KEY];
}

/** A pre-created, empty Secret as the renderers ship it, and a Grafana account with tokens of earlier runs. */
function previousRun(tokenNames: string[]): { account: FakeServiceAccount; stored: string } {
  const account = grafana.addAccount('kagent', 'Admin');
  const tokens = tokenNames.map((name) => grafana.addToken(account, name));
  const stored = tokens[tokens.length - 1].key;
  kube.put(NAMESPACE, SECRET, { [KEY]: stored });
  return { account, stored };
}

describe('first run', () => {
  test('creates the service account and a token, and stores it in the pre-created Secret', async () => {
    // GIVEN an empty Grafana and the rendered, data-less Secret
    kube.put(NAMESPACE, SECRET);

    // WHEN the Job runs
    const result = await run();

    // THEN it succeeds, with one account of the right role and one uniquely named token
    expect(result.code).toBe(0);
    const [account] = grafana.accountsNamed('kagent');
    expect(account.role).toBe('Admin');
    const [token] = grafana.tokensOf(account);
    expect(token.name).toMatch(TOKEN_NAME);
    expect(storedToken()).toBe(token.key);
    // AND it made exactly these calls: no probe (nothing stored), no deletes
    expect(grafana.count('GET', GRAFANA.org)).toBe(0);
    expect(grafana.count('GET', GRAFANA.search)).toBe(1);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(1);
    expect(grafana.count('POST', GRAFANA.tokens)).toBe(1);
    expect(grafana.count('DELETE', GRAFANA.token)).toBe(0);
    expect(kube.count('GET', KUBE.secret)).toBe(1);
    expect(kube.writes().map((c) => c.method)).toEqual(['PATCH']);
    // AND the token is logged by id, never by value
    expect(result.stdout).toContain(`id=${token.id}`);
  });

  test('the token lifetime is passed to Grafana when set', async () => {
    // GIVEN a configured lifetime
    kube.put(NAMESPACE, SECRET);

    // WHEN the Job runs
    const result = await run({ TOKEN_SECONDS_TO_LIVE: '86400' });

    // THEN the token request carries it
    expect(result.code).toBe(0);
    expect(grafana.callsTo('POST', GRAFANA.tokens)[0].body).toEqual({ name: expect.stringMatching(TOKEN_NAME), secondsToLive: 86400 });
  });
});

describe('second run', () => {
  test('makes exactly one Grafana call and writes nothing when the stored token is valid', async () => {
    // GIVEN a first run that stored a token
    kube.put(NAMESPACE, SECRET);
    expect((await run()).code).toBe(0);
    const before = storedToken();
    grafana.calls.length = 0;
    kube.calls.length = 0;

    // WHEN the Job runs again
    const result = await run();

    // THEN it probes once and changes nothing
    expect(result.code).toBe(0);
    expect(grafana.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/org']);
    expect(grafana.calls[0].headers.authorization).toBe(`Bearer ${before}`);
    expect(kube.writes()).toHaveLength(0);
    expect(storedToken()).toBe(before);
  });
});

describe('renewal of tokens with a lifetime (secondsToLive > 0)', () => {
  const HOUR = { TOKEN_SECONDS_TO_LIVE: '3600' };
  const calls = () => grafana.calls.map((c) => `${c.method} ${c.path}`);

  test('a valid token with more than a third of its lifetime left stays: probe, search, list, nothing written', async () => {
    // GIVEN the stored token is this Job's newest, made 20 minutes ago with a 60-minute lifetime
    const account = grafana.addAccount('kagent', 'Admin');
    const token = grafana.addToken(account, 'kagent-20260101T000000Z-aaaa', { secondsToLive: 3600, ageSeconds: 1200 });
    kube.put(NAMESPACE, SECRET, { [KEY]: token.key });

    // WHEN the Job runs
    const result = await run(HOUR);

    // THEN it looked the token up and changed nothing
    expect(result.code).toBe(0);
    expect(calls()).toEqual(['GET /api/org', 'GET /api/serviceaccounts/search', `GET /api/serviceaccounts/${account.id}/tokens`]);
    expect(kube.writes()).toHaveLength(0);
    expect(result.stdout).toMatch(new RegExp(`token id=${token.id} expires in \\d+ s, renewed below 1200 s; nothing to do`));
  });

  test('a valid token with less than a third left is replaced before it expires; the old one keeps working', async () => {
    // GIVEN the stored token has 10 of its 60 minutes left, and an older Job token
    const account = grafana.addAccount('kagent', 'Admin');
    const older = grafana.addToken(account, 'kagent-20251201T000000Z-0000', { secondsToLive: 3600, ageSeconds: 7000 });
    const stored = grafana.addToken(account, 'kagent-20260101T000000Z-aaaa', { secondsToLive: 3600, ageSeconds: 3000 });
    kube.put(NAMESPACE, SECRET, { [KEY]: stored.key });

    // WHEN the Job runs keeping one old token
    const result = await run({ ...HOUR, KEEP_OLD_TOKENS: '1' });

    // THEN a new one-hour token is stored, found through the one search, and the replaced token is kept for the overlap
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`token id=${stored.id} expires in`);
    expect(grafana.count('GET', GRAFANA.search)).toBe(1);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(0);
    expect(grafana.callsTo('POST', GRAFANA.tokens).map((c) => c.body)).toEqual([{ name: expect.stringMatching(TOKEN_NAME), secondsToLive: 3600 }]);
    const current = grafana.tokensOf(account).find((t) => t.key === storedToken())!;
    expect(current.id).toBeGreaterThan(stored.id);
    expect(grafana.tokensOf(account).map((t) => t.id)).toEqual([stored.id, current.id]);
    expect(grafana.callsTo('DELETE', GRAFANA.token).map((c) => c.path)).toEqual([`/api/serviceaccounts/${account.id}/tokens/${older.id}`]);
    // AND the replaced token still authenticates: consumers switch over without an outage
    const probe = await fetch(`${grafanaUrl}/api/org`, { headers: { Authorization: `Bearer ${stored.key}`, 'X-Grafana-Org-Id': '1' } });
    expect(probe.status).toBe(200);
  });

  test('a token without expiry is replaced once a lifetime is configured', async () => {
    // GIVEN the stored token was made while secondsToLive was 0
    const account = grafana.addAccount('kagent', 'Admin');
    const stored = grafana.addToken(account, 'kagent-20260101T000000Z-aaaa');
    kube.put(NAMESPACE, SECRET, { [KEY]: stored.key });

    // WHEN the Job runs with a lifetime
    const result = await run(HOUR);

    // THEN a token with that lifetime replaces it
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`token id=${stored.id} has no expiry but secondsToLive is 3600; replacing it`);
    expect(grafana.callsTo('POST', GRAFANA.tokens).map((c) => c.body)).toEqual([{ name: expect.stringMatching(TOKEN_NAME), secondsToLive: 3600 }]);
    expect(storedToken()).not.toBe(stored.key);
  });

  test('a valid token that this Job did not make is left alone: its lifetime is unknown', async () => {
    // GIVEN a hand-made token stored in the Secret
    const account = grafana.addAccount('kagent', 'Admin');
    const manual = grafana.addToken(account, 'kagent-by-hand', { secondsToLive: 3600, ageSeconds: 3500 });
    kube.put(NAMESPACE, SECRET, { [KEY]: manual.key });

    // WHEN the Job runs
    const result = await run(HOUR);

    // THEN nothing is issued or written
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('has no token made by this Job, so its lifetime is unknown; nothing to do');
    expect(grafana.count('POST', GRAFANA.tokens)).toBe(0);
    expect(kube.writes()).toHaveLength(0);
  });

  test('an expired token is replaced (Grafana rejects it)', async () => {
    // GIVEN the stored token expired a minute ago
    const account = grafana.addAccount('kagent', 'Admin');
    const stored = grafana.addToken(account, 'kagent-20260101T000000Z-aaaa', { secondsToLive: 3600, ageSeconds: 3660 });
    kube.put(NAMESPACE, SECRET, { [KEY]: stored.key });

    // WHEN the Job runs
    const result = await run(HOUR);

    // THEN the probe fails and a new token is stored
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stored token is rejected by Grafana');
    expect(storedToken()).not.toBe(stored.key);
    expect(grafana.count('POST', GRAFANA.tokens)).toBe(1);
  });

  test('a failed lifetime lookup keeps the valid token and does not fail the Job', async () => {
    // GIVEN a valid stored Job token and a token list that keeps answering 500
    const account = grafana.addAccount('kagent', 'Admin');
    const stored = grafana.addToken(account, 'kagent-20260101T000000Z-aaaa', { secondsToLive: 3600, ageSeconds: 3000 });
    kube.put(NAMESPACE, SECRET, { [KEY]: stored.key });
    grafana.fail('GET', GRAFANA.tokens, 100, { status: 500 });

    // WHEN the Job runs with two attempts per call
    const result = await run({ ...HOUR, RETRY_ATTEMPTS: '2' });

    // THEN it warns, succeeds, and changed nothing
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("warning: could not check the stored token's remaining lifetime (list tokens: giving up after 2 attempts");
    expect(grafana.count('GET', GRAFANA.tokens)).toBe(2);
    expect(grafana.count('POST', GRAFANA.tokens)).toBe(0);
    expect(kube.writes()).toHaveLength(0);
  });

  test('with secondsToLive 0 a second run is still exactly one Grafana call', async () => {
    // GIVEN a first run without lifetime
    kube.put(NAMESPACE, SECRET);
    expect((await run({ TOKEN_SECONDS_TO_LIVE: '0' })).code).toBe(0);
    grafana.calls.length = 0;

    // WHEN it runs again
    const result = await run({ TOKEN_SECONDS_TO_LIVE: '0' });

    // THEN only the probe reached Grafana
    expect(result.code).toBe(0);
    expect(calls()).toEqual(['GET /api/org']);
  });
});

describe('stored values that are not a token', () => {
  test.each([
    ['multi-line JSON', '{\n  "token": "glsa_wrong_shape"\n}'],
    ['non-ASCII', 'glsa_ünïcödé_token'],
    ['an inner space', 'Bearer glsa_with_scheme'],
  ])('%s is not probed (it is no valid header value); a new token replaces it, the value is never printed', async (_, value) => {
    // GIVEN such a value in the Secret
    kube.put(NAMESPACE, SECRET, { [KEY]: value });

    // WHEN the Job runs
    const result = await run();

    // THEN Grafana was not probed with it, a token was issued and stored
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.org)).toBe(0);
    expect(storedToken()).toBe(grafana.issuedKeys[0]);
    expect(result.stdout).toContain('the stored value is not a usable token');
    for (const part of value.split(/\s+/).filter((p) => p.length > 6)) expect(result.output).not.toContain(part);
  });
});

describe('deadline', () => {
  const startFile = (content: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'pod-start-')), 'pod-start');
    writeFileSync(file, content);
    return file;
  };

  test('counts from the pod start in POD_START_FILE, not from the process start', async () => {
    // GIVEN a pod that started 600 s ago, a 540 s deadline, and Grafana answering 503
    kube.put(NAMESPACE, SECRET);
    grafana.fail('GET', GRAFANA.search, 100, { status: 503 });
    const file = startFile(`${Math.floor(Date.now() / 1000) - 600}\n`);

    // WHEN the Job runs with plenty of attempts
    const result = await run({ POD_START_FILE: file, DEADLINE_SECONDS: '540', RETRY_ATTEMPTS: '5' });

    // THEN it stopped after one attempt: the pod's deadline has passed
    expect(result.code).toBe(1);
    expect(grafana.count('GET', GRAFANA.search)).toBe(1);
    expect(result.stderr).toContain('the deadline (DEADLINE_SECONDS) would pass');
  });

  test('a POD_START_FILE without a time warns and counts from now', async () => {
    // GIVEN an empty start file and a Grafana that answers 503 twice
    kube.put(NAMESPACE, SECRET);
    grafana.fail('GET', GRAFANA.search, 2, { status: 503 });

    // WHEN the Job runs
    const result = await run({ POD_START_FILE: startFile(''), DEADLINE_SECONDS: '540' });

    // THEN it says so, retries within the deadline and succeeds
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('holds no start time; DEADLINE_SECONDS counts from now');
    expect(grafana.count('GET', GRAFANA.search)).toBe(3);
  });
});

describe('Grafana lost its database', () => {
  test('recreates the account and a token when the stored token and the account are gone', async () => {
    // GIVEN a Secret holding a token of a Grafana that was reset (this fake never issued it)
    kube.put(NAMESPACE, SECRET, { [KEY]: 'glsa_from_before_the_reset' });

    // WHEN the Job runs
    const result = await run();

    // THEN the probe fails, the account and a token are created and stored
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.org)).toBe(1);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(1);
    const [account] = grafana.accountsNamed('kagent');
    expect(storedToken()).toBe(grafana.tokensOf(account)[0].key);
    expect(kube.writes()).toHaveLength(1);
  });
});

describe('token revoked', () => {
  test('issues a new token for the existing account, then prunes old Job tokens beyond the keep count', async () => {
    // GIVEN three tokens of earlier runs, one made by hand, and the newest Job token revoked in Grafana
    const { account } = previousRun(['kagent-20260101T000000Z-aaaa', 'kagent-20260201T000000Z-bbbb', 'kagent-20260301T000000Z-cccc']);
    const manual = grafana.addToken(account, 'kagent-manual-ci');
    const [oldest, middle, newest] = grafana.tokensOf(account);
    grafana.tokens.splice(grafana.tokens.indexOf(newest), 1);

    // WHEN the Job runs keeping one old token
    const result = await run({ KEEP_OLD_TOKENS: '1' });

    // THEN it reuses the account, stores a new token, deletes only the oldest Job token
    expect(result.code).toBe(0);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(0);
    expect(grafana.accountsNamed('kagent')).toHaveLength(1);
    const remaining = grafana.tokensOf(account).map((t) => t.id);
    expect(remaining).toEqual(expect.arrayContaining([middle.id, manual.id]));
    expect(remaining).not.toContain(oldest.id);
    expect(remaining).toHaveLength(3);
    expect(grafana.callsTo('DELETE', GRAFANA.token).map((c) => c.path)).toEqual([`/api/serviceaccounts/${account.id}/tokens/${oldest.id}`]);
    expect(storedToken()).toBe(grafana.tokensOf(account).find((t) => TOKEN_NAME.test(t.name) && t.id > manual.id)!.key);
  });

  test('fixes a drifted role and re-enables the account', async () => {
    // GIVEN the account was changed to Viewer and disabled by hand, its token no longer valid
    const { account } = previousRun(['kagent-20260101T000000Z-aaaa']);
    grafana.tokens.length = 0;
    account.role = 'Viewer';
    account.isDisabled = true;

    // WHEN the Job runs for an Admin account
    const result = await run();

    // THEN one PATCH restores role and state
    expect(result.code).toBe(0);
    expect(grafana.callsTo('PATCH', GRAFANA.account).map((c) => c.body)).toEqual([{ role: 'Admin', isDisabled: false }]);
    expect(account.role).toBe('Admin');
    expect(account.isDisabled).toBe(false);
  });
});

describe('create race', () => {
  test('searches again when another client created the account between search and create', async () => {
    // GIVEN another client creates the account just before our create arrives
    kube.put(NAMESPACE, SECRET);
    grafana.beforeHandle.push((call) => {
      if (call.method === 'POST' && GRAFANA.accounts.test(call.path) && grafana.accountsNamed('kagent').length === 0) {
        grafana.addAccount('kagent', 'Admin');
      }
    });

    // WHEN the Job runs
    const result = await run();

    // THEN the 400 ErrAlreadyExists leads to a second search and the existing account is used
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.search)).toBe(2);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(1);
    const accounts = grafana.accountsNamed('kagent');
    expect(accounts).toHaveLength(1);
    expect(storedToken()).toBe(grafana.tokensOf(accounts[0])[0].key);
  });
});

describe('retries', () => {
  test('503 three times then OK: retried with backoff, then succeeds', async () => {
    // GIVEN a Grafana that answers the search with 503 three times
    kube.put(NAMESPACE, SECRET);
    grafana.fail('GET', GRAFANA.search, 3, { status: 503, body: { message: 'Service Unavailable' } });

    // WHEN the Job runs with 5 attempts per call
    const result = await run({ RETRY_ATTEMPTS: '5' });

    // THEN the fourth search succeeds and the run completes
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.search)).toBe(4);
    expect(result.stdout.match(/token-bootstrap retry: /g)).toHaveLength(3);
    expect(storedToken()).toBeDefined();
  });

  test('a 4xx other than the documented ones is not retried', async () => {
    // GIVEN Grafana refuses the token creation with 400
    kube.put(NAMESPACE, SECRET);
    grafana.fail('POST', GRAFANA.tokens, 1, { status: 400, body: { message: 'bad request body' } });

    // WHEN the Job runs
    const result = await run();

    // THEN it fails after one attempt, naming the call and Grafana's message, and writes nothing
    expect(result.code).toBe(1);
    expect(grafana.count('POST', GRAFANA.tokens)).toBe(1);
    expect(result.stderr).toContain('token-bootstrap failed: create token: HTTP 400: bad request body');
    expect(kube.writes()).toHaveLength(0);
  });

  test('Grafana down: gives up after the attempt budget with a clear message, sink untouched', async () => {
    // GIVEN a Grafana address that drops every connection, and a stored token
    const down = new DroppingServer();
    const downUrl = await down.start();
    kube.put(NAMESPACE, SECRET, { [KEY]: 'glsa_stored' });
    try {
      // WHEN the Job runs with 4 attempts per call
      const result = await runScript({ ...env({ RETRY_ATTEMPTS: '4' }), GRAFANA_URL: downUrl });

      // THEN it tried exactly 4 times, exits 1 with a message, and left the Secret alone
      expect(result.code).toBe(1);
      expect(down.connections).toBe(4);
      expect(result.stderr).toMatch(/^token-bootstrap failed: probe stored token: giving up after 4 attempts, last error: /m);
      expect(kube.writes()).toHaveLength(0);
      expect(storedToken()).toBe('glsa_stored');
    } finally {
      await down.stop();
    }
  });

  test('Grafana down past the deadline: stops before the next backoff would cross it', async () => {
    // GIVEN Grafana answers 503, many attempts allowed, but the deadline has no room for a backoff
    kube.put(NAMESPACE, SECRET);
    grafana.fail('GET', GRAFANA.search, 100, { status: 503 });

    // WHEN the Job runs
    const result = await run({ RETRY_ATTEMPTS: '50', RETRY_BASE_DELAY_MS: '60000', DEADLINE_SECONDS: '30' });

    // THEN it stops after the first attempt, says why, and wrote nothing
    expect(result.code).toBe(1);
    expect(grafana.count('GET', GRAFANA.search)).toBe(1);
    expect(result.stderr).toContain('the deadline (DEADLINE_SECONDS) would pass; last error: HTTP 503');
    expect(kube.writes()).toHaveLength(0);
  });
});

describe('sink write failure', () => {
  test('keeps old tokens, revokes the undelivered one, exits 1 with the RBAC hint', async () => {
    // GIVEN tokens of earlier runs (the stored one revoked) and an API server refusing the write
    const { account } = previousRun(['kagent-20260101T000000Z-aaaa', 'kagent-20260201T000000Z-bbbb', 'kagent-20260301T000000Z-cccc']);
    grafana.tokens.pop();
    const before = grafana.tokensOf(account).map((t) => t.id);
    const stored = storedToken();
    kube.fail('PATCH', KUBE.secret, 1, { status: 403, body: { kind: 'Status', message: 'secrets "x" is forbidden', code: 403 } });

    // WHEN the Job runs keeping no old tokens
    const result = await run({ KEEP_OLD_TOKENS: '0' });

    // THEN it fails, the Secret still holds the old value, no old token was pruned
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('update Secret tenant-acme/monitoring-kagent-grafana-token: HTTP 403');
    expect(result.stderr).toContain('Role and RoleBinding');
    expect(storedToken()).toBe(stored);
    expect(grafana.tokensOf(account).map((t) => t.id)).toEqual(before);
    // AND the one DELETE was the new, never delivered token
    const created = grafana.callsTo('POST', GRAFANA.tokens);
    expect(created).toHaveLength(1);
    expect(grafana.count('GET', GRAFANA.tokens)).toBe(0);
    expect(grafana.callsTo('DELETE', GRAFANA.token)).toHaveLength(1);
    expect(grafana.callsTo('DELETE', GRAFANA.token)[0].path).not.toMatch(new RegExp(`/(${before.join('|')})$`));
  });

  test('a 409 conflict re-reads the Secret and writes again with the new resourceVersion', async () => {
    // GIVEN another writer changes the Secret right before our first write
    kube.put(NAMESPACE, SECRET);
    let touched = false;
    kube.beforeHandle.push((call) => {
      if (call.method === 'PATCH' && !touched) {
        touched = true;
        kube.touch(NAMESPACE, SECRET);
      }
    });

    // WHEN the Job runs
    const result = await run();

    // THEN the first PATCH conflicts, the Secret is read again, the second PATCH succeeds
    expect(result.code).toBe(0);
    expect(kube.count('PATCH', KUBE.secret)).toBe(2);
    expect(kube.count('GET', KUBE.secret)).toBe(2);
    const [account] = grafana.accountsNamed('kagent');
    expect(storedToken()).toBe(grafana.tokensOf(account)[0].key);
  });

  test('a missing Secret fails before Grafana is touched when creation is not enabled', async () => {
    // GIVEN no Secret (not pre-created) and SECRET_CREATE unset
    // WHEN the Job runs
    const result = await run();

    // THEN it fails without issuing a token
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the Secret does not exist and creating it is not enabled');
    expect(grafana.calls).toHaveLength(0);
    expect(kube.writes()).toHaveLength(0);
  });

  test('a missing Secret is created when creation is enabled; a 409 AlreadyExists falls back to an update', async () => {
    // GIVEN no Secret, creation enabled, and another client creating it just before our POST
    kube.beforeHandle.push((call) => {
      if (call.method === 'POST' && kube.read(NAMESPACE, SECRET) === undefined) kube.put(NAMESPACE, SECRET);
    });

    // WHEN the Job runs
    const result = await run({ SECRET_CREATE: 'true' });

    // THEN POST got 409, the Secret was read and patched
    expect(result.code).toBe(0);
    expect(kube.writes().map((c) => c.method)).toEqual(['POST', 'PATCH']);
    const [account] = grafana.accountsNamed('kagent');
    expect(storedToken()).toBe(grafana.tokensOf(account)[0].key);
  });

  test('creates the Secret with POST when it is missing and creation is enabled', async () => {
    // GIVEN no Secret and creation enabled
    // WHEN the Job runs
    const result = await run({ SECRET_CREATE: 'true' });

    // THEN exactly one POST created it with the token
    expect(result.code).toBe(0);
    expect(kube.writes().map((c) => c.method)).toEqual(['POST']);
    expect(storedToken()).toBe(grafana.issuedKeys[0]);
  });
});

describe('placeholder in the sink', () => {
  test.each(['placeholder-run-grafana-sa-setup', '', '  '])('%j is not probed, a token is issued', async (placeholder) => {
    // GIVEN a Secret seeded with a placeholder
    kube.put(NAMESPACE, SECRET, { [KEY]: placeholder });

    // WHEN the Job runs
    const result = await run();

    // THEN Grafana was never asked about the placeholder and a real token replaced it
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.org)).toBe(0);
    expect(storedToken()).toBe(grafana.issuedKeys[0]);
  });
});

describe('exact name among many substring matches', () => {
  test('pages through 250 accounts matching the query and picks the exact name only', async () => {
    // GIVEN 249 accounts whose names contain "kagent", created before the exact one (page 3 of 100)
    for (let i = 0; i < 249; i++) grafana.addAccount(i % 2 === 0 ? `kagent-${i}` : `my-kagent${i}`, 'Viewer');
    const exact = grafana.addAccount('kagent', 'Admin');
    kube.put(NAMESPACE, SECRET);

    // WHEN the Job runs
    const result = await run({ SEARCH_PAGE_SIZE: '100' });

    // THEN it walked three pages, created no account, and issued the token for the exact one
    expect(result.code).toBe(0);
    expect(grafana.callsTo('GET', GRAFANA.search).map((c) => c.query.get('page'))).toEqual(['1', '2', '3']);
    expect(grafana.callsTo('GET', GRAFANA.search).every((c) => c.query.get('query') === 'kagent')).toBe(true);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(0);
    expect(storedToken()).toBe(grafana.tokensOf(exact)[0].key);
  });

  test('creates the account when only substring matches exist, after reading every page', async () => {
    // GIVEN 250 accounts that contain the name but none that equals it
    for (let i = 0; i < 250; i++) grafana.addAccount(`kagent-${i}`);
    kube.put(NAMESPACE, SECRET);

    // WHEN the Job runs
    const result = await run({ SEARCH_PAGE_SIZE: '100' });

    // THEN three pages were read and a new, exactly named account created
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.search)).toBe(3);
    expect(grafana.count('POST', GRAFANA.accounts)).toBe(1);
    expect(grafana.accountsNamed('kagent')).toHaveLength(1);
  });
});

describe('non-default org', () => {
  test('works in org 2 only, and a token valid in another org is replaced', async () => {
    // GIVEN an admin in orgs 1 and 2, an account "kagent" in org 1, and its valid org-1 token stored
    grafana.adminOrgs.add(2);
    const org1 = grafana.addAccount('kagent', 'Admin', 1);
    const org1Token = grafana.addToken(org1, 'kagent-20260101T000000Z-aaaa');
    kube.put(NAMESPACE, SECRET, { [KEY]: org1Token.key });

    // WHEN the Job runs for org 2
    const result = await run({ GRAFANA_ORG_ID: '2' });

    // THEN the org-1 token is not accepted, a new account and token live in org 2
    expect(result.code).toBe(0);
    expect(grafana.count('GET', GRAFANA.org)).toBe(1);
    const [org2] = grafana.accountsNamed('kagent', 2);
    expect(org2).toBeDefined();
    expect(grafana.tokensOf(org2)[0].orgId).toBe(2);
    expect(storedToken()).toBe(grafana.tokensOf(org2)[0].key);
    // AND org 1 is untouched
    expect(grafana.tokensOf(org1).map((t) => t.id)).toEqual([org1Token.id]);

    // WHEN it runs again
    grafana.calls.length = 0;
    const again = await run({ GRAFANA_ORG_ID: '2' });

    // THEN the org-2 token is accepted with a single probe
    expect(again.code).toBe(0);
    expect(grafana.calls.map((c) => c.path)).toEqual(['/api/org']);
  });
});

describe('never printing a token', () => {
  test('an API error that echoes the token is masked in the log', async () => {
    // GIVEN an API server whose error message quotes the value it was sent
    kube.put(NAMESPACE, SECRET);
    kube.replies.push((call) => {
      if (call.method !== 'PATCH') return undefined;
      const value = Buffer.from((call.body as { data: Record<string, string> }).data[KEY], 'base64').toString('utf8');
      return { status: 422, body: { kind: 'Status', message: `Secret is invalid: data[token]: ${value}`, code: 422 } };
    });

    // WHEN the Job runs and the write is refused
    const result = await run();

    // THEN the failure is reported with the value masked (run() also checks no issued key is printed)
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('update Secret tenant-acme/monitoring-kagent-grafana-token: HTTP 422: Secret is invalid: data[token]: <redacted>');
  });
});

describe('configuration errors', () => {
  test('wrong admin credentials fail at the first call, without retries, with a hint', async () => {
    // GIVEN a wrong admin password
    kube.put(NAMESPACE, SECRET);

    // WHEN the Job runs
    const result = await run({ GRAFANA_ADMIN_PASSWORD: 'not-the-password' });

    // THEN the search got 401 once and the message says what to check; the password is not printed
    expect(result.code).toBe(1);
    expect(grafana.count('GET', GRAFANA.search)).toBe(1);
    expect(result.stderr).toContain('search service accounts: HTTP 401: Unauthorized: check the admin credentials Secret');
    expect(result.output).not.toContain('not-the-password');
    expect(kube.writes()).toHaveLength(0);
  });

  test('an invalid role fails before any call', async () => {
    // GIVEN a role Grafana does not know
    // WHEN the Job runs
    const result = await run({ SERVICE_ACCOUNT_ROLE: 'Owner' });

    // THEN it names the variable and the allowed values
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SERVICE_ACCOUNT_ROLE "Owner" is not one of Viewer, Editor, Admin');
    expect(grafana.calls).toHaveLength(0);
    expect(kube.calls).toHaveLength(0);
  });

  test('outside a cluster without KUBERNETES_API_URL it says how to fix it', async () => {
    // GIVEN neither the in-cluster variables nor an override
    const { KUBERNETES_API_URL: _, ...rest } = env();

    // WHEN the Job runs
    const result = await runScript(rest);

    // THEN it fails with a clear message
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('neither KUBERNETES_API_URL nor KUBERNETES_SERVICE_HOST is set');
  });
});
