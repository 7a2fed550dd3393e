import { z } from 'zod';
import { ClientSecretGenerator, FallbackRole, GrafanaRole, OidcMode, RealmKind, TokenSink } from './choices';
import { explainIssue } from './issue-text';
import { message, MessageKey } from './messages';
import { DNS_LABEL_PATTERN, DNS_NAME_PATTERN, INSTANCE_REF_PATTERN, ISSUER_URL_PATTERN, SECRET_DATA_KEY_PATTERN } from './patterns';

/*
 * The one input shape of a Monitoring instance. The Helm chart's values.schema.json, values.yaml
 * and values reference are generated from `instanceValuesSchema` and its `.describe()` texts
 * (scripts/generate-values-schema.js, `npm run generate`).
 *
 * A field with a fixed set of values is a `z.enum` and a field whose rule is a pattern has a
 * `.regex`: the JSON schema then carries `enum`/`pattern` (IDE completion, Helm refuses early in
 * its own words), and zod refuses with the shared catalogue message of that field
 * (charts/grafana-tenancy/files/messages.json). Rules across fields stay render checks.
 */

/** Catalogue keys the schema itself enforces (Helm words these refusals as JSON-schema errors). */
export const SCHEMA_MESSAGE_KEYS = new Set<MessageKey>();

/** The catalogue message for a bad string; a non-string gets the type error (a string was expected). */
function catalogueError(key: MessageKey, ...leading: unknown[]) {
  SCHEMA_MESSAGE_KEYS.add(key);
  return (issue: { input?: unknown }) =>
    typeof issue.input === 'string' ? message(key, ...leading, issue.input) : explainIssue({ code: 'invalid_type', expected: 'string', input: issue.input });
}

/** One of a typed choice's values (src/config/choices.ts). */
function choice<T extends Record<string, string>>(choices: T, key: MessageKey) {
  const values = Object.values(choices) as [T[keyof T], ...Array<T[keyof T]>];
  return z.enum(values, { error: catalogueError(key) });
}

/** A string matching `pattern` (source written for both JavaScript and Go's RE2), at most `max` characters. */
function patterned(pattern: string, max: number | undefined, key: MessageKey, ...leading: unknown[]) {
  const error = catalogueError(key, ...leading);
  const text = z.string({ error });
  return (max === undefined ? text : text.max(max, { error })).regex(new RegExp(pattern), { error });
}

/** `pattern` or the empty string (empty means "use the default"). */
function orEmpty(pattern: string): string {
  return `^(${pattern.replace(/^\^/, '').replace(/\$$/, '')})?$`;
}

/** A Kubernetes object name in the release namespace, or empty for the default. */
function objectName(field: string) {
  return patterned(orEmpty(DNS_NAME_PATTERN), 253, 'invalidObjectName', field);
}

const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean: Grafana ini values are scalars',
});
const stringMap = z.record(z.string(), z.string());

/** Requests or limits of a container, each quantity defaulted on its own so a partial override keeps the rest. */
function resourceList(cpu: string, memory: string, kind: 'request' | 'limit') {
  return z
    .object({
      cpu: z.string().default(cpu).describe(`CPU ${kind} (a Kubernetes quantity, e.g. 100m).`),
      memory: z.string().default(memory).describe(`Memory ${kind} (a Kubernetes quantity, e.g. 256Mi).`),
    })
    .strict()
    .prefault({})
    .describe(`${kind === 'request' ? 'Requests' : 'Limits'} of the container.`);
}

/** Container resources with defaults; every rendered container has both requests and limits. */
export function resourcesSchema(requests: [string, string], limits: [string, string]) {
  return z
    .object({
      requests: resourceList(...requests, 'request'),
      limits: resourceList(...limits, 'limit'),
    })
    .strict()
    .prefault({});
}

