import { InstanceNames } from '../naming';

/** CronJob names are limited to 52 characters: the controller appends `-<minutes since epoch>` (11) for each Job. */
export const MAX_CRONJOB_NAME_LENGTH = 52;

/** Names of the backup's objects (the chart's `_backup.tpl` derives the same). */
export interface BackupNames {
  /** ServiceAccount, ConfigMap and CronJob of the backup. */
  readonly cronJob: string;
  /** The one-off restore Job. */
  readonly restoreJob: string;
  /** Job, ServiceAccount, ConfigMap, Role of the token bootstrap of the backup's Grafana service account. */
  readonly tokenJob: string;
  /** Secret the token bootstrap writes the backup's Grafana token to (key `token`). */
  readonly tokenSecret: string;
}

export function backupNames(names: InstanceNames, grafanaServiceAccount: string): BackupNames {
  return {
    cronJob: `${names.release}-backup`,
    restoreJob: `${names.release}-backup-restore`,
    tokenJob: `${names.release}-backup-token`,
    tokenSecret: names.tokenSecret(grafanaServiceAccount, names.namespace),
  };
}
