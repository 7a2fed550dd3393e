import { MessageKey } from '../../src/config/messages';
import { InstanceValuesInput } from '../../src/config/schema';
import { TENANT } from '../support/fixtures';

/** The backup's render failures, in the shape of test/config/checks.test.ts's FAILURES. */
interface BackupFailure {
  readonly key: MessageKey;
  readonly release?: string;
  readonly values: InstanceValuesInput;
  readonly mentions: string[];
}

const backup = (b: Record<string, unknown> = {}, extra: InstanceValuesInput = {}): InstanceValuesInput => ({
  host: TENANT.host,
  ...extra,
  backup: { enabled: true, ...b, s3: { bucket: 'acme-backups', ...(b.s3 as object) } },
});

export const BACKUP_FAILURES: Record<string, BackupFailure> = {
  'a restore without the backup': {
    key: 'backupRestoreNeedsBackup', values: { host: TENANT.host, backup: { restore: { enabled: true } } }, mentions: ['backup.enabled is false', 'Set backup.enabled: true'],
  },
  'a backup CronJob name over 52 characters': {
    key: 'backupNameTooLong', release: 'r'.repeat(46), values: backup(), mentions: ['is 53 characters', 'shorten the release name'],
  },
  'a backup without a bucket': {
    key: 'backupNeedsBucket', values: backup({ s3: { bucket: '' } }), mentions: ['backup.s3.bucket is empty', 'set the bucket'],
  },
  'a bucket name S3 refuses': {
    key: 'backupInvalidBucket', values: backup({ s3: { bucket: 'Acme_Backups' } }), mentions: ['"Acme_Backups"', '3-63 lowercase'],
  },
  'a prefix with a leading slash': {
    key: 'backupInvalidPrefix', values: backup({ s3: { prefix: '/backups' } }), mentions: ['"/backups"', 'without a leading or trailing'],
  },
  'an endpoint without a scheme': {
    key: 'backupInvalidEndpoint', values: backup({ s3: { endpoint: 'minio:9000' } }), mentions: ['"minio:9000"', 'https://s3.fr-par.scw.cloud'],
  },
  'a schedule that is not cron': {
    key: 'backupInvalidSchedule', values: backup({ schedule: '*/5 * * *' }), mentions: ['"*/5 * * *"', '5 fields'],
  },
  'keeping no snapshot': {
    key: 'backupInvalidKeep', values: backup({ keep: 0 }), mentions: ['backup.keep is 0', 'at least 1'],
  },
  'an unknown credentials format': {
    key: 'backupInvalidCredentialsFormat', values: backup({ credentials: { existingSecret: 's3', format: 'env' } }), mentions: ['"env"', 'accessKeys', 'files'],
  },
  'a credentials Secret and IRSA annotations at once': {
    key: 'backupCredentialsBoth', values: backup({ credentials: { existingSecret: 's3', serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn' } } }),
    mentions: ['"s3"', 'Keep one'],
  },
  'a backup Grafana account that is not a DNS label': {
    key: 'backupInvalidServiceAccountName', values: backup({ grafana: { serviceAccountName: 'Backup' } }), mentions: ['"Backup"', 'e.g. backup'],
  },
  'a backup role Grafana does not know': {
    key: 'backupInvalidRole', values: backup({ grafana: { role: 'Reader' } }), mentions: ['"Reader"', 'Viewer'],
  },
  'the backup sharing the token bootstrap account': {
    key: 'backupServiceAccountClash', values: backup({ grafana: { serviceAccountName: 'kagent' } }, { serviceAccountToken: { enabled: true, serviceAccountName: 'kagent' } }),
    mentions: ['"kagent"', 'its own account'],
  },
  'a restore snapshot that is not a timestamp': {
    key: 'backupInvalidSnapshot', values: backup({ restore: { enabled: true, snapshot: 'yesterday' } }), mentions: ['"yesterday"', '20260101T000000Z'],
  },
};
