/*
 * Logins for real, tenant by tenant: a real Keycloak configured by the real EDP keycloak-operator
 * from our rendered objects (and the platform's realm + groups scope as a fixture), client secrets
 * made by External Secrets, grafana.ini written by grafana-operator, browser-less code + PKCE
 * logins, and Grafana's decision on the returned id_token and userinfo computed by the JMESPath
 * library Grafana links (./grafana-decision). Every role scenario runs with the groups mapper's
 * `full.path` "false" (bare names, as Cozystack configures it) and "true" (the mapper's default).
 */
import { randomBytes } from 'node:crypto';
import { grafanaDecision, REFUSED_BY_GROUPS, REFUSED_BY_STRICT } from './grafana-decision';
import { KeycloakAdmin } from './keycloak-admin';
import { authorize, codeFor, describe as describeAnswer, Endpoints, errorText, exchangeCode, login, pkce, tokenRequest } from './oidc-login';
import {
  ACME,
  applyInstances,
  applyPlatform,
  cluster,
  GLOBEX,
  grafanaClientSecret,
  grafanaIni,
  Instance,
  INSTANCES,
  keycloakOf,
  OPEN,
  PLATFORM_GRAFANA,
  reachable,
  REALM,
  setFullPath,
  teardown,
  World,
} from './platform';

const PASSWORD = `Pw-${randomBytes(9).toString('base64url')}`;
const ROLES = [
  ['admin', 'Admin'],
  ['editor', 'Editor'],
  ['viewer', 'Viewer'],
] as const;
const TENANTS = [ACME, GLOBEX, PLATFORM_GRAFANA];

let world: World;
let t0 = 0;
const ini = new Map<Instance, Record<string, Record<string, string>>>();

const user = (name: string) => ({ username: name, password: PASSWORD });

/** What Grafana of instance i would send: its client, redirect URI (root_url + /login/generic_oauth), scopes, endpoints. */
async function grafanaClient(i: Instance) {
  const cfg = ini.get(i)!;
  const oauth = cfg['auth.generic_oauth'];
  const endpoints: Endpoints = {
    authUrl: reachable(world.keycloak.url, oauth.auth_url),
    tokenUrl: reachable(world.keycloak.url, oauth.token_url),
    userinfoUrl: reachable(world.keycloak.url, oauth.api_url),
  };
  const clientSecret = await grafanaClientSecret(world.kube, i);
  if (!clientSecret) throw new Error(`no client secret for ${i.names.clientId}`);
  return {
    oauth,
    endpoints,
    client: { clientId: oauth.client_id, clientSecret, redirectUri: `${cfg.server.root_url}/login/generic_oauth`, scope: oauth.scopes },
  };
}

/** A full login of `username` to instance i, and Grafana's decision on what Keycloak returned. */
async function loginTo(i: Instance, username: string) {
  const g = await grafanaClient(i);
  const result = await login(g.endpoints, g.client, user(username));
  return { result, decision: grafanaDecision(g.oauth, result.idToken, result.userinfo) };
}

function audiences(claims: Record<string, any>): string[] {
  return Array.isArray(claims.aud) ? claims.aud : [claims.aud];
}

beforeAll(async () => {
  t0 = Date.now();
  const kube = cluster().kube;
  const { info, own } = await keycloakOf(kube);
  const admin = new KeycloakAdmin(info.url, info.adminUser, info.adminPassword);
  world = { kube, keycloak: info, admin, own };
  await applyPlatform(world, 'false');
  await applyInstances(world);
  for (const i of INSTANCES) ini.set(i, await grafanaIni(kube, i));
  // Users as a realm administrator adds them (README "Assigning roles"): one per group.
  for (const i of TENANTS) {
    for (const [g] of ROLES) {
      await admin.ensureUser(REALM, `${i.label}-${g}`, PASSWORD);
      await admin.setGroups(REALM, `${i.label}-${g}`, [i.names.group(g)]);
    }
  }
  await admin.ensureUser(REALM, 'stranger', PASSWORD);
  await admin.ensureUser(REALM, 'mover', PASSWORD);
  process.stderr.write(`login e2e: world ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (Keycloak ${info.url})\n`);
}, 1_200_000);

