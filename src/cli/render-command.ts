import { parseArgs } from 'node:util';
import { Command, UsageError } from './command';
import { parseOutputFormat } from './options';
import { parseSetFlags } from './set-values';
import { deepMerge, PlainObject } from '../config/merge';

const usage = `Usage: grafana-tenancy render --namespace NS --release REL [-f values.yaml ...] [--set KEY=VALUE ...]
                              [--api-versions LIST] [-o yaml|json]

Prints one Monitoring instance's manifests: the cdk8s twin of
'helm template REL charts/grafana-tenancy -n NS -f values.yaml --set KEY=VALUE'.

Options:
  -n, --namespace NS        namespace of the instance (a DNS label)
  -r, --release REL         release name of the instance (a letter first, at most 53 characters)
  -f, --values FILE         values file in the chart's shape; repeat to merge, later files win
      --set KEY=VALUE       set a value, applied after the files like Helm's --set: dotted keys
                            (grafana.ingress.enabled=false), several at once (a=1,b=2), '\\.' for
                            a dot inside a key (grafana.ingress.annotations.cert-manager\\.io/x=y),
                            list items (apiVersions[0]=v1.edp.epam.com/v1) and lists ({a,b}).
                            Typed as Helm types them: true/false are booleans, integers without a
                            leading zero are numbers, everything else is a string; null is refused
      --set-string KEY=VALUE  like --set, every value a string
  -a, --api-versions LIST   API versions the cluster serves, comma-separated or repeated,
                            like helm's --api-versions (System mode needs v1.edp.epam.com/v1)
  -o, --output FORMAT       yaml (default): a YAML stream like helm template;
                            json: a kubectl-style List of the objects
  -h, --help                show this help

Not supported from Helm: --set-file, --set-json, --set-literal.
Invalid input exits 1 with the reason on stderr and nothing on stdout.`;

export const renderCommand: Command = {
  name: 'render',
  summary: 'print one instance as a YAML stream or JSON (twin of helm template)',
  usage,
  async run(args, io) {
    const { values, tokens } = parseArgs({
      args,
      options: {
        namespace: { type: 'string', short: 'n' },
        release: { type: 'string', short: 'r' },
        values: { type: 'string', short: 'f', multiple: true },
        set: { type: 'string', multiple: true },
        'set-string': { type: 'string', multiple: true },
        'api-versions': { type: 'string', short: 'a', multiple: true },
        output: { type: 'string', short: 'o', default: 'yaml' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
    if (values.namespace === undefined) throw new UsageError('--namespace is required');
    if (values.release === undefined) throw new UsageError('--release is required');
    const format = parseOutputFormat(values.output, ['yaml', 'json']);

    // One tenant is parsed a handful of times at most: zod's JIT (a parser per object schema,
    // compiled with new Function on first use) costs more than it saves here, per a CPU profile.
    // Set before the schemas are built (zod/v4/core/schemas.js reads it then): before the imports.
    (await import('zod')).config({ jitless: true });
    // Loaded here, not at the top: `--help` and the other commands do not pay for them.
    const { schemaProblems } = await import('../config/parse');
    const { readValuesFiles } = await import('../config/values-files');
    const { renderInstance, toYamlStream } = await import('../render/render');
    // --set and --set-string apply in the order given, like Helm's.
    const sets = tokens
      .filter((t) => t.kind === 'option' && (t.name === 'set' || t.name === 'set-string'))
      .map((t) => ({ text: (t as { value?: string }).value ?? '', asString: (t as { name: string }).name === 'set-string' }));
    const fromSet = parseSetFlags(sets);
    // Without --set there is nothing to check (no values are always valid): one parse less.
    const setProblems = sets.length === 0 ? [] : schemaProblems(fromSet).map((p) => `--set: ${p}`);
    const merged = deepMerge(readValuesFiles(values.values ?? [], setProblems), fromSet) as PlainObject;
    const apiVersions = (values['api-versions'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const manifests = renderInstance({
      namespace: values.namespace,
      release: values.release,
      values: merged,
      apiVersions,
    });
    io.stdout(format === 'json' ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n` : toYamlStream(manifests));
    return 0;
  },
};
