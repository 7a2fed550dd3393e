import * as k8s from '../../imports/k8s';
import { Construct } from 'constructs';
import { AWS_READ_SCRIPT, AWS_STORE_SCRIPT, BOOTSTRAP_SCRIPT, readScript, scriptChecksum } from './script-files';
import { POD_SECURITY_CONTEXT, tokenPodParts, usesKubernetesApi } from './token-pod';
import { TokenSettings } from './token-settings';

/** Labels that tell the token bootstrap's objects apart from the rest of the instance. */
export const TOKEN_COMPONENT_LABELS = { 'app.kubernetes.io/component': 'token-bootstrap' };

/** Pod-template annotation that changes with the script, so a new script means a new Job run. */
export const SCRIPT_CHECKSUM_ANNOTATION = 'grafana-tenancy.io/script-sha256';

export interface TokenBootstrapJobProps {
  readonly settings: TokenSettings;
  /**
   * Labels of the Job's pods, besides the component label (the chart's labels reach only
   * top-level objects).
   * @default {}
   */
  readonly podLabels?: Record<string, string>;
}

/**
 * The token bootstrap Job and the least it needs: a ServiceAccount, a ConfigMap with the
 * script(s), for the kubernetes-secret sink a Role + RoleBinding on the target Secret only (and,
 * by default, that Secret pre-created without data).
 *
 * The admin login reaches the pod through `secretKeyRef` env, which the kubelet resolves: the pod
 * never reads the admin Secret through the API, so no Role grants `get` on it and, for the AWS
 * sink, no service-account token is mounted at all.
 */
export class TokenBootstrapJob extends Construct {
  /** The `Job` (also `node.defaultChild`). */
  readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: TokenBootstrapJobProps) {
    super(scope, id);
    const { settings } = props;
    const { names, values } = settings;
    const name = names.tokenBootstrap;
    const aws = settings.sink === 'aws-secrets-manager';

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: {
        name,
        namespace: names.namespace,
        labels: TOKEN_COMPONENT_LABELS,
        ...(aws && Object.keys(values.sink.awsSecretsManager.serviceAccountAnnotations).length > 0
          ? { annotations: values.sink.awsSecretsManager.serviceAccountAnnotations }
          : {}),
      },
      // Only the pod below may mount a token, and only when it needs the API.
      automountServiceAccountToken: false,
    });

    if (settings.sink === 'kubernetes-secret') this.secretAccess(settings);

    const files = aws ? [BOOTSTRAP_SCRIPT, AWS_READ_SCRIPT, AWS_STORE_SCRIPT] : [BOOTSTRAP_SCRIPT];
    const contents = files.map(readScript);
    new k8s.KubeConfigMap(this, 'scripts', {
      metadata: { name, namespace: names.namespace, labels: TOKEN_COMPONENT_LABELS },
      data: Object.fromEntries(files.map((file, i) => [file, contents[i]])),
    });

    const pod = tokenPodParts(settings, name);
    this.job = new k8s.KubeJob(this, 'job', {
      metadata: {
        name,
        namespace: names.namespace,
        labels: TOKEN_COMPONENT_LABELS,
        annotations: {
          // A Job's pod template is immutable: let Flux replace the Job when it changes.
          'kustomize.toolkit.fluxcd.io/force': 'enabled',
          ...values.job.annotations,
        },
      },
      spec: {
        backoffLimit: values.job.backoffLimit,
        activeDeadlineSeconds: values.job.activeDeadlineSeconds,
        // Deleted after it finished; the GitOps tool re-creates it and the probe runs again.
        ttlSecondsAfterFinished: values.job.ttlSecondsAfterFinished,
        template: {
          metadata: {
            labels: { ...props.podLabels, ...TOKEN_COMPONENT_LABELS },
            annotations: { [SCRIPT_CHECKSUM_ANNOTATION]: scriptChecksum(contents) },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: usesKubernetesApi(settings),
            // Failed pods stay for `kubectl logs` until the TTL; each retry is a fresh pod.
            restartPolicy: 'Never',
            securityContext: POD_SECURITY_CONTEXT,
            ...(pod.initContainers.length > 0 ? { initContainers: pod.initContainers } : {}),
            containers: pod.containers,
            volumes: pod.volumes,
          },
        },
      },
    });
    this.node.defaultChild = this.job;
  }

  /**
   * Role + RoleBinding in the Secret's namespace (which may be another one), limited by
   * `resourceNames` to that one Secret. Kubernetes cannot limit `create` by name (the name is not
   * known when the request is authorized), so the Secret is rendered pre-created and `create` is
   * granted only when precreate is off.
   */
  private secretAccess(settings: TokenSettings): void {
    const { names } = settings;
    const target = settings.secret;
    const precreate = settings.values.sink.kubernetesSecret.precreate;
    const roleName = names.tokenBootstrapRole(target.namespace);

    if (precreate) {
      new k8s.KubeSecret(this, 'token-secret', {
        metadata: {
          name: target.name,
          namespace: target.namespace,
          labels: TOKEN_COMPONENT_LABELS,
          annotations: {
            'grafana-tenancy.io/written-by': `job/${names.namespace}/${names.tokenBootstrap}`,
            // Flux applies it once and never again, so the token the Job wrote is never reset.
            // Helm and Argo CD leave `data` alone because this manifest does not set it.
            'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent',
          },
        },
        type: 'Opaque',
      });
    }

    const rules: k8s.PolicyRule[] = [
      { apiGroups: [''], resources: ['secrets'], resourceNames: [target.name], verbs: ['get', 'update', 'patch'] },
    ];
    if (!precreate) rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['create'] });

    new k8s.KubeRole(this, 'role', {
      metadata: { name: roleName, namespace: target.namespace, labels: TOKEN_COMPONENT_LABELS },
      rules,
    });
    new k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: { name: roleName, namespace: target.namespace, labels: TOKEN_COMPONENT_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: names.tokenBootstrap, namespace: names.namespace }],
    });
  }
}
