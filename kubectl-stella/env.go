package main

import "os"

// helmDriver is Helm's storage driver as Helm users set it.
func helmDriver() string { return os.Getenv("HELM_DRIVER") }
