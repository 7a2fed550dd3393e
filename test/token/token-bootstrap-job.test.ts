import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, Testing } from 'cdk8s';
import * as k8s from '../../imports/k8s';
import { MonitoringInstance } from '../../src/monitoring-instance';
import { TENANT, testApp } from '../support/fixtures';
import { describeWithCrds, schemaErrors } from '../support/schemas';
import { AWS_SINK, envOf, find, podContainers, synthToken, tokenObjects } from './support';

const FILES = join(__dirname, '../../charts/grafana-tenancy/files');
const file = (name: string) => readFileSync(join(FILES, name), 'utf8');

describe('GIVEN token bootstrap disabled (default) WHEN synthesized', () => {
  test('THEN it renders no token objects', () => {
    // GIVEN values without serviceAccountToken
    const chart = new MonitoringInstance(testApp(), 'test', { ...TENANT, values: { host: TENANT.host } });

    // WHEN synthesized
    const manifests = Testing.synth(chart);

    // THEN only the Grafana CR is there
    expect(manifests.map((m) => m.kind)).toEqual(['Grafana']);
  });
});

describe('GIVEN sink kubernetes-secret (default) WHEN synthesized', () => {
  const manifests = synthToken();
  const objects = tokenObjects(manifests);
  const job = find(objects, 'Job')!;
  const role = find(objects, 'Role')!;

  test('THEN it renders ServiceAccount, pre-created Secret, Role, RoleBinding, ConfigMap and Job', () => {
    expect(objects.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/monitoring-token-bootstrap',
      'Secret/monitoring-kagent-grafana-token',
      'Role/monitoring-token-bootstrap',
      'RoleBinding/monitoring-token-bootstrap',
      'ConfigMap/monitoring-token-bootstrap',
      'Job/monitoring-token-bootstrap',
    ]);
    expect(objects.every((m) => m.metadata.namespace === TENANT.namespace)).toBe(true);
  });

  test('THEN the Role allows get/update/patch on the token Secret by name and nothing else', () => {
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['monitoring-kagent-grafana-token'], verbs: ['get', 'update', 'patch'] },
    ]);
  });

  test('THEN no RBAC rule touches the admin credentials: the kubelet injects them as env', () => {
    expect(JSON.stringify(role)).not.toContain('admin-credentials');
    const env = envOf(job.spec.template.spec.containers[0]);
    expect(env.GRAFANA_ADMIN_USER).toEqual({ secretKeyRef: { name: 'monitoring-admin-credentials', key: 'GF_SECURITY_ADMIN_USER' } });
    expect(env.GRAFANA_ADMIN_PASSWORD).toEqual({ secretKeyRef: { name: 'monitoring-admin-credentials', key: 'GF_SECURITY_ADMIN_PASSWORD' } });
  });

  test('THEN the RoleBinding binds the Job ServiceAccount to the Role', () => {
    const binding = find(objects, 'RoleBinding')!;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'monitoring-token-bootstrap', namespace: TENANT.namespace }]);
  });

  test('THEN the pre-created Secret carries no value and is applied only once by Flux', () => {
    const secret = find(objects, 'Secret')!;
    expect(secret).not.toHaveProperty('data');
    expect(secret).not.toHaveProperty('stringData');
    expect(secret.metadata.annotations['kustomize.toolkit.fluxcd.io/ssa']).toBe('IfNotPresent');
  });

  test('THEN the Job has its limits and talks to the API only as its own ServiceAccount', () => {
    expect(job.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 300 });
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('monitoring-token-bootstrap');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.restartPolicy).toBe('Never');
    expect(find(objects, 'ServiceAccount')!.automountServiceAccountToken).toBe(false);
  });

  test('THEN the container points the script at the operator Service, the target Secret and its deadline', () => {
    const env = envOf(job.spec.template.spec.containers[0]);
    expect(env).toMatchObject({
      GRAFANA_URL: 'http://monitoring-service.tenant-acme.svc:3000',
      GRAFANA_ORG_ID: '1',
      SERVICE_ACCOUNT_NAME: 'kagent',
      SERVICE_ACCOUNT_ROLE: 'Admin',
      SINK: 'kubernetes-secret',
      SECRET_NAMESPACE: TENANT.namespace,
      SECRET_NAME: 'monitoring-kagent-grafana-token',
      SECRET_KEY: 'token',
      SECRET_CREATE: 'false',
    });
    // The script gives up before activeDeadlineSeconds kills the pod without a message.
    expect(Number(env.DEADLINE_SECONDS)).toBeLessThan(job.spec.activeDeadlineSeconds);
  });

  test('THEN the ConfigMap ships the committed script byte for byte, and the pod template carries its checksum', () => {
    const configMap = find(objects, 'ConfigMap')!;
    expect(Object.keys(configMap.data)).toEqual(['token-bootstrap.js']);
    expect(configMap.data['token-bootstrap.js']).toBe(file('token-bootstrap.js'));
    const sha = createHash('sha256').update(file('token-bootstrap.js')).digest('hex');
    expect(job.spec.template.metadata.annotations['grafana-tenancy.io/script-sha256']).toBe(sha);
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', '/scripts/token-bootstrap.js', 'bootstrap']);
  });

  test('THEN pods carry the instance labels', () => {
    expect(job.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': TENANT.release,
      'app.kubernetes.io/component': 'token-bootstrap',
    });
  });
});

