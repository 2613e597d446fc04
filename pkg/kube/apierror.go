package kube

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// APIError makes an API error readable and operational (exit 1): a refusal
// names the verb and the resource the command needs ("forbidden: needs list
// on deployments.apps in namespace …", the Role per command being in
// docs/rbac.md); other errors keep their cause for errors.Is/As (Transient
// still sees a refused connection). namespace "" means cluster-wide.
func APIError(err error, verb, resource, namespace string) error {
	if err == nil {
		return nil
	}
	where := "in namespace " + fmt.Sprintf("%q", namespace)
	if namespace == "" {
		where = "cluster-wide (all namespaces)"
	}
	var st apierrors.APIStatus
	detail := err.Error()
	if errors.As(err, &st) {
		status := st.Status()
		detail = status.Message
		if d := status.Details; d != nil && d.Kind != "" && apierrors.IsForbidden(err) {
			resource = d.Kind // the server names the refused resource exactly
			if d.Group != "" {
				resource += "." + d.Group
			}
		}
	}
	switch {
	case apierrors.IsForbidden(err):
		return exit.WithCode(exit.Operational, &wrapped{err: err, msg: fmt.Sprintf(
			"forbidden: needs %s on %s %s (%s; the Role each command needs is in docs/rbac.md)", verb, resource, where, detail)})
	case apierrors.IsUnauthorized(err):
		return exit.WithCode(exit.Operational, fmt.Errorf("unauthorized: the API server did not accept the credentials to %s %s: %w", verb, resource, err))
	}
	return exit.WithCode(exit.Operational, fmt.Errorf("%s %s %s: %w", verb, resource, where, err))
}

// wrapped is an error with its own text that still unwraps to the API
// error (apierrors.IsForbidden keeps working).
type wrapped struct {
	err error
	msg string
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }
