// GENERATED from src/token/bootstrap/token-bootstrap.ts by `npm run build:token-script`: do not edit.
// Run by the token bootstrap Job with `node token-bootstrap.js [bootstrap|prune]`.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/*
 * Grafana service-account token bootstrap. Runs as a Kubernetes Job in a pinned `node` image.
 *
 * Kept to ONE source file with Node built-ins only: `npm run build:token-script` transpiles it to
 * charts/grafana-tenancy/files/token-bootstrap.js, the exact file both renderers ship in a
 * ConfigMap and the scenario tests run.
 *
 * Flow (`node token-bootstrap.js`):
 *   1. read the stored token from the sink; if present, not a placeholder and a possible header
 *      value, probe it with `GET /api/org`: 200 in the right org -> done, unless the token has a
 *      lifetime (secondsToLive > 0) and this Job's newest token has less than a third of it left;
 *   2. find the service account by EXACT name (the search `query` is a substring match, paged),
 *      create it if missing (a 400 ErrAlreadyExists race -> search again), fix a drifted role;
 *   3. create a token with a unique name, write it to the sink;
 *   4. only after the write succeeded, delete this Job's older tokens beyond the keep count.
 * With the `file` sink (AWS Secrets Manager: the AWS CLI container stores the token), step 4 is
 * `node token-bootstrap.js prune`, run after the store container recorded its result: stored ->
 * prune; not stored -> revoke the undelivered token and fail with the store error.
 *
 * Never prints a token: logs carry token ids and names only.
 */
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const ROLES = ['Viewer', 'Editor', 'Admin'];
/** A token with a lifetime is replaced once less than this share of it is left. */
const RENEW_BELOW_FRACTION = 1 / 3;
function loadConfig(env) {
    const role = required(env, 'SERVICE_ACCOUNT_ROLE');
    if (!ROLES.includes(role))
        throw new Failure(`SERVICE_ACCOUNT_ROLE ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`);
    const deadlineSeconds = int(env, 'DEADLINE_SECONDS', 540);
    return {
        grafanaUrl: required(env, 'GRAFANA_URL').replace(/\/+$/, ''),
        orgId: int(env, 'GRAFANA_ORG_ID', 1),
        adminUser: required(env, 'GRAFANA_ADMIN_USER'),
        adminPassword: required(env, 'GRAFANA_ADMIN_PASSWORD'),
        serviceAccount: required(env, 'SERVICE_ACCOUNT_NAME'),
        role,
        secondsToLive: int(env, 'TOKEN_SECONDS_TO_LIVE', 0),
        keepOldTokens: int(env, 'KEEP_OLD_TOKENS', 1),
        searchPageSize: int(env, 'SEARCH_PAGE_SIZE', 100),
        retry: {
            attempts: Math.max(1, int(env, 'RETRY_ATTEMPTS', 6)),
            baseDelayMs: int(env, 'RETRY_BASE_DELAY_MS', 1000),
            maxDelayMs: int(env, 'RETRY_MAX_DELAY_MS', 30000),
            timeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 10000),
            deadline: startTime(env) + deadlineSeconds * 1000,
        },
        sink: loadSinkConfig(env),
    };
}
/**
 * When DEADLINE_SECONDS starts counting: the pod's start when POD_START_FILE names a file holding
 * it (epoch seconds, written by the pod's first container), else this process's start. Steps in
 * later containers thus share one deadline instead of each getting a fresh one.
 */
