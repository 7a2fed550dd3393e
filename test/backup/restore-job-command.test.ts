import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../../src/cli/main';
import { renderInstance } from '../../src/render/render';

const VALUES = {
  host: 'acme.example.org',
  backup: { enabled: true, s3: { bucket: 'acme-backups' }, credentials: { existingSecret: 'acme-s3' } },
};

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTty: false });
  return { code, stdout, stderr };
}

function valuesFile(values: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'restore-job-')), 'values.yaml');
  writeFileSync(file, stringify(values));
  return file;
}

describe('GIVEN an instance with backup values', () => {
  test('WHEN restore-job prints a snapshot dry run THEN it is exactly the chart-shaped restore Job for it, and nothing else', async () => {
    const { code, stdout, stderr } = await run(['restore-job', '-n', 'tenant-acme', '-r', 'monitoring', '-f', valuesFile(VALUES), '--snapshot', '20260101T000000Z', '--dry-run']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const docs = parseAllDocuments(stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Job/monitoring-backup-restore']);
    // The same object the renderers give with backup.restore set in the values.
    const rendered = renderInstance({
      namespace: 'tenant-acme',
      release: 'monitoring',
      values: { ...VALUES, backup: { ...VALUES.backup, restore: { enabled: true, snapshot: '20260101T000000Z', dryRun: true } } },
    }).find((m) => m.metadata.name === 'monitoring-backup-restore');
    expect(docs[0]).toEqual(rendered);
    const env = Object.fromEntries([...docs[0].spec.template.spec.initContainers, ...docs[0].spec.template.spec.containers].flatMap((c: any) => c.env).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ SNAPSHOT: '20260101T000000Z', DRY_RUN: 'true', S3_INSTANCE_PREFIX: 'grafana-backups/tenant-acme/monitoring' });
  });

  test('WHEN the backup is not enabled THEN it fails with the catalogue message and prints no Job', async () => {
    const { code, stdout, stderr } = await run(['restore-job', '-n', 'tenant-acme', '-r', 'monitoring', '-f', valuesFile({ host: 'acme.example.org' })]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('backup.restore.enabled is true but backup.enabled is false');
  });

  test('WHEN --help is asked THEN it documents the options', async () => {
    const { code, stdout } = await run(['restore-job', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--snapshot NAME');
    expect(stdout).toContain('--dry-run');
  });
});
