import { z } from 'zod';

/*
 * The one input shape of a Monitoring instance. The Helm chart's values.schema.json is
 * generated from `instanceValuesSchema` (scripts/generate-values-schema.js), and the chart's
 * values.yaml defaults are tested against `defaultInstanceValues()`.
 *
 * Fields whose bad values are render failures of BRIEF section 6 (mode, fallbackRole, ...) are
 * plain strings here on purpose: both renderers then reject them in their own checks with the
 * shared message catalogue, instead of with two different schema validators' wording.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean: Grafana ini values are scalars',
});
const stringMap = z.record(z.string(), z.string());

/** Requests or limits of a container, each quantity defaulted on its own so a partial override keeps the rest. */
function resourceList(cpu: string, memory: string) {
  return z
    .object({
      cpu: z.string().default(cpu).describe('CPU quantity, e.g. "100m".'),
      memory: z.string().default(memory).describe('Memory quantity, e.g. "256Mi".'),
    })
    .strict()
    .prefault({});
}

/** Container resources with defaults; every rendered container has both requests and limits. */
export function resourcesSchema(requests: [string, string], limits: [string, string]) {
  return z
    .object({
      requests: resourceList(...requests),
      limits: resourceList(...limits),
    })
    .strict()
    .prefault({});
}

const clientSecretSchema = z
  .object({
    existingSecret: z
      .string()
      .default('')
      .describe('Name of a Secret you manage in the namespace, with key `client-secret`. When set, nothing is generated.'),
    generator: z
      .string()
      .default('ExternalSecret')
      .describe(
        'How the client secret is generated when existingSecret is empty: ExternalSecret (an External Secrets Password generator, GitOps-safe) or HelmLookup (Helm only: lookup, else randAlphaNum 32).',
      ),
  })
  .strict()
  .describe('The Keycloak client secret (System mode).');