function startTime(env) {
    const file = env.POD_START_FILE;
    if (!file)
        return Date.now();
    const raw = (0, node_fs_1.existsSync)(file) ? (0, node_fs_1.readFileSync)(file, 'utf8').trim() : '';
    const seconds = Number(raw);
    if (raw !== '' && Number.isInteger(seconds) && seconds > 0)
        return seconds * 1000;
    log('start', `warning: POD_START_FILE ${file} holds no start time; DEADLINE_SECONDS counts from now`);
    return Date.now();
}
function loadSinkConfig(env) {
    const type = env.SINK ?? 'kubernetes-secret';
    if (type === 'file') {
        return {
            type,
            storedTokenFile: required(env, 'STORED_TOKEN_FILE'),
            tokenOutFile: required(env, 'TOKEN_OUT_FILE'),
            tokenIdFile: required(env, 'TOKEN_ID_FILE'),
            storeResultFile: required(env, 'STORE_RESULT_FILE'),
        };
    }
    if (type !== 'kubernetes-secret')
        throw new Failure(`SINK ${JSON.stringify(type)} is not one of kubernetes-secret, file`);
    const host = env.KUBERNETES_SERVICE_HOST;
    const inClusterUrl = host ? `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}` : '';
    const apiUrl = (env.KUBERNETES_API_URL || inClusterUrl).replace(/\/+$/, '');
    if (!apiUrl)
        throw new Failure('neither KUBERNETES_API_URL nor KUBERNETES_SERVICE_HOST is set: run in a cluster or set KUBERNETES_API_URL');
    return {
        type,
        apiUrl,
        tokenFile: env.KUBERNETES_TOKEN_FILE || `${SERVICE_ACCOUNT_DIR}/token`,
        caFile: env.KUBERNETES_CA_FILE || `${SERVICE_ACCOUNT_DIR}/ca.crt`,
        namespace: required(env, 'SECRET_NAMESPACE'),
        name: required(env, 'SECRET_NAME'),
        key: env.SECRET_KEY || 'token',
        create: env.SECRET_CREATE === 'true',
    };
}
function required(env, name) {
    const value = env[name];
    if (value === undefined || value === '')
        throw new Failure(`environment variable ${name} is not set`);
    return value;
}
function int(env, name, fallback) {
    const raw = env[name];
    if (raw === undefined || raw === '')
        return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
        throw new Failure(`environment variable ${name}=${JSON.stringify(raw)} is not a non-negative integer`);
    return value;
}
// ---------------------------------------------------------------------------------------------
// Logging and failures
/** A failure with a message for the Job's log; the process exits 1. */
class Failure extends Error {
}
/** Every secret value the script has seen; no output line may contain one. */
const secretValues = [];
function rememberSecret(value) {
    if (value.length >= 4 && !secretValues.includes(value))
        secretValues.push(value);
}
/** Belt and braces: messages only carry ids by design, but an echoed value is masked anyway. */
function redact(text) {
    return secretValues.reduce((out, value) => out.split(value).join('<redacted>'), text);
}
function log(step, message) {
    process.stdout.write(redact(`token-bootstrap ${step}: ${message}\n`));
}
/** A transport failure or a 5xx: worth another attempt. */
class Transient extends Error {
}
function send(req, timeoutMs) {
    const url = new URL(req.url);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers = { Accept: 'application/json', ...req.headers };
    if (payload !== undefined) {
        headers['Content-Type'] = req.contentType ?? 'application/json';
        headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
        const request = client.request(url, { method: req.method, headers, timeout: timeoutMs, ...(req.ca ? { ca: req.ca } : {}) }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', (e) => reject(new Transient(e.message)));
        });
        request.on('timeout', () => request.destroy(new Error(`no response within ${timeoutMs} ms`)));
        request.on('error', (e) => {
            // A certificate problem will not go away on retry: wrong CA file or wrong host.
            if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(e.code ?? ''))
                reject(new Failure(`${url.host}: TLS verification failed: ${e.message}`));
            else
                reject(new Transient(e.message));
        });
        if (payload !== undefined)
            request.write(payload);
        request.end();
    });
}
/**
 * Sends `req`, retrying connection errors and 5xx with exponential backoff, at most
 * `policy.attempts` times and never past the deadline. Any other status is returned as is:
 * a 4xx will not change on retry.
 */
