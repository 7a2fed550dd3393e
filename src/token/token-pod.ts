import * as k8s from '../../imports/k8s';
import { AWS_READ_SCRIPT, AWS_STORE_SCRIPT, BOOTSTRAP_SCRIPT } from './script-files';
import { TokenSettings } from './token-settings';

/*
 * The pod of the token bootstrap Job, by sink:
 * - kubernetes-secret: one node container that reads and writes the Secret through the API;
 * - aws-secrets-manager: init containers run in order, read-stored (AWS CLI) -> bootstrap (node)
 *   -> store (AWS CLI), then the prune container (node). The token moves between them only
 *   through an in-memory emptyDir, and old tokens are pruned only after the store succeeded.
 * Every container meets the restricted Pod Security Standard.
 */

/** uid/gid of the `node` user of the official node image; the AWS CLI image runs fine as it too. */
export const RUN_AS = 1000;
export const SCRIPT_DIR = '/scripts';
export const SHARED_DIR = '/shared';
const TMP_DIR = '/tmp';

/*
 * Files on the shared in-memory emptyDir (AWS sink): the stored token the first container read,
 * the new token for the store container, that container's result (`stored` or `failed: ...`) for
 * the prune step, and the pod's start time, from which every node step counts its deadline.
 */
const STORED_TOKEN_FILE = `${SHARED_DIR}/stored-token`;
const TOKEN_FILE = `${SHARED_DIR}/token`;
const STORE_RESULT_FILE = `${SHARED_DIR}/store-result`;
const POD_START_FILE = `${SHARED_DIR}/pod-start`;

/**
 * The script stops retrying this long before the Job's activeDeadlineSeconds, to fail with a
 * message. Counted from the pod's start (AWS sink: POD_START_FILE) or the process's start.
 */
const DEADLINE_MARGIN_SECONDS = 60;

export const CONTAINER_SECURITY_CONTEXT: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const POD_SECURITY_CONTEXT: k8s.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  fsGroup: RUN_AS,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Whether the pod talks to the Kubernetes API (and so needs a service-account token mounted). */
export function usesKubernetesApi(settings: TokenSettings): boolean {
  return settings.sink === 'kubernetes-secret';
}

/** The containers, init containers and volumes of the pod spec, by sink. */
export interface TokenPodParts {
  readonly initContainers: k8s.Container[];
  readonly containers: k8s.Container[];
  readonly volumes: k8s.Volume[];
}

