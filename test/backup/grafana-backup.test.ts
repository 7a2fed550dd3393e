import { Manifest } from '../../src/render/render';
import { describeWithCrds, schemaErrors } from '../support/schemas';
import { cronJobRun, synthBackup } from './support';

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const named = (manifests: Manifest[], kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const envOf = (c: Manifest) => Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
const containersOf = (job: Manifest) => [...(job.spec.template.spec.initContainers ?? []), ...job.spec.template.spec.containers];

describe('GIVEN backup.enabled with defaults', () => {
  const manifests = synthBackup();
  const cronJob = named(manifests, 'CronJob', 'monitoring-backup')!;

  test('WHEN synthesized THEN the CronJob runs every 2 hours, never overlapping, with deadlines and history limits', () => {
    expect(cronJob.spec).toMatchObject({
      schedule: '0 */2 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { activeDeadlineSeconds: 1800, backoffLimit: 1 } },
    });
  });

  test('WHEN synthesized THEN export runs before upload, and upload takes the snapshot read-only', () => {
    const [exportStep, upload] = containersOf(cronJobRun(manifests));
    expect([exportStep.name, upload.name]).toEqual(['export', 'upload']);
    expect(exportStep.command).toEqual(['node', '/scripts/grafana-backup.js', 'export']);
    expect(upload.image).toBe('docker.io/amazon/aws-cli:2.27.9');
    expect(upload.volumeMounts).toContainEqual({ name: 'snapshot', mountPath: '/snapshot', readOnly: true });
    expect(envOf(upload)).toMatchObject({ S3_BUCKET: 'acme-backups', S3_INSTANCE_PREFIX: 'grafana-backups/tenant-acme/monitoring', KEEP: '12' });
  });

  test('WHEN synthesized THEN the export reads Grafana with the backup account token, never the admin login', () => {
    const exportStep = containersOf(cronJobRun(manifests))[0];
    expect(envOf(exportStep).GRAFANA_TOKEN).toEqual({ secretKeyRef: { name: 'monitoring-backup-grafana-token', key: 'token', optional: true } });
    expect(JSON.stringify(cronJob)).not.toContain('admin-credentials');
  });

  test('WHEN synthesized THEN a token bootstrap makes the dedicated Viewer account, and only it gets RBAC (on its Secret)', () => {
    const tokenJob = named(manifests, 'Job', 'monitoring-backup-token')!;
    expect(envOf(tokenJob.spec.template.spec.containers[0])).toMatchObject({ SERVICE_ACCOUNT_NAME: 'backup', SERVICE_ACCOUNT_ROLE: 'Viewer', SECRET_NAME: 'monitoring-backup-grafana-token', TOKEN_SECONDS_TO_LIVE: '0' });
    const roles = byKind(manifests, 'Role');
    expect(roles.map((r) => r.metadata.name)).toEqual(['monitoring-backup-token']);
    expect(roles[0].rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['monitoring-backup-grafana-token'], verbs: ['get', 'update', 'patch'] }]);
  });

  test('WHEN synthesized THEN the backup pod mounts no service-account token and its ServiceAccount has no annotations', () => {
    expect(cronJob.spec.jobTemplate.spec.template.spec.automountServiceAccountToken).toBe(false);
    const account = named(manifests, 'ServiceAccount', 'monitoring-backup')!;
    expect(account.automountServiceAccountToken).toBe(false);
    expect(account.metadata.annotations).toBeUndefined();
  });

  test('WHEN restore is off THEN no restore Job is rendered', () => {
    expect(named(manifests, 'Job', 'monitoring-backup-restore')).toBeUndefined();
  });
});

describe('GIVEN the credential sources', () => {
  test('WHEN access keys come from a Secret THEN the AWS CLI containers get it with envFrom', () => {
    const upload = containersOf(cronJobRun(synthBackup({ credentials: { existingSecret: 'acme-s3' } })))[1];
    expect(upload.envFrom).toEqual([{ secretRef: { name: 'acme-s3' } }]);
  });

  test('WHEN AWS CLI files come from a Secret THEN it is mounted read-only and the CLI pointed at it', () => {
    const job = cronJobRun(synthBackup({ credentials: { existingSecret: 'acme-s3', format: 'files' } }));
    const upload = containersOf(job)[1];
    expect(upload.envFrom).toBeUndefined();
    expect(envOf(upload)).toMatchObject({ AWS_SHARED_CREDENTIALS_FILE: '/aws/credentials', AWS_CONFIG_FILE: '/aws/config' });
    expect(job.spec.template.spec.volumes).toContainEqual({ name: 'aws-credentials', secret: { secretName: 'acme-s3', defaultMode: 0o440 } });
  });

  test('WHEN the pod identity is used (IRSA) THEN the annotations go on the ServiceAccount and no Secret is referenced', () => {
    const annotations = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/grafana-backup' };
    const manifests = synthBackup({ credentials: { serviceAccountAnnotations: annotations } });
    expect(named(manifests, 'ServiceAccount', 'monitoring-backup')!.metadata.annotations).toEqual(annotations);
    const upload = containersOf(cronJobRun(manifests))[1];
    expect(upload.envFrom).toBeUndefined();
    expect(Object.keys(envOf(upload))).not.toContain('AWS_SHARED_CREDENTIALS_FILE');
  });
});

describe('GIVEN backup.restore.enabled', () => {
  const manifests = synthBackup({ restore: { enabled: true, snapshot: '20260101T000000Z', dryRun: true } });
  const restore = named(manifests, 'Job', 'monitoring-backup-restore')!;

  test('WHEN synthesized THEN download runs before restore, which writes with the admin login and honours the dry run', () => {
    const [download, step] = containersOf(restore);
    expect([download.name, step.name]).toEqual(['download', 'restore']);
    expect(envOf(download).SNAPSHOT).toBe('20260101T000000Z');
    expect(envOf(step)).toMatchObject({
      DRY_RUN: 'true',
      GRAFANA_ADMIN_USER: { secretKeyRef: { name: 'monitoring-admin-credentials', key: 'GF_SECURITY_ADMIN_USER' } },
    });
    expect(restore.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 86400 });
  });
});

describeWithCrds('backup objects against the Kubernetes schemas', () => {
  const rendered = [
    ...synthBackup({ restore: { enabled: true } }),
    ...synthBackup({ credentials: { existingSecret: 'acme-s3', format: 'files' }, s3: { endpoint: 'https://s3.fr-par.scw.cloud', region: 'fr-par', forcePathStyle: true } }),
    ...synthBackup({ credentials: { serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } } }),
  ].filter((m) => m.kind !== 'Grafana');

  test.each(rendered.map((m) => [`${m.kind}/${m.metadata.name}`, m]))('%s is valid', (_, manifest) => {
    expect(schemaErrors(manifest)).toEqual([]);
  });

  test('the validator rejects a CronJob without a schedule', () => {
    const cronJob = rendered.find((m) => m.kind === 'CronJob')!;
    const { schedule: _schedule, ...spec } = cronJob.spec;
    expect(schemaErrors({ ...cronJob, spec })).not.toEqual([]);
  });
});
