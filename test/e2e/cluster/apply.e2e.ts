import {
  applyAll,
  ApplyOutcome,
  CI_FIXTURES,
  cluster,
  Manifest,
  renderExampleFleet,
  renderFixture,
  restrictedNamespace,
} from './support';

/*
 * Every object both renderers produce for the example fleet and for every mode/option fixture is
 * server-side applied with strict field validation to a real API server serving the operators'
 * own CRDs, into namespaces that enforce the restricted Pod Security Standard.
 */

/** Each fixture in its own namespace: several fixtures share (namespace, release) in the parity suite. */
export function fixtureNamespace(file: string): string {
  return `fx-${file.replace(/-values\.yaml$/, '')}`;
}

function problems(res: ApplyOutcome[]): string[] {
  return res.flatMap((r) => [
    ...(r.status >= 300 ? [`${r.key}: refused (HTTP ${r.status}): ${r.message}`] : []),
    ...r.warnings.map((w) => `${r.key}: warning: ${w}`),
    ...r.pruned.map((p) => `${r.key}: field not stored (pruned): ${p}`),
  ]);
}

function namespacesOf(manifests: readonly Manifest[]): string[] {
  return [...new Set(manifests.map((m) => m.metadata?.namespace).filter(Boolean))].sort() as string[];
}

describe('every rendered object is accepted by a real API server', () => {
  test('examples/tenants.yaml: zero refused, zero warnings, zero pruned fields', async () => {
    // GIVEN the example fleet rendered, and its namespaces enforcing restricted
    const { kube } = cluster();
    const tenants = renderExampleFleet();
    const all = tenants.flatMap((t) => t.manifests);
    for (const ns of namespacesOf(all)) await restrictedNamespace(kube, ns);

    // WHEN every object is server-side applied with fieldValidation=Strict
    const res = await applyAll(kube, all);

    // THEN the API server stored every object as sent, without a warning
    expect(problems(res)).toEqual([]);
    expect(res).toHaveLength(all.length);
    // (the example fleet covers every kind of the client secret, the Keycloak objects and the token Job)
    expect([...new Set(all.map((m) => m.kind))]).toEqual(
      expect.arrayContaining(['Grafana', 'KeycloakClient', 'KeycloakClientScope', 'KeycloakRealmGroup', 'Password', 'ExternalSecret', 'SecretStore', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Job', 'Secret']),
    );
  });

  test.each(CI_FIXTURES.map((f) => [f.file, f] as const))('%s: zero refused, zero warnings, zero pruned fields', async (_file, f) => {
    // GIVEN the fixture rendered into a namespace of its own that enforces restricted
    const { kube } = cluster();
    const ns = fixtureNamespace(f.file);
    const manifests = await renderFixture(f, ns);
    for (const n of [ns, ...namespacesOf(manifests)]) await restrictedNamespace(kube, n);

    // WHEN every object is server-side applied with fieldValidation=Strict
    const res = await applyAll(kube, manifests);

    // THEN all of them are stored as sent
    expect(manifests.length).toBeGreaterThan(0);
    expect(problems(res)).toEqual([]);
  });

  test('strict validation is on: an undeclared field is refused, not silently pruned', async () => {
    // GIVEN a rendered Grafana CR with one field its CRD does not declare
    const { kube } = cluster();
    const ns = fixtureNamespace('none-values.yaml');
    await restrictedNamespace(kube, ns);
    const grafana = (await renderFixture(CI_FIXTURES.find((f) => f.file === 'none-values.yaml')!, ns)).find((m) => m.kind === 'Grafana')!;
    const bad = { ...grafana, spec: { ...grafana.spec, notAField: true } };

    // WHEN it is applied
    const [res] = await applyAll(kube, [bad]);

    // THEN the API server refuses it, naming the field (this is what the scenarios above rely on;
    // kube-apiserver v1.33 answers a server-side apply of an undeclared field with HTTP 500)
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.message).toMatch(/\.spec\.notAField: field not declared in schema/);
  });
});