/** The pod spec's containers, init containers and volumes for the sink. */
export function tokenPodParts(settings: TokenSettings, configMap: string): TokenPodParts {
  const scriptVolume: k8s.Volume = { name: 'scripts', configMap: { name: configMap, defaultMode: 0o444 } };
  if (settings.sink === 'kubernetes-secret') {
    return {
      initContainers: [],
      containers: [nodeContainer(settings, 'bootstrap', 'bootstrap', kubernetesSinkEnv(settings))],
      volumes: [scriptVolume],
    };
  }
  const fileSink = fileSinkEnv();
  return {
    initContainers: [
      awsContainer(settings, 'read-stored', AWS_READ_SCRIPT, [
        { name: 'STORED_TOKEN_FILE', value: STORED_TOKEN_FILE },
        { name: 'POD_START_FILE', value: POD_START_FILE },
      ]),
      nodeContainer(settings, 'bootstrap', 'bootstrap', fileSink),
      awsContainer(settings, 'store', AWS_STORE_SCRIPT, [
        { name: 'TOKEN_FILE', value: TOKEN_FILE },
        { name: 'STORE_RESULT_FILE', value: STORE_RESULT_FILE },
        { name: 'CREATE_SECRET', value: String(settings.values.sink.awsSecretsManager.createIfMissing) },
        ...optional('KMS_KEY_ID', settings.values.sink.awsSecretsManager.kmsKeyId),
      ]),
    ],
    containers: [nodeContainer(settings, 'prune', 'prune', fileSink)],
    volumes: [
      scriptVolume,
      // Memory-backed: the token never touches the node's disk, and is gone with the pod.
      { name: 'shared', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
    ],
  };
}

function nodeContainer(settings: TokenSettings, name: string, step: string, sinkEnv: k8s.EnvVar[]): k8s.Container {
  const { values } = settings;
  const shared = settings.sink === 'aws-secrets-manager';
  return {
    name,
    image: settings.nodeImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['node', `${SCRIPT_DIR}/${BOOTSTRAP_SCRIPT}`, step],
    env: [
      { name: 'GRAFANA_URL', value: settings.grafanaUrl },
      { name: 'GRAFANA_ORG_ID', value: String(values.orgId) },
      // Resolved by the kubelet: the pod needs no RBAC on the admin Secret and no API access for it.
      { name: 'GRAFANA_ADMIN_USER', valueFrom: { secretKeyRef: { name: settings.adminSecret, key: values.adminCredentials.userKey } } },
      { name: 'GRAFANA_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: settings.adminSecret, key: values.adminCredentials.passwordKey } } },
      { name: 'SERVICE_ACCOUNT_NAME', value: values.serviceAccountName },
      { name: 'SERVICE_ACCOUNT_ROLE', value: values.role },
      { name: 'TOKEN_SECONDS_TO_LIVE', value: String(values.secondsToLive) },
      { name: 'KEEP_OLD_TOKENS', value: String(values.keepOldTokens) },
      { name: 'DEADLINE_SECONDS', value: String(Math.max(30, values.job.activeDeadlineSeconds - DEADLINE_MARGIN_SECONDS)) },
      ...sinkEnv,
    ],
    resources: resources(values.resources),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    volumeMounts: [
      { name: 'scripts', mountPath: SCRIPT_DIR, readOnly: true },
      ...(shared ? [{ name: 'shared', mountPath: SHARED_DIR }] : []),
    ],
  };
}

function awsContainer(settings: TokenSettings, name: string, script: string, env: k8s.EnvVar[]): k8s.Container {
  const aws = settings.values.sink.awsSecretsManager;
  return {
    name,
    image: settings.awsImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', `${SCRIPT_DIR}/${script}`],
    env: [
      { name: 'SECRET_ID', value: aws.secretId },
      { name: 'WORK_DIR', value: SHARED_DIR },
      // The AWS CLI may cache credentials (IRSA web identity) under $HOME; the root fs is read-only.
      { name: 'HOME', value: TMP_DIR },
      // No pager. An unset `value` is the empty string; an explicit `value: ''` is dropped by the
      // API server (omitempty), which GitOps tools would show as a permanent diff.
      { name: 'AWS_PAGER' },
      ...optional('AWS_REGION', aws.region),
      ...optional('AWS_ENDPOINT_URL', aws.endpointUrl),
      ...env,
    ],
    ...(aws.credentialsSecret ? { envFrom: [{ secretRef: { name: aws.credentialsSecret } }] } : {}),
    resources: resources(aws.resources),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    volumeMounts: [
      { name: 'scripts', mountPath: SCRIPT_DIR, readOnly: true },
      { name: 'shared', mountPath: SHARED_DIR },
      { name: 'tmp', mountPath: TMP_DIR },
    ],
  };
}

function kubernetesSinkEnv(settings: TokenSettings): k8s.EnvVar[] {
  return [
    { name: 'SINK', value: 'kubernetes-secret' },
    { name: 'SECRET_NAMESPACE', value: settings.secret.namespace },
    { name: 'SECRET_NAME', value: settings.secret.name },
    { name: 'SECRET_KEY', value: settings.secret.key },
    { name: 'SECRET_CREATE', value: String(!settings.values.sink.kubernetesSecret.precreate) },
  ];
}

function fileSinkEnv(): k8s.EnvVar[] {
  return [
    { name: 'SINK', value: 'file' },
    { name: 'STORED_TOKEN_FILE', value: STORED_TOKEN_FILE },
    { name: 'TOKEN_OUT_FILE', value: TOKEN_FILE },
    { name: 'TOKEN_ID_FILE', value: `${SHARED_DIR}/token-id` },
    { name: 'STORE_RESULT_FILE', value: STORE_RESULT_FILE },
    { name: 'POD_START_FILE', value: POD_START_FILE },
  ];
}

export function optional(name: string, value: string): k8s.EnvVar[] {
  return value ? [{ name, value }] : [];
}

export function resources(r: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }): k8s.ResourceRequirements {
  const quantities = (q: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(q.cpu), memory: k8s.Quantity.fromString(q.memory) });
  return { requests: quantities(r.requests), limits: quantities(r.limits) };
}
