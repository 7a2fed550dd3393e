import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseFleet } from '../../src/config/fleet';
import { InputError } from '../../src/config/parse';
import { appendTenant, writeFileAtomic } from '../../src/fleet/add-tenant';
import { tempDir } from './fleet-fixtures';

const EXAMPLE = readFileSync(join(__dirname, '..', '..', 'examples', 'tenants.yaml'), 'utf8');

const NEW = { namespace: 'tenant-new', release: 'monitoring', host: 'new.example.org', mode: 'System' };

function refusal(text: string, tenant: Parameters<typeof appendTenant>[2]): string[] {
  try {
    appendTenant(text, 'tenants.yaml', tenant);
  } catch (e) {
    if (e instanceof InputError) return [...e.problems];
    throw e;
  }
  throw new Error('expected the tenant to be refused');
}

describe('add-tenant', () => {
  test('appends the tenant and keeps every comment and line of the file as it was', () => {
    // WHEN a tenant is appended to the commented example fleet
    const updated = appendTenant(EXAMPLE, 'tenants.yaml', NEW);
    // THEN the original text is untouched up to the end, comments included
    expect(updated.startsWith(EXAMPLE.trimEnd())).toBe(true);
    const comments = EXAMPLE.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments.length).toBeGreaterThan(5);
    for (const c of comments) expect(updated).toContain(c);
    // AND the new entry is the last tenant, valid with the fleet's defaults
    const fleet = parseFleet(parse(updated), 'tenants.yaml');
    const last = fleet.tenants[fleet.tenants.length - 1];
    expect([last.namespace, last.release, last.values.host, last.values.oidc.mode]).toEqual(['tenant-new', 'monitoring', 'new.example.org', 'System']);
    expect(fleet.tenants).toHaveLength(parse(EXAMPLE).tenants.length + 1);
  });

  test('keeps a file whose sequences are not indented that way', () => {
    const flat = '# my fleet\ntenants:\n- namespace: a # first\n  release: m\n  host: a.example.org\n';
    const updated = appendTenant(flat, 'tenants.yaml', { ...NEW, mode: 'None' });
    expect(updated.startsWith(flat)).toBe(true);
    expect(updated).toContain('\n- namespace: tenant-new\n');
  });

  /**
   * The appended entry as it should read: `dash` before its first line, `indent` before the
   * others. Mode None is what the tenant inherits anyway, so it is not spelled out.
   */
  const entry = (dash: string, indent: string, eol = '\n') =>
    [`${dash}namespace: tenant-new`, `${indent}release: monitoring`, `${indent}host: new.example.org`, ''].join(eol);

  test.each([
    ['CRLF line endings', 'tenants:\r\n  - namespace: a\r\n    release: m\r\n    host: a.example.org\r\n', '', entry('  - ', '    ', '\r\n')],
    ['4-space indentation and a flow entry', 'tenants:\n    - {namespace: a, release: m, host: a.example.org}\n', '', entry('    - ', '      ')],
    ['aligned inline comments', 'tenants:\n  - namespace: a      # team A\n    release: m        # the default\n    host: a.example.org\n', '', entry('  - ', '    ')],
    ['a folded scalar', 'defaults:\n  grafana:\n    ingress:\n      annotations:\n        note: >-\n          a long\n          folded note\ntenants:\n- namespace: a\n  release: m\n  host: a.example.org\n', '', entry('- ', '  ')],
    ['comments after the last tenant', 'tenants:\n  - namespace: a\n    release: m\n    host: a.example.org\n', '  # - namespace: old  (parked)\n\n# end of fleet\n', entry('  - ', '    ')],
    ['no newline at the end', 'tenants:\n  - namespace: a\n    release: m\n    host: a.example.org', '', `\n${entry('  - ', '    ')}`],
  ])('GIVEN a file with %s WHEN a tenant is appended THEN only the entry is added, every other byte kept', (_, head, tail, added) => {
    const updated = appendTenant(head + tail, 'tenants.yaml', { ...NEW, mode: 'None' });
    expect(updated).toBe(head + added + tail);
    const fleet = parseFleet(parse(updated, { version: '1.1' }), 'tenants.yaml');
    expect(fleet.tenants.map((t) => t.namespace)).toEqual(['a', 'tenant-new']);
  });

  test('GIVEN entries separated by blank lines WHEN a tenant is appended THEN it gets a blank line too', () => {
    const original = 'tenants:\n  - namespace: a\n    release: m\n    host: a.example.org\n\n  - namespace: b\n    release: m\n    host: b.example.org\n';
    expect(appendTenant(original, 'tenants.yaml', { ...NEW, mode: 'None' })).toBe(
      `${original}\n  - namespace: tenant-new\n    release: monitoring\n    host: new.example.org\n`,
    );
  });

  test('GIVEN an empty flow list (tenants: []) WHEN a tenant is appended THEN the list becomes a block list', () => {
    const updated = appendTenant('# fleet\ntenants: []\n', 'tenants.yaml', { ...NEW, mode: 'None' });
    expect(updated).toBe('# fleet\ntenants:\n  - namespace: tenant-new\n    release: monitoring\n    host: new.example.org\n');
  });

  test('GIVEN fleet defaults with mode System WHEN a tenant is added with the same or another mode THEN only a different mode is written', () => {
    // GIVEN a fleet whose defaults make every tenant System
    const fleet = parseFleet(parse(EXAMPLE), 'tenants.yaml');
    expect(fleet.tenants.length).toBeGreaterThan(0);
    const withSystem = `${EXAMPLE.replace(/^defaults:\n/m, 'defaults:\n  oidc:\n    mode: System\n')}`;
    // WHEN added with --mode System  THEN the entry inherits it silently
    expect(parse(appendTenant(withSystem, 'tenants.yaml', NEW)).tenants.at(-1)).toEqual({ namespace: 'tenant-new', release: 'monitoring', host: 'new.example.org' });
    // WHEN added with --mode None  THEN the entry says so, since it differs from the defaults
    expect(parse(appendTenant(withSystem, 'tenants.yaml', { ...NEW, mode: 'None' })).tenants.at(-1).oidc).toEqual({ mode: 'None' });
  });

  test('refuses a duplicate (namespace, release), naming the existing entry', () => {
    expect(refusal(EXAMPLE, { ...NEW, namespace: 'tenant-acme', host: 'other.example.org' })).toEqual([
      expect.stringMatching(/tenant tenant-acme\/monitoring already exists at tenants\[1\]/),
    ]);
  });

  test('refuses a clientId collision with an existing tenant, naming both', () => {
    // tenant-acme/monitoring exists: tenant/acme-monitoring gives the same clientId
    const [problem] = refusal(EXAMPLE, { ...NEW, namespace: 'tenant', release: 'acme-monitoring' });
    expect(problem).toMatch(/clientId collision/);
    expect(problem).toContain('(tenant-acme/monitoring)');
    expect(problem).toContain('(tenant/acme-monitoring)');
  });

  test('refuses a taken host and an invalid tenant', () => {
    expect(refusal(EXAMPLE, { ...NEW, host: 'acme.example.org' })[0]).toMatch(/duplicate host "acme.example.org"/);
    expect(refusal(EXAMPLE, { ...NEW, mode: 'Sytem' })[0]).toMatch(/oidc.mode "Sytem" is not supported/);
  });

  test('starts a tenants list in a file that has none', () => {
    const updated = appendTenant('# empty fleet\n', 'tenants.yaml', { ...NEW, mode: 'None' });
    expect(updated).toContain('# empty fleet');
    expect(parse(updated).tenants).toEqual([{ namespace: 'tenant-new', release: 'monitoring', host: 'new.example.org' }]);
  });

  test('the atomic write replaces the file and leaves no temp file behind', () => {
    const dir = tempDir();
    const file = join(dir, 'tenants.yaml');
    writeFileSync(file, 'old\n');
    writeFileAtomic(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['tenants.yaml']);
  });
});

describe('add-tenant and YAML 1.1', () => {
  test('a release named like a YAML 1.1 boolean is quoted, so it stays a string', () => {
    // GIVEN release "on", which YAML 1.1 (Helm, the fleet loader) reads as true when unquoted
    const updated = appendTenant(EXAMPLE, 'tenants.yaml', { ...NEW, release: 'on' });
    // THEN the fleet loader reads it back as the string "on"
    const fleet = parseFleet(parse(updated, { version: '1.1' }), 'tenants.yaml');
    expect(fleet.tenants[fleet.tenants.length - 1].release).toBe('on');
  });
});
