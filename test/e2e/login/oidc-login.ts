/*
 * A browser-less OpenID Connect authorization-code login against a real Keycloak, the way Grafana's
 * generic OAuth login drives the user's browser: the auth request (with PKCE), Keycloak's login
 * form (cookies kept by hand), the redirect carrying the code, then the back-channel token exchange
 * with the client secret and the userinfo call. Redirects are never followed automatically, so each
 * step's answer (and each refusal) is observed as Keycloak sent it.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: 'S256' | 'plain';
}

/** A PKCE pair (RFC 7636): a 43-character verifier and its S256 (or plain) challenge. */
export function pkce(method: 'S256' | 'plain' = 'S256'): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return { verifier, challenge, method };
}

/** Cookies of one user agent, by name (Keycloak's login cookies are host-only, one host here). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The endpoints of one realm as Grafana's rendered `auth.generic_oauth` names them, made reachable here. */
export interface Endpoints {
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
}

export interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  /** Omit to send no code_challenge at all. */
  readonly pkce?: Pkce;
  readonly state?: string;
}

/** What the auth request answered: the login form, a redirect (e.g. an error to the client), or an error page. */
export type AuthAnswer =
  | { readonly kind: 'form'; readonly action: string; readonly jar: CookieJar }
  | { readonly kind: 'redirect'; readonly location: URL }
  | { readonly kind: 'error'; readonly status: number; readonly body: string };

export async function authorize(endpoints: Endpoints, req: AuthRequest): Promise<AuthAnswer> {
  const url = new URL(endpoints.authUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', req.clientId);
  url.searchParams.set('redirect_uri', req.redirectUri);
  url.searchParams.set('scope', req.scope);
  url.searchParams.set('state', req.state ?? randomBytes(12).toString('base64url'));
  if (req.pkce) {
    url.searchParams.set('code_challenge', req.pkce.challenge);
    url.searchParams.set('code_challenge_method', req.pkce.method);
  }
  const jar = new CookieJar();
  const res = await fetch(url, { redirect: 'manual' });
  jar.take(res);
  const body = await res.text();
  if (res.status >= 300 && res.status < 400) return { kind: 'redirect', location: new URL(res.headers.get('location') ?? '', url) };
  const form = /<form[^>]*id="kc-form-login"[^>]*>/.exec(body)?.[0];
  const action = form && /action="([^"]+)"/.exec(form)?.[1];
  if (res.status === 200 && action) return { kind: 'form', action: unescapeHtml(action), jar };
  return { kind: 'error', status: res.status, body };
}

/** Posts the credentials to the login form; Keycloak answers with a 302 to the redirect URI. */
export async function submitLogin(form: { action: string; jar: CookieJar }, username: string, password: string): Promise<URL> {
  const res = await fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: form.jar.header() },
    body: new URLSearchParams({ username, password, credentialId: '' }),
  });
  form.jar.take(res);
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    const text = await res.text();
    const message = /id="input-error"[^>]*>([^<]*)</.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)</.exec(text)?.[1] ?? text.slice(0, 300);
    throw new Error(`login of ${username}: expected a 302 to the redirect URI, got HTTP ${res.status}: ${message.trim()}`);
  }
  return new URL(location);
}

export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, any>;
}

/**
 * Redeems a code at the token endpoint with client_secret_basic, which Grafana's OAuth2 client
 * tries first (golang.org/x/oauth2 AuthStyleAutoDetect: header, then form).
 */
export async function exchangeCode(
  endpoints: Endpoints,
  client: { clientId: string; clientSecret: string },
  code: string,
  redirectUri: string,
  verifier?: string,
): Promise<TokenAnswer> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  if (verifier !== undefined) form.set('code_verifier', verifier);
  return tokenRequest(endpoints, client, form);
}

