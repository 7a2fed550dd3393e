import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { KEYCLOAK_API_VERSION } from '../../src/config/checks';
import { compareFile, compareRendered, compareTrees } from '../../src/diff/compare';
import * as objectJsonModule from '../../src/render/object-json';
import { renderInstance, renderObjects, toYamlStream } from '../../src/render/render';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';
import { formatReport } from '../../src/diff/format';
import { renderFleet } from '../../src/fleet/render-fleet';
import { fleetOf } from '../fleet/fleet-fixtures';

/** A tree of one file holding the given objects as a YAML stream. */
function tree(files: Record<string, object[]>): Map<string, string> {
  return new Map(Object.entries(files).map(([path, objects]) => [path, objects.map((o) => stringify(o)).join('---\n')]));
}

function secret(data: Record<string, string>, field: 'data' | 'stringData' = 'data'): object {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'team' }, [field]: data };
}

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team' }, data });

describe('diff of rendered trees', () => {
  test('objects are matched by identity: added, removed and changed are told apart, per kind and tenant', () => {
    // GIVEN cm "a" changed, cm "b" removed, cm "c" added, cm "d" unchanged
    const before = tree({ 'team/app.yaml': [configMap('a', { k: '1' }), configMap('b', {}), configMap('d', { same: 'x' })] });
    const after = tree({ 'team/app.yaml': [configMap('a', { k: '2' }), configMap('c', {}), configMap('d', { same: 'x' })] });
    // WHEN compared
    const report = compareTrees(before, after, { old: 'old', new: 'new' });
    // THEN
    expect(report.changes.map((c) => [c.change, c.name])).toEqual([
      ['changed', 'a'],
      ['removed', 'b'],
      ['added', 'c'],
    ]);
    expect(report.total).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(report.byKind).toEqual({ ConfigMap: { added: 1, removed: 1, changed: 1 } });
    expect(report.byTenant).toEqual({ 'team/app': { added: 1, removed: 1, changed: 1 } });
    expect(report.unchanged).toBe(1);
    expect(report.changes[0].diff.filter((l) => /^[-+]/.test(l) && !l.startsWith('@@'))).toEqual([
      expect.stringMatching(/^- {2}k: ['"]1['"]$/),
      expect.stringMatching(/^\+ {2}k: ['"]2['"]$/),
    ]);
  });

  test.each([
    ['team/one.yaml', 'team/two.yaml'],
    ['team/two.yaml', 'team/one.yaml'],
  ])('key order and moving an object from %s to %s are not changes', (from, to) => {
    const before = tree({ [from]: [{ kind: 'ConfigMap', apiVersion: 'v1', metadata: { namespace: 'team', name: 'a' }, data: { x: '1', y: '2' } }] });
    const after = tree({ [to]: [{ apiVersion: 'v1', data: { y: '2', x: '1' }, kind: 'ConfigMap', metadata: { name: 'a', namespace: 'team' } }] });
    const report = compareTrees(before, after, { old: 'o', new: 'n' });
    expect(report.changes).toEqual([]);
    expect(report.unchanged).toBe(1);
  });

  test.each(['data', 'stringData'] as const)('Secret %s values never appear in any output format, but a change is still visible', (field) => {
    // GIVEN a Secret whose value changes from one password to another
    const encode = (v: string) => (field === 'data' ? Buffer.from(v).toString('base64') : v);
    const before = tree({ 'team/s.yaml': [secret({ password: encode('hunter2-old-value') }, field)] });
    const after = tree({ 'team/s.yaml': [secret({ password: encode('hunter2-new-value'), token: encode('tok-en-value') }, field)] });
    // WHEN diffed and printed in every format
    const report = compareTrees(before, after, { old: 'o', new: 'n' });
    const outputs = (['text', 'markdown', 'json'] as const).map((f) => formatReport(report, f));
    // THEN the Secret shows as changed with sizes and hashes, and no value (plain or encoded) leaks
    expect(report.changes.map((c) => c.kind)).toEqual(['Secret']);
    for (const out of outputs) {
      for (const leaked of ['hunter2', 'tok-en-value', encode('hunter2-old-value'), encode('hunter2-new-value'), encode('tok-en-value')]) {
        expect(out).not.toContain(leaked);
      }
      expect(out).toMatch(/redacted: 17 bytes, sha256:[0-9a-f]{12}/);
    }
    const removedLine = report.changes[0].diff.find((l) => l.startsWith('-') && l.includes('password'));
    const addedLine = report.changes[0].diff.find((l) => l.startsWith('+') && l.includes('password'));
    expect(removedLine).toBeDefined();
    expect(addedLine).toBeDefined();
    expect(removedLine!.slice(1)).not.toBe(addedLine!.slice(1));
  });

  test('an object that moved to another file and changed is one change, shown with its new file', () => {
    const before = tree({ 'b/old.yaml': [configMap('a', { k: '1' })] });
    const after = tree({ 'a/new.yaml': [configMap('a', { k: '2' })] });
    const report = compareTrees(before, after, { old: 'o', new: 'n' });
    expect(report.changes.map((c) => [c.change, c.tenant])).toEqual([['changed', 'a/new']]);
  });

  test('a Secret added or removed as a whole is redacted too', () => {
    const report = compareTrees(new Map(), tree({ 'team/s.yaml': [secret({ password: Buffer.from('s3cr3t-value').toString('base64') })] }), { old: 'o', new: 'n' });
    expect(report.changes[0].change).toBe('added');
    expect(report.changes[0].diff.join('\n')).not.toContain(Buffer.from('s3cr3t-value').toString('base64'));
  });

  test('GIVEN Secrets with kubectl\'s last-applied annotation and inside a List WHEN diffed THEN no value leaks', () => {
    // GIVEN a hand-saved `kubectl get -o yaml` List holding a Secret, and a Secret carrying last-applied
    const value = 'LISTSECRETVALUE';
    const encoded = Buffer.from(value).toString('base64');
    const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { pw: encoded } });
    const applied = { ...secret({ pw: encoded }), metadata: { name: 'creds', namespace: 'team', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } } };
    const list = { apiVersion: 'v1', kind: 'List', metadata: { name: 'saved', namespace: 'team' }, items: [{ ...secret({ pw: encoded }), metadata: { name: 'other', namespace: 'team' } }] };
    // WHEN added, in every format
    const report = compareTrees(new Map(), tree({ 'team/saved.yaml': [applied, list] }), { old: 'o', new: 'n' });
    // THEN neither the value nor its encoding appears, and both are still visible as redacted
    for (const out of (['text', 'markdown', 'json'] as const).map((f) => formatReport(report, f))) {
      expect(out).not.toContain(value);
      expect(out).not.toContain(encoded);
      expect(out.match(/redacted: \d+ bytes/g)?.length).toBeGreaterThanOrEqual(3);
    }
  });

  test('two renders of fleets that differ in one tenant differ only in that tenant', async () => {
    // GIVEN two fleets where only tenant b changes its host
    const before = await renderFleet(fleetOf([{ namespace: 'a' }, { namespace: 'b', mode: 'System' }]));
    const after = await renderFleet(fleetOf([{ namespace: 'a' }, { namespace: 'b', mode: 'System', host: 'new-b.example.org' }]));
    // WHEN compared
    const report = compareTrees(before, after, { old: 'o', new: 'n' });
    // THEN only b's objects changed, and the new host shows in an added line
    expect(Object.keys(report.byTenant)).toEqual(['b/monitoring']);
    expect(report.total.changed).toBeGreaterThan(0);
    expect(report.changes.flatMap((c) => c.diff).some((l) => l.startsWith('+') && l.includes('new-b.example.org'))).toBe(true);
  });

  test('markdown wraps each object in a collapsible section with a diff block', () => {
    const report = compareTrees(tree({ 't/a.yaml': [configMap('a', { k: '1' })] }), tree({ 't/a.yaml': [configMap('a', { k: '2' })] }), { old: 'o', new: 'n' });
    const md = formatReport(report, 'markdown');
    expect(md).toMatch(/<details><summary>changed ConfigMap team\/a .*<\/summary>\n\n```diff\n[\s\S]*\n```\n<\/details>/);
    expect(JSON.parse(formatReport(report, 'json')).total).toEqual({ added: 0, removed: 0, changed: 1 });
  });
});

describe('markdown size', () => {
  test('a huge change stays under GitHub\'s comment limit and says how many diffs were left out', () => {
    // GIVEN 2,000 changed ConfigMaps with sizeable diffs
    const many = (v: string) => tree({ 'team/app.yaml': Array.from({ length: 2000 }, (_, i) => configMap(`cm-${i}`, { value: `${v}-${'x'.repeat(200)}` })) });
    const report = compareTrees(many('old'), many('new'), { old: 'o', new: 'n' });
    // WHEN printed as markdown
    const md = formatReport(report, 'markdown');
    // THEN it fits a comment and tells the reader the rest exists
    expect(md.length).toBeLessThan(65_536);
    const shown = (md.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(md).toContain(`${2000 - shown} more object diffs left out`);
  });
});

describe('comparing rendered objects without their YAML', () => {
  // Every chart fixture the renderer takes, rendered for one target: as pairs of old and new sides,
  // they change, add and remove every kind of object the project renders.
  const target = { namespace: 'tenant-acme', release: 'monitoring', apiVersions: [KEYCLOAK_API_VERSION] };
  const fixtures = CI_FIXTURES.filter((f) => f.helmOnly === undefined).map((f) => ({ ...target, values: parse(readFileSync(ciFixturePath(f), 'utf8')) }));
  const path = 'tenant-acme/monitoring.yaml';
  const text = (fixture?: (typeof fixtures)[number]) => (fixture === undefined ? undefined : toYamlStream(renderInstance(fixture)));
  const sides = [undefined, ...fixtures];

  test('GIVEN every pair of fixtures, and one side missing WHEN compared as the objects rendered THEN the result is that of comparing their files', () => {
    let changes = 0;
    let unchanged = 0;
    for (const before of sides) {
      for (const after of sides) {
        if (before === undefined && after === undefined) continue;
        // Each side rendered on its own, as the diff renders them (two Apps).
        const compared = compareRendered(path, before && renderObjects(before), after && renderObjects(after));
        expect(compared).toEqual(compareFile(path, text(before), text(after)));
        changes += compared.changes.length;
        unchanged += compared.unchanged;
      }
    }
    expect(changes).toBeGreaterThan(fixtures.length * 5);
    expect(unchanged).toBeGreaterThan(fixtures.length * 5);
  });

  test('GIVEN a side given as manifests (a chart with dependencies) WHEN compared THEN the result is the same', () => {
    const [a, b] = [fixtures[1], fixtures[7]];
    expect(compareRendered(path, { manifests: renderInstance(a) }, renderObjects(b))).toEqual(compareFile(path, text(a), text(b)));
  });

  test('GIVEN a tenant changed in one value WHEN compared THEN only the objects made of other data get manifests made', () => {
    // GIVEN the same fixture with another Grafana version
    const before = fixtures[1];
    const after = { ...before, values: { ...before.values, grafana: { ...before.values.grafana, version: '99.0.0' } } };
    const objects = renderInstance(before).length;
    const made = jest.spyOn(objectJsonModule, 'objectJson');
    // WHEN compared
    const compared = compareRendered(path, renderObjects(before), renderObjects(after));
    // THEN one object changed, and only that pair's manifests were made
    expect(compared.changes.map((c) => c.kind)).toEqual(['Grafana']);
    expect(compared.unchanged).toBe(objects - 1);
    expect(made).toHaveBeenCalledTimes(2);
    made.mockRestore();
  });
});
