import { admittedPods, applyOrThrow, byKind, CI_FIXTURES, cluster, eventsFor, Manifest, renderFixture, restrictedNamespace } from './support';

/*
 * Pod Security, for real: the Job controller of kube-controller-manager creates the token Job's
 * Pods, and the PodSecurity admission plugin judges them under `restricted` (a refused Pod shows
 * as a FailedCreate event "violates PodSecurity"). Pods stay Pending: there is no scheduler or
 * kubelet, admission is what is proven.
 */

const TOKEN_FIXTURES = CI_FIXTURES.filter((f) => f.tokenBootstrap && f.file !== 'token-operator-values.yaml');

describe('the token Job yields Pods admitted under restricted', () => {
  test.each(TOKEN_FIXTURES.map((f) => [f.file, f] as const))('%s', async (file, f) => {
    // GIVEN the fixture applied into a namespace that enforces restricted
    const { kube } = cluster();
    const ns = `e2e-psa-${file.replace(/-values\.yaml$/, '')}`;
    const manifests = await renderFixture(f, ns);
    for (const n of new Set([ns, ...manifests.map((m) => m.metadata.namespace).filter(Boolean)])) await restrictedNamespace(kube, n);
    await applyOrThrow(kube, manifests);
    const job = byKind(manifests, 'Job')[0];

    // WHEN the Job controller creates its Pod
    const live = await kube.get(`/apis/batch/v1/namespaces/${ns}/jobs/${job.metadata.name}`);
    const pods = await admittedPods(kube, ns, 'Job', live);

    // THEN the Pod was admitted: it exists, with the rendered security context, and no FailedCreate
    const pod: Manifest = pods[0];
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect((await eventsFor(kube, ns, 'Job', job.metadata.name)).filter((e) => e.reason === 'FailedCreate')).toEqual([]);
  });

  test('the namespace really enforces restricted: a Pod without a seccomp profile is refused', async () => {
    // GIVEN the token Job's pod template with its seccompProfiles (pod and containers) removed (the check the scenarios above rely on)
    const { kube } = cluster();
    const ns = 'e2e-psa-negative';
    await restrictedNamespace(kube, ns);
    const f = TOKEN_FIXTURES.find((x) => x.file === 'token-kubernetes-secret-values.yaml')!;
    const job = byKind(await renderFixture(f, ns), 'Job')[0];
    const dropSeccomp = ({ seccompProfile: _dropped, ...rest }: Manifest) => rest;
    const spec = job.spec.template.spec;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'no-seccomp-', namespace: ns },
      spec: {
        ...spec,
        // (no ServiceAccount: this namespace has only `default`)
        serviceAccountName: undefined,
        securityContext: dropSeccomp(spec.securityContext),
        containers: spec.containers.map((c: Manifest) => ({ ...c, securityContext: dropSeccomp(c.securityContext) })),
      },
    };

    // WHEN it is created
    const res = await kube.raw({ method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, body: pod });

    // THEN PodSecurity refuses it with the restricted level's reason
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/violates PodSecurity "restricted:latest".*seccompProfile/);
  });
});
