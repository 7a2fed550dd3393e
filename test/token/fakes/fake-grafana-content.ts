import { RecordedCall, Reply } from './http-fake';

/*
 * The content side of the Grafana fake: nested folders, dashboards with versions, and alert rules,
 * with the routes and status codes of Grafana's documented HTTP API (folder API, search API,
 * dashboard API, alerting provisioning API). FakeGrafana routes calls here first.
 */

export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';

/** Who makes a call: the admin login or a service-account token; undefined when neither is valid. */
export interface Caller {
  readonly role: GrafanaRole;
  readonly orgId: number;
}

export interface FakeFolder {
  id: number;
  uid: string;
  title: string;
  /** '' at the root. */
  parentUid: string;
  version: number;
}

export interface FakeDashboard {
  id: number;
  uid: string;
  folderUid: string;
  version: number;
  /** The model without `id` and `version`, which Grafana sets. */
  model: Record<string, unknown>;
}

export type FakeRule = Record<string, unknown> & { uid: string; title: string; folderUID: string; ruleGroup: string };

export const CONTENT = {
  folders: /^\/api\/folders$/,
  search: /^\/api\/search$/,
  dashboard: /^\/api\/dashboards\/uid\/[^/]+$/,
  saveDashboard: /^\/api\/dashboards\/db$/,
  rules: /^\/api\/v1\/provisioning\/alert-rules$/,
  rule: /^\/api\/v1\/provisioning\/alert-rules\/[^/]+$/,
  export: /^\/api\/v1\/provisioning\/alert-rules\/export$/,
};

const RANK: Record<GrafanaRole, number> = { Viewer: 0, Editor: 1, Admin: 2 };
/** Search `limit` is capped like Grafana's (5000). */
const MAX_SEARCH_LIMIT = 5000;

export class GrafanaContent {
  readonly folders = new Map<string, FakeFolder>();
  readonly dashboards = new Map<string, FakeDashboard>();
  readonly rules = new Map<string, FakeRule>();
  private nextId = 1000;

  addFolder(uid: string, title: string, parentUid = ''): FakeFolder {
    const folder = { id: this.nextId++, uid, title, parentUid, version: 1 };
    this.folders.set(uid, folder);
    return folder;
  }

  /** A dashboard saved `versions` times (its version is that count). */
  addDashboard(uid: string, title: string, folderUid = '', panels: unknown[] = [], versions = 1): FakeDashboard {
    const dashboard = { id: this.nextId++, uid, folderUid, version: versions, model: { uid, title, panels, schemaVersion: 39, tags: [] } };
    this.dashboards.set(uid, dashboard);
    return dashboard;
  }

  addRule(uid: string, title: string, folderUID: string, ruleGroup = 'default'): FakeRule {
    const rule: FakeRule = {
      id: this.nextId++,
      uid,
      orgID: 1,
      folderUID,
      ruleGroup,
      title,
      condition: 'B',
      data: [{ refId: 'A', datasourceUid: 'prometheus', relativeTimeRange: { from: 600, to: 0 }, model: { expr: 'up == 0', refId: 'A' } }],
      noDataState: 'NoData',
      execErrState: 'Error',
      for: '5m',
      annotations: { summary: `${title} fired` },
      labels: { severity: 'warning' },
      isPaused: false,
      updated: '2026-01-01T00:00:00Z',
      provenance: '',
    };
    this.rules.set(uid, rule);
    return rule;
  }

  /** Everything gone, as after the instance was rebuilt. */
  wipe(): void {
    this.folders.clear();
    this.dashboards.clear();
    this.rules.clear();
  }

  /** The routes of this API, or undefined for other paths. */
  handle(call: RecordedCall, caller: Caller | undefined): Reply | undefined {
    const route = this.route(call);
    if (!route) return undefined;
    if (!caller) return { status: 401, body: { message: 'invalid API key' } };
    const needed: GrafanaRole = call.method === 'GET' ? 'Viewer' : 'Editor';
    if (RANK[caller.role] < RANK[needed]) return { status: 403, body: { message: 'You\'ll need additional permissions to perform this action.' } };
    return route();
  }