const clientSecretSchema = z
  .object({
    existingSecret: objectName('oidc.clientSecret.existingSecret')
      .default('')
      .describe('Name of a Secret you manage in the release namespace, with key `client-secret`. When set, nothing is generated and `generator` is ignored.'),
    generator: choice(ClientSecretGenerator, 'invalidSecretGenerator')
      .default('ExternalSecret')
      .describe(
        'How the secret is produced when existingSecret is empty. ExternalSecret: an External Secrets (v0.16.2+) Password generator creates the Secret <release>-oidc-client once and an existing value is kept, also when the ExternalSecret is re-created (docs/client-secret.md); nothing secret is rendered (GitOps-safe). HelmLookup (Helm only): reuse the Secret via `lookup`, else randAlphaNum 32, kept on uninstall; `lookup` is empty under `helm template` and Argo CD, so the secret would change on every render there. The cdk8s renderer refuses HelmLookup (its output goes to git).',
      ),
  })
  .strict()
  .describe('The Keycloak client secret (System mode).');

const customConfigSchema = z
  .object({
    config: z
      .record(z.string(), scalar)
      .default({})
      .describe('auth.generic_oauth keys written into the Grafana config, every value as a string. client_secret is refused (it would land in git): use secretRef for a confidential client.'),
    secretRef: z
      .object({
        name: objectName('oidc.customConfig.secretRef.name').default('').describe('A Secret in the release namespace whose keys are GF_AUTH_GENERIC_OAUTH_* variables (client secret included), projected into the Grafana container with envFrom.'),
      })
      .strict()
      .prefault({})
      .describe('The Secret of CustomConfig mode.'),
  })
  .strict()
  .describe('CustomConfig mode: exactly one of config and secretRef.name.');

const oidcSchema = z
  .object({
    mode: choice(OidcMode, 'unknownMode').default('None').describe('How users log in. None: Grafana\'s own login only. System: the platform Keycloak realm (renders the KeycloakClient, audience scope, three role groups and the client secret). CustomConfig: your own identity provider (see customConfig).'),
    fallbackRole: choice(FallbackRole, 'invalidFallbackRole')
      .default('')
      .describe('Role for realm users outside this instance\'s three groups. Empty (default): they cannot log in at all (tenant isolation). Viewer: every user of the realm may view this Grafana.'),
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
        issuerUrl: patterned(orEmpty(ISSUER_URL_PATTERN), undefined, 'invalidIssuerUrl')
          .default('')
          .describe('Issuer URL of the platform Keycloak realm, e.g. https://keycloak.example.org/realms/cozy: https with a host, no whitespace, user info, query or fragment (System mode checks it); a trailing / is dropped.'),
        realmRef: z
          .object({
            kind: choice(RealmKind, 'invalidRealmKind').default('ClusterKeycloakRealm').describe('Kind of the realm object: KeycloakRealm or ClusterKeycloakRealm.'),
            name: z.string().default('').describe('Name of the realm object the client, scope and groups are created in (required in System mode).'),
          })
          .strict()
          .prefault({})
          .describe('The realm object the client, scope and groups are created in.'),
        groupsClientScope: patterned(String.raw`^[^\s'"]+$`, undefined, 'invalidClientScopeName')
          .default('groups')
          .describe('Name of the realm-wide client scope that maps group membership to the `groups` claim (owned by the platform realm).'),
        grafanaAdminInstance: patterned(orEmpty(INSTANCE_REF_PATTERN), undefined, 'invalidGrafanaAdminInstance')
          .default('')
          .describe('"<namespace>/<release>" of the platform\'s own Grafana: its admin group maps to GrafanaAdmin. Empty for none; System mode refuses any other form.'),
      })
      .strict()
      .prefault({})
      .describe('The platform Keycloak realm that System-mode tenants log in through.'),
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
        tlsSecretName: objectName('grafana.ingress.tlsSecretName').default('').describe('TLS Secret of the Ingress; empty means <release>-grafana-tls.'),
      })
      .strict()
      .prefault({})
      .describe('The operator-managed Ingress of Grafana.'),
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
    .prefault({})
    .describe(`The ${what} image.`);
}

