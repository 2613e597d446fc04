package kube

import (
	"os"
	"path/filepath"
	"testing"

	helmkube "helm.sh/helm/v3/pkg/kube"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// Helm 4 takes over from client-side apply only the fields its own manager
// ("helm") wrote; Init must make our Helm SDK writes use that name.
func TestInitUsesHelmFieldManager(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:1\"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: ns}\ncurrent-context: x\n"
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	helmkube.ManagedFieldsManager = ""
	flags := genericclioptions.NewConfigFlags(true)
	flags.KubeConfig = &kc
	if _, err := Init(flags, Options{}); err != nil {
		t.Fatal(err)
	}
	if helmkube.ManagedFieldsManager != "helm" || FieldManager != "helm" {
		t.Fatalf("field manager %q (FieldManager %q), want helm", helmkube.ManagedFieldsManager, FieldManager)
	}
}
