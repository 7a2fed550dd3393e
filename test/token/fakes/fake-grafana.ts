import { randomBytes } from 'node:crypto';
import { Caller, GrafanaContent, GrafanaRole } from './fake-grafana-content';
import { HttpFake, RecordedCall, Reply } from './http-fake';

export interface FakeServiceAccount {
  id: number;
  orgId: number;
  name: string;
  role: string;
  isDisabled: boolean;
}

export interface FakeToken {
  id: number;
  orgId: number;
  serviceAccountId: number;
  name: string;
  key: string;
  /** Epoch ms. */
  created: number;
  /** Epoch ms, whole seconds like Grafana stores it; undefined: never expires. */
  expires?: number;
}

/** When a token is made and how long it lives (like `secondsToLive` of the create call). */
export interface TokenTimes {
  readonly secondsToLive?: number;
  /** How long ago it was made, in seconds (default 0: now). */
  readonly ageSeconds?: number;
}

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'admin-password-from-the-operator-secret';

/** Paths of the Grafana API the script uses, for counting calls. */
export const GRAFANA = {
  org: /^\/api\/org$/,
  search: /^\/api\/serviceaccounts\/search$/,
  accounts: /^\/api\/serviceaccounts$/,
  account: /^\/api\/serviceaccounts\/\d+$/,
  tokens: /^\/api\/serviceaccounts\/\d+\/tokens$/,
  token: /^\/api\/serviceaccounts\/\d+\/tokens\/\d+$/,
  any: /^\/api\//,
};

/**
 * Grafana's service-account API with its documented status codes: substring `query` search with
 * `perpage`/`page` paging, 400 `serviceaccounts.ErrAlreadyExists` on a duplicate name, tokens
 * whose key is returned once, orgs selected by `X-Grafana-Org-Id`, Bearer probes of `/api/org`
 * (401 once a token expired), and the token list's `created`/`expiration`/`secondsUntilExpiration`
 * (0 unless within 7 days, as Grafana computes it)/`hasExpired`.
 */
export class FakeGrafana extends HttpFake {
  readonly accounts: FakeServiceAccount[] = [];
  readonly tokens: FakeToken[] = [];
  /** Every key this Grafana ever issued: none of them may appear in the script's output. */
  readonly issuedKeys: string[] = [];
  /** Orgs the admin user is a member of. */
  readonly adminOrgs = new Set<number>([1]);
  /** Folders, dashboards and alert rules (the backup's side of the API). */
  readonly content = new GrafanaContent();
  private nextId = 1;

  addAccount(name: string, role = 'Viewer', orgId = 1): FakeServiceAccount {
    const account = { id: this.nextId++, orgId, name, role, isDisabled: false };
    this.accounts.push(account);
    return account;
  }

  addToken(account: FakeServiceAccount, name: string, times: TokenTimes = {}): FakeToken {
    const created = Date.now() - (times.ageSeconds ?? 0) * 1000;
    const token: FakeToken = {
      id: this.nextId++,
      orgId: account.orgId,
      serviceAccountId: account.id,
      name,
      key: `glsa_${randomBytes(16).toString('hex')}`,
      created,
      ...(times.secondsToLive ? { expires: Math.floor(created / 1000 + times.secondsToLive) * 1000 } : {}),
    };
    this.tokens.push(token);
    this.issuedKeys.push(token.key);
    return token;
  }

  accountsNamed(name: string, orgId = 1): FakeServiceAccount[] {
    return this.accounts.filter((a) => a.name === name && a.orgId === orgId);
  }

  tokensOf(account: FakeServiceAccount): FakeToken[] {
    return this.tokens.filter((t) => t.serviceAccountId === account.id);
  }

  protected handle(call: RecordedCall): Reply {
    if (call.path === '/api/org' && call.method === 'GET') return this.org(call);
    const content = this.content.handle(call, this.caller(call));
    if (content) return content;
    const orgId = this.adminOrg(call);
    if (orgId === undefined) return { status: 401, body: { message: 'Unauthorized' } };
    return this.serviceAccounts(call, orgId) ?? { status: 404, body: { message: 'Not found' } };
  }

  private org(call: RecordedCall): Reply {
    const auth = call.headers.authorization ?? '';
    if (auth.startsWith('Bearer ')) {
      const token = this.tokens.find((t) => t.key === auth.slice('Bearer '.length));
      if (!token) return { status: 401, body: { message: 'Invalid API key' } };
      if (hasExpired(token)) return { status: 401, body: { message: 'Expired API key' } };
      return { status: 200, body: { id: token.orgId, name: `Org ${token.orgId}` } };
    }
    const orgId = this.adminOrg(call);
    return orgId === undefined ? { status: 401, body: { message: 'Unauthorized' } } : { status: 200, body: { id: orgId, name: `Org ${orgId}` } };
  }

