// Package helmlog catches what the Helm SDK prints through the standard
// library's package log while it renders a chart, and hands it back as
// warnings to print once each, as "warning: …" lines, instead of the
// timestamped log lines Helm would leave on stderr.
//
// Why package log: Helm v3's chartutil coalesce (CoalesceValues,
// ToRenderValues, reached by lint, install, upgrade and template) reports
// type conflicts between a chart's defaults and the user's values with a
// hard-wired log.Printf ("warning: destination for … is a table. Ignoring
// non-table value (…)"). There is no hook to pass another printer.
//
// How without a race: the standard logger is redirected once per process
// (sync.Once) to a router that never changes afterwards; nothing ever saves
// and restores log's output or flags, so two callers cannot put back each
// other's writer. Capture holds one mutex while its function runs and the
// router appends every line written meanwhile to that capture; outside a
// capture lines go to stderr unchanged. Captures are therefore serialised
// (the plugins render one chart at a time anyway) and must not nest. A line
// logged by an unrelated goroutine during a capture would be caught too:
// the plugins log nothing else through package log.
//
// Values are never echoed: Helm prints the ignored value in parentheses
// ("(%v)"), which may be a secret; that part is cut off.
package helmlog
