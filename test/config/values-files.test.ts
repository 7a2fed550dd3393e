import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/config/parse';
import { readValuesFiles } from '../../src/config/values-files';
import { runBin } from '../cli/run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'grafana-tenancy-values-files-'));
function file(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function problems(files: string[]): readonly string[] {
  try {
    readValuesFiles(files);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
}

describe('values files (render -f)', () => {
  test('GIVEN two files WHEN read THEN later files win key by key, as with helm -f', () => {
    const base = file('base.yaml', 'host: a.example.org\ngrafana:\n  version: "10.4.1"\n  ingress: {className: nginx}\n');
    const override = file('override.yaml', 'grafana:\n  ingress: {className: traefik}\n');
    expect(readValuesFiles([base, override])).toEqual({ host: 'a.example.org', grafana: { version: '10.4.1', ingress: { className: 'traefik' } } });
  });

  test('GIVEN a wrong field in the second file WHEN read THEN the problem names that file and the field', () => {
    const base = file('good.yaml', 'host: a.example.org\n');
    const bad = file('bad.yaml', 'grafana:\n  version: yes\n');
    expect(problems([base, bad])).toEqual([
      `${bad}: grafana.version: expected a string, got the boolean true: quote it (YAML 1.1 reads unquoted y, yes, on, off as booleans)`,
    ]);
  });

  test('GIVEN a list file, a broken file and a misspelt field WHEN read THEN all three are reported, each with its file', () => {
    const list = file('list.yaml', '- host: a.example.org\n');
    const broken = file('broken.yaml', 'host: [\n');
    const typo = file('typo.yaml', 'hots: a.example.org\n');
    const found = problems([list, broken, typo]);
    expect(found).toHaveLength(3);
    expect(found[0]).toBe(`${list}: expected an object of values at the top level (like the chart's values.yaml), got a list`);
    expect(found[1]).toMatch(new RegExp(`^${broken}: not valid YAML: `));
    expect(found[2]).toBe(`${typo}: hots: unknown field; check the spelling against the values reference`);
  });

  test('GIVEN a null WHEN read THEN it is left to the catalogue check, which the chart shares', () => {
    expect(problems([file('null.yaml', 'grafana:\n  version: null\n')])).toEqual([]);
  });

  test('GIVEN a wrong field WHEN the render command runs THEN stderr names the values file and says "an object"', () => {
    const bad = file('render-bad.yaml', 'host: a.example.org\ngrafana: nginx\n');
    const result = runBin(['render', '-n', 'tenant-acme', '-r', 'monitoring', '-f', bad]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${bad}: grafana: expected an object (a mapping of keys to values), got the string "nginx"\n`);
  });
});
