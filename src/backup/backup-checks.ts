import { fail } from '../config/messages';
import { InstanceValues } from '../config/schema';
import { InstanceNames, isDnsLabel } from '../naming';
import { backupNames, MAX_CRONJOB_NAME_LENGTH } from './backup-names';

/*
 * Render failures of the backup values, in the same order as the chart's
 * `grafana-tenancy.validateBackup` (templates/_backup.tpl), which uses the same patterns.
 */

/** Kubernetes' CronJob schedule: 5 fields, or a predefined @macro (robfig/cron's descriptors). */
export const SCHEDULE_PATTERN = String.raw`^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|[-0-9A-Za-z*/,?]+( +[-0-9A-Za-z*/,?]+){4})$`;
/** S3 bucket naming rules (AWS: 3-63 lowercase letters, digits, dots, hyphens; letter or digit at both ends). */
export const BUCKET_PATTERN = String.raw`^[a-z0-9][-a-z0-9.]{1,61}[a-z0-9]$`;
/** Segments of S3's "safe characters" for keys, joined by single slashes. */
export const PREFIX_PATTERN = String.raw`^[-A-Za-z0-9!_.*'()]+(/[-A-Za-z0-9!_.*'()]+)*$`;
/** A snapshot folder: UTC `YYYYMMDDTHHMMSSZ` (sortable as text), or the `latest` pointer. */
export const SNAPSHOT_PATTERN = String.raw`^(latest|[0-9]{8}T[0-9]{6}Z)$`;

export const BACKUP_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export const CREDENTIAL_FORMATS = ['accessKeys', 'files'] as const;

/** Called by checkInstance when backup or restore is enabled. */
export function checkBackup(target: { namespace: string; release: string }, values: InstanceValues): void {
  const { backup } = values;
  if (backup.restore.enabled && !backup.enabled) fail('backupRestoreNeedsBackup');
  const names = backupNames(new InstanceNames(target.namespace, target.release), backup.grafana.serviceAccountName);
  if (names.cronJob.length > MAX_CRONJOB_NAME_LENGTH) fail('backupNameTooLong', names.cronJob, names.cronJob.length);

  const { s3, credentials } = backup;
  if (s3.bucket === '') fail('backupNeedsBucket');
  if (!new RegExp(BUCKET_PATTERN).test(s3.bucket)) fail('backupInvalidBucket', s3.bucket);
  if (s3.prefix !== '' && !new RegExp(PREFIX_PATTERN).test(s3.prefix)) fail('backupInvalidPrefix', s3.prefix);
  if (s3.endpoint !== '' && !/^https?:\/\/[^/\s]+/.test(s3.endpoint)) fail('backupInvalidEndpoint', s3.endpoint);
  if (!new RegExp(SCHEDULE_PATTERN).test(backup.schedule)) fail('backupInvalidSchedule', backup.schedule);
  if (backup.keep < 1) fail('backupInvalidKeep', backup.keep);

  if (!(CREDENTIAL_FORMATS as readonly string[]).includes(credentials.format)) fail('backupInvalidCredentialsFormat', credentials.format);
  if (credentials.existingSecret !== '' && Object.keys(credentials.serviceAccountAnnotations).length > 0) {
    fail('backupCredentialsBoth', credentials.existingSecret);
  }

  const account = backup.grafana.serviceAccountName;
  if (!isDnsLabel(account)) fail('backupInvalidServiceAccountName', account);
  if (!(BACKUP_ROLES as readonly string[]).includes(backup.grafana.role)) fail('backupInvalidRole', backup.grafana.role);
  if (values.serviceAccountToken.enabled && values.serviceAccountToken.serviceAccountName === account) fail('backupServiceAccountClash', account);
  if (!new RegExp(SNAPSHOT_PATTERN).test(backup.restore.snapshot)) fail('backupInvalidSnapshot', backup.restore.snapshot);
}
