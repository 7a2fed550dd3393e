import { Testing } from 'cdk8s';
import { InstanceValuesInput } from '../../src/config/schema';
import { MonitoringInstance } from '../../src/monitoring-instance';
import { Manifest } from '../../src/render/render';
import { TENANT, testApp } from '../support/fixtures';

export type BackupValues = NonNullable<InstanceValuesInput['backup']>;

/** A tenant (mode None) with the backup on to bucket acme-backups, plus overrides. */
export function backupValues(backup: BackupValues = {}, extra: InstanceValuesInput = {}): InstanceValuesInput {
  return { host: TENANT.host, ...extra, backup: { enabled: true, ...backup, s3: { bucket: 'acme-backups', ...backup.s3 } } };
}

/** Synthesizes tenant-acme/monitoring with the backup through `testApp()`. */
export function synthBackup(backup: BackupValues = {}, extra: InstanceValuesInput = {}): Manifest[] {
  const chart = new MonitoringInstance(testApp(), 'test', { namespace: TENANT.namespace, release: TENANT.release, values: backupValues(backup, extra) });
  return Testing.synth(chart);
}

/** The Job the CronJob controller creates from the CronJob's jobTemplate. */
export function cronJobRun(manifests: Manifest[]): Manifest {
  const cronJob = manifests.find((m) => m.kind === 'CronJob')!;
  return { kind: 'Job', metadata: { name: cronJob.metadata.name }, spec: cronJob.spec.jobTemplate.spec };
}