  private route(call: RecordedCall): (() => Reply) | undefined {
    const { method, path } = call;
    const body = (call.body ?? {}) as Record<string, any>;
    const folder = /^\/api\/folders\/([^/]+)(\/move)?$/.exec(path);
    if (method === 'GET' && CONTENT.folders.test(path)) return () => this.listFolders(call);
    if (method === 'POST' && CONTENT.folders.test(path)) return () => this.createFolder(body);
    if (folder && method === 'GET' && !folder[2]) return () => this.getFolder(decodeURIComponent(folder[1]));
    if (folder && method === 'PUT' && !folder[2]) return () => this.updateFolder(decodeURIComponent(folder[1]), body);
    if (folder && method === 'POST' && folder[2]) return () => this.moveFolder(decodeURIComponent(folder[1]), body);
    if (method === 'GET' && CONTENT.search.test(path)) return () => this.search(call);
    if (method === 'GET' && CONTENT.dashboard.test(path)) return () => this.getDashboard(decodeURIComponent(path.split('/').pop()!));
    if (method === 'POST' && CONTENT.saveDashboard.test(path)) return () => this.saveDashboard(body);
    if (method === 'GET' && CONTENT.export.test(path)) return () => this.exportRules();
    if (method === 'GET' && CONTENT.rules.test(path)) return () => ({ status: 200, body: [...this.rules.values()] });
    if (method === 'POST' && CONTENT.rules.test(path)) return () => this.saveRule(undefined, body, call);
    if (method === 'PUT' && CONTENT.rule.test(path)) return () => this.saveRule(decodeURIComponent(path.split('/').pop()!), body, call);
    return undefined;
  }

  private folderView(f: FakeFolder) {
    return { id: f.id, uid: f.uid, title: f.title, ...(f.parentUid ? { parentUid: f.parentUid } : {}), version: f.version, url: `/dashboards/f/${f.uid}/` };
  }

  /** GET /api/folders: the children of `parentUid` (root without it), by title, `limit`/`page` paged (default 1000). */
  private listFolders(call: RecordedCall): Reply {
    const parent = call.query.get('parentUid') ?? '';
    const limit = Number(call.query.get('limit') ?? 1000);
    const page = Number(call.query.get('page') ?? 1);
    const children = [...this.folders.values()].filter((f) => f.parentUid === parent).sort(byTitle);
    return { status: 200, body: children.slice((page - 1) * limit, page * limit).map((f) => this.folderView(f)) };
  }

  private getFolder(uid: string): Reply {
    const f = this.folders.get(uid);
    return f ? { status: 200, body: this.folderView(f) } : { status: 404, body: { message: 'folder not found' } };
  }

  private createFolder(body: Record<string, any>): Reply {
    const uid = String(body.uid ?? `f${this.nextId}`);
    if (this.folders.has(uid)) return { status: 409, body: { message: 'a folder with the same uid already exists' } };
    const parentUid = String(body.parentUid ?? '');
    if (parentUid && !this.folders.has(parentUid)) return { status: 404, body: { message: 'folder not found' } };
    return { status: 200, body: this.folderView(this.addFolder(uid, String(body.title), parentUid)) };
  }

  private updateFolder(uid: string, body: Record<string, any>): Reply {
    const f = this.folders.get(uid);
    if (!f) return { status: 404, body: { message: 'folder not found' } };
    if (!body.overwrite && body.version !== f.version) return { status: 412, body: { message: 'the folder has been changed by someone else' } };
    f.title = String(body.title);
    f.version++;
    return { status: 200, body: this.folderView(f) };
  }

  private moveFolder(uid: string, body: Record<string, any>): Reply {
    const f = this.folders.get(uid);
    if (!f) return { status: 404, body: { message: 'folder not found' } };
    const parentUid = String(body.parentUid ?? '');
    if (parentUid && !this.folders.has(parentUid)) return { status: 404, body: { message: 'folder not found' } };
    f.parentUid = parentUid;
    return { status: 200, body: this.folderView(f) };
  }

