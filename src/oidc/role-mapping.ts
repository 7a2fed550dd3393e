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
 * The JMESPath `role_attribute_path` mapping this instance's three Keycloak groups to Grafana roles.
 *
 * `groups[*] || \`[]\`` makes a missing or non-list claim an empty list, so such a user matches no
 * group (instead of `contains` failing, or matching a substring of a string claim). Without a
 * fallback the expression yields `false` for everyone else, which `role_attribute_strict` refuses.
 */
export function roleAttributePath(names: InstanceNames, options: RoleMappingOptions): string {
  const mappings: Array<[string, GrafanaRole]> = [
    [names.group('admin'), options.grafanaAdmin ? 'GrafanaAdmin' : 'Admin'],
    [names.group('editor'), 'Editor'],
    [names.group('viewer'), 'Viewer'],
  ];
  const terms = mappings.map(([group, role]) => `contains(groups[*] || \`[]\`, '${group}') && '${role}'`);
  if (options.fallbackRole) terms.push(`'${options.fallbackRole}'`);
  return terms.join(' || ');
}
