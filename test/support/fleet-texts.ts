/*
 * Small fleet files as text, in the plain block layout that is read entry by entry
 * (src/config/fleet-text.ts): the readers' tests and the diff's pair reader share them.
 */

/** Everything before the tenant entries. */
export const HEAD = `apiVersions:
  - v1.edp.epam.com/v1
defaults:
  platform:
    oidc:
      enabled: true
      issuerUrl: https://keycloak.example.org/realms/cozy
      realmRef:
        name: cozy
tenants:
`;

/** A tenant entry of namespace `n`, with `extra` lines (at the entry's field indentation). */
export const entry = (n: string, extra = '') => `  - namespace: ${n}\n    release: monitoring\n    host: ${n}.example.org\n${extra}`;

/** The lines of an entry's System-mode OIDC. */
export const SYSTEM = '    oidc:\n      mode: System\n';

/** Three tenants, a comment between two of them. */
export const BASE = HEAD + entry('a', SYSTEM) + entry('b') + '  # a comment between entries\n' + entry('c', SYSTEM);