async function call(policy, what, req) {
    for (let attempt = 1;; attempt++) {
        let problem;
        try {
            const res = await send(req, policy.timeoutMs);
            if (res.status < 500)
                return res;
            problem = `HTTP ${res.status}`;
        }
        catch (e) {
            if (!(e instanceof Transient))
                throw e;
            problem = e.message;
        }
        const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        if (attempt >= policy.attempts) {
            throw new Failure(`${what}: giving up after ${attempt} attempts, last error: ${problem}`);
        }
        if (Date.now() + delay > policy.deadline) {
            throw new Failure(`${what}: giving up after ${attempt} attempts, the deadline (DEADLINE_SECONDS) would pass; last error: ${problem}`);
        }
        log('retry', `${what}: ${problem}; attempt ${attempt + 1}/${policy.attempts} in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
    }
}
/** The parsed JSON body of a 2xx response, or a Failure naming the call and Grafana's own message. */
function expectJson(what, res, ok = [200]) {
    if (!ok.includes(res.status))
        throw new Failure(`${what}: HTTP ${res.status}${describeError(res.body)}`);
    try {
        return JSON.parse(res.body);
    }
    catch {
        throw new Failure(`${what}: HTTP ${res.status} with a body that is not JSON`);
    }
}
/** The `message` of an API error body, never the raw body (it could echo a token). */
function describeError(body) {
    try {
        const parsed = JSON.parse(body);
        if (typeof parsed.message === 'string')
            return `: ${parsed.message.slice(0, 200)}`;
    }
    catch {
        // not JSON: say nothing rather than print an unknown body
    }
    return '';
}
class Grafana {
    config;
    basic;
    constructor(config) {
        this.config = config;
        this.basic = `Basic ${Buffer.from(`${config.adminUser}:${config.adminPassword}`).toString('base64')}`;
    }
    /** True when `token` authenticates in the configured org. */
    async tokenIsValid(token) {
        const res = await this.request('probe stored token', 'GET', '/api/org', undefined, `Bearer ${token}`);
        if (res.status === 401 || res.status === 403)
            return false;
        const org = expectJson('probe stored token', res);
        return org.id === this.config.orgId;
    }
    /** The account whose name is exactly `name`; the search's `query` also matches substrings. */
    async findServiceAccount(name) {
        const perpage = this.config.searchPageSize;
        for (let page = 1, seen = 0;; page++) {
            const path = `/api/serviceaccounts/search?query=${encodeURIComponent(name)}&perpage=${perpage}&page=${page}`;
            const res = await this.request('search service accounts', 'GET', path);
            const result = expectJson('search service accounts', res);
            const accounts = result.serviceAccounts ?? [];
            const match = accounts.find((a) => a.name === name);
            if (match)
                return match;
            seen += accounts.length;
            if (accounts.length === 0 || seen >= result.totalCount)
                return undefined;
        }
    }
    /** Creates the account; undefined when Grafana says it already exists (someone raced us). */
    async createServiceAccount(name, role) {
        const res = await this.request('create service account', 'POST', '/api/serviceaccounts', { name, role, isDisabled: false });
        if (res.status === 400 && isAlreadyExists(res.body))
            return undefined;
        return expectJson('create service account', res, [200, 201]);
    }
    async updateServiceAccount(id, role) {
        const res = await this.request('update service account', 'PATCH', `/api/serviceaccounts/${id}`, { role, isDisabled: false });
        expectJson('update service account', res);
    }
    async createToken(accountId, name, secondsToLive) {
        const body = { name, ...(secondsToLive > 0 ? { secondsToLive } : {}) };
        const res = await this.request('create token', 'POST', `/api/serviceaccounts/${accountId}/tokens`, body);
        const token = expectJson('create token', res);
        if (typeof token.key !== 'string' || token.key === '')
            throw new Failure('create token: the response has no key');
        rememberSecret(token.key);
        return token;
    }
    async listTokens(accountId) {
        const res = await this.request('list tokens', 'GET', `/api/serviceaccounts/${accountId}/tokens`);
        return expectJson('list tokens', res) ?? [];
    }
    async deleteToken(accountId, tokenId) {
        const res = await this.request('delete token', 'DELETE', `/api/serviceaccounts/${accountId}/tokens/${tokenId}`);
        // 404: already gone, which is what we wanted.
        if (res.status !== 404)
            expectJson('delete token', res);
    }
    async request(what, method, path, body, authorization = this.basic) {
        const res = await call(this.config.retry, what, {
            method,
            url: `${this.config.grafanaUrl}${path}`,
            // The API often ignores an orgId in bodies; the header selects the org for every call.
            headers: { Authorization: authorization, 'X-Grafana-Org-Id': String(this.config.orgId) },
            body,
        });
        if (authorization === this.basic && (res.status === 401 || res.status === 403)) {
            throw new Failure(`${what}: HTTP ${res.status}${describeError(res.body)}: check the admin credentials Secret and that the admin user is a member of org ${this.config.orgId}`);
        }
        return res;
    }
}
function isAlreadyExists(body) {
    try {
        const parsed = JSON.parse(body);
        return parsed.messageId === 'serviceaccounts.ErrAlreadyExists' || /already exists/i.test(String(parsed.message ?? ''));
    }
    catch {
        return false;
    }
}
// ---------------------------------------------------------------------------------------------
// Token names: unique per run, recognisable for pruning
/** `<sa>-<UTC yyyymmddThhmmssZ>-<4 hex>`: unique (token names are unique per org) and sortable by eye. */
function newTokenName(serviceAccount, now) {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    return `${serviceAccount}-${stamp}-${(0, node_crypto_1.randomBytes)(2).toString('hex')}`;
}
/** Tokens this Job created: other tokens of the account (made by hand) are never pruned. */
function isBootstrapToken(serviceAccount, tokenName) {
    const prefix = `${serviceAccount}-`;
    return tokenName.startsWith(prefix) && /^\d{8}T\d{6}Z-[0-9a-f]{4}$/.test(tokenName.slice(prefix.length));
}
/** Values that mean "no token yet": empty, or a placeholder like `placeholder-run-grafana-sa-setup`. */
function isPlaceholder(value) {
    const trimmed = value.trim();
    return trimmed === '' || /^placeholder/i.test(trimmed) || /^changeme$/i.test(trimmed);
}
/**
 * Whether the trimmed value can be sent as `Authorization: Bearer <value>`: printable ASCII
 * without spaces, as every Grafana token is. Anything else (multi-line JSON, non-ASCII) would make
 * the HTTP client throw on every run instead of being replaced.
 */
function isPossibleToken(value) {
    return /^[\x21-\x7e]+$/.test(value.trim());
}
class KubernetesSecretSink {
    config;
    retry;
    description;
    resourceVersion;
    exists = false;
    constructor(config, retry) {
        this.config = config;
        this.retry = retry;
        this.description = `Secret ${config.namespace}/${config.name} key ${config.key}`;
    }
    async read() {
        const secret = await this.get();
        if (!secret && !this.config.create) {
            // Checked before Grafana is touched, so no token is issued that could not be stored.
            throw new Failure(`${this.description}: the Secret does not exist and creating it is not enabled (SECRET_CREATE): render it pre-created or allow creation`);
        }
        if (!secret)
            return undefined;
        const data = secret.data?.[this.config.key];
        return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
    }
    async write(token) {
        const data = { [this.config.key]: Buffer.from(token.key, 'utf8').toString('base64') };
        // Optimistic concurrency: a 409 means the Secret changed since we read it; read again, retry.
        for (let attempt = 1; attempt <= 3; attempt++) {
            if (!this.exists && this.config.create) {
                const res = await this.request('create Secret', 'POST', this.collectionPath(), {
                    apiVersion: 'v1',
                    kind: 'Secret',
                    metadata: { name: this.config.name, namespace: this.config.namespace },
                    type: 'Opaque',
                    data,
                });
                if (res.status === 201 || res.status === 200)
                    return true;
                if (res.status !== 409)
                    throw this.failure('create Secret', res);
            }
            else if (this.exists) {
                const patch = { metadata: { resourceVersion: this.resourceVersion }, data };
                const res = await this.request('update Secret', 'PATCH', this.objectPath(), patch, 'application/merge-patch+json');
                if (res.status === 200)
                    return true;
                if (res.status !== 409)
                    throw this.failure('update Secret', res);
            }
            else {
                throw new Failure(`${this.description}: the Secret was deleted while the Job ran and creating it is not enabled (SECRET_CREATE)`);
            }
            log('write', `${this.description} changed concurrently (HTTP 409); reading it again`);
            await this.get();
        }
        throw new Failure(`${this.description}: still conflicting (HTTP 409) after 3 attempts`);
    }
    async get() {
        const res = await this.request('read Secret', 'GET', this.objectPath());
        if (res.status === 404) {
            this.exists = false;
            this.resourceVersion = undefined;
            return undefined;
        }
        if (res.status !== 200)
            throw this.failure('read Secret', res);
        const secret = JSON.parse(res.body);
        this.exists = true;
        this.resourceVersion = secret.metadata?.resourceVersion;
        return secret;
    }
    failure(what, res) {
        const hint = res.status === 401 || res.status === 403 ? ' (check the Job\'s Role and RoleBinding in the Secret\'s namespace)' : '';
        return new Failure(`${what} ${this.config.namespace}/${this.config.name}: HTTP ${res.status}${describeError(res.body)}${hint}`);
    }
    collectionPath() {
        return `/api/v1/namespaces/${encodeURIComponent(this.config.namespace)}/secrets`;
    }
    objectPath() {
        return `${this.collectionPath()}/${encodeURIComponent(this.config.name)}`;
    }
    request(what, method, path, body, contentType) {
        // Read per request: the kubelet rotates the projected service-account token.
        const token = (0, node_fs_1.readFileSync)(this.config.tokenFile, 'utf8').trim();
        const secure = this.config.apiUrl.startsWith('https:');
        return call(this.retry, `${what} ${this.config.namespace}/${this.config.name}`, {
            method,
            url: `${this.config.apiUrl}${path}`,
            headers: { Authorization: `Bearer ${token}` },
            body,
            contentType,
            ...(secure ? { ca: (0, node_fs_1.readFileSync)(this.config.caFile) } : {}),
        });
    }
}
/** Hands the token to the AWS CLI container through files on an in-memory emptyDir. */
class FileSink {
    config;
    description;
    constructor(config) {
        this.config = config;
        this.description = `file ${config.tokenOutFile} (stored by the next container)`;
    }
    async read() {
        if (!(0, node_fs_1.existsSync)(this.config.storedTokenFile))
            return undefined;
        return (0, node_fs_1.readFileSync)(this.config.storedTokenFile, 'utf8');
    }
    async write(token) {
        (0, node_fs_1.writeFileSync)(this.config.tokenOutFile, token.key, { mode: 0o600 });
        (0, node_fs_1.writeFileSync)(this.config.tokenIdFile, String(token.id), { mode: 0o600 });
        return false;
    }
}
function openSink(config) {
    return config.sink.type === 'file' ? new FileSink(config.sink) : new KubernetesSecretSink(config.sink, config.retry);
}
// ---------------------------------------------------------------------------------------------
// The steps
async function bootstrap(config) {
    const grafana = new Grafana(config);
    const sink = openSink(config);
    const name = config.serviceAccount;
    const stored = await sink.read();
    if (stored !== undefined)
        rememberSecret(stored.trim());
    let found;
    if (stored === undefined || isPlaceholder(stored)) {
        log('read', `${sink.description}: no token stored yet`);
    }
    else if (!isPossibleToken(stored)) {
        // Never printed: it may be some other secret that was put there by mistake.
        log('read', `${sink.description}: the stored value is not a usable token (not one line of printable ASCII); issuing a new one`);
    }
    else if (await grafana.tokenIsValid(stored.trim())) {
        if (config.secondsToLive === 0) {
            log('probe', `stored token is valid in org ${config.orgId}; nothing to do`);
            return;
        }
        try {
            found = await renewalDue(grafana, config);
        }
        catch (e) {
            // The stored token works: a failed lookup must not fail the Job (and block its dependents).
            if (!(e instanceof Failure))
                throw e;
            log('renew', `warning: could not check the stored token's remaining lifetime (${e.message}); keeping it, the next run checks again`);
        }
        if (!found)
            return;
    }
    else {
        log('probe', `stored token is rejected by Grafana in org ${config.orgId}; issuing a new one`);
    }
    const account = await ensureServiceAccount(grafana, name, config.role, found);
    const token = await grafana.createToken(account.id, newTokenName(name, new Date()), config.secondsToLive);
    log('token', `created token id=${token.id} name=${token.name} for service account id=${account.id}`);
    let storedNow;
    try {
        storedNow = await sink.write(token);
    }
    catch (e) {
        // The new token never reached a consumer: revoke it so failed runs do not pile tokens up.
        await grafana.deleteToken(account.id, token.id).then(() => log('cleanup', `deleted undelivered token id=${token.id}`), () => log('cleanup', `could not delete undelivered token id=${token.id}; a later run prunes it`));
        throw e;
    }
    if (!storedNow) {
        log('write', `token id=${token.id} handed over to ${sink.description}`);
        return;
    }
    log('write', `token id=${token.id} stored in ${sink.description}`);
    await pruneTokens(grafana, account.id, name, token.id, config.keepOldTokens);
}
/**
 * For a valid stored token with a lifetime: the service account when its newest Job token (the
 * one stored, as undelivered tokens are revoked) has less than a third of its lifetime left, or no
 * expiry although one is configured; undefined when the stored token stays.
 */
