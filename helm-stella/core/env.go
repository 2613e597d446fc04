package main

import "os"

// helmDriver is Helm's storage driver as Helm users set it.
func helmDriver() string { return os.Getenv("HELM_DRIVER") }

// historyMaxUsage is helm's own --history-max help, with where the default
// comes from: HELM_MAX_HISTORY, else 10, as helm upgrade and helm rollback.
const historyMaxUsage = "limit the maximum number of revisions saved per release (HELM_MAX_HISTORY sets the default). Use 0 for no limit"
