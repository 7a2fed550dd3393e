import jmespath from 'jmespath';
import { InstanceValuesInput } from '../../src/config/schema';
import { only, renderSystem } from '../support/fixtures';

/*
 * The rendered role_attribute_path evaluated by a real JMESPath implementation against the claim
 * sets Grafana would see. Grafana refuses a login when the result is not a role and
 * role_attribute_strict is on, or when no group is in allowed_groups.
 */

const ROLES = ['GrafanaAdmin', 'Admin', 'Editor', 'Viewer'];

function oauthOf(oidc: InstanceValuesInput['oidc'] = {}, where: { namespace?: string; release?: string } = {}) {
  return only(renderSystem(oidc, where), 'Grafana').spec.config['auth.generic_oauth'];
}

/** The role Grafana would assign, or null when the login is refused. */
function grafanaRole(oauth: Record<string, string>, claims: object): string | null {
  if (oauth.allowed_groups) {
    // Grafana splits allowed_groups on commas and whitespace and compares names exactly.
    const allowed = oauth.allowed_groups.split(/[\s,]+/).filter((g) => g !== '');
    const groups: unknown = (claims as { groups?: unknown }).groups;
    if (!Array.isArray(groups) || !groups.some((g) => allowed.includes(g))) return null;
  }
  const result = jmespath.search(claims, oauth.role_attribute_path);
  return typeof result === 'string' && ROLES.includes(result) ? result : null;
}

describe('role_attribute_path', () => {
  const oauth = oauthOf();

  test.each([
    ['admin', 'Admin', ''],
    ['editor', 'Editor', ''],
    ['viewer', 'Viewer', ''],
    ['admin', 'Admin', '/'],
    ['editor', 'Editor', '/'],
    ['viewer', 'Viewer', '/'],
  ])('a member of the %s group gets %s (claim prefix %p)', (group, role, prefix) => {
    // GIVEN a user in one of this instance's groups, as a bare name (mapper full.path "false") or a
    // full path (full.path "true")  WHEN Grafana maps the claims  THEN the role follows the group
    expect(grafanaRole(oauth, { groups: [`${prefix}tenant-acme-monitoring-${group}`, 'unrelated'] })).toBe(role);
  });

  test('allowed_groups lists the three groups in both claim forms, nothing else', () => {
    expect(oauth.allowed_groups.split(' ')).toEqual([
      'tenant-acme-monitoring-admin', '/tenant-acme-monitoring-admin',
      'tenant-acme-monitoring-editor', '/tenant-acme-monitoring-editor',
      'tenant-acme-monitoring-viewer', '/tenant-acme-monitoring-viewer',
    ]);
  });

  test('the strongest group wins when a user is in several', () => {
    expect(grafanaRole(oauth, { groups: ['tenant-acme-monitoring-viewer', 'tenant-acme-monitoring-editor'] })).toBe('Editor');
  });

  test.each([
    ['another tenant\'s admin', { groups: ['tenant-globex-monitoring-admin'] }],
    ['a user with no groups', { groups: [] }],
    ['a user without a groups claim', { email: 'x@example.org' }],
    ['a user whose groups claim is a string containing the group name', { groups: 'xtenant-acme-monitoring-adminx' }],
    ['a group name that only shares a prefix', { groups: ['tenant-acme-monitoring-admin-old'] }],
    ['another tenant\'s admin as a full path', { groups: ['/tenant-globex-monitoring-admin'] }],
    ['a sub-group of the same name under another parent', { groups: ['/tenant-globex/tenant-acme-monitoring-admin'] }],
    ['a full path that only shares a prefix', { groups: ['/tenant-acme-monitoring-admin-old'] }],
    ['a longer tenant name whose path ends in ours', { groups: ['/x-tenant-acme-monitoring-admin'] }],
    ['a doubled slash', { groups: ['//tenant-acme-monitoring-admin'] }],
    ['a trailing slash', { groups: ['tenant-acme-monitoring-admin/'] }],
    ['a full-path string claim containing the group name', { groups: '/tenant-acme-monitoring-admin' }],
  ])('%s gets no role', (_, claims) => {
    expect(grafanaRole(oauth, claims)).toBeNull();
    // and the expression alone (without allowed_groups) yields no role either
    const bare = jmespath.search(claims, oauth.role_attribute_path);
    expect(ROLES).not.toContain(bare);
  });

  test('the platform release maps its admin group to GrafanaAdmin', () => {
    const platform = oauthOf({}, { namespace: 'cozy-monitoring', release: 'monitoring-system' });
    expect(grafanaRole(platform, { groups: ['cozy-monitoring-monitoring-system-admin'] })).toBe('GrafanaAdmin');
    expect(grafanaRole(platform, { groups: ['/cozy-monitoring-monitoring-system-admin'] })).toBe('GrafanaAdmin');
    expect(grafanaRole(platform, { groups: ['cozy-monitoring-monitoring-system-editor'] })).toBe('Editor');
  });

  test('a tenant admin never becomes GrafanaAdmin', () => {
    expect(grafanaRole(oauth, { groups: ['tenant-acme-monitoring-admin'] })).toBe('Admin');
  });

  test('fallbackRole Viewer restores the documented behaviour: every realm user views', () => {
    const open = oauthOf({ fallbackRole: 'Viewer' });
    expect(grafanaRole(open, { groups: ['tenant-globex-monitoring-admin'] })).toBe('Viewer');
    expect(grafanaRole(open, { email: 'x@example.org' })).toBe('Viewer');
    expect(grafanaRole(open, { groups: ['tenant-acme-monitoring-admin'] })).toBe('Admin');
  });
});
