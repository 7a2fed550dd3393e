import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';

const usage = `Usage: grafana-tenancy render --namespace NS --release REL [-f values.yaml ...] [--api-versions LIST]

Prints one Monitoring instance's manifests as a YAML stream: the cdk8s twin of
'helm template REL charts/grafana-tenancy -n NS -f values.yaml'.

Options:
  -n, --namespace NS      namespace of the instance (a DNS label)
  -r, --release REL       release name of the instance (a letter first, at most 53 characters)
  -f, --values FILE       values file in the chart's shape; repeat to merge, later files win
  -a, --api-versions LIST API versions the cluster serves, comma-separated or repeated,
                          like helm's --api-versions (System mode needs v1.edp.epam.com/v1)
  -h, --help              show this help

Invalid input exits 1 with the reason on stderr and nothing on stdout.`;

export const renderCommand: Command = {
  name: 'render',
  summary: 'print one instance as a YAML stream (twin of helm template)',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        namespace: { type: 'string', short: 'n' },
        release: { type: 'string', short: 'r' },
        values: { type: 'string', short: 'f', multiple: true },
        'api-versions': { type: 'string', short: 'a', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.namespace === undefined) throw new UsageError('--namespace is required');
    if (values.release === undefined) throw new UsageError('--release is required');

    // Loaded here, not at the top: `--help` and the other commands do not pay for them.
    const { readValuesFiles } = await import('../config/values-files');
    const { renderInstance, toYamlStream } = await import('../render/render');
    const merged = readValuesFiles(values.values ?? []);
    const apiVersions = (values['api-versions'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const manifests = renderInstance({
      namespace: values.namespace,
      release: values.release,
      values: merged,
      apiVersions,
    });
    io.stdout(toYamlStream(manifests));
    return 0;
  },
};