  /** The admin login (role Admin) or a valid, unexpired service-account token (its account's role). */
  private caller(call: RecordedCall): Caller | undefined {
    const auth = call.headers.authorization ?? '';
    if (auth.startsWith('Bearer ')) {
      const token = this.tokens.find((t) => t.key === auth.slice('Bearer '.length));
      const account = token && !hasExpired(token) ? this.accounts.find((a) => a.id === token.serviceAccountId && !a.isDisabled) : undefined;
      return account ? { role: account.role as GrafanaRole, orgId: account.orgId } : undefined;
    }
    const orgId = this.adminOrg(call);
    return orgId === undefined ? undefined : { role: 'Admin', orgId };
  }

  /** The org an admin (basic auth) call acts in, or undefined when not authorized. */
  private adminOrg(call: RecordedCall): number | undefined {
    const expected = `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`;
    if (call.headers.authorization !== expected) return undefined;
    const orgId = Number(call.headers['x-grafana-org-id'] ?? 1);
    return this.adminOrgs.has(orgId) ? orgId : undefined;
  }

  private serviceAccounts(call: RecordedCall, orgId: number): Reply | undefined {
    const { method, path } = call;
    if (method === 'GET' && GRAFANA.search.test(path)) return this.search(call, orgId);
    if (method === 'POST' && GRAFANA.accounts.test(path)) return this.createAccount(call, orgId);

    const match = /^\/api\/serviceaccounts\/(\d+)(\/tokens(?:\/(\d+))?)?$/.exec(path);
    if (!match) return undefined;
    const account = this.accounts.find((a) => a.id === Number(match[1]) && a.orgId === orgId);
    if (!account) return { status: 404, body: { message: 'service account not found' } };
    const body = (call.body ?? {}) as Record<string, unknown>;

    if (!match[2] && method === 'PATCH') {
      if (typeof body.role === 'string') account.role = body.role;
      if (typeof body.isDisabled === 'boolean') account.isDisabled = body.isDisabled;
      return { status: 200, body: { id: account.id, name: account.name, serviceaccount: this.view(account), message: 'Service account updated' } };
    }
    if (match[2] && !match[3] && method === 'POST') {
      const name = String(body.name);
      if (this.tokens.some((t) => t.orgId === orgId && t.name === name)) {
        return { status: 400, body: { message: 'service account token with given name already exists in the organization', messageId: 'serviceaccounts.ErrTokenAlreadyExists' } };
      }
      const token = this.addToken(account, name, { secondsToLive: Number(body.secondsToLive ?? 0) });
      return { status: 200, body: { id: token.id, name: token.name, key: token.key } };
    }
    if (match[2] && !match[3] && method === 'GET') {
      return { status: 200, body: this.tokensOf(account).map(listed) };
    }
    if (match[3] && method === 'DELETE') {
      const index = this.tokens.findIndex((t) => t.id === Number(match[3]) && t.serviceAccountId === account.id);
      if (index < 0) return { status: 404, body: { message: 'token not found' } };
      this.tokens.splice(index, 1);
      return { status: 200, body: { message: 'Service account token deleted' } };
    }
    return undefined;
  }

  /** Substring match on name and login, in creation order, `perpage`/`page` (1-based) paging. */
  private search(call: RecordedCall, orgId: number): Reply {
    const query = (call.query.get('query') ?? '').toLowerCase();
    const perpage = Number(call.query.get('perpage') ?? 1000);
    const page = Number(call.query.get('page') ?? 1);
    const hits = this.accounts.filter(
      (a) => a.orgId === orgId && (a.name.toLowerCase().includes(query) || `sa-${a.name}`.toLowerCase().includes(query)),
    );
    const slice = hits.slice((page - 1) * perpage, page * perpage);
    return { status: 200, body: { totalCount: hits.length, serviceAccounts: slice.map((a) => this.view(a)), page, perPage: perpage } };
  }

  private createAccount(call: RecordedCall, orgId: number): Reply {
    const body = call.body as { name: string; role: string; isDisabled?: boolean };
    if (this.accountsNamed(body.name, orgId).length > 0) {
      return { status: 400, body: { message: 'service account already exists', messageId: 'serviceaccounts.ErrAlreadyExists', statusCode: 400 } };
    }
    const account = this.addAccount(body.name, body.role, orgId);
    return { status: 201, body: this.view(account) };
  }

  private view(a: FakeServiceAccount) {
    return { id: a.id, name: a.name, login: `sa-${a.name}`, orgId: a.orgId, role: a.role, isDisabled: a.isDisabled, tokens: this.tokensOf(a).length };
  }
}

function hasExpired(token: FakeToken): boolean {
  return token.expires !== undefined && token.expires <= Date.now();
}

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/** A token as `GET /api/serviceaccounts/:id/tokens` lists it (Grafana's TokenDTO). */
function listed(t: FakeToken) {
  const expired = hasExpired(t);
  const left = t.expires === undefined ? 0 : t.expires - Date.now();
  return {
    id: t.id,
    name: t.name,
    created: rfc3339(t.created),
    lastUsedAt: null,
    expiration: t.expires === undefined ? null : rfc3339(t.expires),
    secondsUntilExpiration: !expired && t.expires !== undefined && left < SEVEN_DAYS_MS ? left / 1000 : 0,
    hasExpired: expired,
    isRevoked: false,
  };
}

/** Go's time.Time JSON for whole seconds: `2026-01-01T00:00:00Z`. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