const kubernetesSecretSinkSchema = z
  .object({
    name: z.string().default('').describe('Name of the Secret that receives the token; empty means <release>-<serviceAccountName>-grafana-token, in another namespace <namespace>-<release>-<serviceAccountName>-grafana-token.'),
    namespace: z.string().default('').describe('Namespace of that Secret; empty means the release namespace. The Role and RoleBinding are rendered there.'),
    key: patterned(SECRET_DATA_KEY_PATTERN, 253, 'tokenInvalidSecretKey').default('token').describe('Key of the token in the Secret: 1-253 letters, digits, -, _ or . (a Secret data key).'),
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
    serviceAccountName: patterned(orEmpty(DNS_LABEL_PATTERN), undefined, 'tokenInvalidServiceAccountName').default('').describe('Name of the Grafana service account, e.g. kagent. Required when enabled.'),
    role: choice(GrafanaRole, 'tokenInvalidRole').default('Viewer').describe('Grafana role of the service account: Viewer, Editor or Admin. A drifted role is set back.'),
    secondsToLive: z.number().int().min(0).default(0).describe('Lifetime of each token in seconds; 0 means no expiry. The Job replaces a token once less than a third of its lifetime is left, so runs must come more often than that.'),
    keepOldTokens: z.number().int().min(0).default(1).describe('How many older tokens made by this Job to keep after a new one is stored (consumers still holding them keep working).'),
    grafanaUrl: patterned(String.raw`^(https?://[^/\s]+|$)`, undefined, 'tokenInvalidGrafanaUrl').default('').describe('Grafana base URL; empty means the operator\'s in-cluster Service http://<release>-service.<namespace>.svc:3000.'),
    orgId: z.number().int().min(1).default(1).describe('Grafana organization (sent as X-Grafana-Org-Id on every call).'),
    adminCredentials: z
      .object({
        secretName: z.string().default('').describe('Secret with the Grafana admin login; empty means the operator\'s <release>-admin-credentials.'),
        userKey: z.string().default('GF_SECURITY_ADMIN_USER').describe('Key of the admin user name.'),
        passwordKey: z.string().default('GF_SECURITY_ADMIN_PASSWORD').describe('Key of the admin password.'),
      })
      .strict()
      .prefault({})
      .describe('The Grafana admin login, injected as env by the kubelet (no RBAC on it needed).'),
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
      .prefault({})
      .describe('The Job that runs the token bootstrap.'),
    sink: z
      .object({
        type: choice(TokenSink, 'tokenUnknownSink').default('kubernetes-secret').describe('Where the token goes: kubernetes-secret, aws-secrets-manager, or grafana-operator (a GrafanaServiceAccount CR instead of a Job; operator v5.20+).'),
        kubernetesSecret: kubernetesSecretSinkSchema.prefault({}),
        awsSecretsManager: awsSecretsManagerSinkSchema.prefault({}),
      })
      .strict()
      .prefault({})
      .describe('Where the token is stored.'),
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
      .prefault({})
      .describe('Where the snapshots go: any S3-compatible store (AWS, Scaleway, Ceph, MinIO).'),
    credentials: z
      .object({
        existingSecret: objectName('backup.credentials.existingSecret').default('').describe('A Secret in the namespace with the S3 credentials (see format). Empty: the pod\'s identity (IRSA or EKS Pod Identity) on the backup ServiceAccount.'),
        format: z.string().default('accessKeys').describe('accessKeys: keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (env). files: keys credentials and config, AWS CLI files (as the AWS docs and Scaleway describe).'),
        serviceAccountAnnotations: stringMap.default({}).describe('Annotations of the backup ServiceAccount, e.g. eks.amazonaws.com/role-arn for IRSA; only without existingSecret.'),
      })
      .strict()
      .prefault({})
      .describe('S3 credentials: an existing Secret, or the pod identity (IRSA / EKS Pod Identity).'),
    grafana: z
      .object({
        serviceAccountName: z.string().default('backup').describe('Grafana service account the backup reads with; the token bootstrap creates it and its token (Secret <release>-<name>-grafana-token).'),
        role: z.string().default('Viewer').describe('Its Grafana role: Viewer reads what the Viewer basic role can see (every folder by default); Admin also reads folders with restricted permissions. Viewer, Editor or Admin.'),
      })
      .strict()
      .prefault({})
      .describe('The Grafana service account the backup reads with (its own token bootstrap).'),
    restore: z
      .object({
        enabled: z.boolean().default(false).describe('Render a one-off restore Job (<release>-backup-restore); `grafana-tenancy restore-job` prints the same Job.'),
        snapshot: z.string().default('latest').describe('Snapshot to restore: latest, or a UTC timestamp like 20260101T000000Z.'),
        dryRun: z.boolean().default(false).describe('Only report what the restore would create or change.'),
      })
      .strict()
      .prefault({})
      .describe('The one-off restore Job (docs/backup.md).'),
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
      .prefault({})
      .describe('Deadlines, retries and history of the backup runs.'),
  })
  .strict()
  .describe('Scheduled dashboard, folder and alert-rule backup to S3, and its restore (docs/backup.md).');
