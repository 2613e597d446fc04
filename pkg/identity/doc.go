// Package identity answers "who is running this": the user the API server
// authenticated (SelfSubjectReview), falling back to the kubeconfig user.
package identity
