{{/* Image reference from a string or a {registry?, repository|image, tag?, digest?} map. */}}
{{- define "stellaops.image" -}}
{{- $img := .image -}}
{{- if kindIs "string" $img -}}
{{- $img -}}
{{- else -}}
{{- $reg := $img.registry | default "" -}}
{{- if .global.imageRegistry }}{{ $reg = .global.imageRegistry }}{{ end -}}
{{- $ref := $img.repository | default $img.image -}}
{{- if $reg }}{{ $ref = printf "%s/%s" $reg $ref }}{{ end -}}
{{- if $img.tag }}{{ $ref = printf "%s:%s" $ref (toString $img.tag) }}{{ end -}}
{{- if $img.digest }}{{ $ref = printf "%s@%s" $ref $img.digest }}{{ end -}}
{{- $ref -}}
{{- end -}}
{{- end -}}

{{- define "stellaops.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: stellaops
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end -}}

{{- define "stellaops.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Pod spec of one component: ctx = {root, name, image, port}. */}}
{{- define "stellaops.pod" -}}
metadata:
  labels:
    {{- include "stellaops.selector" . | nindent 4 }}
  annotations:
    stella-ops.org/channel: {{ .root.Values.global.channel | quote }}
    {{- with (get .root.Values.podAnnotations .name) }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with .root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .name }}
      image: {{ include "stellaops.image" (dict "image" .image "global" .root.Values.global) | quote }}
      {{- with (get (.root.Values.podArgs | default dict) .name) }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .root.Values.readinessProbe }}
      readinessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .port }}
      env:
        - name: STELLAOPS_CHANNEL
          value: {{ .root.Values.global.channel | quote }}
        - name: STELLAOPS_VERSION
          value: {{ .root.Values.global.releaseVersion | quote }}
      envFrom:
        - secretRef:
            name: {{ .root.Release.Name }}-secrets
      resources:
        requests: {cpu: 10m, memory: 32Mi}
        {{- with .root.Values.resourceLimits }}
        limits:
          {{- toYaml . | nindent 10 }}
        {{- end }}
{{- end -}}
