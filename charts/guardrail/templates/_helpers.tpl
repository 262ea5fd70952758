{{/* Names: the chart, the release's full name (63 characters at most, DNS-1123). */}}
{{- define "guardrail.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "guardrail.fullname" -}}
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

{{- define "guardrail.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every resource carries, and the subset selectors match on. */}}
{{- define "guardrail.labels" -}}
helm.sh/chart: {{ include "guardrail.chart" . }}
{{ include "guardrail.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "guardrail.selectorLabels" -}}
app.kubernetes.io/name: {{ include "guardrail.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "guardrail.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "guardrail.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "guardrail.image" -}}
{{- $repository := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repository = printf "%s/%s" .Values.image.registry .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The listeners' host: an IPv6 address goes in brackets. */}}
{{- define "guardrail.bindHost" -}}
{{- if contains ":" .Values.bindAddress }}
{{- printf "[%s]" .Values.bindAddress }}
{{- else }}
{{- .Values.bindAddress }}
{{- end }}
{{- end }}

{{/* The policy ConfigMap's name, or "" when the pods use the pack shipped in the image. */}}
{{- define "guardrail.policiesConfigMap" -}}
{{- if .Values.policies.existingConfigMap }}
{{- .Values.policies.existingConfigMap }}
{{- else if .Values.policies.files }}
{{- printf "%s-policies" (include "guardrail.fullname" .) }}
{{- end }}
{{- end }}

{{/*
A policy file's key in the ConfigMap: keys cannot hold "/", so "schemas/Case.json" is stored as
"schemas_Case.json" and the volume's items put it back at its path.
*/}}
{{- define "guardrail.policyKey" -}}
{{- . | replace "/" "_" }}
{{- end }}

{{/* guardrail.yaml: the settings that are not secrets (guardrail/config.py names). */}}
{{- define "guardrail.config" -}}
{{- $c := .Values.config }}
{{- $alerts := dict "dedupe_seconds" $c.alerts.dedupeSeconds "queue_size" $c.alerts.queueSize }}
{{- with $c.alerts.alertmanagerUrl }}{{ $_ := set $alerts "alertmanager_url" . }}{{ end }}
{{- with $c.alerts.decisionUrl }}{{ $_ := set $alerts "decision_url" . }}{{ end }}
{{- $credential := dict }}
{{- with .Values.upstream.credential.tokenUrl }}{{ $_ := set $credential "token_url" . }}{{ end }}
{{- with .Values.upstream.credential.clientId }}{{ $_ := set $credential "client_id" . }}{{ end }}
{{- $llm := dict "timeout_seconds" $c.understanding.llm.timeoutSeconds "concurrency" (int64 $c.understanding.llm.concurrency) "failure" $c.understanding.llm.failure }}
{{- with $c.understanding.llm.baseUrl }}{{ $_ := set $llm "base_url" . }}{{ end }}
{{- with $c.understanding.llm.model }}{{ $_ := set $llm "model" . }}{{ end }}
{{- $settings := dict
  "dialect" $c.dialect
  "auth_mode" $c.authMode
  "unknown_writes" $c.unknownWrites
  "unmatched_writes" $c.unmatchedWrites
  "log_level" $c.logLevel
  "log_field_values" $c.logFieldValues
  "conversation_idle_seconds" $c.conversationIdleSeconds
  "redis_prefix" .Values.redis.prefix
  "policy_watch_seconds" .Values.policies.watchSeconds
  "timeouts" (dict
    "client_body" $c.timeouts.clientBody
    "upstream_connect" $c.timeouts.upstreamConnect
    "upstream" $c.timeouts.upstream
    "shutdown" $c.timeouts.shutdown)
  "limits" (dict
    "max_body_bytes" (int64 $c.limits.maxBodyBytes)
    "upstream_connections" (int64 $c.limits.upstreamConnections))
  "alerts" $alerts
  "audit_fail_open" .Values.audit.failOpen
  "audit_timeout_seconds" .Values.audit.timeoutSeconds
  "audit_checkpoint_seconds" .Values.audit.checkpointSeconds
  "tracing" .Values.tracing.enabled
  "drift" (dict
    "interval_seconds" $c.drift.intervalSeconds
    "timeout_seconds" $c.drift.timeoutSeconds
    "api_version" $c.drift.apiVersion)
  "understanding" (dict "backends" $c.understanding.backends "llm" $llm)
  "admin_hosts" (include "guardrail.adminHosts" . | fromJsonArray)
}}
{{- if $credential }}{{ $_ := set $settings "credential" $credential }}{{ end }}
{{- toYaml $settings }}
{{- end }}

{{/* Values the schema cannot judge alone: stop the render with a message that says what to fix. */}}
{{- define "guardrail.validate" -}}
{{- if and (not .Values.upstream.url) (not .Values.upstream.existingSecret) }}
{{- fail "upstream.url (the CRM's base URL, e.g. https://acme.my.salesforce.com) or upstream.existingSecret is required" }}
{{- end }}
{{- if and .Values.upstream.url .Values.upstream.existingSecret }}
{{- fail "set upstream.url or upstream.existingSecret, not both" }}
{{- end }}
{{- $credential := .Values.upstream.credential }}
{{- if and $credential.tokenUrl (not (and $credential.clientId $credential.existingSecret)) }}
{{- fail "upstream.credential.tokenUrl (OAuth client credentials) needs upstream.credential.clientId and the client secret in upstream.credential.existingSecret" }}
{{- end }}
{{- if and (eq .Values.config.authMode "token") (not $credential.existingSecret) }}
{{- fail "config.authMode token (agents bear tokens the proxy issues) needs the proxy's own CRM credential: upstream.credential.existingSecret (a static access token, or the OAuth client secret with tokenUrl and clientId); or set config.authMode: passthrough" }}
{{- end }}
{{- $llm := .Values.config.understanding.llm }}
{{- if and (has "llm" .Values.config.understanding.backends) (not (and $llm.baseUrl $llm.model)) }}
{{- fail "config.understanding.backends has llm: set config.understanding.llm.baseUrl and config.understanding.llm.model" }}
{{- end }}
{{- if and $credential.clientId (not $credential.tokenUrl) }}
{{- fail "upstream.credential.clientId is only used with upstream.credential.tokenUrl" }}
{{- end }}
{{- if and .Values.policies.files .Values.policies.existingConfigMap }}
{{- fail "set policies.files or policies.existingConfigMap, not both" }}
{{- end }}
{{- if and .Values.policies.existingConfigMapItems (not .Values.policies.existingConfigMap) }}
{{- fail "policies.existingConfigMapItems maps the keys of policies.existingConfigMap, which is not set" }}
{{- end }}
{{- $keys := dict }}
{{- range $path, $_ := .Values.policies.files }}
{{- $key := include "guardrail.policyKey" $path }}
{{- if hasKey $keys $key }}
{{- fail (printf "policies.files: %q and %q would share the ConfigMap key %q; rename one" (get $keys $key) $path $key) }}
{{- end }}
{{- $_ := set $keys $key $path }}
{{- end }}
{{- if and .Values.audit.sqlite.existingClaim (not .Values.audit.existingSecret) (or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1)) }}
{{- fail "audit.sqlite.existingClaim holds one SQLite audit log: run one replica, or give every replica PostgreSQL with audit.existingSecret" }}
{{- end }}
{{- $drain := addf .Values.lifecycle.preStopSleepSeconds .Values.config.timeouts.shutdown }}
{{- if le (float64 .Values.terminationGracePeriodSeconds) $drain }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must exceed lifecycle.preStopSleepSeconds + config.timeouts.shutdown (%v), or in-flight writes are killed mid-drain" .Values.terminationGracePeriodSeconds $drain) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- end }}

{{/*
The names the admin listener answers to while it takes no API token: the Service's own, and
service.adminHosts (guardrail.admin.origin refuses any other, as DNS rebinding would send).
*/}}
{{- define "guardrail.adminHosts" -}}
{{- $name := include "guardrail.fullname" . }}
{{- $namespaced := printf "%s.%s" $name .Release.Namespace }}
{{- list $name $namespaced (printf "%s.svc" $namespaced) (printf "%s.svc.%s" $namespaced .Values.service.clusterDomain) | concat .Values.service.adminHosts | toJson }}
{{- end }}