describe('GIVEN sink kubernetes-secret in another namespace WHEN synthesized', () => {
  const objects = tokenObjects(synthToken({ sink: { kubernetesSecret: { namespace: 'agents', name: 'grafana-token', key: 'GRAFANA_API_TOKEN' } } }));

  test('THEN Secret, Role and RoleBinding live in the target namespace; the Role name cannot collide across tenants', () => {
    const placed = objects.filter((m) => ['Secret', 'Role', 'RoleBinding'].includes(m.kind));
    expect(placed.map((m) => `${m.metadata.namespace}/${m.kind}/${m.metadata.name}`)).toEqual([
      'agents/Secret/grafana-token',
      'agents/Role/tenant-acme-monitoring-token-bootstrap',
      'agents/RoleBinding/tenant-acme-monitoring-token-bootstrap',
    ]);
    expect(find(objects, 'RoleBinding')!.subjects[0]).toEqual({ kind: 'ServiceAccount', name: 'monitoring-token-bootstrap', namespace: TENANT.namespace });
  });

  test('THEN the Job and its ServiceAccount stay in the instance namespace', () => {
    expect(find(objects, 'Job')!.metadata.namespace).toBe(TENANT.namespace);
    expect(find(objects, 'ServiceAccount')!.metadata.namespace).toBe(TENANT.namespace);
    expect(envOf(find(objects, 'Job')!.spec.template.spec.containers[0])).toMatchObject({
      SECRET_NAMESPACE: 'agents', SECRET_NAME: 'grafana-token', SECRET_KEY: 'GRAFANA_API_TOKEN',
    });
  });
});

describe('GIVEN sink kubernetes-secret in another namespace without a Secret name WHEN synthesized', () => {
  const objects = tokenObjects(synthToken({ sink: { kubernetesSecret: { namespace: 'agents' } } }));

  test('THEN the Secret is named after the clientId, and Role, RoleBinding and the Job env agree', () => {
    const name = 'tenant-acme-monitoring-kagent-grafana-token';
    expect(find(objects, 'Secret')!.metadata).toMatchObject({ namespace: 'agents', name });
    expect(find(objects, 'Role')!.rules[0].resourceNames).toEqual([name]);
    expect(envOf(find(objects, 'Job')!.spec.template.spec.containers[0])).toMatchObject({ SECRET_NAMESPACE: 'agents', SECRET_NAME: name });
  });

  test('THEN two tenants with the same release in different namespaces get different Secrets there', () => {
    const other = tokenObjects(synthToken({ sink: { kubernetesSecret: { namespace: 'agents' } } }, { namespace: 'tenant-hooli' }));
    const secrets = [objects, other].map((o) => `${find(o, 'Secret')!.metadata.namespace}/${find(o, 'Secret')!.metadata.name}`);
    expect(secrets).toEqual(['agents/tenant-acme-monitoring-kagent-grafana-token', 'agents/tenant-hooli-monitoring-kagent-grafana-token']);
  });

  test('THEN the release namespace named explicitly keeps the short default name', () => {
    const same = tokenObjects(synthToken({ sink: { kubernetesSecret: { namespace: TENANT.namespace } } }));
    expect(find(same, 'Secret')!.metadata.name).toBe('monitoring-kagent-grafana-token');
  });
});

describe('GIVEN a Secret data key WHEN synthesized', () => {
  test.each(['token', 'GRAFANA_API_TOKEN', '.token', 'a.b-c_d', 'k'.repeat(253)])('THEN %j is accepted', (key) => {
    const job = find(synthToken({ sink: { kubernetesSecret: { key } } }), 'Job')!;
    expect(envOf(job.spec.template.spec.containers[0]).SECRET_KEY).toBe(key);
  });

  test.each(['', 'my token', 'token/x', '.', '..data', 'tökén', 'k'.repeat(254)])('THEN %j is refused naming the field, the value and the fix', (key) => {
    expect(() => synthToken({ sink: { kubernetesSecret: { key } } })).toThrow(
      `serviceAccountToken.sink.kubernetesSecret.key ${JSON.stringify(key)} is not a valid Secret data key: use 1-253 letters, digits, '-', '_' or '.'`,
    );
  });

  test('THEN the key is a pattern of the schema, refused early whatever the sink (like Helm\'s values.schema.json)', () => {
    expect(() => synthToken({ ...AWS_SINK, sink: { ...AWS_SINK.sink, kubernetesSecret: { key: 'not used' } } })).toThrow(
      'serviceAccountToken.sink.kubernetesSecret.key "not used" is not a valid Secret data key',
    );
  });
});