async function renewalDue(grafana, config) {
    const name = config.serviceAccount;
    const keep = (why) => {
        log('probe', `stored token is valid in org ${config.orgId}; ${why}; nothing to do`);
        return undefined;
    };
    const account = await grafana.findServiceAccount(name);
    if (!account)
        return keep(`service account ${name} not found, so its lifetime is unknown`);
    const newest = (await grafana.listTokens(account.id)).filter((t) => isBootstrapToken(name, t.name)).sort((a, b) => b.id - a.id)[0];
    if (!newest)
        return keep(`service account id=${account.id} has no token made by this Job, so its lifetime is unknown`);
    const expires = Date.parse(newest.expiration ?? '');
    if (Number.isNaN(expires)) {
        log('renew', `token id=${newest.id} has no expiry but secondsToLive is ${config.secondsToLive}; replacing it`);
        return account;
    }
    const created = Date.parse(newest.created ?? '');
    const lifetime = !Number.isNaN(created) && expires > created ? expires - created : config.secondsToLive * 1000;
    const left = expires - Date.now();
    const threshold = lifetime * RENEW_BELOW_FRACTION;
    if (newest.hasExpired === true || left < threshold) {
        log('renew', `token id=${newest.id} expires in ${seconds(left)} s, less than a third of its lifetime of ${seconds(lifetime)} s; replacing it`);
        return account;
    }
    return keep(`token id=${newest.id} expires in ${seconds(left)} s, renewed below ${seconds(threshold)} s`);
}
function seconds(ms) {
    return Math.max(0, Math.round(ms / 1000));
}
/** The account named `name` with `role`, enabled; `found` saves the search when it was just done. */
async function ensureServiceAccount(grafana, name, role, found) {
    let account = found ?? (await grafana.findServiceAccount(name));
    if (account) {
        log('find', `service account ${name} found, id=${account.id} role=${account.role}`);
    }
    else {
        account = await grafana.createServiceAccount(name, role);
        if (account) {
            log('create', `service account ${name} created, id=${account.id} role=${role}`);
            return account;
        }
        log('create', `service account ${name} was created concurrently; searching again`);
        account = await grafana.findServiceAccount(name);
        if (!account)
            throw new Failure(`service account ${name}: Grafana reports it exists but the search does not find it`);
        log('find', `service account ${name} found, id=${account.id} role=${account.role}`);
    }
    if (account.role !== role || account.isDisabled === true) {
        await grafana.updateServiceAccount(account.id, role);
        log('update', `service account id=${account.id} set to role ${role}, enabled (was ${account.role}${account.isDisabled ? ', disabled' : ''})`);
    }
    return account;
}
/**
 * Deletes tokens this Job created earlier, newest `keep` excepted, never the current one.
 * A failure here only warns: the new token is stored, and failing the Job would block its
 * dependents for leftovers that the next rotation prunes anyway.
 */
