import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet } from '../../src/config/fleet';
import { renderInstance } from '../../src/render/render';
import { toYaml } from '../../src/render/yaml-emit';
import { requireTools, ROOT, runHelm } from '../chart/renderers';
import { PLATFORM } from '../support/fixtures';

/*
 * kubectl, Argo CD and Flux read manifests with Go's YAML reader (sigs.k8s.io/yaml), not with
 * the JavaScript one: a string written plain may come back as a boolean or number there only
 * (`0X1F`, `0O17`, `on`). Helm's `fromYaml` is that reader, so a one-template chart that turns
 * every rendered document into JSON shows exactly what the cluster tooling gets.
 */

/** Each YAML document read by Go's reader, as JSON values, in order. */
async function readWithGo(documents: readonly string[]): Promise<unknown[]> {
  const chart = mkdtempSync(join(tmpdir(), 'gt-go-reader-'));
  mkdirSync(join(chart, 'templates'));
  mkdirSync(join(chart, 'docs'));
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: go-reader\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'templates', 'out.yaml'), '{{ range $path, $_ := .Files.Glob "docs/*.yaml" }}{{ $.Files.Get $path | fromYaml | toJson }}\n{{ end }}');
  documents.forEach((doc, i) => writeFileSync(join(chart, 'docs', `${String(i).padStart(4, '0')}.yaml`), doc));
  const result = await runHelm(['template', 'r', chart]);
  if (!result.ok) throw new Error(result.stderr);
  return result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

/** Strings that Go's reader, or YAML 1.1, would take for something else when written plain. */
const ODD = ['on', 'Off', 'yes', 'N', '1_000', '0X1F', '0O17', '0B11', '0o17', '2001-12-14', '12:30', '1e3', '.inf', '~', 'null', '<<', '-1', '+1', '0.5.1'];

describe('rendered YAML under Go\'s reader (sigs.k8s.io/yaml)', () => {
  beforeAll(() => requireTools());

  test('GIVEN the example fleet and values full of ambiguous strings WHEN rendered THEN Go reads back exactly the rendered objects', async () => {
    const example = loadFleet(join(ROOT, 'examples', 'tenants.yaml'));
    const odd = Object.fromEntries(ODD.map((v, i) => [`k${i}`, v]));
    const manifests = [
      ...example.tenants.flatMap((t) => renderInstance({ ...t, apiVersions: example.apiVersions })),
      ...renderInstance({
        namespace: 'tenant-odd',
        release: 'monitoring',
        apiVersions: ['v1.edp.epam.com/v1'],
        values: {
          host: 'odd.example.org',
          oidc: { mode: 'CustomConfig', customConfig: { config: { client_id: 'grafana', ...odd } } },
          platform: PLATFORM,
          grafana: { ingress: { annotations: Object.fromEntries(ODD.map((v, i) => [`example.org/k${i}`, v])) } },
        },
      }),
    ];
    expect(manifests.length).toBeGreaterThan(20);
    const readBack = await readWithGo(manifests.map((m) => toYaml(m)));
    expect(readBack).toEqual(manifests.map((m) => JSON.parse(JSON.stringify(m))));
  });
});
