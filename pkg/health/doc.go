// Package health holds the pure health rules of verify-pods: a workload's
// status with kstatus semantics (sigs.k8s.io/cli-utils/pkg/kstatus), chosen
// from a small table by kind and refined where kstatus is too lenient
// (StatefulSet OnDelete, running Jobs, failed bare Pods), kstatus' generic
// rules for custom resources with standard conditions (ComputeGeneric), plus
// the pod-level detection kstatus lacks (crash loops, pull errors, config
// errors, OOM kills, init-container failures, restarts during the check,
// unschedulable pods judged with cluster-autoscaler's events and a grace)
// and the running-digest check against a release manifest's pins.
//
// Every function here is a function of its arguments: no clients, no clock
// (callers pass now), no output.
package health
