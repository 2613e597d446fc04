package rollback

import (
	"time"

	"github.com/stella-ops/stella-plugins/pkg/helmx"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/plan"
	"github.com/stella-ops/stella-plugins/pkg/retention"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// Defaults of the options.
const (
	DefaultTimeout     = 10 * time.Minute
	DefaultStaleAfter  = 5 * time.Minute
	DefaultLockTimeout = 2 * time.Minute
	// DefaultMaxHistory is the helm CLI's default --history-max.
	DefaultMaxHistory = 10
)

// Options are the exported inputs of one safe-rollback.
type Options struct {
	Release    string
	ToBookmark string // --to-bookmark
	Revision   int    // --revision
	Timeout    time.Duration
	// UnschedulableGrace: see verify.Options; 0 = the default.
	UnschedulableGrace time.Duration
	Reason             string
	// Recover marks a stale pending-* revision failed before rolling back.
	Recover        bool
	StaleAfter     time.Duration
	RequireDigests bool
	// Plan computes and returns the plan, changing nothing (--plan/--dry-run).
	Plan        bool
	LockTimeout time.Duration
	// SmokeSuite is a suite file; else the channel's (Channel in Config).
	SmokeSuite, Channel, Config string
	// NoSmoke skips the suite (journaled as skipped).
	NoSmoke bool
	// JournalRetention is the flags' journal retention (nil fields: not
	// given); it overrides the channels file's retention.journal.
	JournalRetention retention.Setting
	// MaxHistory limits the revisions Helm keeps when the rollback (or the
	// restore) creates one, as helm's --history-max (0 = no limit).
	MaxHistory int
	// Progress shows one line per step and the verification's status
	// (nil: discard).
	Progress output.Reporter
}

// Rollback is the safe-rollback operation.
type Rollback struct {
	Options
	cfg      *kube.Config
	now      func() time.Time
	deadline time.Time // of the steps, set by perform

	revisions               []helmx.Revision // read by facts
	suite                   *smoke.Suite     // loaded by Run before any change
	suitePath, suiteVersion string
	journalLimit            retention.Limit // resolved by Run before any change
}

// New returns the operation on the injected configuration.
func New(cfg *kube.Config) *Rollback {
	return &Rollback{cfg: cfg, now: time.Now,
		Options: Options{Timeout: DefaultTimeout, StaleAfter: DefaultStaleAfter, LockTimeout: DefaultLockTimeout,
			MaxHistory: DefaultMaxHistory}}
}

// Result is the report of one run.
type Result struct {
	Release   string    `json:"release"`
	Namespace string    `json:"namespace"`
	Decision  *Decision `json:"decision"`
	Plan      plan.Plan `json:"plan"`
	Warnings  []string  `json:"warnings,omitempty"`
	// Recovered is the pending revision marked failed, if any.
	Recovered int `json:"recovered,omitempty"`
	// NewRevision is the revision the rollback (or restore) created.
	NewRevision int            `json:"newRevision,omitempty"`
	Verify      *verify.Result `json:"verify,omitempty"`
	Smoke       *smoke.Summary `json:"smoke,omitempty"`
	// SmokeSkipped is set when --no-smoke skipped the suite.
	SmokeSkipped bool            `json:"smokeSkipped,omitempty"`
	Outcome      journal.Outcome `json:"outcome"`
	Message      string          `json:"message,omitempty"`
	Duration     string          `json:"duration,omitempty"`
	JournalID    string          `json:"journal,omitempty"`
	// ClosedEntries are journal entries left in progress by processes that
	// ended without an outcome, closed as unknown under our lock.
	ClosedEntries []string `json:"closedJournalEntries,omitempty"`
	DryRun        bool     `json:"dryRun,omitempty"`
	// PrunedJournalEntries are the release's finished journal entries the
	// journal retention deleted after this run's entry was final.
	PrunedJournalEntries []string           `json:"prunedJournalEntries,omitempty"`
	JournalRetention     *retention.Applied `json:"journalRetention,omitempty"`
}
