/*
 * Grafana's login decision for real tokens, computed by the Go helper in ./grafana-decision (the
 * JMESPath library Grafana links, under Grafana's generic OAuth rules: see its main.go).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface GrafanaDecision {
  readonly login: boolean;
  readonly role?: 'Admin' | 'Editor' | 'Viewer' | 'None';
  readonly grafanaAdmin: boolean;
  readonly groups: string[];
  readonly roleSource?: 'id_token' | 'userinfo' | 'default';
  /** The refusal Grafana reports (its first failing gate). */
  readonly refusal?: string;
  /** Every gate that refuses: role_attribute_strict and allowed_groups, each evaluated on its own. */
  readonly refusals: string[];
  readonly warnings?: string[];
}

const REPO = join(__dirname, '..', '..', '..');
let binary: string | undefined;

/** Builds (or reuses) .tools/e2e/bin/grafana-decision through the project's script. */
export function decisionHelper(): string {
  binary ??= execFileSync('bash', [join(REPO, 'scripts', 'e2e', 'build-grafana-decision.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  return binary;
}

/** What Grafana decides for `auth.generic_oauth` = oauth, given the id_token and userinfo body Keycloak returned. */
export const REFUSED_BY_STRICT = 'role_attribute_strict: idP did not return a role attribute';
export const REFUSED_BY_GROUPS = 'allowed_groups: user not a member of one of the required groups';

export function grafanaDecision(oauth: Record<string, string>, idToken: string, userinfo: string): GrafanaDecision {
  const out = execFileSync(decisionHelper(), [], { input: JSON.stringify({ config: oauth, idToken, userinfo }), encoding: 'utf8' });
  return JSON.parse(out) as GrafanaDecision;
}
