import { FleetTenant, fleetKeysOf, parseFleet } from '../../src/config/fleet';
import { InputError } from '../../src/config/parse';
import { PLATFORM } from '../support/fixtures';

function problems(tenants: object[], defaults: object = {}): string[] {
  try {
    parseFleet({ apiVersions: ['v1.edp.epam.com/v1'], defaults, tenants }, 'fleet.yaml');
  } catch (e) {
    if (e instanceof InputError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('fleet-wide checks', () => {
  test('two different pairs that join into the same clientId are refused, naming both tenants', () => {
    // GIVEN a-b/c and a/b-c: both give the Keycloak clientId a-b-c
    const found = problems([
      { namespace: 'a-b', release: 'c', host: 'one.example.org' },
      { namespace: 'a', release: 'b-c', host: 'two.example.org' },
    ]);
    // THEN one problem names both tenants and the shared clientId
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('tenants[0] (a-b/c)');
    expect(found[0]).toContain('tenants[1] (a/b-c)');
    expect(found[0]).toContain('"a-b-c"');
    expect(found[0]).toMatch(/clientId collision/);
  });

  test.each([
    ['different hosts', 'two.example.org'],
    ['the same host (a copy-pasted entry)', 'one.example.org'],
  ])('the same (namespace, release) twice, with %s, is one duplicate problem', (_, secondHost) => {
    const found = problems([
      { namespace: 'team', release: 'm', host: 'one.example.org' },
      { namespace: 'team', release: 'm', host: secondHost },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^fleet.yaml: tenants\[1\] \(team\/m\): duplicate tenant/);
    expect(found[0]).toContain('tenants[0]');
  });

  test('GIVEN duplicates of two tenants, interleaved WHEN validated THEN each is reported, in the order the tenants first appear', () => {
    const found = problems([
      { namespace: 'b', release: 'm', host: 'b1.example.org' },
      { namespace: 'a', release: 'm', host: 'a1.example.org' },
      { namespace: 'a', release: 'm', host: 'a2.example.org' },
      { namespace: 'b', release: 'm', host: 'b2.example.org' },
      { namespace: 'b', release: 'm', host: 'b3.example.org' },
    ]);
    expect(found.map((p) => /tenants\[(\d)\] \((\w)\/m\): duplicate tenant/.exec(p)?.slice(1).join(''))).toEqual(['3b', '4b', '2a']);
  });

  test('GIVEN an exact duplicate that also collides by clientId and shares a host WHEN validated THEN it is one duplicate, and the first of its pair collides and shares once', () => {
    // GIVEN a-b/c twice (the copy on the first one's host), and a/b-c (clientId a-b-c too) on that host
    const found = problems([
      { namespace: 'a-b', release: 'c', host: 'one.example.org' },
      { namespace: 'a-b', release: 'c', host: 'one.example.org' },
      { namespace: 'a', release: 'b-c', host: 'one.example.org' },
    ]);
    // THEN the copy is only a duplicate; the collision and the shared host name the first and the third
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^fleet.yaml: tenants\[1\] \(a-b\/c\): duplicate tenant: a-b\/c is already defined at tenants\[0\]/);
    expect(found[1]).toMatch(/^fleet.yaml: tenants\[2\] \(a\/b-c\): clientId collision: tenants\[0\] \(a-b\/c\) and tenants\[2\] \(a\/b-c\) both give the Keycloak clientId "a-b-c"/);
    expect(found[2]).toMatch(/^fleet.yaml: tenants\[2\] \(a\/b-c\)\.host: duplicate host "one.example.org": tenants\[0\] \(a-b\/c\) already serves/);
  });

  test('two tenants on one host are refused, the host given as a field path', () => {
    // GIVEN the host comes from defaults for both tenants
    const found = problems(
      [
        { namespace: 'a', release: 'm' },
        { namespace: 'b', release: 'm' },
      ],
      { host: 'shared.example.org' },
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^fleet.yaml: tenants\[1\] \(b\/m\)\.host: duplicate host "shared.example.org"/);
    expect(found[0]).toContain('tenants[0] (a/m)');
  });

  test('System mode with the platform flag off is reported with the other problems, all at once', () => {
    // GIVEN one System tenant without platform OIDC, plus a collision and a schema error
    const found = problems([
      { namespace: 'sys', release: 'm', host: 'sys.example.org', oidc: { mode: 'System' } },
      { namespace: 'a-b', release: 'c', host: 'one.example.org' },
      { namespace: 'a', release: 'b-c', host: 'two.example.org', grafana: { nope: 1 } },
    ]);
    // THEN every one of them is in the list, each with its tenant
    expect(found).toHaveLength(3);
    expect(found.find((p) => p.includes('tenants[0] (sys/m)'))).toMatch(/platform.oidc.enabled/);
    expect(found.find((p) => p.startsWith('fleet.yaml: tenants[2] (a/b-c): grafana.nope'))).toBeDefined();
    expect(found.find((p) => p.includes('clientId collision'))).toBeDefined();
  });

  test('a valid fleet with System mode and distinct names passes', () => {
    expect(
      problems([
        { namespace: 'a', release: 'm', host: 'a.example.org', oidc: { mode: 'System' }, platform: PLATFORM },
        { namespace: 'b', release: 'm', host: 'b.example.org' },
      ]),
    ).toEqual([]);
  });

  const token = (sink: object, serviceAccountName = 'agent') => ({ serviceAccountToken: { enabled: true, serviceAccountName, sink } });

  test('GIVEN m + service account x-agent and m-x + agent in one namespace WHEN validated THEN the shared token Secret is refused, naming both', () => {
    const found = problems([
      { namespace: 'team', release: 'm', host: 'one.example.org', ...token({}, 'x-agent') },
      { namespace: 'team', release: 'm-x', host: 'two.example.org', ...token({}, 'agent') },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^fleet.yaml: tenants\[1\] \(team\/m-x\)\.serviceAccountToken: Secret team\/m-x-agent-grafana-token is also the token target of tenants\[0\] \(team\/m\)/);
    expect(found[0]).toContain('set serviceAccountToken.sink');
  });

  test('GIVEN two tenants naming the same Secret in a shared namespace WHEN validated THEN it is refused', () => {
    const sink = { kubernetesSecret: { namespace: 'agents', name: 'grafana-token' } };
    const found = problems([
      { namespace: 'a', release: 'm', host: 'a.example.org', ...token(sink) },
      { namespace: 'b', release: 'm', host: 'b.example.org', ...token(sink) },
    ]);
    expect(found).toEqual([expect.stringContaining('Secret agents/grafana-token is also the token target of tenants[0] (a/m)')]);
  });

  test('GIVEN a kubernetes-secret sink and a grafana-operator sink on one Secret WHEN validated THEN it is refused', () => {
    const found = problems([
      { namespace: 'team', release: 'a', host: 'a.example.org', ...token({ kubernetesSecret: { name: 'shared' } }) },
      { namespace: 'team', release: 'b', host: 'b.example.org', ...token({ type: 'grafana-operator', kubernetesSecret: { name: 'shared' } }) },
    ]);
    expect(found).toEqual([expect.stringContaining('Secret team/shared is also the token target of tenants[0] (team/a)')]);
  });

  test('GIVEN two tenants storing into one AWS secret WHEN validated THEN it is refused', () => {
    const sink = { type: 'aws-secrets-manager', awsSecretsManager: { secretId: 'grafana/agent', region: 'eu-west-1' } };
    const found = problems([
      { namespace: 'a', release: 'm', host: 'a.example.org', ...token(sink) },
      { namespace: 'b', release: 'm', host: 'b.example.org', ...token(sink) },
    ]);
    expect(found).toEqual([expect.stringContaining('AWS Secrets Manager secret grafana/agent (region eu-west-1) is also the token target of tenants[0] (a/m)')]);
  });

  test('GIVEN token Jobs with distinct targets, in one namespace and across namespaces WHEN validated THEN nothing is reported', () => {
    expect(
      problems([
        { namespace: 'team', release: 'a', host: 'a.example.org', ...token({}) },
        { namespace: 'team', release: 'b', host: 'b.example.org', ...token({}) },
        { namespace: 'other', release: 'a', host: 'c.example.org', ...token({}) },
      ]),
    ).toEqual([]);
  });

  test('GIVEN a release named kustomization WHEN validated THEN it is refused: its file would replace the folder\'s Kustomization', () => {
    const found = problems([{ namespace: 'team', release: 'kustomization', host: 'a.example.org' }]);
    expect(found).toEqual([expect.stringMatching(/tenants\[0\] \(team\/kustomization\)\.release: release "kustomization" would be written to team\/kustomization.yaml/)]);
  });
});

describe('fleet-wide checks of a fleet that keeps tenants of one that passed them (the old side of a diff)', () => {
  /** A small seeded generator, so a failing case fails again. */
  function generator(seed: number) {
    let state = seed;
    return (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
  }

  /** Entries that collide often: few namespaces, releases and hosts, tenant ids and token targets. */
  function randomEntry(next: (n: number) => number): Record<string, unknown> {
    const namespace = ['a', 'b', 'a-b', 'c'][next(4)];
    const release = ['m', 'n', 'b-m', 'kustomization'][next(next(8) === 0 ? 4 : 3)];
    const entry: Record<string, unknown> = { namespace, release, host: next(3) === 0 ? `shared-${next(2)}.example.org` : `${namespace}-${release}-${next(1000)}.example.org` };
    if (next(2) === 0) entry.datasources = { metrics: { url: 'http://mimir.example.org/prometheus', tenantId: ['', 'x', 'y'][next(3)], sharedTenantId: next(2) === 0 } };
    if (next(3) === 0) entry.serviceAccountToken = { enabled: true, serviceAccountName: ['agent', 'b-agent'][next(2)], sink: next(2) === 0 ? {} : { kubernetesSecret: { namespace: 'agents', name: `token-${next(3)}` } } };
    return entry;
  }

  const outcome = (run: () => unknown): string => {
    try {
      run();
      return 'passes';
    } catch (e) {
      if (e instanceof InputError) return e.problems.join('\n');
      throw e;
    }
  };

  test('GIVEN 400 random pairs WHEN the old side is checked alongside the new one THEN it passes or fails exactly as when checked on its own, with the same messages', () => {
    const next = generator(11);
    const frame = { apiVersions: ['v1.edp.epam.com/v1'], defaults: {} };
    let compared = 0;
    let refused = 0;
    for (let round = 0; compared < 400; round++) {
      const newEntries = Array.from({ length: 2 + next(7) }, () => randomEntry(next));
      let newFleet;
      try {
        newFleet = parseFleet({ ...frame, tenants: newEntries }, 'new.yaml', { keepKeys: true });
      } catch {
        continue;
      }
      // The old side: some of the new side's entries (the same objects), at times one twice or
      // in another order, and a few of its own.
      const kept = newEntries.filter(() => next(4) !== 0);
      if (next(6) === 0 && kept.length > 0) kept.push(kept[next(kept.length)]);
      if (next(3) === 0) kept.reverse();
      const oldEntries = [...kept];
      for (let i = next(4); i > 0; i--) oldEntries.splice(next(oldEntries.length + 1), 0, randomEntry(next));
      const known = new Map<unknown, FleetTenant>(newFleet.tenants.map((t) => [newEntries[t.index], t]));
      const alone = outcome(() => parseFleet({ ...frame, tenants: oldEntries }, 'old.yaml'));
      const alongside = outcome(() => parseFleet({ ...frame, tenants: oldEntries }, 'old.yaml', { known, knownKeys: fleetKeysOf(newFleet) }));
      expect([round, alongside]).toEqual([round, alone]);
      compared++;
      if (alone !== 'passes') refused++;
    }
    // AND both verdicts came up often
    expect(refused).toBeGreaterThan(80);
    expect(compared - refused).toBeGreaterThan(80);
  });

  test('GIVEN a fleet parsed without keepKeys WHEN its keys are asked for THEN there are none; with it, there are', () => {
    const tenants = [{ namespace: 'a', release: 'm', host: 'a.example.org' }];
    expect(fleetKeysOf(parseFleet({ tenants }, 'f.yaml'))).toBeUndefined();
    expect(fleetKeysOf(parseFleet({ tenants }, 'f.yaml', { keepKeys: true }))).toBeDefined();
  });
});
