/*
 * HelmLookup's promise: the client secret is generated once and then reused from the live Secret.
 * `lookup` needs a cluster, so helm talks to a fake API server that answers only what lookup asks
 * (the v1 resource list and GET of one Secret); `--dry-run=server` lets `helm template` use it.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CI_FIXTURES, ciFixturePath } from './fixtures';
import { CHART_DIR, KUBE_VERSION, Manifest, parseStream, requireTools, runHelm } from './renderers';

const fixture = CI_FIXTURES.find((f) => f.helmOnly === 'helmLookupNeedsHelm')!;
const SECRET_PATH = `/api/v1/namespaces/${fixture.namespace}/secrets/${fixture.release}-oidc-client`;
const LIVE_VALUE = 'live-client-secret-0123456789abc';

/** The Secret the fake cluster holds; undefined = not found. */
let liveSecret: Manifest | undefined;
let server: Server;
let kubeconfig: string;

const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
function answer(path: string): { status: number; body: string } {
  if (path === '/api/v1') {
    return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['get'] }] });
  }
  if (path === SECRET_PATH && liveSecret) return json(200, liveSecret);
  return json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
}

beforeAll(async () => {
  requireTools();
  server = createServer((req, res) => {
    const { status, body } = answer((req.url ?? '').split('?')[0]);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'grafana-tenancy-kube-')), 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: fake, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'users: [{name: fake, user: {token: fake}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
      'current-context: fake',
      '',
    ].join('\n'),
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function renderedSecretValue(): Promise<string> {
  const args = ['template', fixture.release, CHART_DIR, '--namespace', fixture.namespace, '--values', ciFixturePath(fixture),
    '--kube-version', KUBE_VERSION, '--dry-run=server', ...fixture.apiVersions.flatMap((v) => ['--api-versions', v])];
  const result = await runHelm(args, { ...process.env, KUBECONFIG: kubeconfig });
  if (!result.ok) throw new Error(result.stderr);
  const secret = parseStream(result.stdout).find((m) => m.kind === 'Secret')!;
  return Buffer.from(secret.data['client-secret'], 'base64').toString();
}

describe('HelmLookup against a cluster', () => {
  test('GIVEN the Secret exists WHEN helm renders twice THEN both reuse its value', async () => {
    liveSecret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${fixture.release}-oidc-client`, namespace: fixture.namespace },
      data: { 'client-secret': Buffer.from(LIVE_VALUE).toString('base64') },
    };
    expect(await renderedSecretValue()).toBe(LIVE_VALUE);
    expect(await renderedSecretValue()).toBe(LIVE_VALUE);
  });

  test('GIVEN the Secret exists without the client-secret key WHEN helm renders THEN a new random value is generated', async () => {
    liveSecret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${fixture.release}-oidc-client`, namespace: fixture.namespace }, data: {} };
    expect(await renderedSecretValue()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  test('GIVEN no Secret yet WHEN helm renders THEN a random 32-character value is generated', async () => {
    liveSecret = undefined;
    const first = await renderedSecretValue();
    expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await renderedSecretValue()).not.toBe(first);
  });
});
