// Package guardtest is the in-process fixture of guarded release changes,
// as Helm's actionConfigFixture: Helm's memory storage driver and fake kube
// client for releases, client-go's fake clientset for the Lease lock, the
// journal's ConfigMaps, bookmarks and workloads. For tests only.
package guardtest

import (
	"io"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	kubefake "helm.sh/helm/v3/pkg/kube/fake"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	k8sfake "k8s.io/client-go/kubernetes/fake"

	"github.com/stella-ops/stella-plugins/pkg/kube"
)

// Config returns an injected configuration for namespace on fakes, and the
// fake clientset behind cfg.Typed (for reactors and objects).
func Config(namespace string) (*kube.Config, *k8sfake.Clientset) {
	typed := k8sfake.NewClientset()
	return &kube.Config{Namespace: namespace, Context: "test", User: "alice", Typed: typed, Helm: &action.Configuration{
		Releases:     storage.Init(driver.NewMemory()),
		KubeClient:   &kubefake.PrintingKubeClient{Out: io.Discard},
		Capabilities: chartutil.DefaultCapabilities,
		Log:          func(string, ...any) {},
	}}, typed
}

// Chart is a chart of version holding templates (name → YAML).
func Chart(version string, templates map[string]string) *chart.Chart {
	c := &chart.Chart{Metadata: &chart.Metadata{Name: "web", Version: version, APIVersion: "v2"}}
	for name, data := range templates {
		c.Templates = append(c.Templates, &chart.File{Name: "templates/" + name, Data: []byte(data)})
	}
	return c
}

// Store puts revision v of release name into cfg's Helm storage with
// status s, a chart of chartVersion and manifest.
func Store(t *testing.T, cfg *kube.Config, name string, v int, s release.Status, chartVersion, manifest string) {
	t.Helper()
	now := helmtime.Now()
	r := &release.Release{Name: name, Namespace: cfg.Namespace, Version: v,
		Info:   &release.Info{Status: s, FirstDeployed: now, LastDeployed: now, Description: "fixture"},
		Chart:  Chart(chartVersion, nil),
		Config: map[string]any{}, Manifest: manifest}
	if err := cfg.Helm.Releases.Create(r); err != nil {
		t.Fatal(err)
	}
}
