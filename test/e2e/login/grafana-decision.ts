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
  readonly refusal?: string;
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
export function grafanaDecision(oauth: Record<string, string>, idToken: string, userinfo: string): GrafanaDecision {
  const out = execFileSync(decisionHelper(), [], { input: JSON.stringify({ config: oauth, idToken, userinfo }), encoding: 'utf8' });
  return JSON.parse(out) as GrafanaDecision;
}
