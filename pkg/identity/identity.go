package identity

import (
	"context"
	"sort"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Who is an operator's identity.
type Who struct {
	User   string   `json:"user"`
	Groups []string `json:"groups,omitempty"`
	// Source is "SelfSubjectReview" or "kubeconfig" (API could not tell).
	Source string `json:"source"`
}

// Resolve asks the API server who we are; when it cannot answer (old
// server, forbidden), it falls back to the kubeconfig's user name.
func Resolve(ctx context.Context, c kubernetes.Interface, kubeconfigUser string) Who {
	r, err := c.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil || r.Status.UserInfo.Username == "" {
		return Who{User: kubeconfigUser, Source: "kubeconfig"}
	}
	groups := append([]string(nil), r.Status.UserInfo.Groups...)
	sort.Strings(groups)
	return Who{User: r.Status.UserInfo.Username, Groups: groups, Source: "SelfSubjectReview"}
}
