import { Manifest } from '../../src/render/render';
import { AWS_SINK, find, synthToken } from './support';
import { cronJobRun, synthBackup } from '../backup/support';

/*
 * The Pod Security Standard "restricted" profile (kubernetes.io/docs/concepts/security/pod-security-standards),
 * checked control by control on every container of the token Job, for each sink, and of the backup's pods.
 */

const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

const jobs: [string, Manifest][] = [
  ['kubernetes-secret', find(synthToken(), 'Job')!],
  ['kubernetes-secret, precreate off', find(synthToken({ sink: { kubernetesSecret: { precreate: false } } }), 'Job')!],
  ['aws-secrets-manager', find(synthToken(AWS_SINK), 'Job')!],
  ['backup CronJob (files credentials)', cronJobRun(synthBackup({ credentials: { existingSecret: 'acme-s3', format: 'files' } }))],
  ['backup restore', synthBackup({ restore: { enabled: true } }).find((m) => m.metadata.name === 'monitoring-backup-restore')!],
];

describe.each(jobs)('GIVEN the %s Job WHEN its pod is checked against the restricted profile', (_, job) => {
  const pod = job.spec.template.spec;
  const containers: Manifest[] = [...(pod.initContainers ?? []), ...pod.containers];

  /** A container setting, falling back to the pod's where Kubernetes does. */
  const effective = (c: Manifest, field: string) => c.securityContext?.[field] ?? pod.securityContext?.[field];

  test('THEN host namespaces are not shared', () => {
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.hostPID ?? false).toBe(false);
    expect(pod.hostIPC ?? false).toBe(false);
  });

  test('THEN only volume types the profile allows (no hostPath)', () => {
    for (const volume of pod.volumes) {
      const types = Object.keys(volume).filter((k) => k !== 'name');
      expect(types).toHaveLength(1);
      expect(ALLOWED_VOLUME_TYPES).toContain(types[0]);
    }
  });

  test.each(containers.map((c) => [c.name, c]))('THEN container %s: not privileged, no escalation', (__, c) => {
    expect(c.securityContext.privileged ?? false).toBe(false);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
  });

  test.each(containers.map((c) => [c.name, c]))('THEN container %s: drops ALL capabilities, adds none', (__, c) => {
    expect(c.securityContext.capabilities.drop).toContain('ALL');
    expect(c.securityContext.capabilities.add ?? []).toEqual([]);
  });

  test.each(containers.map((c) => [c.name, c]))('THEN container %s: runs as non-root uid 1000', (__, c) => {
    expect(effective(c, 'runAsNonRoot')).toBe(true);
    expect(effective(c, 'runAsUser')).toBe(1000);
  });

  test.each(containers.map((c) => [c.name, c]))('THEN container %s: RuntimeDefault seccomp', (__, c) => {
    expect(effective(c, 'seccompProfile')).toEqual({ type: 'RuntimeDefault' });
  });

  test.each(containers.map((c) => [c.name, c]))('THEN container %s: read-only root filesystem, no host ports', (__, c) => {
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    for (const port of c.ports ?? []) expect(port.hostPort).toBeUndefined();
  });

  test('THEN the pod itself sets non-root and RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  });
});