  /** GET /api/search?type=dash-db: by title, `limit` (default 1000, at most 5000) per `page`. */
  private search(call: RecordedCall): Reply {
    const type = call.query.get('type');
    const limit = Math.min(Number(call.query.get('limit') ?? 1000), MAX_SEARCH_LIMIT);
    const page = Number(call.query.get('page') ?? 1);
    if (type !== 'dash-db') return { status: 200, body: [] };
    const all = [...this.dashboards.values()].sort((a, b) => byTitle(a.model as { title: string }, b.model as { title: string }) || (a.uid < b.uid ? -1 : 1));
    const hits = all.slice((page - 1) * limit, page * limit).map((d) => ({
      id: d.id,
      uid: d.uid,
      title: d.model.title,
      type: 'dash-db',
      url: `/d/${d.uid}`,
      tags: [],
      ...(d.folderUid ? { folderUid: d.folderUid, folderTitle: this.folders.get(d.folderUid)?.title } : {}),
    }));
    return { status: 200, body: hits };
  }

  private getDashboard(uid: string): Reply {
    const d = this.dashboards.get(uid);
    if (!d) return { status: 404, body: { message: 'Dashboard not found' } };
    const folder = this.folders.get(d.folderUid);
    return {
      status: 200,
      body: {
        dashboard: { ...d.model, id: d.id, uid: d.uid, version: d.version },
        meta: { type: 'db', slug: String(d.model.title).toLowerCase(), version: d.version, folderUid: d.folderUid, folderTitle: folder?.title ?? 'General', url: `/d/${d.uid}` },
      },
    };
  }

  /** POST /api/dashboards/db: create or (overwrite) update by uid; the version goes up by one. */
  private saveDashboard(body: Record<string, any>): Reply {
    const model = { ...(body.dashboard as Record<string, unknown>) };
    const uid = String(model.uid);
    const folderUid = String(body.folderUid ?? '');
    if (folderUid && !this.folders.has(folderUid)) return { status: 400, body: { message: 'folder not found', status: 'not-found' } };
    const existing = this.dashboards.get(uid);
    if (existing && !body.overwrite && model.version !== existing.version) {
      return { status: 412, body: { message: 'The dashboard has been changed by someone else', status: 'version-mismatch' } };
    }
    delete model.id;
    delete model.version;
    const saved: FakeDashboard = { id: existing?.id ?? this.nextId++, uid, folderUid, version: (existing?.version ?? 0) + 1, model };
    this.dashboards.set(uid, saved);
    return { status: 200, body: { id: saved.id, uid, url: `/d/${uid}`, status: 'success', version: saved.version } };
  }

  /** GET .../alert-rules/export: the file-provisioning format, grouped by folder and group; 404 without rules. */
  private exportRules(): Reply {
    if (this.rules.size === 0) return { status: 404, body: { message: 'no alert rules found' } };
    const groups = new Map<string, { orgId: number; name: string; folder: string; interval: string; rules: unknown[] }>();
    for (const r of this.rules.values()) {
      const key = `${r.folderUID}/${r.ruleGroup}`;
      if (!groups.has(key)) groups.set(key, { orgId: 1, name: r.ruleGroup, folder: this.folders.get(r.folderUID)?.title ?? '', interval: '1m', rules: [] });
      groups.get(key)!.rules.push({ uid: r.uid, title: r.title, condition: r.condition, data: r.data, for: r.for, annotations: r.annotations, labels: r.labels });
    }
    return { status: 200, body: { apiVersion: 1, groups: [...groups.values()] } };
  }

  /** POST (uid undefined) or PUT .../alert-rules/:uid; the folder must exist. */
  private saveRule(uid: string | undefined, body: Record<string, any>, call: RecordedCall): Reply {
    const target = uid ?? String(body.uid ?? `r${this.nextId}`);
    const existing = this.rules.get(target);
    if (uid !== undefined && !existing) return { status: 404, body: { message: 'rule not found' } };
    if (uid === undefined && existing) return { status: 409, body: { message: 'a rule with this uid already exists' } };
    if (!this.folders.has(String(body.folderUID))) return { status: 400, body: { message: 'folder does not exist' } };
    const provenance = call.headers['x-disable-provenance'] === undefined ? 'api' : '';
    const rule = { ...body, uid: target, id: (existing?.id as number | undefined) ?? this.nextId++, updated: new Date().toISOString(), provenance } as unknown as FakeRule;
    this.rules.set(target, rule);
    return { status: uid === undefined ? 201 : 200, body: rule };
  }
}

function byTitle(a: { title: string }, b: { title: string }): number {
  return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
}
