import * as k8s from '../../imports/k8s';
import { Construct } from 'constructs';
import { GrafanaRole } from '../config/choices';
import { InstanceNames } from '../naming';
import { readScript, scriptChecksum } from '../token/script-files';
import { POD_SECURITY_CONTEXT } from '../token/token-pod';
import { SCRIPT_CHECKSUM_ANNOTATION, TokenBootstrapJob } from '../token/token-bootstrap-job';
import { imageRef, tokenSettings } from '../token/token-settings';
import { BackupNames, backupNames } from './backup-names';
import { BACKUP_SCRIPTS, backupPod, BackupPodInput, BackupPodSpec, restorePod } from './backup-pod';
import { PartValues } from '../instance-parts';

/** Labels that tell the backup's objects apart from the rest of the instance. */
export const BACKUP_COMPONENT_LABELS = { 'app.kubernetes.io/component': 'backup' };
export const RESTORE_COMPONENT_LABELS = { 'app.kubernetes.io/component': 'backup-restore' };

/** A finished restore Job stays a day for `kubectl logs`, then Kubernetes deletes it. */
export const RESTORE_TTL_SECONDS = 86400;

export interface GrafanaBackupProps {
  readonly names: InstanceNames;
  /** The instance's values (checked by `checkInstance`); `backup` drives this construct. */
  readonly values: PartValues<'backup'>;
  /**
   * Labels of the pods, besides the component label (the chart's labels reach only top-level objects).
   * @default {}
   */
  readonly podLabels?: Record<string, string>;
}

/**
 * The scheduled backup of one Grafana to S3 (docs/backup.md), and the restore Job when
 * `backup.restore.enabled`:
 * - a token bootstrap (the same Job as `serviceAccountToken`) for a dedicated Grafana service
 *   account with `backup.grafana.role`, writing Secret `<release>-<account>-grafana-token`;
 * - ServiceAccount (IRSA / Pod Identity annotations), ConfigMap with the scripts, CronJob;
 * - no Role: the pods make no Kubernetes API call.
 */
export class GrafanaBackup extends Construct {
  readonly backupNames: BackupNames;
  /** The scheduled backup `CronJob`. */
  readonly cronJob: k8s.KubeCronJob;
  /** The one-off restore `Job` (`backup.restore.enabled`). */
  readonly restoreJob?: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: GrafanaBackupProps) {
    super(scope, id);
    const { names, values } = props;
    const { backup } = values;
    const ids = backupNames(names, backup.grafana.serviceAccountName);
    this.backupNames = ids;
    const podLabels = props.podLabels ?? {};

    // The backup account's token: the token bootstrap with its Grafana, image and Job settings,
    // for another account, always into a pre-created Secret in this namespace.
    const token = values.serviceAccountToken;
    const settings = tokenSettings(names, {
      ...values,
      serviceAccountToken: {
        ...token,
        enabled: true,
        serviceAccountName: backup.grafana.serviceAccountName,
        // Viewer by default: the least basic role that reads dashboards and folders (default folder
        // permissions grant Viewers View) and, since Grafana 11, the alert-rule provisioning export
        // (alert.rules:read + folders:read; grafana/grafana pkg/services/ngalert/api/authorization.go,
        // Grafana docs "Alerting provisioning HTTP API"). Admin also reads restricted folders.
        // checkBackup accepted it: one of Viewer, Editor, Admin.
        role: backup.grafana.role as GrafanaRole,
        secondsToLive: 0,
        keepOldTokens: 1,
        sink: { ...token.sink, type: 'kubernetes-secret', kubernetesSecret: { name: '', namespace: '', key: 'token', precreate: true } },
      },
    });
    new TokenBootstrapJob(this, 'token', { settings, podLabels, name: ids.tokenJob });

    const annotations = backup.credentials.existingSecret === '' ? backup.credentials.serviceAccountAnnotations : {};
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: ids.cronJob, namespace: names.namespace, labels: BACKUP_COMPONENT_LABELS, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      automountServiceAccountToken: false,
    });

    const contents = BACKUP_SCRIPTS.map(readScript);
    new k8s.KubeConfigMap(this, 'scripts', {
      metadata: { name: ids.cronJob, namespace: names.namespace, labels: BACKUP_COMPONENT_LABELS },
      data: Object.fromEntries(BACKUP_SCRIPTS.map((file, i) => [file, contents[i]])),
    });
    const checksum = scriptChecksum(contents);
    const input: BackupPodInput = { backup, names: ids, token: settings, awsImage: imageRef(backup.image) };

    this.cronJob = new k8s.KubeCronJob(this, 'cron-job', {
      metadata: { name: ids.cronJob, namespace: names.namespace, labels: BACKUP_COMPONENT_LABELS },
      spec: {
        schedule: backup.schedule,
        // A slow run is never overlapped by the next one: two uploads would race for `latest`.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: backup.job.startingDeadlineSeconds,
        successfulJobsHistoryLimit: backup.job.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: backup.job.failedJobsHistoryLimit,
        jobTemplate: {
          metadata: { labels: BACKUP_COMPONENT_LABELS },
          spec: {
            backoffLimit: backup.job.backoffLimit,
            activeDeadlineSeconds: backup.job.activeDeadlineSeconds,
            template: podTemplate(ids.cronJob, { ...podLabels, ...BACKUP_COMPONENT_LABELS }, checksum, backupPod(input)),
          },
        },
      },
    });

    if (backup.restore.enabled) {
      this.restoreJob = new k8s.KubeJob(this, 'restore', {
        metadata: { name: ids.restoreJob, namespace: names.namespace, labels: RESTORE_COMPONENT_LABELS },
        spec: {
          // A failed restore is looked at, not retried blindly.
          backoffLimit: 0,
          activeDeadlineSeconds: backup.job.activeDeadlineSeconds,
          ttlSecondsAfterFinished: RESTORE_TTL_SECONDS,
          template: podTemplate(ids.cronJob, { ...podLabels, ...RESTORE_COMPONENT_LABELS }, checksum, restorePod(input)),
        },
      });
    }
  }
}

function podTemplate(serviceAccount: string, labels: Record<string, string>, checksum: string, pod: BackupPodSpec): k8s.PodTemplateSpec {
  return {
    metadata: { labels, annotations: { [SCRIPT_CHECKSUM_ANNOTATION]: checksum } },
    spec: {
      serviceAccountName: serviceAccount,
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      securityContext: POD_SECURITY_CONTEXT,
      initContainers: pod.initContainers,
      containers: pod.containers,
      volumes: pod.volumes,
    },
  };
}
