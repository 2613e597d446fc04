package kube

import (
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

func TestAPIError(t *testing.T) {
	forbidden := apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "statefulsets"}, "",
		errors.New(`User "system:serviceaccount:ns:v" cannot list resource "statefulsets" in API group "apps" in the namespace "ns"`))
	cases := []struct {
		err  error
		ns   string
		want string
	}{
		{forbidden, "ns", `forbidden: needs list on statefulsets.apps in namespace "ns" (statefulsets.apps is forbidden: User "system:serviceaccount:ns:v" cannot list`},
		{forbidden, "", `forbidden: needs list on statefulsets.apps cluster-wide (all namespaces)`},
		{apierrors.NewUnauthorized("token expired"), "ns", "unauthorized: the API server did not accept the credentials to list statefulsets.apps"},
		{errors.New("connection refused"), "ns", `list statefulsets.apps in namespace "ns": connection refused`},
	}
	for _, c := range cases {
		err := APIError(c.err, "list", "statefulsets.apps", c.ns)
		if !strings.HasPrefix(err.Error(), c.want) || exit.CodeOf(err) != exit.Operational {
			t.Errorf("apiError = %q (exit %d), want prefix %q, exit 1", err, exit.CodeOf(err), c.want)
		}
		if !errors.Is(err, c.err) || apierrors.IsForbidden(err) != apierrors.IsForbidden(c.err) {
			t.Errorf("apiError(%v) does not unwrap to the API error", c.err)
		}
	}
	watchPods := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("cannot watch"))
	if err := APIError(watchPods, "watch", "workloads", "ns"); !strings.HasPrefix(err.Error(), `forbidden: needs watch on pods in namespace "ns"`) {
		t.Errorf("the refused resource comes from the status details: %q", err)
	}
	if APIError(nil, "list", "pods", "ns") != nil {
		t.Error("nil stays nil")
	}
}
