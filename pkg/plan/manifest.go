package plan

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// podSpecPath is where each workload kind keeps its pod spec.
var podSpecPath = map[string][]string{
	"Deployment":  {"spec", "template", "spec"},
	"StatefulSet": {"spec", "template", "spec"},
	"DaemonSet":   {"spec", "template", "spec"},
	"ReplicaSet":  {"spec", "template", "spec"},
	"Job":         {"spec", "template", "spec"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
	"Pod":         {"spec"},
}

// Images parses a rendered manifest and maps Kind/name/container (init
// containers too) to image references. Documents that do not parse are
// reported by index only: their content may be a Secret.
func Images(manifest string) (map[string]string, []error) {
	out := map[string]string{}
	var errs []error
	for i, doc := range splitDocs(manifest) {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			errs = append(errs, fmt.Errorf("manifest document %d does not parse", i+1))
			continue
		}
		kind, _ := obj["kind"].(string)
		path, ok := podSpecPath[kind]
		if !ok {
			continue
		}
		name, _ := dig(obj, "metadata", "name").(string)
		spec, _ := dig(obj, path...).(map[string]any)
		for _, key := range []string{"initContainers", "containers"} {
			list, _ := spec[key].([]any)
			for _, c := range list {
				cm, _ := c.(map[string]any)
				cn, _ := cm["name"].(string)
				img, _ := cm["image"].(string)
				out[kind+"/"+name+"/"+cn] = img
			}
		}
	}
	return out, errs
}

func splitDocs(m string) []string {
	var docs []string
	for _, d := range strings.Split("\n"+m, "\n---") {
		if strings.TrimSpace(stripComments(d)) != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(d string) string {
	var b strings.Builder
	for _, l := range strings.Split(d, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func dig(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		cm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = cm[p]
	}
	return cur
}
