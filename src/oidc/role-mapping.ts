import { InstanceNames } from '../naming';

/** Grafana roles a Keycloak group can map to. */
export type GrafanaRole = 'GrafanaAdmin' | 'Admin' | 'Editor' | 'Viewer';

export interface RoleMappingOptions {
  /** The platform's own Grafana: its admin group maps to GrafanaAdmin (server admin). */
  readonly grafanaAdmin: boolean;
  /** Role for authenticated users outside the three groups; none by default. */
  readonly fallbackRole?: 'Viewer';
}

/**
 * The group names Grafana may see for one Keycloak group: the bare name (group-membership mapper
 * with `full.path: "false"`, as Cozystack's `groups` scope is defined) and the full path of a
 * top-level group (`full.path: "true"`, the mapper's default), `/<name>`. Both are matched
 * exactly, so neither a substring, a sub-group (`/<parent>/<name>`) nor a longer name that only
 * shares a prefix stands in for the group.
 */
export function groupClaimValues(group: string): [string, string] {
  return [group, `/${group}`];
}

/**
 * The `allowed_groups` value: this instance's three groups in both claim forms, space-separated
 * (Grafana splits it on commas and whitespace and compares each name exactly).
 */
export function allowedGroups(names: InstanceNames): string {
  return (['admin', 'editor', 'viewer'] as const).flatMap((g) => groupClaimValues(names.group(g))).join(' ');
}

/**
 * The JMESPath `role_attribute_path` mapping this instance's three Keycloak groups to Grafana roles.
 *
 * `groups[*] || \`[]\`` makes a missing or non-list claim an empty list, so such a user matches no
 * group (instead of `contains` failing, or matching a substring of a string claim). Each group is
 * matched in both claim forms (see {@link groupClaimValues}). Without a fallback the expression
 * yields `false` for everyone else, which `role_attribute_strict` refuses.
 */
export function roleAttributePath(names: InstanceNames, options: RoleMappingOptions): string {
  const mappings: Array<[string, GrafanaRole]> = [
    [names.group('admin'), options.grafanaAdmin ? 'GrafanaAdmin' : 'Admin'],
    [names.group('editor'), 'Editor'],
    [names.group('viewer'), 'Viewer'],
  ];
  const terms = mappings.map(([group, role]) => {
    const member = groupClaimValues(group).map((value) => `contains(groups[*] || \`[]\`, '${value}')`);
    return `(${member.join(' || ')}) && '${role}'`;
  });
  if (options.fallbackRole) terms.push(`'${options.fallbackRole}'`);
  return terms.join(' || ');
}
