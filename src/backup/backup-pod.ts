import * as k8s from '../../imports/k8s';
import { InstanceValues } from '../config/schema';
import { CONTAINER_SECURITY_CONTEXT, optional, resources, SCRIPT_DIR } from '../token/token-pod';
import { TokenSettings } from '../token/token-settings';
import { BackupNames } from './backup-names';

/*
 * The pods of the backup CronJob and of the restore Job. Both pass the snapshot between a node
 * step and an AWS CLI step through an emptyDir, and make no Kubernetes API call: the Grafana
 * token and login reach them through `secretKeyRef` env and the S3 credentials through `envFrom`
 * or a Secret volume, which the kubelet resolves. So no Role, and no service-account token is
 * mounted (IRSA and EKS Pod Identity inject their own projected token).
 */

export const BACKUP_SCRIPT = 'grafana-backup.js';
export const S3_SCRIPT = 'backup-s3.sh';
export const BACKUP_SCRIPTS = [BACKUP_SCRIPT, S3_SCRIPT] as const;

export const SNAPSHOT_DIR = '/snapshot';
const TMP_DIR = '/tmp';
/** Where a `files` credentials Secret is mounted (keys `credentials` and `config`). */
export const AWS_FILES_DIR = '/aws';
/** Room for the snapshot on the node's disk: JSON of thousands of dashboards is tens of MB. */
const SNAPSHOT_SIZE_LIMIT = '2Gi';

type BackupValues = InstanceValues['backup'];

export interface BackupPodInput {
  readonly backup: BackupValues;
  readonly names: BackupNames;
  /** The token bootstrap settings of the backup account: Grafana URL, org, node image, admin Secret. */
  readonly token: TokenSettings;
  readonly awsImage: string;
}

/** `<prefix>/<namespace>/<release>`: every snapshot of this instance lives under it. */
export function instancePrefix(backup: BackupValues, namespace: string, release: string): string {
  return [backup.s3.prefix, namespace, release].filter(Boolean).join('/');
}

export interface BackupPodSpec {
  readonly initContainers: k8s.Container[];
  readonly containers: k8s.Container[];
  readonly volumes: k8s.Volume[];
}

/** The CronJob's pod: export (node) as an init container, then upload (AWS CLI). */
export function backupPod(input: BackupPodInput): BackupPodSpec {
  const { token, names } = input;
  const exportStep: k8s.Container = {
    ...nodeBase(input, 'export'),
    env: [
      ...grafanaEnv(token),
      // optional: before the bootstrap wrote it the script says so, instead of the kubelet failing the pod.
      { name: 'GRAFANA_TOKEN', valueFrom: { secretKeyRef: { name: names.tokenSecret, key: 'token', optional: true } } },
      { name: 'TOKEN_SECRET', value: `${token.names.namespace}/${names.tokenSecret}` },
      { name: 'SNAPSHOT_DIR', value: SNAPSHOT_DIR },
    ],
    volumeMounts: [scriptsMount(), { name: 'snapshot', mountPath: SNAPSHOT_DIR }],
  };
  const upload = awsContainer(input, 'upload', 'upload', [{ name: 'KEEP', value: String(input.backup.keep) }], true);
  return { initContainers: [exportStep], containers: [upload], volumes: volumes(input) };
}

