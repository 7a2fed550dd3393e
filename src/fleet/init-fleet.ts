import { parseFleet, parseHelmYaml } from '../config/fleet';
import { KEYCLOAK_API_VERSION } from '../config/checks';
import { libraryYaml } from '../render/yaml-emit';

/** Platform settings a new fleet file starts with; all optional (an empty fleet serves mode None). */
export interface PlatformSettings {
  /** Issuer URL of the platform Keycloak realm: turns platform OIDC on (System mode). */
  readonly issuerUrl?: string;
  /** Name of the KeycloakRealm / ClusterKeycloakRealm the clients are created in. */
  readonly realm?: string;
  /** Kind of that realm object; the schema default (ClusterKeycloakRealm) is not written. */
  readonly realmKind?: string;
  /** Realm-wide client scope of the `groups` claim; the schema default (groups) is not written. */
  readonly groupsClientScope?: string;
  /** API versions the cluster serves; with an issuer and none given, the Keycloak operator's. */
  readonly apiVersions?: readonly string[];
}

const HEADER = `# Fleet file of grafana-tenancy: one entry per Monitoring instance (namespace + release).
# Add tenants with 'grafana-tenancy add-tenant', check with 'validate', render with 'synth'.
# apiVersions: what the cluster serves (System mode needs ${KEYCLOAK_API_VERSION});
# defaults: values deep-merged into every tenant (the tenant wins), in the chart's values shape.
`;

/**
 * The text of a new fleet file with the given platform settings and no tenants. Only what was
 * given is written: every other value keeps the schema default, which stays out of the file.
 * The result is validated like any fleet file.
 */
export function newFleetFile(settings: PlatformSettings, file: string): string {
  const oidc: Record<string, unknown> = {};
  if (settings.issuerUrl !== undefined) {
    oidc.enabled = true;
    oidc.issuerUrl = settings.issuerUrl;
  }
  if (settings.realm !== undefined || settings.realmKind !== undefined) {
    oidc.realmRef = { ...(settings.realmKind !== undefined ? { kind: settings.realmKind } : {}), ...(settings.realm !== undefined ? { name: settings.realm } : {}) };
  }
  if (settings.groupsClientScope !== undefined) oidc.groupsClientScope = settings.groupsClientScope;
  const apiVersions = settings.apiVersions ?? (settings.issuerUrl !== undefined ? [KEYCLOAK_API_VERSION] : []);
  const document: Record<string, unknown> = {};
  if (apiVersions.length > 0) document.apiVersions = apiVersions;
  if (Object.keys(oidc).length > 0) document.defaults = { platform: { oidc } };
  document.tenants = [];
  const text = `${HEADER}${libraryYaml(document)}`;
  parseFleet(parseHelmYaml(text, file), file);
  return text;
}