async function pruneTokens(grafana, accountId, name, currentId, keep) {
    try {
        await deleteOldTokens(grafana, accountId, name, currentId, keep);
    }
    catch (e) {
        log('prune', `warning: old tokens not pruned: ${e instanceof Error ? e.message : String(e)}`);
    }
}
async function deleteOldTokens(grafana, accountId, name, currentId, keep) {
    const old = (await grafana.listTokens(accountId))
        .filter((t) => t.id !== currentId && isBootstrapToken(name, t.name))
        .sort((a, b) => b.id - a.id)
        .slice(keep);
    for (const token of old)
        await grafana.deleteToken(accountId, token.id);
    log('prune', old.length === 0 ? `no old tokens beyond ${keep} to delete` : `deleted old token ids=${old.map((t) => t.id).join(',')} (kept ${keep})`);
}
/**
 * The last step of the file sink, after the store container recorded its result. Stored: prune
 * old tokens. Not stored: revoke the new token, which no consumer has (a kept undelivered token
 * could later outlive the delivered one in pruning), and fail with the store error.
 */
async function pruneAfterStore(config) {
    const sink = config.sink;
    if (sink.type !== 'file')
        throw new Failure('the prune step is for SINK=file; the kubernetes-secret sink prunes by itself');
    if (!(0, node_fs_1.existsSync)(sink.tokenIdFile)) {
        log('prune', 'no new token was issued; nothing to prune');
        return;
    }
    const tokenId = Number((0, node_fs_1.readFileSync)(sink.tokenIdFile, 'utf8').trim());
    // Only for masking: an error text that quoted the token must not print it.
    if ((0, node_fs_1.existsSync)(sink.tokenOutFile))
        rememberSecret((0, node_fs_1.readFileSync)(sink.tokenOutFile, 'utf8').trim());
    const result = (0, node_fs_1.existsSync)(sink.storeResultFile) ? (0, node_fs_1.readFileSync)(sink.storeResultFile, 'utf8').trim() : '';
    const grafana = new Grafana(config);
    const account = await grafana.findServiceAccount(config.serviceAccount);
    if (!account)
        throw new Failure(`service account ${config.serviceAccount} not found while pruning`);
    if (result === 'stored') {
        await pruneTokens(grafana, account.id, config.serviceAccount, tokenId, config.keepOldTokens);
        return;
    }
    const storeError = result.startsWith('failed:') ? result.slice('failed:'.length).trim() : `the store step recorded no result in ${sink.storeResultFile}`;
    let revoked = `token id=${tokenId} was revoked`;
    try {
        await grafana.deleteToken(account.id, tokenId);
        log('cleanup', `deleted undelivered token id=${tokenId}`);
    }
    catch (e) {
        revoked = `token id=${tokenId} could not be revoked (${e instanceof Error ? e.message : String(e)}): delete it in Grafana`;
    }
    throw new Failure(`the new token was not stored: ${storeError}; ${revoked}; the stored value and older tokens are unchanged`);
}
async function main(argv) {
    const step = argv[0] ?? 'bootstrap';
    const config = loadConfig(process.env);
    rememberSecret(config.adminPassword);
    log('start', `${step}: service account ${config.serviceAccount} (${config.role}) in org ${config.orgId} at ${config.grafanaUrl}`);
    if (step === 'bootstrap')
        await bootstrap(config);
    else if (step === 'prune')
        await pruneAfterStore(config);
    else
        throw new Failure(`unknown step ${JSON.stringify(step)}: use bootstrap or prune`);
}
main(process.argv.slice(2)).then(() => log('done', 'ok'), (e) => {
    const text = e instanceof Failure ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(redact(`token-bootstrap failed: ${text}\n`));
    process.exitCode = 1;
});
