// Package watch drives the health rules over time for verify-pods --wait:
// informers (one LIST and one WATCH per resource, never loops of GETs) keep
// an in-memory view of the namespace, every change re-evaluates the verdict,
// and Until returns as soon as failure is certain (fail fast), when health
// has held for the --stable-for window, or at the timeout. It reports
// progress through a callback and never prints.
package watch
