/*
 * The backup CronJob's and the restore Job's pods, as rendered, run against the Grafana fake and
 * a real S3 API (moto) with the real AWS CLI: the very commands and scripts the containers run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstanceValuesInput } from '../../src/config/schema';
import { Manifest, renderInstance } from '../../src/render/render';
import { ADMIN_PASSWORD, ADMIN_USER, FakeGrafana } from '../token/fakes/fake-grafana';
import { CONTENT, GrafanaContent } from '../token/fakes/fake-grafana-content';
import { newSharedDir, PodRun, runPod } from '../token/fakes/run-pod';
import { createBucket, listKeys, MotoServer, putObject, readObject, RefusingS3Proxy, S3_CREDENTIALS, S3_VENV_BIN } from './support/s3';

jest.setTimeout(120_000);

const NAMESPACE = 'tenant-acme';
const RELEASE = 'monitoring';
const BUCKET = 'acme-grafana-backups';
const BASE = `grafana-backups/${NAMESPACE}/${RELEASE}`;
const TOKEN_SECRET = `${RELEASE}-backup-grafana-token`;
const PATH = `${S3_VENV_BIN}:${process.env.PATH ?? ''}`;

function values(backup: Record<string, unknown> = {}, restore: Record<string, unknown> = {}): InstanceValuesInput {
  return {
    host: 'acme.example.org',
    backup: {
      enabled: true,
      keep: 3,
      s3: { bucket: BUCKET, region: 'us-east-1', endpoint: 'http://s3.invalid', forcePathStyle: true },
      credentials: { existingSecret: 'grafana-backup-s3' },
      restore: { enabled: true, ...restore },
      ...backup,
    },
  };
}

function render(v: InstanceValuesInput): { cronJob: Manifest; restore: Manifest } {
  const manifests = renderInstance({ namespace: NAMESPACE, release: RELEASE, values: v });
  const cronJob = manifests.find((m) => m.kind === 'CronJob')!;
  // The Job the CronJob controller creates: its jobTemplate.
  return { cronJob: { kind: 'Job', spec: cronJob.spec.jobTemplate.spec }, restore: manifests.find((m) => m.metadata.name === `${RELEASE}-backup-restore`)! };
}

let moto: MotoServer;
let s3: string;
let grafana: FakeGrafana;
let grafanaUrl: string;
let token: string;

beforeAll(async () => {
  moto = new MotoServer();
  s3 = await moto.start();
});
afterAll(async () => moto?.stop());

beforeEach(async () => {
  grafana = new FakeGrafana();
  grafanaUrl = await grafana.start();
  // What the backup's token bootstrap leaves behind: the account (least role) and its token.
  token = grafana.addToken(grafana.addAccount('backup', 'Viewer'), 'backup').key;
  // A fresh bucket per test; the name is fixed in the rendered values, so the server is reset.
  await fetch(`${s3}/moto-api/reset`, { method: 'POST' });
  await createBucket(s3, BUCKET);
});
afterEach(async () => grafana.stop());

interface RunOptions {
  readonly stamp: string;
  readonly endpoint?: string;
  readonly token?: string;
  readonly env?: Record<string, string>;
}

function runBackup(job: Manifest, o: RunOptions): Promise<PodRun> {
  return runPod(job, {
    secrets: { [TOKEN_SECRET]: { token: o.token ?? token } },
    override: { GRAFANA_URL: grafanaUrl, AWS_ENDPOINT_URL: o.endpoint ?? s3, ...S3_CREDENTIALS, SNAPSHOT_TIME: o.stamp, RETRY_BASE_DELAY_MS: '1', RETRY_ATTEMPTS: '2', ...o.env },
    sharedDir: newSharedDir(),
  }, PATH);
}

function runRestore(job: Manifest): Promise<PodRun> {
  return runPod(job, {
    secrets: { [`${RELEASE}-admin-credentials`]: { GF_SECURITY_ADMIN_USER: ADMIN_USER, GF_SECURITY_ADMIN_PASSWORD: ADMIN_PASSWORD } },
    override: { GRAFANA_URL: grafanaUrl, AWS_ENDPOINT_URL: s3, ...S3_CREDENTIALS, RETRY_BASE_DELAY_MS: '1' },
    sharedDir: newSharedDir(),
  }, PATH);
}

function output(run: PodRun): string {
  return run.results.map((r) => `[${r.name}] ${r.result.output}`).join('\n');
}

/** Nested folders, dashboards with several versions in each and at the root, alert rules. */
function seed(content: GrafanaContent): void {
  content.addFolder('platform', 'Platform');
  content.addFolder('k8s', 'Kubernetes', 'platform');
  content.addFolder('nodes', 'Nodes', 'k8s');
  content.addFolder('team-a', 'Team A');
  content.addDashboard('home', 'Home', '', [{ type: 'text', title: 'Welcome' }], 3);
  content.addDashboard('cluster', 'Cluster', 'k8s', [{ type: 'timeseries', targets: [{ expr: 'sum(up)' }] }], 7);
  content.addDashboard('node-exporter', 'Node Exporter', 'nodes', [{ type: 'stat' }], 2);
  content.addDashboard('team-a-slo', 'SLOs', 'team-a', [{ type: 'gauge' }]);
  content.addRule('node-down', 'Node down', 'nodes', 'nodes');
  content.addRule('slo-burn', 'SLO burn', 'team-a', 'slo');
}

