import { loadFleet } from '../../src/config/fleet';
import { renderInstance } from '../../src/render/render';
import { describeWithCrds, isCoreApi, schemaErrors } from '../support/schemas';
import { renderSystem } from '../support/fixtures';

const EXAMPLES = 'examples/tenants.yaml';

describeWithCrds('rendered objects against their schemas', () => {
  const fleet = loadFleet(EXAMPLES);
  const rendered = [
    ...fleet.tenants.flatMap((t) => renderInstance({ ...t, apiVersions: fleet.apiVersions })),
    ...renderSystem({ clientSecret: { existingSecret: 'acme-oidc' } }),
    ...renderSystem({ fallbackRole: 'Viewer' }),
  ];

  test('the examples cover every kind the project renders', () => {
    const kinds = new Set(rendered.map((m) => m.kind));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'ExternalSecret', 'Grafana', 'KeycloakClient', 'KeycloakClientScope', 'KeycloakRealmGroup', 'Password',
        'ServiceAccount', 'Secret', 'Role', 'RoleBinding', 'ConfigMap', 'Job',
      ]),
    );
  });

  test.each(rendered.map((m) => [`${m.metadata.namespace}/${m.kind}/${m.metadata.name}`, m]))('%s is valid', (_, manifest) => {
    // GIVEN a rendered object  WHEN validated against its CRD (or the Kubernetes schema)  THEN there are no errors
    expect(schemaErrors(manifest)).toEqual([]);
  });

  test('the validator rejects what the CRD forbids', () => {
    // GIVEN a KeycloakClient whose realmRef kind is outside the CRD enum  THEN the check finds it
    const client = renderSystem().find((m) => m.kind === 'KeycloakClient')!;
    const broken = { ...client, spec: { ...client.spec, realmRef: { kind: 'Realm', name: 'x' }, public: 'no' } };
    expect(schemaErrors(broken).join('\n')).toMatch(/realmRef\/kind|public/);
  });

  test('the Kubernetes schema check rejects a bad core object', () => {
    expect(isCoreApi('batch/v1')).toBe(true);
    expect(isCoreApi('v1.edp.epam.com/v1')).toBe(false);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { template: { spec: { containers: 'nope' } } } };
    expect(schemaErrors(job)).not.toEqual([]);
  });
});