/** The restore Job's pod: download (AWS CLI) as an init container, then restore (node). */
export function restorePod(input: BackupPodInput): BackupPodSpec {
  const { token, backup } = input;
  const download = awsContainer(input, 'download', 'download', [{ name: 'SNAPSHOT', value: backup.restore.snapshot }], false);
  const restore: k8s.Container = {
    ...nodeBase(input, 'restore'),
    env: [
      ...grafanaEnv(token),
      // Restore writes folders, dashboards and alert rules: the operator's admin login, resolved
      // by the kubelet, for this one-off Job only; the scheduled backup never holds it.
      { name: 'GRAFANA_ADMIN_USER', valueFrom: { secretKeyRef: { name: token.adminSecret, key: token.values.adminCredentials.userKey } } },
      { name: 'GRAFANA_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: token.adminSecret, key: token.values.adminCredentials.passwordKey } } },
      { name: 'SNAPSHOT_DIR', value: SNAPSHOT_DIR },
      { name: 'DRY_RUN', value: String(backup.restore.dryRun) },
    ],
    volumeMounts: [scriptsMount(), { name: 'snapshot', mountPath: SNAPSHOT_DIR, readOnly: true }],
  };
  return { initContainers: [download], containers: [restore], volumes: volumes(input) };
}

function nodeBase(input: BackupPodInput, step: 'export' | 'restore'): k8s.Container {
  return {
    name: step,
    image: input.token.nodeImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['node', `${SCRIPT_DIR}/${BACKUP_SCRIPT}`, step],
    resources: resources(input.backup.resources),
    securityContext: CONTAINER_SECURITY_CONTEXT,
  };
}

function grafanaEnv(token: TokenSettings): k8s.EnvVar[] {
  return [
    { name: 'GRAFANA_URL', value: token.grafanaUrl },
    { name: 'GRAFANA_ORG_ID', value: String(token.values.orgId) },
  ];
}

function awsContainer(input: BackupPodInput, name: string, step: string, extraEnv: k8s.EnvVar[], snapshotReadOnly: boolean): k8s.Container {
  const { backup } = input;
  const { s3, credentials } = backup;
  const files = credentials.existingSecret !== '' && credentials.format === 'files';
  const keys = credentials.existingSecret !== '' && credentials.format === 'accessKeys';
  return {
    name,
    image: input.awsImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', `${SCRIPT_DIR}/${S3_SCRIPT}`, step],
    env: [
      { name: 'S3_BUCKET', value: s3.bucket },
      { name: 'S3_INSTANCE_PREFIX', value: instancePrefix(backup, input.token.names.namespace, input.token.names.release) },
      { name: 'S3_FORCE_PATH_STYLE', value: String(s3.forcePathStyle) },
      { name: 'SNAPSHOT_DIR', value: SNAPSHOT_DIR },
      // The AWS CLI caches credentials (IRSA web identity) and its path-style config under $HOME.
      { name: 'HOME', value: TMP_DIR },
      ...optional('AWS_REGION', s3.region),
      ...optional('AWS_ENDPOINT_URL', s3.endpoint),
      ...(files
        ? [
            { name: 'AWS_SHARED_CREDENTIALS_FILE', value: `${AWS_FILES_DIR}/credentials` },
            { name: 'AWS_CONFIG_FILE', value: `${AWS_FILES_DIR}/config` },
          ]
        : []),
      ...extraEnv,
    ],
    ...(keys ? { envFrom: [{ secretRef: { name: credentials.existingSecret } }] } : {}),
    resources: resources(backup.resources),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    volumeMounts: [
      scriptsMount(),
      { name: 'snapshot', mountPath: SNAPSHOT_DIR, ...(snapshotReadOnly ? { readOnly: true } : {}) },
      { name: 'tmp', mountPath: TMP_DIR },
      ...(files ? [{ name: 'aws-credentials', mountPath: AWS_FILES_DIR, readOnly: true }] : []),
    ],
  };
}

function volumes(input: BackupPodInput): k8s.Volume[] {
  const { credentials } = input.backup;
  return [
    { name: 'scripts', configMap: { name: input.names.cronJob, defaultMode: 0o444 } },
    { name: 'snapshot', emptyDir: { sizeLimit: k8s.Quantity.fromString(SNAPSHOT_SIZE_LIMIT) } },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('64Mi') } },
    ...(credentials.existingSecret !== '' && credentials.format === 'files'
      ? [{ name: 'aws-credentials', secret: { secretName: credentials.existingSecret, defaultMode: 0o440 } }]
      : []),
  ];
}

function scriptsMount(): k8s.VolumeMount {
  return { name: 'scripts', mountPath: SCRIPT_DIR, readOnly: true };
}