/** What a restore must bring back: uids, folders and JSON, without the fields Grafana sets on save. */
function state(content: GrafanaContent) {
  return {
    folders: [...content.folders.values()].map((f) => ({ uid: f.uid, title: f.title, parentUid: f.parentUid })).sort((a, b) => a.uid.localeCompare(b.uid)),
    dashboards: [...content.dashboards.values()].map((d) => ({ uid: d.uid, folderUid: d.folderUid, model: d.model })).sort((a, b) => a.uid.localeCompare(b.uid)),
    rules: [...content.rules.values()].map(({ id: _id, updated: _updated, provenance: _p, ...rule }) => rule).sort((a, b) => String(a.uid).localeCompare(String(b.uid))),
  };
}

describe('GIVEN a Grafana with nested folders, dashboards and alert rules', () => {
  test('WHEN the CronJob backs it up, Grafana is wiped and the restore Job runs THEN the same uids, folders and JSON are back', async () => {
    seed(grafana.content);
    const before = state(grafana.content);
    const { cronJob, restore } = render(values());

    // WHEN backed up
    const backup = await runBackup(cronJob, { stamp: '20260101T000000Z' });
    expect(output(backup)).toContain('uploaded snapshot');
    expect(backup.succeeded).toBe(true);

    // THEN the snapshot is in S3 under the instance's prefix, manifest included, and latest points to it
    const keys = await listKeys(s3, BUCKET);
    expect(keys).toEqual(expect.arrayContaining([
      `${BASE}/20260101T000000Z/manifest.json`,
      `${BASE}/20260101T000000Z/folders.json`,
      `${BASE}/20260101T000000Z/alert-rules.json`,
      `${BASE}/20260101T000000Z/dashboards/cluster.json`,
      `${BASE}/latest`,
    ]));
    expect((await readObject(s3, BUCKET, `${BASE}/latest`)).trim()).toBe('20260101T000000Z');
    const manifest = JSON.parse(await readObject(s3, BUCKET, `${BASE}/20260101T000000Z/manifest.json`));
    expect(manifest.dashboards.cluster).toMatchObject({ title: 'Cluster', folder: 'Platform/Kubernetes', folderUid: 'k8s', version: 7 });
    expect(manifest.dashboards['node-exporter'].folder).toBe('Platform/Kubernetes/Nodes');
    expect(manifest.dashboards.home.sha256).toMatch(/^[0-9a-f]{64}$/);

    // WHEN Grafana is rebuilt empty and the restore Job runs
    grafana.content.wipe();
    const restored = await runRestore(restore);
    expect(output(restored)).toContain('restore complete');
    expect(restored.succeeded).toBe(true);

    // THEN everything is back as it was
    expect(state(grafana.content)).toEqual(before);
    expect(output(restored)).toMatch(/dashboards: 4 create, 0 update, 0 unchanged/);
    // and the restored alert rules stay editable in the UI (no provisioning lock)
    expect([...grafana.content.rules.values()].map((r) => r.provenance)).toEqual(['', '']);
  });

  test('WHEN it holds 1,200 dashboards THEN every one is saved, across two search pages', async () => {
    for (let i = 0; i < 1200; i++) grafana.content.addDashboard(`d${String(i).padStart(4, '0')}`, `Dashboard ${i}`);
    const { cronJob } = render(values());

    const run = await runBackup(cronJob, { stamp: '20260101T000000Z' });

    expect(run.succeeded).toBe(true);
    const manifest = JSON.parse(await readObject(s3, BUCKET, `${BASE}/20260101T000000Z/manifest.json`));
    expect(Object.keys(manifest.dashboards)).toHaveLength(1200);
    expect(grafana.callsTo('GET', CONTENT.search).map((c) => c.query.get('page'))).toEqual(['1', '2']);
    expect(grafana.count('GET', CONTENT.dashboard)).toBe(1200);
  });

  test('WHEN Grafana fails in the middle of an export THEN nothing is published and latest still points to the previous snapshot', async () => {
    seed(grafana.content);
    for (let i = 0; i < 60; i++) grafana.content.addDashboard(`extra-${i}`, `Extra ${i}`);
    const { cronJob } = render(values());
    expect((await runBackup(cronJob, { stamp: '20260101T000000Z' })).succeeded).toBe(true);
    const before = await listKeys(s3, BUCKET);
    let reads = 0;
    grafana.replies.push((call) => (CONTENT.dashboard.test(call.path) && ++reads > 30 ? { status: 503, body: { message: 'database is locked' } } : undefined));

    const run = await runBackup(cronJob, { stamp: '20260101T020000Z' });

    expect(run.succeeded).toBe(false);
    expect(run.results.map((r) => r.name)).toEqual(['export']);
    expect(output(run)).toMatch(/export failed: GET \/api\/dashboards\/uid\/\S+ failed after 2 attempts: HTTP 503 database is locked/);
    expect(await listKeys(s3, BUCKET)).toEqual(before);
    expect((await readObject(s3, BUCKET, `${BASE}/latest`)).trim()).toBe('20260101T000000Z');
  });

  test('WHEN S3 refuses part of the upload THEN the run fails, latest does not move and no snapshot is deleted', async () => {
    seed(grafana.content);
    const { cronJob } = render(values({ keep: 1 }));
    expect((await runBackup(cronJob, { stamp: '20260101T000000Z' })).succeeded).toBe(true);
    const proxy = new RefusingS3Proxy(s3, /\/20260101T020000Z\/manifest\.json/);
    const endpoint = await proxy.start();
    try {
      const run = await runBackup(cronJob, { stamp: '20260101T020000Z', endpoint });

      expect(run.succeeded).toBe(false);
      expect(proxy.refused).toBeGreaterThan(0);
      expect(output(run)).toContain('upload of s3://acme-grafana-backups/grafana-backups/tenant-acme/monitoring/20260101T020000Z/manifest.json failed: latest still points to the previous snapshot, nothing was deleted');
      expect((await readObject(s3, BUCKET, `${BASE}/latest`)).trim()).toBe('20260101T000000Z');
      // keep: 1 would have removed the old snapshot after a successful upload
      expect(await listKeys(s3, BUCKET, `${BASE}/20260101T000000Z/`)).toContain(`${BASE}/20260101T000000Z/manifest.json`);
      expect(await listKeys(s3, BUCKET, `${BASE}/20260101T020000Z/`)).not.toContain(`${BASE}/20260101T020000Z/manifest.json`);
    } finally {
      await proxy.stop();
    }
  });

  test('WHEN the token is not valid THEN the export fails naming the token Secret and nothing is uploaded', async () => {
    seed(grafana.content);
    const { cronJob } = render(values());

    const run = await runBackup(cronJob, { stamp: '20260101T000000Z', token: 'glsa_revoked0000000000000000000000' });

    expect(run.succeeded).toBe(false);
    expect(output(run)).toContain(`Grafana refused the service-account token in ${NAMESPACE}/${TOKEN_SECRET} (401 Invalid API key): check that the token bootstrap Job ran`);
    expect(output(run)).not.toContain('glsa_revoked');
    expect(await listKeys(s3, BUCKET)).toEqual([]);
  });

  test('WHEN more snapshots than keep exist THEN only the oldest of this instance are deleted', async () => {
    seed(grafana.content);
    const others = [
      `${BASE}/20250101T000000Z/manifest.json`,
      `${BASE}/20250102T000000Z/manifest.json`,
      `${BASE}/20250103T000000Z/manifest.json`,
      `${BASE}/notes/readme.txt`,
      `grafana-backups/${NAMESPACE}/${RELEASE}-two/20240101T000000Z/manifest.json`,
      `grafana-backups/tenant-other/${RELEASE}/20240101T000000Z/manifest.json`,
    ];
    for (const key of others) await putObject(s3, BUCKET, key, '{}');
    const { cronJob } = render(values({ keep: 2 }));

    const run = await runBackup(cronJob, { stamp: '20260101T000000Z' });

    expect(run.succeeded).toBe(true);
    const keys = await listKeys(s3, BUCKET);
    const snapshots = [...new Set(keys.filter((k) => k.startsWith(`${BASE}/2`)).map((k) => k.split('/')[3]))];
    expect(snapshots).toEqual(['20250103T000000Z', '20260101T000000Z']);
    expect(keys).toEqual(expect.arrayContaining([others[3], others[4], others[5]]));
  });

  test('WHEN a dry-run restore runs against a changed Grafana THEN it reports the changes and changes nothing', async () => {
    seed(grafana.content);
    const { cronJob } = render(values());
    expect((await runBackup(cronJob, { stamp: '20260101T000000Z' })).succeeded).toBe(true);
    grafana.content.dashboards.get('cluster')!.model.panels = [];
    grafana.content.folders.delete('team-a');
    grafana.content.dashboards.delete('team-a-slo');
    const before = JSON.stringify(state(grafana.content));
    const writes = () => grafana.calls.filter((c) => c.method !== 'GET').length;
    const writesBefore = writes();

    const run = await runRestore(render(values({}, { dryRun: true, snapshot: '20260101T000000Z' })).restore);

    expect(run.succeeded).toBe(true);
    expect(output(run)).toContain('would create folder Team A (team-a)');
    expect(output(run)).toContain('would overwrite dashboard Platform/Kubernetes/Cluster (cluster)');
    expect(output(run)).toMatch(/dashboards: 1 would create, 1 would update, 2 unchanged/);
    expect(output(run)).toContain('dry run: nothing was changed');
    expect(JSON.stringify(state(grafana.content))).toBe(before);
    expect(writes()).toBe(writesBefore);
  });
});

describe('GIVEN the shipped scripts', () => {
  test('WHEN reading the S3 commands of the rendered containers THEN they are the shipped backup-s3.sh the tests run', () => {
    const { cronJob, restore } = render(values());
    const upload = cronJob.spec.template.spec.containers[0];
    const download = restore.spec.template.spec.initContainers[0];
    expect(upload.command).toEqual(['/bin/sh', '/scripts/backup-s3.sh', 'upload']);
    expect(download.command).toEqual(['/bin/sh', '/scripts/backup-s3.sh', 'download']);
    const shipped = readFileSync(join(__dirname, '../../charts/grafana-tenancy/files/backup-s3.sh'), 'utf8');
    expect(shipped).toContain('printf \'%s\\n\' "$stamp" | aws s3 cp --only-show-errors - "$base/latest"');
  });
});