afterAll(async () => {
  process.stderr.write(`login e2e: whole file ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  await teardown(world);
});

describe('our objects, reconciled by the real operators', () => {
  test.each(INSTANCES.map((i) => [i.label, i]))('%s: the Keycloak client secret is the Secret Grafana reads', async (_, i) => {
    // GIVEN the rendered KeycloakClient (secret: $<secret>:client-secret) and ExternalSecret, applied
    // WHEN the operator has created the client and ESO the Secret
    const inKeycloak = await world.admin.clientSecret(REALM, i.names.clientId);
    const grafanaReads = await grafanaClientSecret(world.kube, i);
    // THEN Grafana's Deployment references exactly the secret Keycloak checks
    expect(grafanaReads).toMatch(/^.{32}$/);
    expect(inKeycloak).toBe(grafanaReads);
  });

  test.each(INSTANCES.map((i) => [i.label, i]))('%s: a confidential code-flow client with S256 PKCE and one exact redirect URI', async (_, i) => {
    const c = await world.admin.client(REALM, i.names.clientId);
    expect(c).toMatchObject({ publicClient: false, standardFlowEnabled: true, directAccessGrantsEnabled: false });
    expect(c.redirectUris).toEqual([`https://grafana.${i.host}/login/generic_oauth`]);
    expect(c.attributes['pkce.code.challenge.method']).toBe('S256');
    expect(await world.admin.defaultClientScopes(REALM, i.names.clientId)).toEqual(expect.arrayContaining(['groups', i.names.audienceScope]));
  });
});

describe.each([['false'], ['true']] as const)('groups mapper full.path "%s"', (fullPath) => {
  const claimOf = (group: string) => (fullPath === 'true' ? `/${group}` : group);

  beforeAll(async () => {
    await setFullPath(world, fullPath);
  }, 300_000);

  describe.each(TENANTS.map((i) => [i.label, i]))('%s', (_, i) => {
    test.each(ROLES)('a member of the %s group logs in as %s', async (g, role) => {
      // GIVEN a user in <clientId>-<g>  WHEN they log in to this instance's Grafana
      const { result, decision } = await loginTo(i, `${i.label}-${g}`);
      // THEN Keycloak sends the group in the configured form, the audience, and Grafana grants the role
      expect(result.idClaims.groups).toEqual([claimOf(i.names.group(g))]);
      expect(audiences(result.accessClaims)).toContain(i.names.clientId);
      expect(audiences(result.idClaims)).toContain(i.names.clientId);
      expect(decision).toMatchObject({ login: true, role, roleSource: 'id_token', refusals: [] });
      // server admin only for the platform's own instance's admins
      expect(decision.grafanaAdmin).toBe(i === PLATFORM_GRAFANA && g === 'admin');
    });

    test('a user in no group is refused', async () => {
      const { result, decision } = await loginTo(i, 'stranger');
      // Keycloak sends no groups claim at all for a user in no group
      expect(result.idClaims).not.toHaveProperty('groups');
      // refused by the strict role mapping AND, on its own, by allowed_groups
      expect(decision).toMatchObject({ login: false, refusals: [REFUSED_BY_STRICT, REFUSED_BY_GROUPS] });
    });

    test("the other tenant's admin is refused", async () => {
      const other = i === ACME ? GLOBEX : ACME;
      const { result, decision } = await loginTo(i, `${other.label}-admin`);
      expect(result.idClaims.groups).toEqual([claimOf(other.names.group('admin'))]);
      expect(decision).toMatchObject({ login: false, refusals: [REFUSED_BY_STRICT, REFUSED_BY_GROUPS] });
    });
  });

  test('oidc.fallbackRole Viewer (opt-in): a stranger and another tenant\'s admin view', async () => {
    for (const name of ['stranger', 'acme-admin']) {
      const { decision } = await loginTo(OPEN, name);
      expect(decision).toMatchObject({ login: true, role: 'Viewer', grafanaAdmin: false });
    }
  });

  test('removing a user from a group demotes them at the next login', async () => {
    // GIVEN mover is an acme admin
    await world.admin.setGroups(REALM, 'mover', [ACME.names.group('admin')]);
    expect((await loginTo(ACME, 'mover')).decision).toMatchObject({ login: true, role: 'Admin' });
    // WHEN moved to the viewers  THEN the next login is Viewer
    await world.admin.setGroups(REALM, 'mover', [ACME.names.group('viewer')]);
    expect((await loginTo(ACME, 'mover')).decision).toMatchObject({ login: true, role: 'Viewer' });
    // WHEN removed from every group  THEN the next login is refused
    await world.admin.setGroups(REALM, 'mover', []);
    expect((await loginTo(ACME, 'mover')).decision).toMatchObject({ login: false, refusals: [REFUSED_BY_STRICT, REFUSED_BY_GROUPS] });
  });
});

