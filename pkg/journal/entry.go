package journal

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/identity"
)

// Operation is what an entry records.
type Operation string

// The journaled operations.
const (
	Promote      Operation = "promote"
	SafeRollback Operation = "safe-rollback"
	Recover      Operation = "recover"
)

// Outcome is how an operation ended (InProgress until it does).
type Outcome string

// The outcomes of an entry.
const (
	InProgress  Outcome = "in-progress"
	Succeeded   Outcome = "succeeded"
	RolledBack  Outcome = "rolled-back"
	Failed      Outcome = "failed"
	Refused     Outcome = "refused"
	Interrupted Outcome = "interrupted"
	Unknown     Outcome = "unknown"
)

// Outcomes a command reports for runs that changed nothing and are never
// journaled (the journal's rules reject them).
const (
	Planned Outcome = "planned" // --plan: the plan was shown
	Drift   Outcome = "drift"   // the values do not align with the release manifest
)

// Final reports whether o ends an entry's history.
func (o Outcome) Final() bool {
	switch o {
	case Succeeded, RolledBack, Failed, Refused, Interrupted, Unknown:
		return true
	}
	return false
}

func (o Outcome) valid() bool { return o == InProgress || o.Final() }

// Revision is one side (from or to) of an operation.
type Revision struct {
	Revision     int    `json:"revision,omitempty"`
	ChartVersion string `json:"chartVersion,omitempty"`
	// Digests maps workload/container (e.g. Deployment/authority/authority)
	// to the pinned image reference repo@sha256:….
	Digests map[string]string `json:"digests,omitempty"`
}

// Manifest names the release manifest an operation deployed.
type Manifest struct {
	Version string `json:"version,omitempty"`
	Channel string `json:"channel,omitempty"`
}

// Git is the deploy checkout an operation ran from.
type Git struct {
	Describe string `json:"describe,omitempty"`
	SHA      string `json:"sha,omitempty"`
}

// Evidence is what a failed pod said; it is redacted before storage.
type Evidence struct {
	Pod       string   `json:"pod"`
	Container string   `json:"container,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	Message   string   `json:"message,omitempty"`
	Events    []string `json:"events,omitempty"`
	LogTail   []string `json:"logTail,omitempty"`
}

// Entry is one journaled operation. It deliberately has no field for Helm
// values or manifests: secrets have nowhere to go.
type Entry struct {
	ID        string       `json:"id"`
	Operation Operation    `json:"operation"`
	Release   string       `json:"release"`
	Namespace string       `json:"namespace"`
	Context   string       `json:"kubeContext,omitempty"`
	Who       identity.Who `json:"who"`
	Start     time.Time    `json:"start"`
	End       time.Time    `json:"end,omitzero"`
	Duration  Duration     `json:"duration,omitzero"`
	// RollbackDuration is the runbook's "rollback duration": the whole of a
	// safe-rollback, the automatic rollback part of a promote.
	RollbackDuration Duration        `json:"rollbackDuration,omitzero"`
	From             Revision        `json:"from"`
	To               Revision        `json:"to"`
	Manifest         Manifest        `json:"manifest,omitzero"`
	Git              Git             `json:"git,omitzero"`
	Reason           string          `json:"reason,omitempty"`
	Outcome          Outcome         `json:"outcome"`
	Evidence         []Evidence      `json:"evidence,omitempty"`
	Smoke            json.RawMessage `json:"smoke,omitempty"` // the caller's smoke summary, opaque
	Notes            string          `json:"notes,omitempty"`
}

// Finish sets the final outcome, the end time and the duration.
func (e *Entry) Finish(o Outcome, end time.Time) {
	e.Outcome, e.End = o, end
	e.Duration = Duration(end.Sub(e.Start))
}

// Duration is a time.Duration written as "1m2.345s" in JSON and YAML.
type Duration time.Duration

// MarshalJSON writes the duration rounded to the millisecond.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Round(time.Millisecond).String())
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// String is the rounded duration.
func (d Duration) String() string { return time.Duration(d).Round(100 * time.Millisecond).String() }

// SmokeSkipped is the smoke field of an entry whose suite was skipped on
// purpose (why: "--no-smoke").
func SmokeSkipped(why string) json.RawMessage {
	b, _ := json.Marshal(struct {
		Skipped bool   `json:"skipped"`
		Why     string `json:"why"`
	}{true, why})
	return b
}
