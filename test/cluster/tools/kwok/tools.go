//go:build tools

// Package tools pins kwok and etcd for the local test cluster.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