/** A data source queried with the tenant's id in X-Scope-OrgID (Mimir, Cortex, Loki, Tempo). */
function tenantDatasourceSchema(what: string, role: string, example: string) {
  return z
    .object({
      url: z.string().default('').describe(`Query URL, e.g. ${example}; empty renders no ${role} data source (and no dashboard that reads it).`),
      tenantId: z
        .string()
        .default('')
        .describe('Tenant id sent as the X-Scope-OrgID header (not a secret); empty means the namespace. 1-150 letters, digits or !-_.*\'() ("|" federation is refused).'),
      sharedTenantId: z
        .boolean()
        .default(false)
        .describe('true on every tenant that is meant to read the same tenant id; otherwise the fleet check refuses two namespaces with one tenant id (a fleet default must not hand out one tenant\'s data).'),
    })
    .strict()
    .describe(`${what}, read as the tenant.`);
}

/** Data sources of the tenant's Grafana (src/datasources/). */
const datasourcesSchema = z
  .object({
    default: z.string().default('').describe('Data source marked default: metrics or logs; empty means metrics when its url is set, else logs.'),
    metrics: tenantDatasourceSchema('Prometheus-compatible metrics (Mimir, Cortex, Prometheus), or Amazon Managed Prometheus (sigV4)', 'metrics', 'http://mimir-query-frontend.mimir.svc:8080/prometheus').extend({
      sigV4: z
        .object({
          enabled: z
            .boolean()
            .default(false)
            .describe('Amazon Managed Service for Prometheus: url is the workspace endpoint, requests are SigV4-signed with the Grafana pod\'s AWS identity (no keys), no X-Scope-OrgID header.'),
          region: z.string().default('').describe('AWS region of the workspace, e.g. eu-west-1 (required with sigV4).'),
          pluginVersion: z.string().default('2.3.0').describe('Version of the grafana-amazonprometheus-datasource plugin the operator installs.'),
          serviceAccountAnnotations: stringMap
            .default({})
            .describe('Annotations of the Grafana ServiceAccount (<release>-sa), e.g. eks.amazonaws.com/role-arn for IRSA; EKS Pod Identity needs none.'),
        })
        .strict()
        .describe('Amazon Managed Service for Prometheus: the grafana-amazonprometheus-datasource plugin, SigV4 with "AWS SDK Default" credentials; url is the workspace endpoint https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/.')
        .prefault({}),
    }).describe('Prometheus-compatible metrics (Mimir, Cortex, Prometheus), or Amazon Managed Prometheus (sigV4), read as the tenant.').prefault({}),
    logs: tenantDatasourceSchema('Loki logs', 'logs', 'http://loki-gateway.loki.svc').prefault({}),
  })
  .strict()
  .describe('Data sources of this Grafana, scoped to the tenant (docs/datasources-and-dashboards.md): GrafanaDatasources that select only this instance\'s Grafana, with the uid <role>-<first 12 hex digits of sha256(<namespace>-<release>)>. Nothing is rendered for a data source whose url is empty.');

