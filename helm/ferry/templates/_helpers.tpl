{{/*
Name of the chart, or nameOverride.
*/}}
{{- define "ferry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects. A release already named after the chart is not repeated.
*/}}
{{- define "ferry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "ferry.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "ferry.labels" -}}
helm.sh/chart: {{ include "ferry.chart" . }}
{{ include "ferry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the pods; they must never change within a release.
*/}}
{{- define "ferry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ferry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount the pods run as.
*/}}
{{- define "ferry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ferry.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: repository and tag (appVersion when no tag is given).
*/}}
{{- define "ferry.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Name of the chart-managed Secret.
*/}}
{{- define "ferry.secretName" -}}
{{- include "ferry.fullname" . }}
{{- end }}

{{/*
The secret values this chart can hand to the application: environment variable, the value
in values.yaml, and the key in the chart-managed Secret.
*/}}
{{- define "ferry.secretValues" -}}
- env: SPRING_DATASOURCE_PASSWORD
  key: database-password
  source: {{ toJson .Values.database.password }}
- env: FERRY_SECURITY_ADMIN_TOKEN
  key: admin-token
  source: {{ toJson .Values.security.adminToken }}
- env: FERRY_SECURITY_TOKENS_INGRESS
  key: ingress-tokens
  source: {{ toJson .Values.security.ingressTokens }}
- env: FERRY_SECURITY_TOKENS_READONLY
  key: read-only-tokens
  source: {{ toJson .Values.security.readOnlyTokens }}
- env: FERRY_SECURITY_ENCRYPTION_KEY
  key: encryption-key
  source: {{ toJson .Values.security.encryptionKey }}
- env: FERRY_SECURITY_PREVIOUS_ENCRYPTION_KEYS
  key: previous-encryption-keys
  source: {{ toJson .Values.security.previousEncryptionKeys }}
- env: FERRY_SECURITY_SIGNING_KEY
  key: signing-key
  source: {{ toJson .Values.security.signingKey }}
{{- end }}

{{/*
Entries of the chart-managed Secret: the secret values given inline (not via existingSecret).
Renders nothing when every value is empty or comes from an existing Secret.
*/}}
{{- define "ferry.secretData" -}}
{{- range (include "ferry.secretValues" . | fromYamlArray) }}
{{- if and (not .source.existingSecret) .source.value }}
{{ .key }}: {{ .source.value | toString | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Environment variables read from Secrets: an existing Secret when one is named, otherwise the
chart-managed Secret when a value is given; nothing when neither is set.
*/}}
{{- define "ferry.secretEnv" -}}
{{- $secretName := include "ferry.secretName" . }}
{{- range (include "ferry.secretValues" . | fromYamlArray) }}
{{- if .source.existingSecret }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .source.existingSecret | quote }}
      key: {{ .source.existingSecretKey | quote }}
{{- else if .source.value }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ .key }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Secret and key of the bearer token Prometheus scrapes /actuator/prometheus with: the ServiceMonitor's own
authorization secret, else the read-only tokens (which must then hold a single token), else the admin token;
nothing while no token is set (the metrics are open then).
*/}}
{{- define "ferry.scrapeSecret" -}}
{{- $own := .Values.metrics.serviceMonitor.authorization }}
{{- if $own.existingSecret }}
name: {{ $own.existingSecret }}
key: {{ $own.existingSecretKey }}
{{- else }}
{{- $chosen := dict }}
{{- $readOnly := list .Values.security.readOnlyTokens "read-only-tokens" }}
{{- range $entry := list $readOnly (list .Values.security.adminToken "admin-token") }}
{{- $source := index $entry 0 }}
{{- if and (not $chosen.name) $source.existingSecret }}
{{- $_ := set $chosen "name" $source.existingSecret }}
{{- $_ := set $chosen "key" $source.existingSecretKey }}
{{- else if and (not $chosen.name) $source.value }}
{{- $_ := set $chosen "name" (include "ferry.secretName" $) }}
{{- $_ := set $chosen "key" (index $entry 1) }}
{{- end }}
{{- end }}
{{- if $chosen.name }}
name: {{ $chosen.name }}
key: {{ $chosen.key }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Whether more than one pod runs, which is when a PodDisruptionBudget makes sense.
*/}}
{{- define "ferry.multiplePods" -}}
{{- if .Values.keda.enabled }}
{{- if gt (int .Values.keda.minReplicaCount) 1 }}true{{ end }}
{{- else if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.minReplicas) 1 }}true{{ end }}
{{- else if gt (int .Values.replicaCount) 1 }}true{{ end }}
{{- end }}
