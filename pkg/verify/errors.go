package verify

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stella-ops/stella-plugins/pkg/exit"
)

// apiError makes an API error readable: a refusal names the verb and the
// resource the command needs ("forbidden: needs list on deployments.apps in
// namespace …"); every API error is operational (exit 1).
func apiError(err error, verb, resource, namespace string) error {
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
		return exit.WithCode(exit.Operational, fmt.Errorf("forbidden: needs %s on %s %s (%s; the Role verify-pods needs is in docs/verify-pods.md)", verb, resource, where, detail))
	case apierrors.IsUnauthorized(err):
		return exit.WithCode(exit.Operational, fmt.Errorf("unauthorized: the API server did not accept the credentials to %s %s: %w", verb, resource, err))
	}
	return exit.WithCode(exit.Operational, fmt.Errorf("%s %s %s: %w", verb, resource, where, err))
}
