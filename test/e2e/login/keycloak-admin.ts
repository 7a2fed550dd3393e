/*
 * Keycloak's admin REST API, for what a realm administrator does by hand (users, group membership)
 * and for reading back what the EDP operator created. The platform's and our objects are never
 * created through it: those go through the operator.
 */

export class KeycloakAdmin {
  private token?: { value: string; expires: number };

  constructor(
    readonly url: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expires > Date.now() + 5_000) return this.token.value;
    const res = await fetch(`${this.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: this.username, password: this.password }),
    });
    const body = (await res.json()) as any;
    if (res.status !== 200) throw new Error(`Keycloak admin login: HTTP ${res.status} ${JSON.stringify(body)}`);
    this.token = { value: body.access_token, expires: Date.now() + body.expires_in * 1000 };
    return this.token.value;
  }

  /** A request under /admin/realms/<realm>; throws on any non-2xx answer except 404 when allowed. */
  async call<T = any>(method: string, path: string, body?: unknown, allow404 = false): Promise<T | undefined> {
    const res = await fetch(`${this.url}/admin/realms${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.accessToken()}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 404 && allow404) return undefined;
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`Keycloak admin ${method} ${path}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async client(realm: string, clientId: string): Promise<any | undefined> {
    const found = (await this.call<any[]>('GET', `/${realm}/clients?clientId=${encodeURIComponent(clientId)}`)) ?? [];
    return found.find((c) => c.clientId === clientId);
  }

  async clientSecret(realm: string, clientId: string): Promise<string> {
    const c = await this.client(realm, clientId);
    if (!c) throw new Error(`no client ${clientId} in realm ${realm}`);
    return (await this.call<any>('GET', `/${realm}/clients/${c.id}/client-secret`)).value;
  }

  async defaultClientScopes(realm: string, clientId: string): Promise<string[]> {
    const c = await this.client(realm, clientId);
    const scopes = (await this.call<any[]>('GET', `/${realm}/clients/${c.id}/default-client-scopes`)) ?? [];
    return scopes.map((s) => s.name).sort();
  }

  async groupId(realm: string, name: string): Promise<string | undefined> {
    const found = (await this.call<any[]>('GET', `/${realm}/groups?search=${encodeURIComponent(name)}&exact=true`)) ?? [];
    return found.find((g) => g.name === name)?.id;
  }

  async clientScope(realm: string, name: string): Promise<any | undefined> {
    const scopes = (await this.call<any[]>('GET', `/${realm}/client-scopes`)) ?? [];
    return scopes.find((s) => s.name === name);
  }

  /** Creates (or resets) a user with the profile Keycloak 26 requires and a password. */
  async ensureUser(realm: string, username: string, password: string): Promise<string> {
    let id = await this.userId(realm, username);
    if (!id) {
      await this.call('POST', `/${realm}/users`, {
        username,
        enabled: true,
        email: `${username}@e2e.test`,
        emailVerified: true,
        firstName: username,
        lastName: 'E2e',
        credentials: [{ type: 'password', value: password, temporary: false }],
      });
      id = await this.userId(realm, username);
    }
    if (!id) throw new Error(`user ${username} not created`);
    return id;
  }

  async userId(realm: string, username: string): Promise<string | undefined> {
    const found = (await this.call<any[]>('GET', `/${realm}/users?username=${encodeURIComponent(username)}&exact=true`)) ?? [];
    return found.find((u) => u.username === username)?.id;
  }

  /** Makes the user a member of exactly these groups (by name). */
  async setGroups(realm: string, username: string, groups: readonly string[]): Promise<void> {
    const id = await this.userId(realm, username);
    if (!id) throw new Error(`no user ${username}`);
    const current = (await this.call<any[]>('GET', `/${realm}/users/${id}/groups`)) ?? [];
    for (const g of current) if (!groups.includes(g.name)) await this.call('DELETE', `/${realm}/users/${id}/groups/${g.id}`);
    for (const name of groups) {
      if (current.some((g) => g.name === name)) continue;
      const gid = await this.groupId(realm, name);
      if (!gid) throw new Error(`no group ${name} in realm ${realm}`);
      await this.call('PUT', `/${realm}/users/${id}/groups/${gid}`);
    }
  }
}
