package promote

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/align"
	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/journal"
	"github.com/stella-ops/stella-plugins/pkg/kube"
	"github.com/stella-ops/stella-plugins/pkg/lock"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/plan"
	"github.com/stella-ops/stella-plugins/pkg/registry"
	"github.com/stella-ops/stella-plugins/pkg/retention"
	"github.com/stella-ops/stella-plugins/pkg/smoke"
	"github.com/stella-ops/stella-plugins/pkg/verify"
)

// DefaultMaxHistory is the helm CLI's default --history-max (HELM_MAX_HISTORY
// overrides it in the commands, as in helm).
const DefaultMaxHistory = 10

// Promote is the promote operation. Set the option fields, then call Run.
type Promote struct {
	cfg *kube.Config

	Release     string   // Helm release name
	Chart       string   // chart directory or archive
	ValuesFiles []string // -f
	Channel     string   // channel of the channels file; default: the one holding ValuesFiles[0]
	Config      string   // channels file
	Timeout     time.Duration
	StableFor   time.Duration // the new revision must stay healthy this long (a crash after start-up fails it)
	// UnschedulableGrace: see verify.Options; 0 = the default.
	UnschedulableGrace time.Duration
	Plan               bool // show what would change and stop
	NoRollback         bool // keep a failed upgrade in place (evidence is still journaled)
	// Stage is the staging release's configuration for --require-stage
	// (built by the caller for the other context); StageRelease names it.
	Stage        *kube.Config
	StageRelease string
	Soak         time.Duration // with Stage: staging unchanged and healthy this long
	LockTimeout  time.Duration
	SmokeSuite   string // overrides the channel's smoke suite file
	SmokeTimeout time.Duration
	GitDir       string // deploy checkout ("" = working directory)
	// CheckRegistry (or the channel's checkRegistry) makes the preflight HEAD every pin in its registry.
	CheckRegistry bool
	Registry      registry.Options
	// NoSmoke skips the smoke suite (journaled as skipped).
	NoSmoke bool
	// JournalRetention and BookmarkRetention are the flags' retention of
	// the release's finished journal entries and of promote's own automatic
	// bookmarks (nil fields: not given). Per field, a flag overrides the
	// channel's retention:, which overrides the channels file's top level,
	// which overrides the defaults (journal: none; bookmarks: keep
	// DefaultKeepBookmarks). Operators' bookmarks are never touched.
	JournalRetention, BookmarkRetention retention.Setting
	// MaxHistory limits the revisions Helm keeps of the release when the
	// upgrade or the rollback creates one, as helm's --history-max (0 = no
	// limit); bookmarks keep pruned revisions restorable.
	MaxHistory int

	// ReleaseManifest is the release manifest to align with (default: the channel's).
	ReleaseManifest string

	Progress output.Reporter // steps and the wait's status; nil discards
	Now      func() time.Time
	// Abort, when cancelled (a second interrupt), stops waiting for the
	// rollback that follows a failure or a first interrupt.
	Abort context.Context
}

// New returns a Promote on the injected configuration.
func New(cfg *kube.Config) *Promote {
	return &Promote{cfg: cfg, Timeout: 15 * time.Minute, Progress: output.Discard, Now: time.Now, MaxHistory: DefaultMaxHistory}
}

