/*
 * Grafana snapshot export and restore. Runs in the backup CronJob and the restore Job, in the
 * pinned `node` image of the token bootstrap.
 *
 * Kept to ONE source file with Node built-ins only: `npm run build:backup-script` transpiles it
 * to charts/grafana-tenancy/files/grafana-backup.js, the exact file both renderers ship in a
 * ConfigMap and the scenario tests run.
 *
 *   node grafana-backup.js export   reads Grafana with the backup account's token (GRAFANA_TOKEN)
 *                                   and writes a snapshot to SNAPSHOT_DIR; exits non-zero on any
 *                                   error, so the upload container after it never runs.
 *   node grafana-backup.js restore  puts a downloaded snapshot back: folders (parents first),
 *                                   dashboards into their folders (overwrite, same uids), alert
 *                                   rules; DRY_RUN=true only reports what would change.
 *
 * Snapshot layout (the S3 folder <prefix>/<namespace>/<release>/<UTC timestamp>/):
 *   folders.json             [{uid, title, parentUid}], parents before children (nested folders)
 *   dashboards/<uid>.json    the dashboard model as GET /api/dashboards/uid/:uid returns it
 *   alert-rules.json         GET /api/v1/provisioning/alert-rules (the format restore can PUT back)
 *   alert-rules-export.json  GET /api/v1/provisioning/alert-rules/export (file-provisioning format)
 *   manifest.json            written last: counts, and uid -> title, folder, version, sha256
 *
 * API references (Grafana HTTP API docs): folder API (`/api/folders`, `parentUid`, `limit`/`page`),
 * search API (`/api/search`, `type=dash-db`, `limit` up to 5000, `page`), dashboard API
 * (`/api/dashboards/uid/:uid`, `POST /api/dashboards/db` with `overwrite`), alerting provisioning
 * API (`/api/v1/provisioning/alert-rules`, `X-Disable-Provenance`).
 *
 * Never prints a token or a password.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';

// ---------------------------------------------------------------------------------------------
// Configuration

interface Config {
  readonly grafanaUrl: string;
  readonly orgId: number;
  /** `Bearer <token>` or `Basic <user:password>`. */
  readonly authorization: string;
  /** Where the credentials come from, for error messages (never the value). */
  readonly credentialSource: string;
  readonly snapshotDir: string;
  readonly pageSize: number;
  readonly concurrency: number;
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly timeoutMs: number;
  readonly dryRun: boolean;
}

/** A configuration or usage problem: printed as is, exit 2. */
class ConfigError extends Error {}

/** A failed Grafana call, after retries. */
class GrafanaError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

function env(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`environment variable ${name} is not set`);
}

