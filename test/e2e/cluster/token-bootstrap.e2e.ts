import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/cluster';
import { ADMIN_PASSWORD, ADMIN_USER, FakeGrafana, GRAFANA } from '../../token/fakes/fake-grafana';
import {
  applyOrThrow,
  byKind,
  CI_FIXTURES,
  cluster,
  fixtureValues,
  Manifest,
  renderFixture,
  restrictedNamespace,
  runProcess,
  secretValue,
  serviceAccountToken,
} from './support';

/*
 * The token bootstrap script (the exact file both renderers ship) runs as a real process against
 * the real API server, authenticated with a TokenRequest token of the Job's ServiceAccount, so
 * every Secret read and write is judged by the real RBAC. Grafana's server is not available here:
 * the Grafana side is the documented-behaviour fake of the unit suite.
 */

const SCRIPT = join(REPO_ROOT, 'charts', 'grafana-tenancy', 'files', 'token-bootstrap.js');

/** The pod's environment: every plain env var the rendered Job sets, plus what the kubelet would provide. */
function podEnv(job: Manifest, apiPort: string, tokenFile: string, caFile: string, grafanaUrl: string): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const e of job.spec.template.spec.containers[0].env) if (typeof e.value === 'string') env[e.name] = e.value;
  return {
    ...env,
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: apiPort,
    KUBERNETES_TOKEN_FILE: tokenFile,
    KUBERNETES_CA_FILE: caFile,
    GRAFANA_URL: grafanaUrl,
    GRAFANA_ADMIN_USER: ADMIN_USER,
    GRAFANA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    RETRY_BASE_DELAY_MS: '1',
  };
}

describe.each([
  ['pre-created Secret (precreate: true)', 'token-kubernetes-secret-values.yaml', 'e2e-token-precreate', 'e2e-token-precreate'],
  ['Secret created by the Job (precreate: false)', 'token-other-namespace-values.yaml', 'e2e-token-create', 'e2e-token-create-sink'],
])('the token bootstrap script against the real API server, %s', (_label, file, ns, sinkNs) => {
  let grafana: FakeGrafana;
  let env: Record<string, string>;
  let secretPath: string;
  let key: string;

  beforeAll(async () => {
    // GIVEN the fixture's objects applied (the sink namespace moved to one of this suite's own)
    const c = cluster();
    const f = CI_FIXTURES.find((x) => x.file === file)!;
    const values = fixtureValues(f) as any;
    if (values.serviceAccountToken.sink?.kubernetesSecret?.namespace) values.serviceAccountToken.sink.kubernetesSecret.namespace = sinkNs;
    // Grafana is reached directly, as the rendered default `http://<release>-service.<ns>.svc:3000` would be in a cluster
    delete values.serviceAccountToken.grafanaUrl;
    const manifests = await renderFixture(f, ns, f.release, values);
    for (const n of new Set([ns, sinkNs])) await restrictedNamespace(c.kube, n);
    await applyOrThrow(c.kube, manifests);
    const job = byKind(manifests, 'Job')[0];

    // AND the ServiceAccount's token where the kubelet would mount it, the cluster CA, a Grafana
    const dir = mkdtempSync(join(tmpdir(), 'e2e-token-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, await serviceAccountToken(c.kube, ns, job.spec.template.spec.serviceAccountName));
    grafana = new FakeGrafana();
    const grafanaUrl = await grafana.start(c.portBase + 40 + (file.startsWith('token-kubernetes') ? 0 : 1));
    env = podEnv(job, new URL(c.server).port, tokenFile, c.caFile, grafanaUrl);
    grafana.adminOrgs.add(Number(env.GRAFANA_ORG_ID));
    secretPath = `/api/v1/namespaces/${env.SECRET_NAMESPACE}/secrets/${env.SECRET_NAME}`;
    key = env.SECRET_KEY;
    expect(env.SECRET_NAMESPACE).toBe(sinkNs);
  });

  afterAll(async () => {
    await grafana?.stop();
  });

  const run = () => runProcess(process.execPath, [SCRIPT], env);

  test('first run stores a token Grafana accepts', async () => {
    const r = await run();
    expect([r.code, r.stderr]).toEqual([0, '']);
    const secret = await cluster().kube.get(secretPath);
    expect(secretValue(secret, key)).toBe(grafana.issuedKeys[0]);
    expect(grafana.issuedKeys).toHaveLength(1);
    // the log never carries the token
    expect(r.stdout).not.toContain(grafana.issuedKeys[0]);
  });

  test('second run changes nothing: no new token, the Secret not written', async () => {
    const before = await cluster().kube.get(secretPath);
    const r = await run();
    expect(r.code).toBe(0);
    const after = await cluster().kube.get(secretPath);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(grafana.issuedKeys).toHaveLength(1);
  });

  test('a Secret edited by hand is repaired', async () => {
    const { kube } = cluster();
    await kube.req({ method: 'PATCH', path: secretPath, contentType: 'application/merge-patch+json', body: { data: { [key]: Buffer.from('changeme').toString('base64') } } });
    const r = await run();
    expect(r.code).toBe(0);
    expect(secretValue(await kube.get(secretPath), key)).toBe(grafana.issuedKeys[1]);
  });

  test('a conflicting write (real HTTP 409 from the API server) is read again and retried', async () => {
    // GIVEN the stored token revoked in Grafana, and another client that changes the Secret
    // between the script's read and its write (while Grafana mints the new token)
    const { kube, server, caFile, adminToken } = cluster();
    await kube.req({ method: 'PATCH', path: secretPath, contentType: 'application/merge-patch+json', body: { data: { [key]: Buffer.from('revoked-token').toString('base64') } } });
    let raced = false;
    const stamp = String(Date.now());
    grafana.beforeHandle.push((call) => {
      if (raced || call.method !== 'POST' || !GRAFANA.tokens.test(call.path)) return;
      raced = true;
      // synchronous on purpose: the fake answers only after the concurrent write landed
      execFileSync(process.execPath, ['-e', concurrentWrite], {
        env: { URL: `${server}${secretPath}`, CA: caFile, TOKEN: adminToken, STAMP: stamp },
        stdio: 'inherit',
      });
    });

    // WHEN the script runs
    const r = await run();

    // THEN the API server refused the stale write with 409, the script re-read and stored its token
    expect(raced).toBe(true);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('changed concurrently (HTTP 409)');
    const secret = await kube.get(secretPath);
    expect(secretValue(secret, key)).toBe(grafana.issuedKeys[grafana.issuedKeys.length - 1]);
    expect(secret.metadata.annotations?.['e2e.example.org/concurrent']).toBe(stamp);
  });
});

/** A merge patch by another client (the admin), run in a child process. */
const concurrentWrite = `
const https = require('node:https');
const fs = require('node:fs');
const body = JSON.stringify({ metadata: { annotations: { 'e2e.example.org/concurrent': process.env.STAMP } } });
const req = https.request(process.env.URL, { method: 'PATCH', ca: fs.readFileSync(process.env.CA),
  headers: { Authorization: 'Bearer ' + process.env.TOKEN, 'Content-Type': 'application/merge-patch+json' } },
  (res) => { res.resume(); res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 1)); });
req.end(body);
`;
