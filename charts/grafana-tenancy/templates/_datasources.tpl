{{/*
Data sources and dashboards: names and checks. They mirror src/datasources/datasource-settings.ts
and src/dashboards/; the parity suite (test/chart) proves both render the same.
*/}}

{{/* Grafana uid of data source role .role: <role>-<12 hex of sha256(clientId)>. Takes a dict: root, role. */}}
{{- define "grafana-tenancy.datasourceUid" -}}
{{- printf "%s-%s" .role (sha256sum (include "grafana-tenancy.clientId" .root) | trunc 12) -}}
{{- end -}}

{{/* The role marked default: datasources.default, else metrics when its url is set, else logs (empty: none). */}}
{{- define "grafana-tenancy.defaultDatasource" -}}
{{- $ds := .Values.datasources -}}
{{- if $ds.default -}}
{{- $ds.default -}}
{{- else if $ds.metrics.url -}}
metrics
{{- else if $ds.logs.url -}}
logs
{{- end -}}
{{- end -}}

{{/*
instanceSelector of every grafana-operator resource: the clientId label of this instance's
Grafana CR (immutable in the CRDs, and the clientId never changes for an instance).
*/}}
{{- define "grafana-tenancy.instanceSelector" -}}
instanceSelector:
  matchLabels:
    grafana-tenancy.io/client-id: {{ include "grafana-tenancy.clientId" . | quote }}
{{- end -}}

{{/* spec.datasources of a dashboard: ${DS_METRICS}/${DS_LOGS} -> uid, for the roles in .roles. Takes a dict: root, roles. */}}
{{- define "grafana-tenancy.dashboardInputs" -}}
{{- $root := .root -}}
{{- range $role := .roles -}}
{{- if (index $root.Values.datasources $role).url }}
- inputName: {{ ternary "DS_METRICS" "DS_LOGS" (eq $role "metrics") | quote }}
  datasourceName: {{ include "grafana-tenancy.datasourceUid" (dict "root" $root "role" $role) | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The render failures of datasources.* and dashboards.*, in the order of checkDatasources(). */}}
{{- define "grafana-tenancy.validateDatasources" -}}
{{- $m := .Files.Get "files/messages.json" | fromJson -}}
{{- $ds := .Values.datasources -}}
{{- range $role := list "metrics" "logs" -}}
{{- $source := index $ds $role -}}
{{- if and (ne $source.url "") (not (regexMatch `^https?://[^/\s]+\S*$` $source.url)) -}}
{{- fail (printf (index $m "datasourceInvalidUrl") (printf "datasources.%s.url" $role) $source.url) -}}
{{- end -}}
{{- if and (ne $source.tenantId "") (not (regexMatch `^[a-zA-Z0-9!\-_.*'()]{1,150}$` $source.tenantId)) -}}
{{- fail (printf (index $m "datasourceInvalidTenantId") (printf "datasources.%s.tenantId" $role) $source.tenantId) -}}
{{- end -}}
{{- end -}}
{{- $sigV4 := $ds.metrics.sigV4 -}}
{{- if and $sigV4.enabled (eq $ds.metrics.url "") -}}
{{- fail (index $m "sigV4NeedsUrl") -}}
{{- end -}}
{{- if and $sigV4.enabled (not (regexMatch `^[a-z]{2}(-[a-z]+)+-[0-9]+$` $sigV4.region)) -}}
{{- fail (printf (index $m "sigV4InvalidRegion") $sigV4.region) -}}
{{- end -}}
{{- if ne $ds.default "" -}}
{{- if not (has $ds.default (list "metrics" "logs")) -}}
{{- fail (printf (index $m "datasourceUnknownDefault") $ds.default) -}}
{{- end -}}
{{- if eq (index $ds $ds.default).url "" -}}
{{- fail (printf (index $m "datasourceDefaultNotConfigured") $ds.default $ds.default) -}}
{{- end -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $i, $dashboard := .Values.dashboards.extra -}}
{{- $where := printf "dashboards.extra[%d]" $i -}}
{{- if not (regexMatch `^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$` $dashboard.name) -}}
{{- fail (printf (index $m "dashboardInvalidName") (printf "%s.name" $where) $dashboard.name) -}}
{{- end -}}
{{- if hasKey $seen $dashboard.name -}}
{{- fail (printf (index $m "dashboardDuplicateName") (printf "%s.name" $where) $dashboard.name) -}}
{{- end -}}
{{- $_ := set $seen $dashboard.name true -}}
{{- $ref := $dashboard.configMapRef | default dict -}}
{{- $refName := $ref.name | default "" -}}
{{- $refKey := $ref.key | default "" -}}
{{- $hasJson := ne ($dashboard.json | default "") "" -}}
{{- $hasRef := or (ne $refName "") (ne $refKey "") -}}
{{- if eq $hasJson $hasRef -}}
{{- fail (printf (index $m "dashboardNeedsOneSource") $where) -}}
{{- end -}}
{{- if and $hasRef (or (eq $refName "") (eq $refKey "")) -}}
{{- fail (printf (index $m "dashboardConfigMapRefIncomplete") (printf "%s.configMapRef" $where)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