function intEnv(name: string, fallback: number, min: number): number {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not an integer >= ${min}`);
  return value;
}

function readConfig(command: string): Config {
  const grafanaUrl = env('GRAFANA_URL').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(grafanaUrl)) throw new ConfigError(`GRAFANA_URL ${JSON.stringify(grafanaUrl)} is not an http(s) URL`);
  const token = process.env.GRAFANA_TOKEN ?? '';
  let authorization: string;
  let credentialSource: string;
  if (command === 'export' || token !== '') {
    if (token.trim() === '') {
      throw new ConfigError(
        `GRAFANA_TOKEN is empty: the token bootstrap Job has not written the backup account's token yet (${env('TOKEN_SECRET', 'its Secret')}); check that Job's logs`,
      );
    }
    authorization = `Bearer ${token.trim()}`;
    credentialSource = `the service-account token in ${env('TOKEN_SECRET', 'GRAFANA_TOKEN')}`;
  } else {
    const user = env('GRAFANA_ADMIN_USER');
    authorization = `Basic ${Buffer.from(`${user}:${env('GRAFANA_ADMIN_PASSWORD')}`).toString('base64')}`;
    credentialSource = `the admin login of user ${JSON.stringify(user)}`;
  }
  return {
    grafanaUrl,
    orgId: intEnv('GRAFANA_ORG_ID', 1, 1),
    authorization,
    credentialSource,
    snapshotDir: env('SNAPSHOT_DIR'),
    pageSize: intEnv('SEARCH_PAGE_SIZE', 1000, 1),
    concurrency: intEnv('CONCURRENCY', 8, 1),
    attempts: intEnv('RETRY_ATTEMPTS', 5, 1),
    baseDelayMs: intEnv('RETRY_BASE_DELAY_MS', 500, 0),
    timeoutMs: intEnv('REQUEST_TIMEOUT_MS', 30000, 1),
    dryRun: env('DRY_RUN', 'false') === 'true',
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Response {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

let apiCalls = 0;

function send(config: Config, method: string, path: string, body?: unknown): Promise<Response> {
  const url = new URL(config.grafanaUrl + path);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const client = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: config.authorization,
    'X-Grafana-Org-Id': String(config.orgId),
    // Restored alert rules stay editable in the UI (the provisioning API otherwise locks them).
    'X-Disable-Provenance': 'true',
  };
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  apiCalls++;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, timeout: config.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${config.timeoutMs} ms`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls Grafana, retrying network errors, 429 and 5xx with backoff; other statuses are returned. */
async function call(config: Config, method: string, path: string, body?: unknown): Promise<Response> {
  let last = '';
  for (let attempt = 1; attempt <= config.attempts; attempt++) {
    try {
      const res = await send(config, method, path, body);
      if (res.status !== 429 && res.status < 500) return res;
      last = `HTTP ${res.status} ${messageOf(res)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (attempt < config.attempts) await sleep(Math.min(config.baseDelayMs * 2 ** (attempt - 1), 10000));
  }
  throw new GrafanaError(`${method} ${path} failed after ${config.attempts} attempts: ${last}`, 0);
}

/** Like `call`, but any status other than `ok` is an error naming the call. */
async function expect(config: Config, method: string, path: string, ok: number[], body?: unknown): Promise<Response> {
  const res = await call(config, method, path, body);
  if (ok.includes(res.status)) return res;
  if (res.status === 401) {
    throw new GrafanaError(`${method} ${path}: Grafana refused ${config.credentialSource} (401 ${messageOf(res)}): check that the token bootstrap Job ran and that the Secret holds a current token`, 401);
  }
  if (res.status === 403) {
    throw new GrafanaError(`${method} ${path}: ${config.credentialSource} may not do this (403 ${messageOf(res)}): give the account a role that can (backup.grafana.role)`, 403);
  }
  throw new GrafanaError(`${method} ${path}: HTTP ${res.status} ${messageOf(res)}`, res.status);
}

function messageOf(res: Response): string {
  const message = (res.body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : res.text.slice(0, 200);
}

const q = encodeURIComponent;

/** Runs `work` over `items` with at most `limit` at a time, in order of the results. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reading Grafana

export interface Folder {
  readonly uid: string;
  readonly title: string;
  /** Empty for a folder at the root. */
  readonly parentUid: string;
}

/** Every folder, walking the nested-folder tree breadth first; parents come before children. */
async function listFolders(config: Config): Promise<Folder[]> {
  const folders: Folder[] = [];
  const seen = new Set<string>();
  const queue: string[] = [''];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (let page = 1; ; page++) {
      const parentQuery = parent ? `&parentUid=${q(parent)}` : '';
      const res = await expect(config, 'GET', `/api/folders?limit=${config.pageSize}&page=${page}${parentQuery}`, [200]);
      const hits = (res.body as { uid: string; title: string; parentUid?: string }[]) ?? [];
      for (const hit of hits) {
        // Without nested folders Grafana ignores parentUid and lists the root again.
        if (seen.has(hit.uid)) continue;
        seen.add(hit.uid);
        folders.push({ uid: hit.uid, title: hit.title, parentUid: hit.parentUid ?? parent });
        queue.push(hit.uid);
      }
      if (hits.length < config.pageSize) break;
    }
  }
  return folders;
}

/** Every dashboard uid, through all pages of the search API (it returns at most `limit` per page). */
async function listDashboardUids(config: Config): Promise<string[]> {
  const uids: string[] = [];
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await expect(config, 'GET', `/api/search?type=dash-db&limit=${config.pageSize}&page=${page}`, [200]);
    const hits = (res.body as { uid: string }[]) ?? [];
    for (const hit of hits) {
      if (!seen.has(hit.uid)) uids.push(hit.uid);
      seen.add(hit.uid);
    }
    if (hits.length < config.pageSize) break;
  }
  return uids;
}

interface DashboardFull {
  readonly dashboard: Record<string, unknown>;
  readonly meta: { folderUid?: string; version?: number };
}

function folderPath(folders: Map<string, Folder>, uid: string): string {
  const titles: string[] = [];
  for (let at = folders.get(uid); at; at = folders.get(at.parentUid)) titles.unshift(at.title);
  return titles.join('/');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** File name of a dashboard in the snapshot; uids are [a-zA-Z0-9-_] in practice, anything else is escaped. */
function dashboardFile(uid: string): string {
  return `dashboards/${q(uid)}.json`;
}

export interface ManifestEntry {
  readonly title: string;
  readonly folderUid: string;
  readonly folder: string;
  readonly version: number;
  readonly file: string;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: 1;
  readonly grafanaUrl: string;
  readonly orgId: number;
  readonly createdAt: string;
  readonly folders: number;
  readonly alertRules: number;
  readonly dashboards: Record<string, ManifestEntry>;
  readonly files: Record<string, string>;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function exportSnapshot(config: Config): Promise<void> {
  const started = Date.now();
  const dir = config.snapshotDir;
  await expect(config, 'GET', '/api/org', [200]);
  const folders = await listFolders(config);
  const byUid = new Map(folders.map((f) => [f.uid, f]));
  log(`folders: ${folders.length}`);

  const uids = await listDashboardUids(config);
  log(`dashboards found: ${uids.length}`);
  mkdirSync(join(dir, 'dashboards'), { recursive: true });
  const entries: [string, ManifestEntry][] = [];
  let done = 0;
  await pool(uids, config.concurrency, async (uid) => {
    const res = await expect(config, 'GET', `/api/dashboards/uid/${q(uid)}`, [200, 404]);
    // Deleted between search and read: nothing to save.
    if (res.status === 404) return;
    const full = res.body as DashboardFull;
    const text = json(full.dashboard);
    const file = dashboardFile(uid);
    writeFileSync(join(dir, file), text);
    const folderUid = full.meta.folderUid ?? '';
    entries.push([uid, {
      title: String(full.dashboard.title ?? ''),
      folderUid,
      folder: folderPath(byUid, folderUid),
      version: Number(full.meta.version ?? full.dashboard.version ?? 0),
      file,
      sha256: sha256(text),
    }]);
    if (++done % 250 === 0) log(`dashboards saved: ${done}/${uids.length}`);
  });

  const rules = await expect(config, 'GET', '/api/v1/provisioning/alert-rules', [200]);
  const ruleList = (rules.body as unknown[]) ?? [];
  const exported = await expect(config, 'GET', '/api/v1/provisioning/alert-rules/export?format=json', [200, 404]);

  const files: Record<string, string> = {};
  const write = (name: string, value: unknown) => {
    const text = json(value);
    writeFileSync(join(dir, name), text);
    files[name] = sha256(text);
  };
  write('folders.json', folders);
  write('alert-rules.json', ruleList);
  // Grafana answers 404 when there is no rule to export.
  write('alert-rules-export.json', exported.status === 200 ? exported.body : { apiVersion: 1, groups: [] });

  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest: Manifest = {
    format: 1,
    grafanaUrl: config.grafanaUrl,
    orgId: config.orgId,
    createdAt: new Date().toISOString(),
    folders: folders.length,
    alertRules: ruleList.length,
    dashboards: Object.fromEntries(entries),
    files,
  };
  // Last: a snapshot folder without manifest.json is incomplete.
  writeFileSync(join(dir, 'manifest.json'), json(manifest));
  log(`snapshot written: ${entries.length} dashboards, ${folders.length} folders, ${ruleList.length} alert rules, ${apiCalls} API calls, ${Date.now() - started} ms`);
}

// ---------------------------------------------------------------------------------------------
// Restore

interface Plan {
  create: string[];
  update: string[];
  unchanged: number;
}

const newPlan = (): Plan => ({ create: [], update: [], unchanged: 0 });

function readJson<T>(dir: string, file: string): T {
  const path = join(dir, file);
  if (!existsSync(path)) throw new ConfigError(`${file} is missing from the snapshot in ${dir}: it is incomplete or not a snapshot`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Reads and checks the snapshot before anything in Grafana is touched. */
function readSnapshot(dir: string) {
  const manifest = readJson<Manifest>(dir, 'manifest.json');
  if (manifest.format !== 1) throw new ConfigError(`manifest.json has format ${JSON.stringify(manifest.format)}; this script reads format 1`);
  const check = (file: string, expected: string) => {
    const text = readFileSync(join(dir, file), 'utf8');
    if (sha256(text) !== expected) throw new ConfigError(`${file} does not match its sha256 in manifest.json: the snapshot is damaged, restore another one`);
    return text;
  };
  for (const [file, hash] of Object.entries(manifest.files)) check(file, hash);
  const dashboards = Object.entries(manifest.dashboards).map(([uid, entry]) => ({
    uid,
    entry,
    model: JSON.parse(check(entry.file, entry.sha256)) as Record<string, unknown>,
  }));
  return {
    manifest,
    folders: readJson<Folder[]>(dir, 'folders.json'),
    rules: readJson<Record<string, unknown>[]>(dir, 'alert-rules.json'),
    dashboards,
  };
}

/** Fields Grafana sets itself: they differ after any save and are not part of the content. */
function comparable(value: Record<string, unknown>, drop: string[]): string {
  const copy: Record<string, unknown> = { ...value };
  for (const key of drop) delete copy[key];
  return stableJson(copy);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const DASHBOARD_SERVER_FIELDS = ['id', 'version'];
const RULE_SERVER_FIELDS = ['id', 'updated', 'provenance'];

async function restoreSnapshot(config: Config): Promise<void> {
  const snapshot = readSnapshot(config.snapshotDir);
  const verb = config.dryRun ? 'would ' : '';
  log(`${config.dryRun ? 'dry run: ' : ''}restoring snapshot of ${snapshot.manifest.createdAt}: ${snapshot.folders.length} folders, ${snapshot.dashboards.length} dashboards, ${snapshot.rules.length} alert rules`);
  await expect(config, 'GET', '/api/org', [200]);

  // 1. Folders, parents first (folders.json is in that order).
  const existing = new Map((await listFolders(config)).map((f) => [f.uid, f]));
  const folderPlan = newPlan();
  const snapshotFolders = new Map(snapshot.folders.map((f) => [f.uid, f]));
  for (const folder of snapshot.folders) {
    const path = folderPath(snapshotFolders, folder.uid);
    const current = existing.get(folder.uid);
    if (!current) {
      folderPlan.create.push(path);
      log(`${verb}create folder ${path} (${folder.uid})`);
      if (!config.dryRun) {
        await expect(config, 'POST', '/api/folders', [200], {
          uid: folder.uid,
          title: folder.title,
          ...(folder.parentUid ? { parentUid: folder.parentUid } : {}),
        });
      }
      continue;
    }
    const retitle = current.title !== folder.title;
    const move = current.parentUid !== folder.parentUid;
    if (!retitle && !move) {
      folderPlan.unchanged++;
      continue;
    }
    folderPlan.update.push(path);
    log(`${verb}update folder ${path} (${folder.uid})${retitle ? `: title ${JSON.stringify(current.title)} -> ${JSON.stringify(folder.title)}` : ''}${move ? ': move to its saved parent' : ''}`);
    if (config.dryRun) continue;
    if (retitle) await expect(config, 'PUT', `/api/folders/${q(folder.uid)}`, [200], { title: folder.title, overwrite: true });
    if (move) await expect(config, 'POST', `/api/folders/${q(folder.uid)}/move`, [200], { parentUid: folder.parentUid || null });
  }

  // 2. Dashboards, into their folders, overwriting and keeping uids.
  const dashboardPlan = newPlan();
  await pool(snapshot.dashboards, config.concurrency, async ({ uid, entry, model }) => {
    const res = await expect(config, 'GET', `/api/dashboards/uid/${q(uid)}`, [200, 404]);
    const label = `${entry.folder ? `${entry.folder}/` : ''}${entry.title} (${uid})`;
    if (res.status === 200) {
      const current = res.body as DashboardFull;
      const same = comparable(current.dashboard, DASHBOARD_SERVER_FIELDS) === comparable(model, DASHBOARD_SERVER_FIELDS);
      if (same && (current.meta.folderUid ?? '') === entry.folderUid) {
        dashboardPlan.unchanged++;
        return;
      }
      dashboardPlan.update.push(label);
      log(`${verb}overwrite dashboard ${label}`);
    } else {
      dashboardPlan.create.push(label);
      log(`${verb}create dashboard ${label}`);
    }
    if (config.dryRun) return;
    await expect(config, 'POST', '/api/dashboards/db', [200], {
      dashboard: { ...model, id: null },
      folderUid: entry.folderUid,
      overwrite: true,
      message: `restored from the snapshot of ${snapshot.manifest.createdAt}`,
    });
  });

  // 3. Alert rules, through the provisioning API (its folders exist by now).
  const current = await expect(config, 'GET', '/api/v1/provisioning/alert-rules', [200]);
  const currentRules = new Map(((current.body as Record<string, unknown>[]) ?? []).map((r) => [String(r.uid), r]));
  const rulePlan = newPlan();
  for (const rule of snapshot.rules) {
    const uid = String(rule.uid);
    const body = JSON.parse(comparable(rule, RULE_SERVER_FIELDS)) as Record<string, unknown>;
    const label = `${String(rule.title)} (${uid})`;
    const present = currentRules.get(uid);
    if (present && comparable(present, RULE_SERVER_FIELDS) === stableJson(body)) {
      rulePlan.unchanged++;
      continue;
    }
    (present ? rulePlan.update : rulePlan.create).push(label);
    log(`${verb}${present ? 'update' : 'create'} alert rule ${label}`);
    if (config.dryRun) continue;
    if (present) await expect(config, 'PUT', `/api/v1/provisioning/alert-rules/${q(uid)}`, [200], body);
    else await expect(config, 'POST', '/api/v1/provisioning/alert-rules', [201], body);
  }

  const line = (what: string, plan: Plan) =>
    `${what}: ${plan.create.length} ${verb}create, ${plan.update.length} ${verb}update, ${plan.unchanged} unchanged`;
  log(line('folders', folderPlan));
  log(line('dashboards', dashboardPlan));
  log(line('alert rules', rulePlan));
  log(config.dryRun ? 'dry run: nothing was changed' : 'restore complete (objects not in the snapshot were left alone)');
}

// ---------------------------------------------------------------------------------------------

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

async function main(): Promise<number> {
  const command = process.argv[2] ?? '';
  if (command !== 'export' && command !== 'restore') {
    process.stderr.write('usage: node grafana-backup.js export|restore (configured by environment variables)\n');
    return 2;
  }
  try {
    const config = readConfig(command);
    if (command === 'export') await exportSnapshot(config);
    else await restoreSnapshot(config);
    return 0;
  } catch (e) {
    const error = e as Error;
    const known = e instanceof ConfigError || e instanceof GrafanaError;
    process.stderr.write(`error: ${command} failed: ${known ? error.message : error.stack ?? String(e)}\n`);
    return e instanceof ConfigError ? 2 : 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
