{{/*
Names, labels and checks of one Monitoring instance. They mirror src/naming.ts,
src/config/checks.ts and src/oidc/*.ts; the parity suite (test/chart) proves both render the same.
*/}}

{{/* Keycloak clientId, unique per realm (all tenants share it): <namespace>-<release>. */}}
{{- define "grafana-tenancy.clientId" -}}
{{- printf "%s-%s" .Release.Namespace .Release.Name -}}
{{- end -}}

{{/* Public URL of this Grafana. */}}
{{- define "grafana-tenancy.grafanaUrl" -}}
{{- printf "https://grafana.%s" .Values.host -}}
{{- end -}}

{{/* The Secret holding the OIDC client secret under key client-secret. */}}
{{- define "grafana-tenancy.clientSecretName" -}}
{{- .Values.oidc.clientSecret.existingSecret | default (printf "%s-oidc-client" .Release.Name) -}}
{{- end -}}

{{/*
Labels the cdk8s renderer gives too: the instance labels, then the user's commonLabels (never
overriding one the chart sets). Pod templates get only these: a Job's pod template is immutable,
so a chart version in it would break every upgrade.
*/}}
{{- define "grafana-tenancy.instanceLabels" -}}
app.kubernetes.io/name: grafana-tenancy
app.kubernetes.io/instance: {{ .Release.Name | quote }}
grafana-tenancy.io/client-id: {{ include "grafana-tenancy.clientId" . | quote }}
{{- with omit .Values.commonLabels "app.kubernetes.io/name" "app.kubernetes.io/instance" "grafana-tenancy.io/client-id" "app.kubernetes.io/component" "helm.sh/chart" "app.kubernetes.io/managed-by" "app.kubernetes.io/version" }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Labels of every object: the instance labels plus Helm's conventional ones, which only a Helm
release has (the parity suite compares both renderers without them).
*/}}
{{- define "grafana-tenancy.labels" -}}
{{ include "grafana-tenancy.instanceLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* realmRef of the Keycloak objects. */}}
{{- define "grafana-tenancy.realmRef" -}}
realmRef:
  kind: {{ .Values.platform.oidc.realmRef.kind | quote }}
  name: {{ .Values.platform.oidc.realmRef.name | quote }}
{{- end -}}

{{/*
The render failures the schema cannot express, in the order of checkInstance() in
src/config/checks.ts, so both renderers report the same first failure. Texts come from
files/messages.json, which the TypeScript side formats with the same printf verbs. Choices and
patterns are refused earlier by values.schema.json, in Helm's words.
The HelmLookup refusal there is TypeScript-only: here lookup is what Helm offers.
*/}}
{{- define "grafana-tenancy.validate" -}}
{{- $m := .Files.Get "files/messages.json" | fromJson -}}
{{- /*
Helm deletes null keys before templates run: a key of the defaults that is gone was set to null.
Walk files/value-paths.json (generated from the TypeScript defaults) in order, like
firstNullPath() in src/config/value-paths.ts, and refuse the first one with the same message.
*/ -}}
{{- range $path := .Files.Get "files/value-paths.json" | fromJsonArray -}}
{{- $node := $.Values -}}
{{- $walked := list -}}
{{- range $key := $path -}}
{{- if kindIs "map" $node -}}
{{- $walked = append $walked $key -}}
{{- if not (hasKey $node $key) -}}
{{- fail (printf (index $m "nullValue") (join "." $walked)) -}}
{{- end -}}
{{- $node = index $node $key -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $dnsLabel := `^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$` -}}
{{- $dnsName := `^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$` -}}
{{- $namespace := .Release.Namespace -}}
{{- $release := .Release.Name -}}
{{- if not (regexMatch $dnsLabel $namespace) -}}
{{- fail (printf (index $m "invalidNamespace") $namespace) -}}
{{- end -}}
{{- if or (gt (len $release) 53) (not (regexMatch `^[a-z]([-a-z0-9]*[a-z0-9])?$` $release)) -}}
{{- fail (printf (index $m "invalidRelease") $release) -}}
{{- end -}}
{{- $clientId := include "grafana-tenancy.clientId" . -}}
{{- if gt (len $clientId) 63 -}}
{{- fail (printf (index $m "clientIdTooLong") $clientId (len $clientId)) -}}
{{- end -}}

{{- $host := .Values.host -}}
{{- if eq $host "" -}}
{{- fail (index $m "hostMissing") -}}
{{- end -}}

{{- $oidc := .Values.oidc -}}

{{- if eq $oidc.mode "System" -}}
{{- $platform := .Values.platform.oidc -}}
{{- if ne $platform.enabled true -}}
{{- fail (printf (index $m "systemNeedsPlatformOidc") $platform.enabled) -}}
{{- end -}}
{{- /* The apiVersions value adds to what Helm reports, for renders that cannot pass --api-versions (helm lint). */ -}}
{{- if not (or (.Capabilities.APIVersions.Has "v1.edp.epam.com/v1") (has "v1.edp.epam.com/v1" .Values.apiVersions)) -}}
{{- fail (index $m "systemNeedsKeycloakApi") -}}
{{- end -}}
{{- /* values.schema.json refuses a malformed issuer; an empty one only matters here. */ -}}
{{- if eq $platform.issuerUrl "" -}}
{{- fail (index $m "systemNeedsIssuerUrl") -}}
{{- end -}}
{{- if eq $platform.realmRef.name "" -}}
{{- fail (index $m "systemNeedsRealmRef") -}}
{{- end -}}
{{- end -}}

{{- if eq $oidc.mode "CustomConfig" -}}
{{- $config := $oidc.customConfig.config -}}
{{- $secretRefName := $oidc.customConfig.secretRef.name -}}
{{- $hasConfig := gt (len $config) 0 -}}
{{- $hasSecretRef := ne $secretRefName "" -}}
{{- if and $hasConfig $hasSecretRef -}}
{{- fail (printf (index $m "customConfigBoth") $secretRefName) -}}
{{- end -}}
{{- if and (not $hasConfig) (not $hasSecretRef) -}}
{{- fail (index $m "customConfigNeither") -}}
{{- end -}}
{{- if hasKey $config "client_secret" -}}
{{- fail (index $m "customConfigInlineSecret") -}}
{{- end -}}
{{- end -}}

{{- $token := .Values.serviceAccountToken -}}
{{- if eq $token.enabled true -}}
{{- $sa := $token.serviceAccountName -}}
{{- if eq $sa "" -}}
{{- fail (index $m "tokenNeedsServiceAccountName") -}}
{{- end -}}
{{- $jobName := include "grafana-tenancy.tokenBootstrapName" . -}}
{{- if gt (len $jobName) 63 -}}
{{- fail (printf (index $m "tokenJobNameTooLong") $jobName (len $jobName)) -}}
{{- end -}}
{{- $secretNamespace := include "grafana-tenancy.tokenSecretNamespace" . -}}
{{- $secretName := include "grafana-tenancy.tokenSecretName" . -}}
{{- if not (and (regexMatch $dnsLabel $secretNamespace) (le (len $secretName) 253) (regexMatch $dnsName $secretName)) -}}
{{- fail (printf (index $m "tokenInvalidSecretTarget") (printf "%s/%s" $secretNamespace $secretName)) -}}
{{- end -}}
{{- if and (eq $token.sink.type "aws-secrets-manager") (eq $token.sink.awsSecretsManager.secretId "") -}}
{{- fail (index $m "tokenAwsNeedsSecretId") -}}
{{- end -}}
{{- if eq $token.sink.type "grafana-operator" -}}
{{- $limits := list -}}
{{- if ne $secretNamespace .Release.Namespace -}}
{{- $limits = append $limits (printf "sink.kubernetesSecret.namespace is %q" $secretNamespace) -}}
{{- end -}}
{{- if ne $token.sink.kubernetesSecret.key "token" -}}
{{- $limits = append $limits (printf "sink.kubernetesSecret.key is %q" $token.sink.kubernetesSecret.key) -}}
{{- end -}}
{{- if ne (int64 $token.orgId) 1 -}}
{{- $limits = append $limits (printf "orgId is %d" (int64 $token.orgId)) -}}
{{- end -}}
{{- if ne (int64 $token.secondsToLive) 0 -}}
{{- $limits = append $limits (printf "secondsToLive is %d" (int64 $token.secondsToLive)) -}}
{{- end -}}
{{- if $limits -}}
{{- fail (printf (index $m "tokenOperatorSinkLimits") (join ", " $limits)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- include "grafana-tenancy.validateBackup" . -}}
{{- end -}}

{{/* Token bootstrap names (src/naming.ts): Job, ServiceAccount, ConfigMap: <release>-token-bootstrap. */}}
{{- define "grafana-tenancy.tokenBootstrapName" -}}
{{- /* A second bootstrap (templates/backup-token.yaml) passes its own name as .tokenJobName. */ -}}
{{- .tokenJobName | default (printf "%s-token-bootstrap" .Release.Name) -}}
{{- end -}}

{{/* Namespace of the token Secret: the release namespace unless set. */}}
{{- define "grafana-tenancy.tokenSecretNamespace" -}}
{{- .Values.serviceAccountToken.sink.kubernetesSecret.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* Name of the token Secret unless set: <release>-<serviceAccountName>-grafana-token; in another
namespace <clientId>-<serviceAccountName>-grafana-token, so tenants with the same release cannot collide. */}}
{{- define "grafana-tenancy.tokenSecretName" -}}
{{- $token := .Values.serviceAccountToken -}}
{{- $owner := ternary .Release.Name (include "grafana-tenancy.clientId" .) (eq (include "grafana-tenancy.tokenSecretNamespace" .) .Release.Namespace) -}}
{{- $token.sink.kubernetesSecret.name | default (printf "%s-%s-grafana-token" $owner $token.serviceAccountName) -}}
{{- end -}}

{{/* Role/RoleBinding on the token Secret; in another namespace named after the clientId so tenants cannot collide. */}}
{{- define "grafana-tenancy.tokenRoleName" -}}
{{- if eq (include "grafana-tenancy.tokenSecretNamespace" .) .Release.Namespace -}}
{{- include "grafana-tenancy.tokenBootstrapName" . -}}
{{- else -}}
{{- printf "%s-token-bootstrap" (include "grafana-tenancy.clientId" .) -}}
{{- end -}}
{{- end -}}

{{/* An image reference from {registry, repository, tag}; a sha256: tag becomes a digest. */}}
{{- define "grafana-tenancy.image" -}}
{{- $repository := ternary (printf "%s/%s" .registry .repository) .repository (ne .registry "") -}}
{{- if or (hasPrefix "sha256:" .tag) (hasPrefix "@" .tag) -}}
{{- printf "%s@%s" $repository (trimPrefix "@" .tag) -}}
{{- else -}}
{{- printf "%s:%s" $repository .tag -}}
{{- end -}}
{{- end -}}

{{/*
JMESPath role_attribute_path mapping the instance's three groups to Grafana roles
(src/oidc/role-mapping.ts). `groups[*] || `[]`` turns a missing or non-list claim into an empty
list. Each group matches exactly as `<name>` (mapper full.path "false") or `/<name>` (full.path
"true"). Without a fallback everyone else gets false, which role_attribute_strict refuses.
Takes a dict: clientId, grafanaAdmin (bool), fallback (bool).
*/}}
{{- define "grafana-tenancy.roleAttributePath" -}}
{{- $clientId := .clientId -}}
{{- $mappings := list (list "admin" (ternary "GrafanaAdmin" "Admin" .grafanaAdmin)) (list "editor" "Editor") (list "viewer" "Viewer") -}}
{{- $terms := list -}}
{{- range $mappings -}}
{{- $group := printf "%s-%s" $clientId (index . 0) -}}
{{- $terms = append $terms (printf "(contains(groups[*] || `[]`, '%s') || contains(groups[*] || `[]`, '/%s')) && '%s'" $group $group (index . 1)) -}}
{{- end -}}
{{- if .fallback -}}
{{- $terms = append $terms "'Viewer'" -}}
{{- end -}}
{{- join " || " $terms -}}
{{- end -}}

{{/*
auth.generic_oauth for the platform Keycloak realm (systemGenericOAuth in src/oidc/grafana-config.ts), as YAML lines.
Every value is quoted: Grafana's spec.config is map<section, map<key, string>>.
*/}}
{{- define "grafana-tenancy.systemGenericOAuth" -}}
{{- $clientId := include "grafana-tenancy.clientId" . -}}
{{- $platform := .Values.platform.oidc -}}
{{- $endpoint := printf "%s/protocol/openid-connect" (regexReplaceAll "/+$" $platform.issuerUrl "") -}}
{{- $loginUrl := printf "%s/login" (include "grafana-tenancy.grafanaUrl" .) -}}
{{- $grafanaAdmin := eq $platform.grafanaAdminInstance (printf "%s/%s" .Release.Namespace .Release.Name) -}}
{{- $fallback := eq .Values.oidc.fallbackRole "Viewer" -}}
enabled: "true"
name: "Keycloak"
allow_sign_up: "true"
client_id: {{ $clientId | quote }}
scopes: {{ printf "openid email profile %s %s-audience" $platform.groupsClientScope $clientId | quote }}
auth_url: {{ printf "%s/auth" $endpoint | quote }}
token_url: {{ printf "%s/token" $endpoint | quote }}
api_url: {{ printf "%s/userinfo" $endpoint | quote }}
signout_redirect_url: {{ printf "%s/logout?client_id=%s&post_logout_redirect_uri=%s" $endpoint $clientId (urlquery $loginUrl) | quote }}
use_pkce: "true"
use_refresh_token: "true"
login_attribute_path: "preferred_username"
email_attribute_path: "email"
name_attribute_path: "name"
groups_attribute_path: "groups"
role_attribute_path: {{ include "grafana-tenancy.roleAttributePath" (dict "clientId" $clientId "grafanaAdmin" $grafanaAdmin "fallback" $fallback) | quote }}
role_attribute_strict: "true"
{{- if not $fallback }}
{{- /* Tenant isolation: only members of this instance's groups may log in at all (bare or full path). */}}
allowed_groups: {{ printf "%s-admin /%s-admin %s-editor /%s-editor %s-viewer /%s-viewer" $clientId $clientId $clientId $clientId $clientId $clientId | quote }}
{{- end }}
{{- if $grafanaAdmin }}
allow_assign_grafana_admin: "true"
{{- end }}
{{- end -}}

{{/*
CustomConfig's inline auth.generic_oauth keys as strings. Numbers go through toJson, which
formats like JavaScript's String() (1000000, not Go's 1e+06), so both renderers agree.
*/}}
{{- define "grafana-tenancy.customGenericOAuth" -}}
{{- range $key, $value := .Values.oidc.customConfig.config }}
{{ $key | quote }}: {{ ternary $value (toJson $value) (kindIs "string" $value) | quote }}
{{- end }}
{{- end -}}
