package main

import (
	"github.com/spf13/cobra"

	stella "github.com/stella-ops/stella-plugins/internal/cli"
)

func init() {
	register(func(r *root) *cobra.Command { return stella.VersionCmd(r.out, "helm-stella") })
}
