package main

import (
	"os"
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/cli"
)

const twoContexts = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:1001"}
- name: b
  cluster: {server: "https://127.0.0.1:1002"}
users:
- name: u
  user: {token: from-kubeconfig}
contexts:
- name: staging
  context: {cluster: a, user: u, namespace: default}
- name: prod
  context: {cluster: b, user: u, namespace: default}
current-context: prod
`

func TestStageSettingsCarryCallerConnection(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, []byte(twoContexts), 0o600); err != nil {
		t.Fatal(err)
	}
	caller := cli.New()
	caller.KubeConfig, caller.KubeContext, caller.KubeAPIServer = kc, "prod", "https://127.0.0.1:9999"
	caller.KubeToken, caller.KubeAsUser, caller.KubeAsGroups = "caller-token", "alice", []string{"ops"}
	caller.KubeInsecureSkipTLSVerify, caller.KubeTLSServerName = true, "api.internal"
	caller.QPS, caller.BurstLimit = 42, 84

	s := stageSettings(caller, "staging", "stage-ns")
	cfg, err := s.RESTClientGetter().ToRESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	ns, _, err := s.RESTClientGetter().ToRawKubeConfigLoader().Namespace()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"host (the stage context's, never --kube-apiserver)", cfg.Host, "https://127.0.0.1:1001"},
		{"namespace", ns, "stage-ns"},
		{"token", cfg.BearerToken, "caller-token"},
		{"impersonated user", cfg.Impersonate.UserName, "alice"},
		{"TLS server name", cfg.TLSClientConfig.ServerName, "api.internal"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	if !cfg.Insecure || len(cfg.Impersonate.Groups) != 1 || cfg.QPS != 42 || cfg.Burst != 84 {
		t.Errorf("insecure %v, groups %v, qps %v, burst %d", cfg.Insecure, cfg.Impersonate.Groups, cfg.QPS, cfg.Burst)
	}
	if caller.KubeContext != "prod" || caller.Namespace() == "stage-ns" {
		t.Errorf("the caller's settings changed: context %q namespace %q", caller.KubeContext, caller.Namespace())
	}
}
