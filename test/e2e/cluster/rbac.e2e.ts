import { KubeClient } from '../harness/kube';
import { applyOrThrow, byKind, CI_FIXTURES, cluster, Manifest, renderFixture, restrictedNamespace, serviceAccountToken } from './support';

/*
 * RBAC, for real: the token Job's ServiceAccount may get/update/patch exactly its Secret (in its
 * own namespace, or in another one where it may also create it) and nothing else. Checked twice:
 * SubjectAccessReviews (what the RBAC authorizer decides) and real requests made with a token the
 * TokenRequest API issued for that ServiceAccount (what the pod can do).
 */

interface Target {
  readonly sa: string;
  readonly saNamespace: string;
  readonly secret: string;
  readonly secretNamespace: string;
  readonly precreate: boolean;
}

function envOf(job: Manifest, name: string): string {
  const c = job.spec.template.spec.containers[0];
  const v = c.env.find((e: Manifest) => e.name === name);
  if (!v) throw new Error(`Job container has no env ${name}`);
  return v.value;
}

async function setUp(file: string, ns: string): Promise<Target> {
  const { kube } = cluster();
  const f = CI_FIXTURES.find((x) => x.file === file)!;
  const manifests = await renderFixture(f, ns);
  for (const n of new Set([ns, ...manifests.map((m) => m.metadata.namespace).filter(Boolean)])) await restrictedNamespace(kube, n);
  await applyOrThrow(kube, manifests);
  const job = byKind(manifests, 'Job')[0];
  return {
    sa: job.spec.template.spec.serviceAccountName,
    saNamespace: ns,
    secret: envOf(job, 'SECRET_NAME'),
    secretNamespace: envOf(job, 'SECRET_NAMESPACE'),
    precreate: envOf(job, 'SECRET_CREATE') === 'false',
  };
}

async function allowed(kube: KubeClient, t: Target, attrs: { verb: string; resource: string; namespace: string; name?: string; group?: string }): Promise<boolean> {
  const r = await kube.req({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: `system:serviceaccount:${t.saNamespace}:${t.sa}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${t.saNamespace}`, 'system:authenticated'],
        resourceAttributes: { group: attrs.group ?? '', ...attrs },
      },
    },
  });
  return r.body.status.allowed === true;
}

/** Every (verb, resource, namespace, name) the ServiceAccount must NOT be allowed. */
function forbidden(t: Target): { verb: string; resource: string; namespace: string; name?: string; group?: string }[] {
  const other = 'some-other-secret';
  return [
    { verb: 'get', resource: 'secrets', namespace: t.secretNamespace, name: other },
    { verb: 'update', resource: 'secrets', namespace: t.secretNamespace, name: other },
    { verb: 'patch', resource: 'secrets', namespace: t.secretNamespace, name: other },
    { verb: 'list', resource: 'secrets', namespace: t.secretNamespace },
    { verb: 'watch', resource: 'secrets', namespace: t.secretNamespace },
    { verb: 'delete', resource: 'secrets', namespace: t.secretNamespace, name: t.secret },
    { verb: 'deletecollection', resource: 'secrets', namespace: t.secretNamespace },
    { verb: 'get', resource: 'secrets', namespace: 'kube-system', name: t.secret },
    { verb: 'get', resource: 'secrets', namespace: t.saNamespace === t.secretNamespace ? 'default' : t.saNamespace, name: t.secret },
    { verb: 'get', resource: 'configmaps', namespace: t.saNamespace, name: t.sa },
    { verb: 'create', resource: 'pods', namespace: t.saNamespace },
    { verb: 'create', resource: 'serviceaccounts/token', namespace: t.saNamespace, name: t.sa },
    { verb: 'get', resource: 'jobs', group: 'batch', namespace: t.saNamespace },
    { verb: 'escalate', resource: 'roles', group: 'rbac.authorization.k8s.io', namespace: t.secretNamespace },
    ...(t.precreate ? [{ verb: 'create', resource: 'secrets', namespace: t.secretNamespace }] : []),
  ];
}

describe.each([
  ['its own namespace (pre-created Secret)', 'token-kubernetes-secret-values.yaml', 'e2e-rbac-own'],
  ['another namespace (Secret created by the Job)', 'token-other-namespace-values.yaml', 'e2e-rbac-other'],
])('the token Job ServiceAccount, Secret in %s', (_label, file, ns) => {
  let t: Target;
  let kube: KubeClient;

  beforeAll(async () => {
    kube = cluster().kube;
    t = await setUp(file, ns);
  });

  test('SubjectAccessReview: get, update and patch exactly its Secret', async () => {
    for (const verb of ['get', 'update', 'patch']) {
      expect([verb, await allowed(kube, t, { verb, resource: 'secrets', namespace: t.secretNamespace, name: t.secret })]).toEqual([verb, true]);
    }
    if (!t.precreate) expect(await allowed(kube, t, { verb: 'create', resource: 'secrets', namespace: t.secretNamespace })).toBe(true);
  });

  test('SubjectAccessReview: nothing else', async () => {
    const granted = [];
    for (const a of forbidden(t)) if (await allowed(kube, t, a)) granted.push(a);
    expect(granted).toEqual([]);
  });

  test('real requests with a TokenRequest token: its Secret yes, anything else 403', async () => {
    // GIVEN a token the API server issued for the ServiceAccount (what the pod would mount)
    const as = kube.as(await serviceAccountToken(kube, t.saNamespace, t.sa));
    const own = `/api/v1/namespaces/${t.secretNamespace}/secrets/${t.secret}`;
    if (!t.precreate) {
      // the Job creates the Secret in the other namespace (gone first when the cluster is reused)
      await kube.delete(own);
      const created = await as.raw({ method: 'POST', path: `/api/v1/namespaces/${t.secretNamespace}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: t.secret } } });
      expect(created.status).toBe(201);
    }
    // THEN get, patch and update of its Secret succeed
    const got = await as.raw({ path: own });
    expect(got.status).toBe(200);
    const patched = await as.raw({ method: 'PATCH', path: own, contentType: 'application/merge-patch+json', body: { data: { probe: Buffer.from('1').toString('base64') } } });
    expect(patched.status).toBe(200);
    const updated = await as.raw({ method: 'PUT', path: own, body: { ...patched.body, data: {} } });
    expect(updated.status).toBe(200);

    // AND everything else is refused by the real authorizer
    await kube.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'some-other-secret', namespace: t.secretNamespace }, stringData: { k: 'v' } });
    const refused = [
      await as.raw({ path: `/api/v1/namespaces/${t.secretNamespace}/secrets/some-other-secret` }),
      await as.raw({ path: `/api/v1/namespaces/${t.secretNamespace}/secrets` }),
      await as.raw({ method: 'DELETE', path: own }),
      await as.raw({ path: `/api/v1/namespaces/${t.saNamespace}/configmaps` }),
      await as.raw({ path: `/api/v1/namespaces/kube-system/secrets/${t.secret}` }),
      await as.raw({ method: 'PATCH', path: `/api/v1/namespaces/${t.secretNamespace}/secrets/some-other-secret`, contentType: 'application/merge-patch+json', body: { data: {} } }),
      ...(t.precreate ? [await as.raw({ method: 'POST', path: `/api/v1/namespaces/${t.secretNamespace}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } } })] : []),
    ];
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 403));
  });
});