// Result is what Run did; it is rendered once by the caller, also on error.
type Result struct {
	Release   string           `json:"release"`
	Namespace string           `json:"namespace"`
	Context   string           `json:"kubeContext,omitempty"`
	Outcome   journal.Outcome  `json:"outcome"`
	Message   string           `json:"message"`
	From      journal.Revision `json:"from"`
	To        journal.Revision `json:"to"`
	Manifest  journal.Manifest `json:"manifest"`
	Bookmark  string           `json:"bookmark,omitempty"`
	// PrunedBookmarks are promote's older automatic bookmarks its
	// retention deleted.
	PrunedBookmarks []string `json:"prunedBookmarks,omitempty"`
	// PrunedJournalEntries are the release's finished journal entries the
	// journal retention deleted after this run's entry was final.
	PrunedJournalEntries []string `json:"prunedJournalEntries,omitempty"`
	// BookmarkRetention and JournalRetention say which limits applied
	// (and where each came from), what they removed, and any warning.
	BookmarkRetention *retention.Applied `json:"bookmarkRetention,omitempty"`
	JournalRetention  *retention.Applied `json:"journalRetention,omitempty"`
	Journal           string             `json:"journal,omitempty"` // journal entry ID
	// ClosedEntries are journal entries left in progress by processes that
	// ended without an outcome, closed as unknown under our lock.
	ClosedEntries []string           `json:"closedJournalEntries,omitempty"`
	Duration      string             `json:"duration,omitempty"`
	Rollback      string             `json:"rollback,omitempty"` // "to revision N in 1.2s"
	Findings      []align.Finding    `json:"findings,omitempty"`
	Gate          *GateResult        `json:"gate,omitempty"`
	Verify        *verify.Result     `json:"verify,omitempty"`
	Smoke         *smoke.Summary     `json:"smoke,omitempty"`
	Evidence      []journal.Evidence `json:"evidence,omitempty"`
	Plan          *plan.Plan         `json:"plan,omitempty"`
	Files         *FilesResult       `json:"files,omitempty"` // promote --files-only (Files.Run)
}

// Run promotes. The error carries the exit code (2 drift or failed and
// rolled back, 3 timeout, 4 invalid input, 5 refused); the Result is
// returned whenever there is something to show.
func (p *Promote) Run(ctx context.Context) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	res := &Result{Release: p.Release, Namespace: p.cfg.Namespace, Context: p.cfg.Context}
	st, err := p.heldPreflight(ctx, res)
	if err == nil {
		st, err = p.checkCluster(ctx, st, res)
	}
	if err != nil {
		return res, err
	}
	if p.Plan {
		res.Plan, err = p.plan(ctx, st)
		res.Outcome, res.Message = journal.Planned, "nothing changed"
		return res, err
	}
	return res, p.execute(ctx, st, res)
}

func (p *Promote) validate() error {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Progress == nil {
		p.Progress = output.Discard
	}
	switch {
	case p.Release == "" || p.Chart == "":
		return exit.InvalidInput("promote: RELEASE and CHART are required")
	case len(p.ValuesFiles) == 0:
		return exit.InvalidInput("flag -f/--values: at least one values file is required")
	case p.Timeout <= 0:
		return exit.InvalidInput("flag --timeout: must be positive, got %s", p.Timeout)
	case p.StableFor < 0:
		return exit.InvalidInput("flag --stable-for: must not be negative, got %s", p.StableFor)
	case p.MaxHistory < 0:
		return exit.InvalidInput("flag --history-max: must not be negative, got %d", p.MaxHistory)
	case p.Soak < 0:
		return exit.InvalidInput("flag --soak: must not be negative, got %s", p.Soak)
	case p.Soak > 0 && p.Stage == nil:
		return exit.InvalidInput("flag --soak: only with --require-stage")
	case negative(p.JournalRetention.Keep):
		return exit.InvalidInput("flag --journal-keep: must be 0 (keep all) or more, got %d", *p.JournalRetention.Keep)
	case negative(p.BookmarkRetention.Keep):
		return exit.InvalidInput("flag --keep-bookmarks: must be 0 (keep all) or more, got %d", *p.BookmarkRetention.Keep)
	}
	return lock.ValidDuration(p.LockTimeout)
}

// heldPreflight runs the preflight's file half (seconds: channel, manifest,
// suite, align, lint, render) holding its progress lines back, and drops them when the input is bad:
// bad input gets its one Error: line and nothing else.
func (p *Promote) heldPreflight(ctx context.Context, res *Result) (*state, error) {
	held := &output.Held{}
	st, err := p.preflight(ctx, res, held)
	if exit.CodeOf(err) != exit.Invalid {
		held.Replay(p.Progress)
	}
	return st, err
}

func (p *Promote) progressf(format string, a ...any) {
	p.Progress.Logf(format, a...)
}

// smokeJSON is the smoke summary as the journal stores it.
func smokeJSON(s *smoke.Summary) json.RawMessage {
	if s == nil {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil
	}
	return b
}

func journalManifest(version, ch string) journal.Manifest {
	return journal.Manifest{Version: version, Channel: ch}
}

// NewOn binds options prepared before the configuration existed (flag
// parsing) to cfg.
func NewOn(cfg *kube.Config, opts *Promote) *Promote {
	opts.cfg = cfg
	return opts
}