describe("Keycloak's own refusals (acme's client as rendered)", () => {
  const acmeAdmin = () => user('acme-admin');

  test('an auth request without a PKCE challenge gets invalid_request back, no code', async () => {
    const g = await grafanaClient(ACME);
    const a = await authorize(g.endpoints, { clientId: g.client.clientId, redirectUri: g.client.redirectUri, scope: g.client.scope });
    expect(a.kind).toBe('redirect');
    if (a.kind !== 'redirect') return;
    expect(`${a.location.origin}${a.location.pathname}`).toBe(g.client.redirectUri);
    expect(a.location.searchParams.get('error')).toBe('invalid_request');
    expect(a.location.searchParams.get('error_description')).toBe('Missing parameter: code_challenge_method');
    expect(a.location.searchParams.has('code')).toBe(false);
  });

  test('a plain PKCE challenge is refused (S256 only)', async () => {
    const g = await grafanaClient(ACME);
    const a = await authorize(g.endpoints, { clientId: g.client.clientId, redirectUri: g.client.redirectUri, scope: g.client.scope, pkce: pkce('plain') });
    expect(a.kind).toBe('redirect');
    if (a.kind !== 'redirect') return;
    expect(a.location.searchParams.get('error')).toBe('invalid_request');
    expect(a.location.searchParams.get('error_description')).toBe('Invalid parameter: code challenge method is not matching the configured one');
    expect(a.location.searchParams.has('code')).toBe(false);
  });

  test('a code redeemed with the wrong verifier is refused', async () => {
    const g = await grafanaClient(ACME);
    const { code } = await codeFor(g.endpoints, g.client, acmeAdmin());
    const res = await exchangeCode(g.endpoints, g.client, code, g.client.redirectUri, pkce().verifier);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'PKCE verification failed: Code mismatch' });
  });

  test.each([
    ['a sub-path', (r: string) => `${r}/x`],
    ['a .. escape', (r: string) => `${r}/../../evil`],
    ['another host', () => `https://grafana.${GLOBEX.host}/login/generic_oauth`],
    ['plain http', (r: string) => r.replace('https://', 'http://')],
  ])('a redirect URI that is not exactly ours (%s) is refused before any login form', async (_, bend) => {
    const g = await grafanaClient(ACME);
    const a = await authorize(g.endpoints, { clientId: g.client.clientId, redirectUri: bend(g.client.redirectUri), scope: g.client.scope, pkce: pkce() });
    expect(a.kind).toBe('error');
    if (a.kind !== 'error') throw new Error(describeAnswer(a));
    expect(a.status).toBe(400);
    expect(errorText(a.body)).toBe('Invalid parameter: redirect_uri');
  });

  test('the password grant is refused', async () => {
    const g = await grafanaClient(ACME);
    const res = await tokenRequest(g.endpoints, g.client, new URLSearchParams({ grant_type: 'password', username: 'acme-admin', password: PASSWORD, scope: 'openid' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'Client not allowed for direct access grants' });
  });

  test('a wrong client secret is refused', async () => {
    const g = await grafanaClient(ACME);
    const { code, pkce: p } = await codeFor(g.endpoints, g.client, acmeAdmin());
    const res = await exchangeCode(g.endpoints, { ...g.client, clientSecret: `${g.client.clientSecret}x` }, code, g.client.redirectUri, p.verifier);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
  });

  test("tenant A's code redeemed with tenant B's client is refused", async () => {
    const a = await grafanaClient(ACME);
    const b = await grafanaClient(GLOBEX);
    const { code, pkce: p } = await codeFor(a.endpoints, a.client, acmeAdmin());
    const res = await exchangeCode(b.endpoints, b.client, code, a.client.redirectUri, p.verifier);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'Auth error: Found different client_id in clientSession' });
  });
});
