package main

import (
	"encoding/base64"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// writeChart writes a chart whose stored release is ≈ sizeKB: a ConfigMap
// carrying an incompressible file of the chart (it is stored twice: in the
// chart's files and in the rendered manifest), and one small Deployment.
func writeChart(dir string, sizeKB int) error {
	// stored ≈ base64(gzip(json)): the file appears base64'd in the chart and
	// raw in the manifest; random base64 text gzips to ≈ 3/4.
	raw := make([]byte, sizeKB*1024*36/100)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: \"1.0\"\n",
		"values.yaml": "rev: 0\nimage: registry.example/bench/app:1.0\n",
		"big.txt":     base64.StdEncoding.EncodeToString(raw),
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-big
data:
  rev: {{ .Values.rev | quote }}
  big.txt: {{ .Files.Get "big.txt" | quote }}
`,
		"templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 2
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
