import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGrafana } from './fakes/fake-grafana';
import { FakeKubernetes, KUBE } from './fakes/fake-kubernetes';
import { kubernetesTokenFile, runScript, scriptEnv } from './fakes/run-script';

/*
 * In a pod the script finds the API server through KUBERNETES_SERVICE_HOST/PORT and trusts it
 * through the mounted CA file. Needs `openssl` to make a throwaway certificate; skipped without it.
 */

function openssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for 127.0.0.1, used as both server certificate and CA. */
function certificate(): { key: string; cert: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'token-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=kubernetes', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

(openssl() ? describe : describe.skip)('in-cluster API discovery over TLS', () => {
  const NAMESPACE = 'tenant-acme';
  const SECRET = 'monitoring-kagent-grafana-token';
  const server = certificate();
  let grafana: FakeGrafana;
  let kube: FakeKubernetes;
  let grafanaUrl: string;
  let port: string;

  beforeEach(async () => {
    grafana = new FakeGrafana();
    kube = new FakeKubernetes(server);
    grafanaUrl = await grafana.start();
    port = new URL(await kube.start()).port;
    kube.put(NAMESPACE, SECRET);
  });

  afterEach(async () => {
    await grafana.stop();
    await kube.stop();
  });

  const env = (caFile: string) => scriptEnv(grafanaUrl, {
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: port,
    KUBERNETES_CA_FILE: caFile,
    KUBERNETES_TOKEN_FILE: kubernetesTokenFile(),
    SECRET_NAMESPACE: NAMESPACE,
    SECRET_NAME: SECRET,
  });

  test('uses KUBERNETES_SERVICE_HOST/PORT, the CA file and the service-account token', async () => {
    // GIVEN only the variables and files a pod has
    // WHEN the script runs
    const result = await runScript(env(server.certFile));

    // THEN it stored the token over HTTPS
    expect(result.code).toBe(0);
    expect(kube.read(NAMESPACE, SECRET)).toEqual({ token: grafana.issuedKeys[0] });
  });

  test('an API server the CA does not vouch for is refused at once, without retries', async () => {
    // GIVEN a CA file of another certificate
    const other = certificate();

    // WHEN the script runs
    const result = await runScript(env(other.certFile));

    // THEN it fails on the first read with a TLS message; nothing reached the API or Grafana
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TLS verification failed');
    expect(result.stdout).not.toContain('retry');
    expect(kube.count('GET', KUBE.secret)).toBe(0);
    expect(grafana.calls).toHaveLength(0);
  });
});
