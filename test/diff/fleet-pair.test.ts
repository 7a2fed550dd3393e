import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet, parseFleet, parseHelmYaml } from '../../src/config/fleet';
import { loadSidePair, readPair } from '../../src/diff/fleet-pair';
import { BASE, entry, HEAD, SYSTEM } from '../support/fleet-texts';

/** b changes its host, c leaves, d arrives. */
const CHANGED = HEAD + entry('a', SYSTEM) + entry('b').replace('host: b.', 'host: new-b.') + entry('d');

const full = (text: string, label: string) => parseFleet(parseHelmYaml(text, label), label);

describe('reading the two fleet files of a diff', () => {
  test('GIVEN two fleet files sharing entries WHEN read as a pair THEN both fleets are what reading each in full gives, the shared entries read once', () => {
    const pair = readPair(BASE, 'old.yaml', CHANGED, 'new.yaml');
    expect(pair).toBeDefined();
    expect(pair!.old).toEqual(full(BASE, 'old.yaml'));
    expect(pair!.new).toEqual(full(CHANGED, 'new.yaml'));
    // AND the unchanged entry a is the new side's validated tenant, not a second parse
    expect(pair!.old.tenants[0].values).toBe(pair!.new.tenants[0].values);
    expect(pair!.old.tenants.map((t) => t.namespace)).toEqual(['a', 'b', 'c']);
  });

  test('GIVEN an entry whose host changed WHEN read as a pair THEN the old side\'s tenant is parsed by the new side\'s values parser: the fields written alike are the same objects', () => {
    const pair = readPair(BASE, 'old.yaml', CHANGED, 'new.yaml')!;
    const [oldB, newB] = [pair.old.tenants[1], pair.new.tenants[1]];
    expect([oldB.values.host, newB.values.host]).toEqual(['b.example.org', 'new-b.example.org']);
    // Each field's output, shared: the diff finds them the same without comparing their contents.
    for (const field of ['oidc', 'grafana', 'platform'] as const) expect(oldB.values[field]).toBe(newB.values[field]);
    expect(oldB.values).toEqual({ ...full(BASE, 'old.yaml').tenants[1].values });
  });

  test('GIVEN a base whose changed entry is invalid WHEN loaded as a pair THEN the problem is reported exactly as reading that file alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-pair-'));
    writeFileSync(join(dir, 'old.yaml'), BASE.replace('host: c.example.org', 'host: "Not A Host"'));
    writeFileSync(join(dir, 'new.yaml'), CHANGED);
    const alone = () => loadFleet(join(dir, 'old.yaml'));
    expect(alone).toThrow(/tenants\[2\]/);
    const message = (() => { try { alone(); } catch (e) { return (e as Error).message; } return ''; })();
    expect(() => loadSidePair({ file: join(dir, 'old.yaml') }, { file: join(dir, 'new.yaml') })).toThrow(message);
  });

  test('GIVEN a base that repeats an unchanged entry WHEN loaded as a pair THEN the fleet-wide duplicate check still refuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-pair-'));
    writeFileSync(join(dir, 'old.yaml'), BASE + entry('a', SYSTEM));
    writeFileSync(join(dir, 'new.yaml'), CHANGED);
    expect(() => loadFleet(join(dir, 'old.yaml'))).toThrow(/a\/monitoring/);
    expect(() => readPair(BASE + entry('a', SYSTEM), 'old.yaml', CHANGED, 'new.yaml')).toThrow(/a\/monitoring/);
    expect(() => loadSidePair({ file: join(dir, 'old.yaml') }, { file: join(dir, 'new.yaml') })).toThrow(/a\/monitoring/);
  });

  test('GIVEN different defaults on the two sides WHEN read as a pair THEN nothing is shared (the full read is used)', () => {
    const other = CHANGED.replace('name: cozy', 'name: other');
    expect(readPair(BASE, 'old.yaml', other, 'new.yaml')).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'fleet-pair-'));
    writeFileSync(join(dir, 'old.yaml'), BASE);
    writeFileSync(join(dir, 'new.yaml'), other);
    const [oldSide, newSide] = loadSidePair({ file: join(dir, 'old.yaml') }, { file: join(dir, 'new.yaml') });
    expect('fleet' in oldSide && oldSide.fleet).toEqual(full(BASE, join(dir, 'old.yaml')));
    expect('fleet' in newSide && newSide.fleet.tenants[0].values.platform.oidc.realmRef.name).toBe('other');
  });

  /**
   * The message loading the pair throws ('' when none), and that of reading both files in full
   * one after the other as before the pair reader (the old side's problems first).
   */
  const pairProblem = (oldText: string, newText: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-pair-'));
    writeFileSync(join(dir, 'old.yaml'), oldText);
    writeFileSync(join(dir, 'new.yaml'), newText);
    const problem = (load: () => unknown) => { try { load(); } catch (e) { return (e as Error).message; } return ''; };
    const pair = problem(() => loadSidePair({ file: join(dir, 'old.yaml') }, { file: join(dir, 'new.yaml') }));
    return { pair, alone: problem(() => [loadFleet(join(dir, 'old.yaml')), loadFleet(join(dir, 'new.yaml'))]) };
  };

  test('GIVEN an entry that is invalid on both sides, word for word WHEN loaded as a pair THEN it is still checked and refused as reading the files in full', () => {
    const broken = entry('x', '    oidc:\n      mode: Sometimes\n');
    const { pair, alone } = pairProblem(BASE + broken, CHANGED + broken);
    expect(alone).toMatch(/tenants\[3\].*oidc\.mode/);
    expect(pair).toBe(alone);
  });

  test('GIVEN a changed entry that takes the data-source tenant id of an unchanged one WHEN loaded as a pair THEN the fleet check refuses it as reading the files in full', () => {
    const withMetrics = (text: string) => text.replace('defaults:\n', 'defaults:\n  datasources:\n    metrics:\n      url: http://mimir.example\n');
    const thief = entry('d', '    datasources:\n      metrics:\n        tenantId: a\n');
    const { pair, alone } = pairProblem(withMetrics(BASE), withMetrics(CHANGED.replace(entry('d'), thief)));
    expect(alone).toMatch(/tenant id "a"/);
    expect(pair).toBe(alone);
  });

  test('GIVEN a repeated key in an entry WHEN loaded as a pair THEN the problem names the line of the whole file, as reading the files in full', () => {
    const { pair, alone } = pairProblem(BASE, CHANGED.replace('host: new-b.example.org\n', 'host: new-b.example.org\n    host: again.example.org\n'));
    expect(alone).toMatch(/line \d+.*set twice/);
    expect(pair).toBe(alone);
  });

  test('GIVEN entries in flow style or with escapes WHEN read as a pair THEN they are read by the yaml library and both fleets are those of a full read', () => {
    const flow = (text: string) => text.replace('    oidc:\n      mode: System\n', '    oidc: {mode: System}\n').replace('host: b.example.org', 'host: "b.ex\\u0061mple.org"');
    const pair = readPair(flow(BASE), 'old.yaml', flow(CHANGED), 'new.yaml');
    expect(pair).toBeDefined();
    expect(pair!.old).toEqual(full(flow(BASE), 'old.yaml'));
    expect(pair!.new).toEqual(full(flow(CHANGED), 'new.yaml'));
    expect(pair!.old.tenants[1].values.host).toBe('b.example.org');
  });
});