export async function tokenRequest(
  endpoints: Endpoints,
  client: { clientId: string; clientSecret: string },
  form: URLSearchParams,
): Promise<TokenAnswer> {
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
  const res = await fetch(endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The userinfo response body, raw (Grafana parses it itself). */
export async function userinfo(endpoints: Endpoints, accessToken: string): Promise<{ status: number; body: string }> {
  const res = await fetch(endpoints.userinfoUrl, { headers: { Authorization: `Bearer ${accessToken}` } });
  return { status: res.status, body: await res.text() };
}

/** The claims of a JWT (no signature check: what Grafana's generic OAuth reads from the id_token). */
export function jwtClaims(token: string): Record<string, any> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`not a JWT: ${parts.length} segments`);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

export interface LoginResult {
  readonly idToken: string;
  readonly accessToken: string;
  readonly userinfo: string;
  readonly idClaims: Record<string, any>;
  readonly accessClaims: Record<string, any>;
}

/** The whole successful flow for one user; throws with Keycloak's answer at the step that failed. */
export async function login(
  endpoints: Endpoints,
  client: { clientId: string; clientSecret: string; redirectUri: string; scope: string },
  user: { username: string; password: string },
): Promise<LoginResult> {
  const p = pkce('S256');
  const state = randomBytes(12).toString('base64url');
  const auth = await authorize(endpoints, { clientId: client.clientId, redirectUri: client.redirectUri, scope: client.scope, pkce: p, state });
  if (auth.kind !== 'form') throw new Error(`auth request of ${client.clientId}: ${describe(auth)}`);
  const back = await submitLogin(auth, user.username, user.password);
  if (`${back.origin}${back.pathname}` !== client.redirectUri) throw new Error(`login redirected to ${back.href}, not ${client.redirectUri}`);
  if (back.searchParams.get('state') !== state) throw new Error(`state not echoed: ${back.href}`);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back.href}`);
  const tokens = await exchangeCode(endpoints, client, code, client.redirectUri, p.verifier);
  if (tokens.status !== 200) throw new Error(`token exchange: HTTP ${tokens.status} ${JSON.stringify(tokens.body)}`);
  const info = await userinfo(endpoints, tokens.body.access_token);
  if (info.status !== 200) throw new Error(`userinfo: HTTP ${info.status} ${info.body}`);
  return {
    idToken: tokens.body.id_token,
    accessToken: tokens.body.access_token,
    userinfo: info.body,
    idClaims: jwtClaims(tokens.body.id_token),
    accessClaims: jwtClaims(tokens.body.access_token),
  };
}

/** Up to the code: auth request and login form, for tests that then redeem the code their own way. */
export async function codeFor(
  endpoints: Endpoints,
  client: { clientId: string; redirectUri: string; scope: string },
  user: { username: string; password: string },
  p: Pkce = pkce('S256'),
): Promise<{ code: string; pkce: Pkce }> {
  const auth = await authorize(endpoints, { clientId: client.clientId, redirectUri: client.redirectUri, scope: client.scope, pkce: p });
  if (auth.kind !== 'form') throw new Error(`auth request of ${client.clientId}: ${describe(auth)}`);
  const back = await submitLogin(auth, user.username, user.password);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back.href}`);
  return { code, pkce: p };
}

export function describe(a: AuthAnswer): string {
  if (a.kind === 'redirect') return `redirect to ${a.location.href}`;
  if (a.kind === 'error') return `HTTP ${a.status}: ${errorText(a.body)}`;
  return 'login form';
}

/** The message of Keycloak's error page (`<p class="instruction">` / kc-error-message). */
export function errorText(html: string): string {
  const m = /id="kc-error-message"[\s\S]*?<p[^>]*>([\s\S]*?)<\/p>/.exec(html) ?? /<p class="instruction">([\s\S]*?)<\/p>/.exec(html);
  return unescapeHtml((m?.[1] ?? html.slice(0, 200)).replace(/<[^>]+>/g, '').trim());
}

function unescapeHtml(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x2F;/g, '/');
}