/** A dashboard the tenant brings: inline JSON or a ConfigMap key. */
const extraDashboardSchema = z
  .object({
    name: z.string().describe('DNS label; the GrafanaDashboard is <release>-custom-<name>.'),
    folder: z.string().default('').describe('Title of the Grafana folder; empty means General.'),
    json: z.string().default('').describe('The dashboard JSON model (exactly one of json and configMapRef).'),
    configMapRef: z
      .object({
        name: z.string().default('').describe('ConfigMap in the release namespace.'),
        key: z.string().default('').describe('Key of the dashboard JSON in it.'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Default dashboards and the tenant's own (src/dashboards/). */
const dashboardsSchema = z
  .object({
    defaultSet: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Render the platform\'s versioned default dashboards (Workloads from metrics, Logs from logs) in folder "General v<N>"; each only when the data source it reads is configured. A new version renders a new folder and drops the old one, which Flux or Argo CD then prune.'),
      })
      .strict()
      .describe('The platform\'s default dashboards, built with @grafana/grafana-foundation-sdk.')
      .prefault({}),
    extra: z
      .array(extraDashboardSchema)
      .default([])
      .describe('The tenant\'s own dashboards, each {name, folder, json} or {name, folder, configMapRef: {name, key}}: name is a DNS label (GrafanaDashboard <release>-custom-<name>), folder a folder title (empty: General). ${DS_METRICS} and ${DS_LOGS} in the JSON become the data-source uids.'),
  })
  .strict()
  .describe('Dashboards of the tenant\'s Grafana.');

/** The `host` field's rule: a DNS name of at most this many characters, or empty. */
const HOST_PATTERN = orEmpty(DNS_NAME_PATTERN);
const HOST_MAX = 253;
const HOST_REGEX = new RegExp(HOST_PATTERN);

/**
 * Whether the schema takes `host` as the `host` field, unchanged (its rule is a check, not a
 * transform), told without zod's machinery: the fleet reader asks it once per tenant.
 */
export function isSchemaHost(host: string): boolean {
  return host.length <= HOST_MAX && HOST_REGEX.test(host);
}

/** One Monitoring instance's values: the tenant entry of a fleet file and the Helm chart's values. */
export const instanceValuesSchema = z
  .object({
    host: patterned(HOST_PATTERN, HOST_MAX, 'hostInvalid').default('').describe('Domain of the tenant (required); Grafana is served at https://grafana.<host>.'),
    oidc: oidcSchema.prefault({}),
    platform: platformSchema.prefault({}),
    grafana: grafanaSchema.prefault({}),
    global: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Helm global values, which an umbrella chart passes to every subchart; not used here.'),
    serviceAccountToken: serviceAccountTokenSchema.prefault({}),
    commonLabels: stringMap
      .default({})
      .describe('Labels added to every rendered object (and the pods of the token, backup and restore Jobs); they never replace a label the chart sets.'),
    apiVersions: z
      .array(z.string())
      .default([])
      .describe('API versions the cluster serves, added to what the renderer is told (helm --api-versions, .Capabilities): for renders that cannot pass the flag, such as helm lint. System mode needs v1.edp.epam.com/v1.'),
    backup: backupSchema.prefault({}),
    datasources: datasourcesSchema.prefault({}),
    dashboards: dashboardsSchema.prefault({}),
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
