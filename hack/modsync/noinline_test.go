package main

import "testing"

func TestNoinlineLastMatchWins(t *testing.T) {
	rs := []rule{
		{line: 1, pattern: "k8s.io/apiserver/..."},
		{line: 2, pattern: "k8s.io/apiserver/pkg/endpoints/deprecation", keep: true},
		{line: 3, pattern: "k8s.io/kubernetes/cmd/kubelet"},
	}
	for _, c := range []struct {
		path string
		want bool
	}{
		{"k8s.io/apiserver", true},
		{"k8s.io/apiserver/pkg/server", true},
		{"k8s.io/apiserver/pkg/endpoints/deprecation", false},
		{"k8s.io/apiserver/pkg/endpoints/deprecation/x", true},
		{"k8s.io/apiserverx", false},
		{"k8s.io/kubernetes/cmd/kubelet", true},
		{"k8s.io/kubernetes/cmd/kubelet/app", false},
		{"k8s.io/client-go/rest", false},
	} {
		if _, got := noinline(rs, c.path); got != c.want {
			t.Errorf("noinline(%s) = %v, want %v", c.path, got, c.want)
		}
	}
}

func TestCheckNoinlineRefusesAProductPackage(t *testing.T) {
	t.Chdir("../..")
	product := []pkg{{path: "k8s.io/client-go/rest"}, {path: "k8s.io/kubernetes/pkg/api/v1/pod"}}
	if err := checkNoinline(product, nil); err == nil {
		t.Fatal("a product package under k8s.io/kubernetes/... was accepted")
	}
	if err := checkNoinline(product[:1], nil); err != nil {
		t.Fatal(err)
	}
}
