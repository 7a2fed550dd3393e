import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputsDigest, isUpToDate } from '../../src/fleet/digest';
import { GENERATED_HEADER } from '../../src/fleet/layout';
import { renderFleet } from '../../src/fleet/render-fleet';
import { synthFleet } from '../../src/fleet/synth';
import { renderTenantFile } from '../../src/fleet/tenant-file';
import * as render from '../../src/render/render';
import { fleetOf, mixedFleet, tempDir } from '../fleet/fleet-fixtures';

const PAST = new Date('2020-01-01T00:00:00Z');
const DIGEST_LINE = /^# Digest: inputs ([0-9a-f]{64}), content ([0-9a-f]{64})$/;

describe('the digest line of a tenant file', () => {
  test('GIVEN a rendered tenant file THEN its second line records the inputs digest and the digest of the rest of the file', async () => {
    // GIVEN a fleet's rendered tree
    const fleet = mixedFleet(3);
    const tree = await renderFleet(fleet);
    const tenant = fleet.tenants[0];
    const text = tree.get(`${tenant.namespace}/${tenant.release}.yaml`)!;
    // THEN line 1 is the ownership header and line 2 the digests
    const [first, second] = text.split('\n');
    expect(`${first}\n`).toBe(GENERATED_HEADER);
    const match = DIGEST_LINE.exec(second);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(inputsDigest(tenant, fleet.apiVersions));
    // AND the file is up to date for those inputs, and for no others
    expect(isUpToDate(Buffer.from(text), match![1])).toBe(true);
    expect(isUpToDate(Buffer.from(text), inputsDigest({ ...tenant, release: 'other' }, fleet.apiVersions))).toBe(false);
    // AND a file changed by one byte after the digest line is not
    expect(isUpToDate(Buffer.from(text.replace('kind: ', 'kind:  ')), match![1])).toBe(false);
  });

  test('GIVEN the same tenant WHEN its values, names or API versions change THEN its inputs digest changes', () => {
    const tenant = mixedFleet(1).tenants[0];
    const base = inputsDigest(tenant, ['v1.edp.epam.com/v1']);
    expect(inputsDigest(tenant, ['v1.edp.epam.com/v1'])).toBe(base);
    expect(inputsDigest({ ...tenant, namespace: 'other' }, ['v1.edp.epam.com/v1'])).not.toBe(base);
    expect(inputsDigest(tenant, [])).not.toBe(base);
    expect(inputsDigest({ ...tenant, values: { ...tenant.values, host: 'x.example.org' } }, ['v1.edp.epam.com/v1'])).not.toBe(base);
  });

  test('GIVEN the body after the digest line THEN it is exactly the render of the instance (the YAML stream is unchanged)', () => {
    const fleet = mixedFleet(2);
    const { namespace, release, values } = fleet.tenants[1];
    const text = renderTenantFile({ namespace, release, values }, fleet.apiVersions);
    const body = text.split('\n').slice(2).join('\n');
    expect(body).toBe(render.toYamlStream(render.renderInstance({ namespace, release, values, apiVersions: fleet.apiVersions })));
  });
});

describe('re-synth with digests', () => {
  afterEach(() => jest.restoreAllMocks());

  test('GIVEN an up-to-date tree WHEN synthesized again THEN no tenant is rendered and nothing is written', async () => {
    const fleet = mixedFleet(6);
    const out = tempDir();
    await synthFleet(fleet, out, { parallelism: 1 });
    const renders = jest.spyOn(render, 'renderInstance');
    // WHEN synthesized again
    const result = await synthFleet(fleet, out, { parallelism: 1 });
    // THEN nothing was rendered or written
    expect(renders).not.toHaveBeenCalled();
    expect(result.written).toEqual([]);
    expect(result.unchanged).toHaveLength(12);
  });

  test('GIVEN a hand-edited, a deleted and a changed tenant WHEN synthesized again THEN exactly those three are rendered and restored', async () => {
    // GIVEN a synthesized tree with old mtimes
    const specs = [{ namespace: 'a' }, { namespace: 'b' }, { namespace: 'c' }, { namespace: 'd' }, { namespace: 'e', mode: 'System' as const }];
    const out = tempDir();
    await synthFleet(fleetOf(specs), out, { parallelism: 1 });
    const pristine = readFileSync(join(out, 'a/monitoring.yaml'), 'utf8');
    for (const ns of ['a', 'b', 'c', 'd', 'e']) utimesSync(join(out, ns, 'monitoring.yaml'), PAST, PAST);
    // a: edited by hand (same size: one letter swapped), b: deleted, c: its values change
    writeFileSync(join(out, 'a/monitoring.yaml'), pristine.replace('kind: Grafana', 'kind: Grafanb'));
    rmSync(join(out, 'b/monitoring.yaml'));
    const changed = fleetOf([specs[0], specs[1], { namespace: 'c', grafana: { version: '11.3.0' } }, specs[3], specs[4]]);
    const renders = jest.spyOn(render, 'renderInstance');
    // WHEN synthesized again
    const result = await synthFleet(changed, out, { parallelism: 1 });
    // THEN only a, b and c were rendered and written; the edit is undone
    expect(renders.mock.calls.map(([t]) => t.namespace).sort()).toEqual(['a', 'b', 'c']);
    expect(result.written).toEqual(['a/monitoring.yaml', 'b/monitoring.yaml', 'c/monitoring.yaml']);
    expect(readFileSync(join(out, 'a/monitoring.yaml'), 'utf8')).toBe(pristine);
    // AND d and e kept their mtime
    for (const ns of ['d', 'e']) expect(statSync(join(out, ns, 'monitoring.yaml')).mtime.getTime()).toBe(PAST.getTime());
  });

  test('GIVEN a file of the tree written by an older build (no digest line) WHEN synthesized THEN it is rendered and rewritten with one', async () => {
    const fleet = mixedFleet(1);
    const out = tempDir();
    await synthFleet(fleet, out, { parallelism: 1 });
    const path = join(out, `${fleet.tenants[0].namespace}/${fleet.tenants[0].release}.yaml`);
    const current = readFileSync(path, 'utf8');
    const [header, , ...body] = current.split('\n');
    writeFileSync(path, [header, ...body].join('\n'));
    const result = await synthFleet(fleet, out, { parallelism: 1 });
    expect(result.written).toEqual([`${fleet.tenants[0].namespace}/${fleet.tenants[0].release}.yaml`]);
    expect(readFileSync(path, 'utf8')).toBe(current);
  });
});