describe('GIVEN sink kubernetes-secret without pre-creation WHEN synthesized', () => {
  const objects = tokenObjects(synthToken({ sink: { kubernetesSecret: { precreate: false } } }));

  test('THEN it renders no Secret and adds the unavoidable namespace-wide create', () => {
    expect(find(objects, 'Secret')).toBeUndefined();
    expect(find(objects, 'Role')!.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['monitoring-kagent-grafana-token'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    expect(envOf(find(objects, 'Job')!.spec.template.spec.containers[0]).SECRET_CREATE).toBe('true');
  });
});

describe('GIVEN sink aws-secrets-manager WHEN synthesized', () => {
  const objects = tokenObjects(synthToken(AWS_SINK));
  const job = find(objects, 'Job')!;
  const pod = job.spec.template.spec;

  test('THEN it renders no RBAC and mounts no API token: the pod never calls the Kubernetes API', () => {
    expect(objects.map((m) => m.kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Job']);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('THEN it runs read-stored (AWS CLI) -> bootstrap (node) -> store (AWS CLI), then prune (node)', () => {
    expect(pod.initContainers.map((c: any) => [c.name, c.image])).toEqual([
      ['read-stored', 'docker.io/amazon/aws-cli:2.27.9'],
      ['bootstrap', 'docker.io/library/node:20.19.5-alpine3.22'],
      ['store', 'docker.io/amazon/aws-cli:2.27.9'],
    ]);
    expect(pod.containers.map((c: any) => [c.name, c.command])).toEqual([['prune', ['node', '/scripts/token-bootstrap.js', 'prune']]]);
  });

  test('THEN it hands the token over through an in-memory emptyDir only', () => {
    expect(pod.volumes.find((v: any) => v.name === 'shared')).toEqual({ name: 'shared', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    const bootstrap = envOf(pod.initContainers[1]);
    const store = envOf(pod.initContainers[2]);
    expect(bootstrap).toMatchObject({ SINK: 'file', TOKEN_OUT_FILE: '/shared/token' });
    expect(store.TOKEN_FILE).toBe(bootstrap.TOKEN_OUT_FILE);
    expect(envOf(pod.initContainers[0]).STORED_TOKEN_FILE).toBe(bootstrap.STORED_TOKEN_FILE);
  });

  test('THEN store reports to prune, and the first container gives every node step the pod start', () => {
    const [read, bootstrap, store] = pod.initContainers.map(envOf);
    const prune = envOf(pod.containers[0]);
    expect(store.STORE_RESULT_FILE).toBe('/shared/store-result');
    expect(prune.STORE_RESULT_FILE).toBe(store.STORE_RESULT_FILE);
    expect(read.POD_START_FILE).toBe('/shared/pod-start');
    expect([bootstrap.POD_START_FILE, prune.POD_START_FILE]).toEqual([read.POD_START_FILE, read.POD_START_FILE]);
  });

  test('THEN AWS settings reach the AWS CLI containers only', () => {
    for (const aws of [pod.initContainers[0], pod.initContainers[2]]) {
      expect(envOf(aws)).toMatchObject({ SECRET_ID: 'kagent/grafana/api-key', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://localstack.localstack.svc:4566' });
      expect(aws.envFrom).toEqual([{ secretRef: { name: 'localstack-credentials' } }]);
    }
    for (const node of [pod.initContainers[1], pod.containers[0]]) {
      expect(node.envFrom).toBeUndefined();
      expect(Object.keys(envOf(node)).filter((k) => k.startsWith('AWS_'))).toEqual([]);
    }
  });

  test('THEN the ServiceAccount carries the IRSA annotation', () => {
    expect(find(objects, 'ServiceAccount')!.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/grafana-token' });
  });

  test('THEN the ConfigMap ships the node script and both AWS CLI steps', () => {
    const data = find(objects, 'ConfigMap')!.data;
    for (const name of ['token-bootstrap.js', 'token-aws-read.sh', 'token-aws-store.sh']) expect(data[name]).toBe(file(name));
  });
});

describe('GIVEN sink grafana-operator WHEN synthesized', () => {
  const objects = tokenObjects(synthToken({ sink: { type: 'grafana-operator' } }));

  test('THEN it renders one GrafanaServiceAccount for this Grafana and no Job', () => {
    expect(objects.map((m) => m.kind)).toEqual(['GrafanaServiceAccount']);
    expect(objects[0].metadata.name).toBe('monitoring-kagent');
    expect(objects[0].spec).toEqual({
      instanceName: 'monitoring',
      name: 'kagent',
      role: 'Admin',
      isDisabled: false,
      tokens: [{ name: 'kagent', secretName: 'monitoring-kagent-grafana-token' }],
    });
  });
});

describe('GIVEN overrides of every token setting WHEN synthesized', () => {
  test('THEN images, Grafana URL, admin Secret, org, lifetime and Job limits are taken as given', () => {
    // GIVEN every override
    const objects = tokenObjects(synthToken({
      image: { registry: 'mirror.example.org', repository: 'node', tag: '20.19.5-alpine3.22' },
      grafanaUrl: 'https://grafana.acme.example.org',
      adminCredentials: { secretName: 'grafana-admin', userKey: 'user', passwordKey: 'password' },
      orgId: 3,
      secondsToLive: 3600,
      keepOldTokens: 0,
      job: { backoffLimit: 1, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 60, annotations: { 'argocd.argoproj.io/sync-wave': '5' } },
    }));

    // WHEN the Job is inspected
    const job = find(objects, 'Job')!;
    const container = job.spec.template.spec.containers[0];

    // THEN each one is where it belongs
    expect(container.image).toBe('mirror.example.org/node:20.19.5-alpine3.22');
    expect(envOf(container)).toMatchObject({
      GRAFANA_URL: 'https://grafana.acme.example.org',
      GRAFANA_ORG_ID: '3',
      TOKEN_SECONDS_TO_LIVE: '3600',
      KEEP_OLD_TOKENS: '0',
      DEADLINE_SECONDS: '240',
      GRAFANA_ADMIN_USER: { secretKeyRef: { name: 'grafana-admin', key: 'user' } },
    });
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 60 });
    expect(job.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/force': 'enabled', 'argocd.argoproj.io/sync-wave': '5' });
  });

  test('THEN an image digest is referenced with @', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const job = find(tokenObjects(synthToken({ image: { tag: digest } })), 'Job')!;
    expect(job.spec.template.spec.containers[0].image).toBe(`docker.io/library/node@${digest}`);
  });
});

describe('GIVEN the three sink layouts WHEN synthesized (output hygiene)', () => {
  const all = [synthToken(), synthToken(AWS_SINK), synthToken({ sink: { kubernetesSecret: { namespace: 'agents' } } })];

  test('THEN no rendered Secret carries a value', () => {
    for (const manifests of all) {
      for (const secret of manifests.filter((m) => m.kind === 'Secret')) {
        expect(secret.data).toBeUndefined();
        expect(secret.stringData).toBeUndefined();
      }
    }
  });

  test('THEN rendering twice gives identical output', () => {
    expect(synthToken(AWS_SINK)).toEqual(synthToken(AWS_SINK));
    expect(synthToken()).toEqual(synthToken());
  });

  test('THEN every core object passes the Kubernetes schema (kubernetes-models)', () => {
    for (const manifests of all) {
      for (const m of tokenObjects(manifests)) expect(schemaErrors(m)).toEqual([]);
    }
  });
});

describeWithCrds('GIVEN the grafanaServiceAccount against its CRD', () => {
  test('THEN is valid', () => {
    const [account] = tokenObjects(synthToken({ sink: { type: 'grafana-operator' } }));
    expect(schemaErrors(account)).toEqual([]);
  });
});

test('GIVEN every sink WHEN synthesized THEN every container has requests and limits', () => {
  for (const manifests of [synthToken(), synthToken(AWS_SINK)]) {
    for (const container of podContainers(find(manifests, 'Job')!)) {
      expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
  }
});

test('GIVEN every sink layout WHEN constructed THEN each core object is the typed class of its kind generated in imports/k8s.ts', () => {
  // GIVEN the kubernetes-secret (pre-created Secret, Role) and AWS layouts
  const typed: Record<string, unknown> = {
    ServiceAccount: k8s.KubeServiceAccount, ConfigMap: k8s.KubeConfigMap, Secret: k8s.KubeSecret,
    Job: k8s.KubeJob, Role: k8s.KubeRole, RoleBinding: k8s.KubeRoleBinding,
  };
  for (const token of [{}, AWS_SINK]) {
    const chart = new MonitoringInstance(testApp(), 'test', { ...TENANT, values: { host: TENANT.host, serviceAccountToken: { enabled: true, serviceAccountName: 'kagent', ...token } } });

    // WHEN its token objects are inspected
    const objects = chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.node.path.includes('/token/'));

    // THEN every one is built by the typed class (props checked against the Kubernetes schema at compile time)
    expect(objects.length).toBeGreaterThanOrEqual(3);
    for (const object of objects) expect({ kind: object.kind, typed: object instanceof (typed[object.kind] as typeof ApiObject) }).toEqual({ kind: object.kind, typed: true });
  }
});
