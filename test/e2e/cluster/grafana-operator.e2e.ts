import { admittedPods, applyOrThrow, byKind, CI_FIXTURES, cluster, Manifest, renderFixture, restrictedNamespace, waitFor } from './support';

/*
 * grafana-operator v5.25.0, for real: from each mode's Grafana CR it creates the Deployment and the
 * `<name>-ini` ConfigMap. The ini carries our auth.generic_oauth keys; the Deployment takes the
 * client secret from our Secret (System) or all settings from the tenant's Secret (CustomConfig
 * secretRef). The operator merges its own Deployment defaults with our spec.deployment: the Pods
 * its ReplicaSet creates must still be admitted under restricted.
 */

const MODES = [
  ['None', 'none-values.yaml'],
  ['System', 'system-values.yaml'],
  ['CustomConfig inline', 'customconfig-inline-values.yaml'],
  ['CustomConfig secretRef', 'customconfig-secretref-values.yaml'],
] as const;

/** Parses Grafana's ini ([section] + key = value lines). */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const line of text.split('\n')) {
    const s = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (s) {
      section = s[1];
      out[section] ??= {};
      continue;
    }
    const kv = /^\s*([^=#;\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (kv) (out[section] ??= {})[kv[1]] = kv[2];
  }
  return out;
}

describe.each(MODES)('grafana-operator renders mode %s', (mode, file) => {
  const ns = `e2e-go-${file.replace(/-values\.yaml$/, '')}`;
  let manifests: Manifest[];
  let grafana: Manifest;
  let deployment: Manifest;
  let ini: Record<string, Record<string, string>>;

  beforeAll(async () => {
    // GIVEN the mode's objects applied into a restricted namespace
    const { kube } = cluster();
    await restrictedNamespace(kube, ns);
    manifests = await renderFixture(CI_FIXTURES.find((f) => f.file === file)!, ns);
    await applyOrThrow(kube, manifests);
    grafana = byKind(manifests, 'Grafana')[0];
    const name = grafana.metadata.name;
    // WHEN the operator reconciles the Grafana CR
    deployment = await waitFor<Manifest>(`Deployment ${ns}/${name}-deployment`, () => kube.getOrUndefined(`/apis/apps/v1/namespaces/${ns}/deployments/${name}-deployment`), 180_000, 1000);
    const cm = await waitFor<Manifest>(`ConfigMap ${ns}/${name}-ini`, () => kube.getOrUndefined(`/api/v1/namespaces/${ns}/configmaps/${name}-ini`), 180_000, 1000);
    ini = parseIni(cm.data['grafana.ini']);
  });

  test('the ini has every auth.generic_oauth key of our Grafana CR, with our values', () => {
    const ours: Record<string, string> = grafana.spec.config['auth.generic_oauth'] ?? {};
    if (mode === 'None' || mode === 'CustomConfig secretRef') {
      expect(ours).toEqual({});
    } else {
      expect(Object.keys(ours).length).toBeGreaterThan(3);
      expect(ini['auth.generic_oauth']).toEqual(expect.objectContaining(ours));
    }
    expect(ini.server.root_url).toBe(grafana.spec.config.server.root_url);
  });

  test('the Grafana container gets the client secret / settings the way we rendered them', () => {
    const container = deployment.spec.template.spec.containers.find((c: Manifest) => c.name === 'grafana');
    const env: Manifest[] = container.env ?? [];
    const secretEnv = env.find((e) => e.name === 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET');
    if (mode === 'System') {
      expect(secretEnv?.valueFrom?.secretKeyRef).toEqual({ name: `${grafana.metadata.name}-oidc-client`, key: 'client-secret' });
    } else {
      expect(secretEnv).toBeUndefined();
    }
    if (mode === 'CustomConfig secretRef') {
      expect(container.envFrom).toEqual(expect.arrayContaining([{ secretRef: { name: 'initech-grafana-oauth' } }]));
    } else {
      expect((container.envFrom ?? []).filter((e: Manifest) => e.secretRef)).toEqual([]);
    }
  });

  test("the operator's Deployment (its defaults merged with our spec.deployment) yields Pods admitted under restricted", async () => {
    const { kube } = cluster();
    const rs = await waitFor(`a ReplicaSet of ${deployment.metadata.name}`, async () => {
      const list = await kube.get(`/apis/apps/v1/namespaces/${ns}/replicasets`);
      return list.items.find((r: Manifest) => (r.metadata.ownerReferences ?? []).some((o: Manifest) => o.name === deployment.metadata.name));
    }, 120_000, 500);
    const pods = await admittedPods(kube, ns, 'ReplicaSet', rs);
    const pod = pods[0];
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod.spec.containers) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
    }
  });
});