const customConfigSchema = z
  .object({
    config: z
      .record(z.string(), scalar)
      .default({})
      .describe('auth.generic_oauth keys copied into the Grafana config as strings. client_secret is refused: use secretRef.'),
    secretRef: z
      .object({
        name: z.string().default('').describe('A Secret in the namespace whose keys are GF_AUTH_GENERIC_OAUTH_* variables, projected with envFrom.'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('CustomConfig mode: exactly one of config and secretRef.name.');

const oidcSchema = z
  .object({
    mode: z.string().default('None').describe('None, System or CustomConfig.'),
    fallbackRole: z
      .string()
      .default('')
      .describe('Empty (default): users outside the three groups cannot log in. Viewer: every realm user may view (the documented, less strict behaviour).'),
    clientSecret: clientSecretSchema.prefault({}),
    customConfig: customConfigSchema.prefault({}),
  })
  .strict()
  .describe('How users log in to Grafana.');

const platformSchema = z
  .object({
    oidc: z
      .object({
        enabled: z.boolean().default(false).describe('Platform-wide OIDC switch; System mode requires true.'),
        issuerUrl: z
          .string()
          .default('')
          .describe('Issuer URL of the platform Keycloak realm, e.g. https://keycloak.example.org/realms/cozy: https with a host, no whitespace, user info, query or fragment (System mode checks it); a trailing / is dropped.'),
        realmRef: z
          .object({
            kind: z.string().default('ClusterKeycloakRealm').describe('KeycloakRealm or ClusterKeycloakRealm.'),
            name: z.string().default('').describe('Name of the realm object the client is created in.'),
          })
          .strict()
          .prefault({}),
        groupsClientScope: z
          .string()
          .default('groups')
          .describe('Name of the realm-wide client scope that maps group membership to the `groups` claim (owned by the platform realm).'),
        grafanaAdminInstance: z
          .string()
          .default('')
          .describe('"<namespace>/<release>" of the platform\'s own Grafana: its admin group maps to GrafanaAdmin. Empty for none; System mode refuses any other form.'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('Settings owned by the platform team, usually shared by every tenant.');

const grafanaSchema = z
  .object({
    version: z.string().default('').describe('Grafana image tag or full image reference; empty uses the operator default.'),
    resources: resourcesSchema(['100m', '256Mi'], ['1', '1Gi']).describe('Requests and limits of the grafana container.'),
    ingress: z
      .object({
        enabled: z.boolean().default(true).describe('Serve Grafana at https://grafana.<host> through the operator-managed Ingress.'),
        className: z.string().default('').describe('IngressClass name; empty uses the cluster default.'),
        annotations: stringMap.default({}).describe('Annotations of the Ingress, e.g. cert-manager.io/cluster-issuer.'),
        tlsSecretName: z.string().default('').describe('TLS Secret of the Ingress; empty means <release>-grafana-tls.'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('The grafana-operator Grafana resource.');

/** A container image split like most charts do, so a mirror registry is one override. */
function imageSchema(registry: string, repository: string, tag: string, what: string) {
  return z
    .object({
      registry: z.string().default(registry).describe(`Registry of the ${what} image; set it to your mirror.`),
      repository: z.string().default(repository).describe(`Repository of the ${what} image.`),
      tag: z.string().default(tag).describe(`Tag of the ${what} image (pinned; a digest "@sha256:..." also works).`),
    })
    .strict()
    .prefault({});
}

const kubernetesSecretSinkSchema = z
  .object({
    name: z.string().default('').describe('Name of the Secret that receives the token; empty means <release>-<serviceAccountName>-grafana-token, in another namespace <namespace>-<release>-<serviceAccountName>-grafana-token.'),
    namespace: z.string().default('').describe('Namespace of that Secret; empty means the release namespace. The Role and RoleBinding are rendered there.'),
    key: z.string().default('token').describe('Key of the token in the Secret: 1-253 letters, digits, -, _ or . (a Secret data key).'),
    precreate: z
      .boolean()
      .default(true)
      .describe('Render the Secret empty (no data) so the Job only needs get/update/patch on it by name. false: the Job creates it, which needs an unrestricted `create` on Secrets in that namespace.'),
  })
  .strict()
  .describe('Sink kubernetes-secret: a Secret written through the Kubernetes API.');

const awsSecretsManagerSinkSchema = z
  .object({
    secretId: z.string().default('').describe('Name or ARN of the secret that receives the token, e.g. kagent/grafana/api-key. Required for this sink.'),
    region: z.string().default('').describe('AWS region (AWS_REGION); empty leaves it to the environment (e.g. IRSA).'),
    endpointUrl: z.string().default('').describe('Endpoint override (AWS_ENDPOINT_URL), e.g. http://localstack.localstack.svc:4566.'),
    createIfMissing: z.boolean().default(true).describe('Create the secret when it does not exist (needs secretsmanager:CreateSecret).'),
    kmsKeyId: z.string().default('').describe('KMS key for a secret the Job creates; empty uses the account default key.'),
    credentialsSecret: z
      .string()
      .default('')
      .describe('A Secret in the release namespace with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for the AWS CLI containers (LocalStack); empty relies on IRSA/Pod Identity.'),
    serviceAccountAnnotations: stringMap
      .default({})
      .describe('Annotations of the Job\'s ServiceAccount, e.g. eks.amazonaws.com/role-arn for IRSA.'),
    image: imageSchema('docker.io', 'amazon/aws-cli', '2.27.9', 'AWS CLI'),
    resources: resourcesSchema(['10m', '64Mi'], ['500m', '256Mi']).describe('Requests and limits of each AWS CLI container.'),
  })
  .strict()
  .describe('Sink aws-secrets-manager: the AWS CLI image reads and stores the token; it is handed over through an in-memory emptyDir.');

const serviceAccountTokenSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Bootstrap a Grafana service-account token for machines (agents, CI, dashboards-as-code).'),
    serviceAccountName: z.string().default('').describe('Name of the Grafana service account, e.g. kagent. Required when enabled.'),
    role: z.string().default('Viewer').describe('Grafana role of the service account: Viewer, Editor or Admin. A drifted role is set back.'),
    secondsToLive: z.number().int().min(0).default(0).describe('Lifetime of each token in seconds; 0 means no expiry. The Job replaces a token once less than a third of its lifetime is left, so runs must come more often than that.'),
    keepOldTokens: z.number().int().min(0).default(1).describe('How many older tokens made by this Job to keep after a new one is stored (consumers still holding them keep working).'),
    grafanaUrl: z.string().default('').describe('Grafana base URL; empty means the operator\'s in-cluster Service http://<release>-service.<namespace>.svc:3000.'),
    orgId: z.number().int().min(1).default(1).describe('Grafana organization (sent as X-Grafana-Org-Id on every call).'),
    adminCredentials: z
      .object({
        secretName: z.string().default('').describe('Secret with the Grafana admin login; empty means the operator\'s <release>-admin-credentials.'),
        userKey: z.string().default('GF_SECURITY_ADMIN_USER').describe('Key of the admin user name.'),
        passwordKey: z.string().default('GF_SECURITY_ADMIN_PASSWORD').describe('Key of the admin password.'),
      })
      .strict()
      .prefault({}),
    image: imageSchema('docker.io', 'library/node', '20.19.5-alpine3.22', 'node'),
    resources: resourcesSchema(['10m', '32Mi'], ['200m', '128Mi']).describe('Requests and limits of each node container.'),
    job: z
      .object({
        backoffLimit: z.number().int().min(0).default(3).describe('Pods retried before the Job fails.'),
        activeDeadlineSeconds: z.number().int().min(60).default(600).describe('Hard limit for the whole Job; the script stops retrying a minute before it.'),
        ttlSecondsAfterFinished: z
          .number()
          .int()
          .min(0)
          .default(300)
          .describe('The finished Job is deleted after this; the GitOps tool recreates it and the probe runs again (self-healing after a Grafana reset).'),
        annotations: stringMap.default({}).describe('Extra annotations of the Job, e.g. Argo CD hook or sync-wave annotations.'),
      })
      .strict()
      .prefault({}),
    sink: z
      .object({
        type: z.string().default('kubernetes-secret').describe('Where the token goes: kubernetes-secret, aws-secrets-manager, or grafana-operator (a GrafanaServiceAccount CR instead of a Job; operator v5.20+).'),
        kubernetesSecret: kubernetesSecretSinkSchema.prefault({}),
        awsSecretsManager: awsSecretsManagerSinkSchema.prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('The service-account token bootstrap (docs/token-bootstrap.md).');

const backupSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Back the Grafana up to S3-compatible storage on a schedule (docs/backup.md).'),
    schedule: z.string().default('0 */2 * * *').describe('Cron schedule of the backup CronJob (5 fields, or @hourly/@daily/...), in the cluster\'s time zone.'),
    keep: z.number().int().default(12).describe('Snapshots of this instance kept in the bucket (at least 1); older ones are deleted after a successful upload.'),
    s3: z
      .object({
        bucket: z.string().default('').describe('Bucket name. Required when enabled.'),
        prefix: z.string().default('grafana-backups').describe('Key prefix; snapshots go to <prefix>/<namespace>/<release>/<UTC timestamp>/. Empty for the bucket root; no leading or trailing /.'),
        region: z.string().default('').describe('Region (AWS_REGION); empty leaves it to the environment or the credentials\' config file.'),
        endpoint: z.string().default('').describe('Endpoint of an S3-compatible store (AWS_ENDPOINT_URL), e.g. https://s3.fr-par.scw.cloud or http://minio.minio.svc:9000; empty for AWS.'),
        forcePathStyle: z.boolean().default(false).describe('Path-style requests (https://endpoint/bucket/key), which MinIO and Ceph usually need.'),
      })
      .strict()
      .prefault({}),
    credentials: z
      .object({
        existingSecret: z.string().default('').describe('A Secret in the namespace with the S3 credentials (see format). Empty: the pod\'s identity (IRSA or EKS Pod Identity) on the backup ServiceAccount.'),
        format: z.string().default('accessKeys').describe('accessKeys: keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (env). files: keys credentials and config, AWS CLI files (as the AWS docs and Scaleway describe).'),
        serviceAccountAnnotations: stringMap.default({}).describe('Annotations of the backup ServiceAccount, e.g. eks.amazonaws.com/role-arn for IRSA; only without existingSecret.'),
      })
      .strict()
      .prefault({}),
    grafana: z
      .object({
        serviceAccountName: z.string().default('backup').describe('Grafana service account the backup reads with; the token bootstrap creates it and its token (Secret <release>-<name>-grafana-token).'),
        role: z.string().default('Viewer').describe('Its Grafana role: Viewer reads what the Viewer basic role can see (every folder by default); Admin also reads folders with restricted permissions. Viewer, Editor or Admin.'),
      })
      .strict()
      .prefault({}),
    restore: z
      .object({
        enabled: z.boolean().default(false).describe('Render a one-off restore Job (<release>-backup-restore); `grafana-tenancy restore-job` prints the same Job.'),
        snapshot: z.string().default('latest').describe('Snapshot to restore: latest, or a UTC timestamp like 20260101T000000Z.'),
        dryRun: z.boolean().default(false).describe('Only report what the restore would create or change.'),
      })
      .strict()
      .prefault({}),
    image: imageSchema('docker.io', 'amazon/aws-cli', '2.27.9', 'AWS CLI (upload, download)'),
    resources: resourcesSchema(['50m', '64Mi'], ['1', '512Mi']).describe('Requests and limits of each backup container.'),
    job: z
      .object({
        activeDeadlineSeconds: z.number().int().min(60).default(1800).describe('Hard limit of one backup or restore run.'),
        backoffLimit: z.number().int().min(0).default(1).describe('Pods retried before a run fails.'),
        startingDeadlineSeconds: z.number().int().min(0).default(600).describe('A run that could not start this long after its time is skipped.'),
        successfulJobsHistoryLimit: z.number().int().min(0).default(3).describe('Finished runs kept for inspection.'),
        failedJobsHistoryLimit: z.number().int().min(0).default(3).describe('Failed runs kept for `kubectl logs`.'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('Scheduled dashboard, folder and alert-rule backup to S3, and its restore (docs/backup.md).');

/** One Monitoring instance's values: the tenant entry of a fleet file and the Helm chart's values. */
export const instanceValuesSchema = z
  .object({
    host: z.string().default('').describe('Domain of the tenant; Grafana is served at https://grafana.<host>.'),
    oidc: oidcSchema.prefault({}),
    platform: platformSchema.prefault({}),
    grafana: grafanaSchema.prefault({}),
    global: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Helm global values, which an umbrella chart passes to every subchart; not used here.'),
    serviceAccountToken: serviceAccountTokenSchema.prefault({}),
    backup: backupSchema.prefault({}),
  })
  .strict();

/** Values as written by a user: every field optional. */
export type InstanceValuesInput = z.input<typeof instanceValuesSchema>;
/** Values after defaults: every field present. */
export type InstanceValues = z.output<typeof instanceValuesSchema>;

/** The defaults of every field, the same the chart's values.yaml must hold. */
export function defaultInstanceValues(): InstanceValues {
  return instanceValuesSchema.parse({});
}

/** A fleet entry: the values plus where the instance lives (Helm takes these from the release). */
export const tenantSchema = instanceValuesSchema.extend({
  namespace: z.string().describe('Namespace of the instance.'),
  release: z.string().describe('Release name of the instance.'),
});

export const fleetSchema = z
  .object({
    apiVersions: z
      .array(z.string())
      .default([])
      .describe('API versions the target cluster serves, like helm template --api-versions (v1.edp.epam.com/v1 enables System mode).'),
    defaults: z.record(z.string(), z.unknown()).default({}).describe('Values deep-merged into every tenant; the tenant wins.'),
    tenants: z.array(z.record(z.string(), z.unknown())).describe('One entry per Monitoring instance.'),
  })
  .strict();

export type Tenant = z.output<typeof tenantSchema>;
