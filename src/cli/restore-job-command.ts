import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';

const usage = `Usage: grafana-tenancy restore-job --namespace NS --release REL -f values.yaml [--snapshot latest|TIMESTAMP] [--dry-run]

Prints the one-off Job that restores a backup snapshot into the instance's Grafana, to apply with
'kubectl create -f -'. It downloads <prefix>/<namespace>/<release>/<snapshot>/ from the bucket
of the instance's backup values, recreates the folder tree, then the dashboards in their folders
(overwriting, keeping their uids), then the alert rules. Objects that are not in the snapshot are
left alone. The chart renders the same Job with backup.restore.enabled: true.

Options:
  -n, --namespace NS      namespace of the instance
  -r, --release REL       release name of the instance
  -s, --snapshot NAME     latest (default), or a UTC timestamp like 20260101T000000Z
  -f, --values FILE       the instance's values (backup.enabled and backup.s3 must be set);
                          repeat to merge, later files win
      --dry-run           the Job only reports what it would create or change
  -h, --help              show this help

A Job named <release>-backup-restore that still exists from an earlier restore must be deleted
first (kubectl delete job <release>-backup-restore); a finished one is removed after a day.`;

export const restoreJobCommand: Command = {
  name: 'restore-job',
  summary: 'print the one-off Job that restores a backup snapshot',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        namespace: { type: 'string', short: 'n' },
        release: { type: 'string', short: 'r' },
        snapshot: { type: 'string', short: 's', default: 'latest' },
        values: { type: 'string', short: 'f', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.namespace === undefined) throw new UsageError('--namespace is required');
    if (values.release === undefined) throw new UsageError('--release is required');

    // Loaded here, not at the top: `--help` and the other commands do not pay for them.
    const { RESTORE_COMPONENT_LABELS } = await import('../backup/grafana-backup');
    const { readValuesFiles } = await import('../config/values-files');
    const { renderInstance, toYamlStream } = await import('../render/render');
    const merged = readValuesFiles(values.values ?? []) as Record<string, any>;
    const backup = (merged.backup ?? {}) as Record<string, unknown>;
    const restore = { ...((backup.restore ?? {}) as Record<string, unknown>), enabled: true, snapshot: values.snapshot, dryRun: values['dry-run'] };
    const manifests = renderInstance({
      namespace: values.namespace,
      release: values.release,
      values: { ...merged, backup: { ...backup, restore } },
    });
    const component = RESTORE_COMPONENT_LABELS['app.kubernetes.io/component'];
    io.stdout(toYamlStream(manifests.filter((m) => m.metadata?.labels?.['app.kubernetes.io/component'] === component)));
    return 0;
  },
};
