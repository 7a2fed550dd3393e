{{/*
Checks of the backup values, in the order of checkBackup() in src/backup/backup-checks.ts, with
the same patterns and the same catalogue messages. Called at the end of grafana-tenancy.validate.
*/}}
{{- define "grafana-tenancy.validateBackup" -}}
{{- $b := .Values.backup -}}
{{- if or (eq $b.enabled true) (eq $b.restore.enabled true) -}}
{{- $m := .Files.Get "files/messages.json" | fromJson -}}
{{- if and (eq $b.restore.enabled true) (ne $b.enabled true) -}}
{{- fail (index $m "backupRestoreNeedsBackup") -}}
{{- end -}}
{{- $cronJob := printf "%s-backup" .Release.Name -}}
{{- if gt (len $cronJob) 52 -}}
{{- fail (printf (index $m "backupNameTooLong") $cronJob (len $cronJob)) -}}
{{- end -}}
{{- if eq $b.s3.bucket "" -}}
{{- fail (index $m "backupNeedsBucket") -}}
{{- end -}}
{{- if not (regexMatch `^[a-z0-9][-a-z0-9.]{1,61}[a-z0-9]$` $b.s3.bucket) -}}
{{- fail (printf (index $m "backupInvalidBucket") $b.s3.bucket) -}}
{{- end -}}
{{- if and (ne $b.s3.prefix "") (not (regexMatch `^[-A-Za-z0-9!_.*'()]+(/[-A-Za-z0-9!_.*'()]+)*$` $b.s3.prefix)) -}}
{{- fail (printf (index $m "backupInvalidPrefix") $b.s3.prefix) -}}
{{- end -}}
{{- if and (ne $b.s3.endpoint "") (not (regexMatch `^https?://[^/\s]+` $b.s3.endpoint)) -}}
{{- fail (printf (index $m "backupInvalidEndpoint") $b.s3.endpoint) -}}
{{- end -}}
{{- if not (regexMatch `^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|[-0-9A-Za-z*/,?]+( +[-0-9A-Za-z*/,?]+){4})$` $b.schedule) -}}
{{- fail (printf (index $m "backupInvalidSchedule") $b.schedule) -}}
{{- end -}}
{{- if lt (int64 $b.keep) 1 -}}
{{- fail (printf (index $m "backupInvalidKeep") (int64 $b.keep)) -}}
{{- end -}}
{{- $credentials := $b.credentials -}}
{{- if not (has $credentials.format (list "accessKeys" "files")) -}}
{{- fail (printf (index $m "backupInvalidCredentialsFormat") $credentials.format) -}}
{{- end -}}
{{- if and (ne $credentials.existingSecret "") (gt (len $credentials.serviceAccountAnnotations) 0) -}}
{{- fail (printf (index $m "backupCredentialsBoth") $credentials.existingSecret) -}}
{{- end -}}
{{- $account := $b.grafana.serviceAccountName -}}
{{- if not (regexMatch `^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$` $account) -}}
{{- fail (printf (index $m "backupInvalidServiceAccountName") $account) -}}
{{- end -}}
{{- if not (has $b.grafana.role (list "Viewer" "Editor" "Admin")) -}}
{{- fail (printf (index $m "backupInvalidRole") $b.grafana.role) -}}
{{- end -}}
{{- if and (eq .Values.serviceAccountToken.enabled true) (eq .Values.serviceAccountToken.serviceAccountName $account) -}}
{{- fail (printf (index $m "backupServiceAccountClash") $account) -}}
{{- end -}}
{{- if not (regexMatch `^(latest|[0-9]{8}T[0-9]{6}Z)$` $b.restore.snapshot) -}}
{{- fail (printf (index $m "backupInvalidSnapshot") $b.restore.snapshot) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The backup's pod parts (src/backup/backup-pod.ts) as a dict: initContainers, containers,
volumes. Takes a dict: root (the chart context), step ("backup" or "restore").
*/}}
{{- define "grafana-tenancy.backupPod" -}}
{{- $root := .root -}}
{{- $b := $root.Values.backup -}}
{{- $token := $root.Values.serviceAccountToken -}}
{{- $release := $root.Release.Name -}}
{{- $namespace := $root.Release.Namespace -}}
{{- $cronJob := printf "%s-backup" $release -}}
{{- $tokenSecret := printf "%s-%s-grafana-token" $release $b.grafana.serviceAccountName -}}
{{- $grafanaUrl := $token.grafanaUrl | default (printf "http://%s-service.%s.svc:3000" $release $namespace) -}}
{{- $adminSecret := $token.adminCredentials.secretName | default (printf "%s-admin-credentials" $release) -}}
{{- $securityContext := dict "allowPrivilegeEscalation" false "capabilities" (dict "drop" (list "ALL")) "privileged" false "readOnlyRootFilesystem" true "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- $resources := dict "requests" (dict "cpu" $b.resources.requests.cpu "memory" $b.resources.requests.memory) "limits" (dict "cpu" $b.resources.limits.cpu "memory" $b.resources.limits.memory) -}}
{{- $files := and (ne $b.credentials.existingSecret "") (eq $b.credentials.format "files") -}}
{{- $keys := and (ne $b.credentials.existingSecret "") (eq $b.credentials.format "accessKeys") -}}
{{- $prefix := list -}}
{{- if $b.s3.prefix }}{{ $prefix = append $prefix $b.s3.prefix }}{{ end -}}
{{- $prefix = concat $prefix (list $namespace $release) -}}
{{- $grafanaEnv := list (dict "name" "GRAFANA_URL" "value" $grafanaUrl) (dict "name" "GRAFANA_ORG_ID" "value" (toString (int64 $token.orgId))) -}}
{{- $scriptsMount := dict "name" "scripts" "mountPath" "/scripts" "readOnly" true -}}
{{- $backup := eq .step "backup" -}}
{{- /* The AWS CLI container: upload (backup) or download (restore). */ -}}
{{- $awsEnv := list
  (dict "name" "S3_BUCKET" "value" $b.s3.bucket)
  (dict "name" "S3_INSTANCE_PREFIX" "value" (join "/" $prefix))
  (dict "name" "S3_FORCE_PATH_STYLE" "value" (toString $b.s3.forcePathStyle))
  (dict "name" "SNAPSHOT_DIR" "value" "/snapshot")
  (dict "name" "HOME" "value" "/tmp")
-}}
{{- if $b.s3.region }}{{ $awsEnv = append $awsEnv (dict "name" "AWS_REGION" "value" $b.s3.region) }}{{ end -}}
{{- if $b.s3.endpoint }}{{ $awsEnv = append $awsEnv (dict "name" "AWS_ENDPOINT_URL" "value" $b.s3.endpoint) }}{{ end -}}
{{- if $files }}{{ $awsEnv = concat $awsEnv (list (dict "name" "AWS_SHARED_CREDENTIALS_FILE" "value" "/aws/credentials") (dict "name" "AWS_CONFIG_FILE" "value" "/aws/config")) }}{{ end -}}
{{- $awsEnv = append $awsEnv (ternary (dict "name" "KEEP" "value" (toString (int64 $b.keep))) (dict "name" "SNAPSHOT" "value" $b.restore.snapshot) $backup) -}}
{{- $snapshotMount := dict "name" "snapshot" "mountPath" "/snapshot" -}}
{{- if $backup }}{{ $_ := set $snapshotMount "readOnly" true }}{{ end -}}
{{- $awsMounts := list $scriptsMount $snapshotMount (dict "name" "tmp" "mountPath" "/tmp") -}}
{{- if $files }}{{ $awsMounts = append $awsMounts (dict "name" "aws-credentials" "mountPath" "/aws" "readOnly" true) }}{{ end -}}
{{- $aws := dict "name" (ternary "upload" "download" $backup) "image" (include "grafana-tenancy.image" $b.image) "imagePullPolicy" "IfNotPresent" "command" (list "/bin/sh" "/scripts/backup-s3.sh" (ternary "upload" "download" $backup)) "env" $awsEnv "resources" $resources "securityContext" $securityContext "volumeMounts" $awsMounts -}}
{{- if $keys }}{{ $_ := set $aws "envFrom" (list (dict "secretRef" (dict "name" $b.credentials.existingSecret))) }}{{ end -}}
{{- /* The node container: export (backup) or restore. */ -}}
{{- $nodeEnv := $grafanaEnv -}}
{{- if $backup -}}
{{- $nodeEnv = concat $nodeEnv (list
  (dict "name" "GRAFANA_TOKEN" "valueFrom" (dict "secretKeyRef" (dict "name" $tokenSecret "key" "token" "optional" true)))
  (dict "name" "TOKEN_SECRET" "value" (printf "%s/%s" $namespace $tokenSecret))
  (dict "name" "SNAPSHOT_DIR" "value" "/snapshot")) -}}
{{- else -}}
{{- $nodeEnv = concat $nodeEnv (list
  (dict "name" "GRAFANA_ADMIN_USER" "valueFrom" (dict "secretKeyRef" (dict "name" $adminSecret "key" $token.adminCredentials.userKey)))
  (dict "name" "GRAFANA_ADMIN_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $adminSecret "key" $token.adminCredentials.passwordKey)))
  (dict "name" "SNAPSHOT_DIR" "value" "/snapshot")
  (dict "name" "DRY_RUN" "value" (toString $b.restore.dryRun))) -}}
{{- end -}}
{{- $nodeSnapshot := dict "name" "snapshot" "mountPath" "/snapshot" -}}
{{- if not $backup }}{{ $_ := set $nodeSnapshot "readOnly" true }}{{ end -}}
{{- $node := dict "name" (ternary "export" "restore" $backup) "image" (include "grafana-tenancy.image" $token.image) "imagePullPolicy" "IfNotPresent" "command" (list "node" "/scripts/grafana-backup.js" (ternary "export" "restore" $backup)) "env" $nodeEnv "resources" $resources "securityContext" $securityContext "volumeMounts" (list $scriptsMount $nodeSnapshot) -}}
{{- $volumes := list
  (dict "name" "scripts" "configMap" (dict "name" $cronJob "defaultMode" 292))
  (dict "name" "snapshot" "emptyDir" (dict "sizeLimit" "2Gi"))
  (dict "name" "tmp" "emptyDir" (dict "medium" "Memory" "sizeLimit" "64Mi"))
-}}
{{- if $files }}{{ $volumes = append $volumes (dict "name" "aws-credentials" "secret" (dict "secretName" $b.credentials.existingSecret "defaultMode" 288)) }}{{ end -}}
{{- $pod := dict "initContainers" (list (ternary $node $aws $backup)) "containers" (list (ternary $aws $node $backup)) "volumes" $volumes -}}
{{- toJson $pod -}}
{{- end -}}

{{/* The pod template of the backup CronJob and the restore Job. Takes a dict: root, step, component. */}}
{{- define "grafana-tenancy.backupPodTemplate" -}}
{{- $root := .root -}}
{{- $pod := include "grafana-tenancy.backupPod" . | fromJson -}}
{{- $contents := print ($root.Files.Get "files/grafana-backup.js") ($root.Files.Get "files/backup-s3.sh") -}}
metadata:
  labels:
    {{- include "grafana-tenancy.instanceLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  annotations:
    grafana-tenancy.io/script-sha256: {{ sha256sum $contents | quote }}
spec:
  serviceAccountName: {{ printf "%s-backup" $root.Release.Name | quote }}
  automountServiceAccountToken: false
  restartPolicy: Never
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    fsGroup: 1000
    seccompProfile:
      type: RuntimeDefault
  initContainers:
    {{- toYaml $pod.initContainers | nindent 4 }}
  containers:
    {{- toYaml $pod.containers | nindent 4 }}
  volumes:
    {{- toYaml $pod.volumes | nindent 4 }}
{{- end -}}
