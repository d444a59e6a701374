{{/* Names, labels and the pod parts every component shares. */}}

{{- define "slotstream.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* "slotstream.name" (dict "root" $ "component" "ingest-service") */}}
{{- define "slotstream.name" -}}
{{- printf "%s-%s" (include "slotstream.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "slotstream.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "slotstream.labels" -}}
{{ include "slotstream.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: slotstream
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* image reference: "slotstream.image" (dict "root" $ "repository" "slotstream-ingest-service") */}}
{{- define "slotstream.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if eq $tag "latest" -}}{{- fail "image.tag must not be \"latest\": pin a version so every replica runs the same code" -}}{{- end -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (.root.Values.image.registry | trimSuffix "/") .repository $tag -}}
{{- else -}}
{{- printf "localhost/%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "slotstream.kafkaConfigName" -}}
{{- printf "%s-kafka-client" (include "slotstream.fullname" .) -}}
{{- end -}}

{{- define "slotstream.required" -}}
{{- $_ := required "kafka.bootstrapServers is required: the Kafka cluster's bootstrap address, e.g. my-cluster-kafka-bootstrap.kafka:9092" .Values.kafka.bootstrapServers -}}
{{- $_ := required "registry.url is required: the Apicurio Registry v3 API base, e.g. http://apicurio-registry:8080/apis/registry/v3" .Values.registry.url -}}
{{- if and (eq .Values.security.mode "token") (not .Values.security.issuerUri) -}}
{{- fail "security.issuerUri is required with security.mode=token: the issuer of the SMART Backend Services tokens the services accept (or set security.mode=off on a trusted network)" -}}
{{- end -}}
{{- if and .Values.kafka.tls.clientSecret (not (hasSuffix "SSL" .Values.kafka.securityProtocol)) -}}
{{- fail "kafka.tls.clientSecret (a client certificate for mutual TLS) needs kafka.securityProtocol SSL or SASL_SSL" -}}
{{- end -}}
{{- if and (hasPrefix "SASL" .Values.kafka.securityProtocol) (not .Values.kafka.sasl.existingSecret) -}}
{{- fail "kafka.sasl.existingSecret is required with a SASL security protocol" -}}
{{- end -}}
{{- end -}}

{{/* Environment every Slotstream process gets: stack addresses, Kafka security, registry auth, JVM options. */}}
{{- define "slotstream.commonEnv" -}}
- name: SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
- name: SLOTSTREAM_KAFKA_CONFIG
  value: /etc/slotstream/kafka/client.properties
- name: SLOTSTREAM_REGISTRY_URL
  value: {{ .Values.registry.url | quote }}
{{- if .Values.registry.tls.caSecret }}
- name: SLOTSTREAM_REGISTRY_CA
  value: /etc/slotstream/registry-ca/ca.crt
{{- end }}
{{- if .Values.kafka.sasl.existingSecret }}
- name: KAFKA_SASL_USERNAME
{{- if .Values.kafka.sasl.username }}
  value: {{ .Values.kafka.sasl.username | quote }}
{{- else }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.usernameKey }}
{{- end }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
{{- if .Values.registry.existingSecret }}
- name: SLOTSTREAM_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.registry.existingSecret }}
      key: {{ .Values.registry.usernameKey }}
- name: SLOTSTREAM_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.registry.existingSecret }}
      key: {{ .Values.registry.passwordKey }}
{{- end }}
- name: JAVA_TOOL_OPTIONS
  value: {{ printf "%s -Djava.io.tmpdir=/tmp" .Values.javaOptions | quote }}
{{- end -}}

{{/* Volumes every Slotstream pod mounts: writable /tmp (the root fs is read-only), Kafka client config, broker CA,
Kafka client certificate (mutual TLS), registry CA. */}}
{{- define "slotstream.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 512Mi
- name: kafka-client
  configMap:
    name: {{ include "slotstream.kafkaConfigName" . }}
{{- if .Values.kafka.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret }}
    items:
      - key: {{ .Values.kafka.tls.caKey }}
        path: ca.crt
{{- end }}
{{- if .Values.kafka.tls.clientSecret }}
- name: kafka-client-cert
  secret:
    secretName: {{ .Values.kafka.tls.clientSecret }}
    items:
      - {key: {{ .Values.kafka.tls.certificateKey }}, path: tls.crt}
      - {key: {{ .Values.kafka.tls.privateKeyKey }}, path: tls.key}
{{- end }}
{{- if .Values.registry.tls.caSecret }}
- name: registry-ca
  secret:
    secretName: {{ .Values.registry.tls.caSecret }}
    items:
      - key: {{ .Values.registry.tls.caKey }}
        path: ca.crt
{{- end }}
{{- end -}}

{{- define "slotstream.commonVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: kafka-client
  mountPath: /etc/slotstream/kafka
  readOnly: true
{{- if .Values.kafka.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/slotstream/kafka-ca
  readOnly: true
{{- end }}
{{- if .Values.kafka.tls.clientSecret }}
- name: kafka-client-cert
  mountPath: /etc/slotstream/kafka-client-cert
  readOnly: true
{{- end }}
{{- if .Values.registry.tls.caSecret }}
- name: registry-ca
  mountPath: /etc/slotstream/registry-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* HTTPS of a service's listener and its calls to the other services (tls.enabled): a Spring Boot SSL bundle
"slotstream" from the PEM files of tls.secret, served by Tomcat (server.ssl.bundle) and trusted by every
service-to-service client (slotstream.tls.client-bundle: the CA plus the JVM's CAs). */}}
{{- define "slotstream.tlsEnv" -}}
{{- if .Values.tls.enabled -}}
- name: SERVER_SSL_BUNDLE
  value: slotstream
- name: SLOTSTREAM_TLS_CLIENT_BUNDLE
  value: slotstream
- name: SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_KEYSTORE_CERTIFICATE
  value: file:/etc/slotstream/tls/tls.crt
- name: SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_KEYSTORE_PRIVATEKEY
  value: file:/etc/slotstream/tls/tls.key
- name: SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_TRUSTSTORE_CERTIFICATE
  value: file:/etc/slotstream/tls/ca.crt
{{- end }}
{{- end -}}

{{- define "slotstream.tlsVolumes" -}}
{{- if .Values.tls.enabled -}}
- name: tls
  secret:
    secretName: {{ required "tls.secret is required with tls.enabled: a Secret with tls.crt, tls.key and ca.crt (cert-manager's Certificate Secret has this shape)" .Values.tls.secret }}
    items:
      - {key: {{ .Values.tls.certificateKey }}, path: tls.crt}
      - {key: {{ .Values.tls.privateKeyKey }}, path: tls.key}
      - {key: {{ .Values.tls.caKey }}, path: ca.crt}
{{- end }}
{{- end -}}

{{- define "slotstream.tlsVolumeMounts" -}}
{{- if .Values.tls.enabled -}}
- name: tls
  mountPath: /etc/slotstream/tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* http or https: the scheme of every service's listener */}}
{{- define "slotstream.scheme" -}}
{{- ternary "https" "http" .Values.tls.enabled -}}
{{- end -}}

{{/* A Spring Boot service container's HTTP port and probes on the actuator health groups. */}}
{{- define "slotstream.serviceContainerBasics" -}}
ports:
  - name: http
    containerPort: 8080
    protocol: TCP
# Startup: Kafka Streams restores and the stack preflight may take minutes; liveness only starts afterwards.
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http, scheme: {{ upper (include "slotstream.scheme" .) }}}
  periodSeconds: 5
  failureThreshold: 120
# Liveness is livenessState only: a restore or a rebalance never restarts the pod.
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http, scheme: {{ upper (include "slotstream.scheme" .) }}}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 6
# Readiness includes the component's own group members (store restored, view running, first snapshot).
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http, scheme: {{ upper (include "slotstream.scheme" .) }}}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
securityContext:
  {{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}

{{/* "slotstream.podScheduling" (dict "root" $ "component" "x" "values" $.Values.x) */}}
{{- define "slotstream.podScheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ .root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "slotstream.selectorLabels" . | nindent 8 }}
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "slotstream.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{- define "slotstream.podSpecCommon" -}}
serviceAccountName: {{ ternary (include "slotstream.name" .) "default" .root.Values.serviceAccount.create }}
automountServiceAccountToken: {{ .root.Values.serviceAccount.automountToken }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
terminationGracePeriodSeconds: 60
{{- end -}}


{{/* Request security (service-edge) of a service that checks bearer tokens: slotstream.security.* as Spring JSON. */}}
{{- define "slotstream.securityEnv" -}}
{{- $s := .Values.security -}}
{{- $security := dict "mode" $s.mode "audience" $s.audience "search-access" $s.searchAccess -}}
{{- if $s.issuerUri }}{{ $_ := set $security "issuer-uri" $s.issuerUri }}{{ end -}}
{{- if $s.jwkSetUri }}{{ $_ := set $security "jwk-set-uri" $s.jwkSetUri }}{{ end -}}
{{- if $s.clientSources }}{{ $_ := set $security "client-sources" $s.clientSources }}{{ end -}}
- name: SPRING_APPLICATION_JSON
  value: {{ dict "slotstream" (dict "security" $security) | toJson | quote }}
{{- end -}}
