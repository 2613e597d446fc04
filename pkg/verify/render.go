package verify

import (
	"fmt"
	"io"
	"strings"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/health"
	"github.com/stella-ops/stella-plugins/pkg/output"
	"github.com/stella-ops/stella-plugins/pkg/watch"
)

// Report shows a wait's snapshots on r as "prefix: State: summary" (no
// prefix when empty) with the elapsed time: the one rendering of the
// commands that wait (verify-pods, promote, safe-rollback).
func Report(r output.Reporter, prefix string) func(watch.Snapshot) {
	if prefix != "" {
		prefix += ": "
	}
	return func(s watch.Snapshot) {
		line := fmt.Sprintf("%s%s: %s", prefix, s.State, s.Summary)
		if s.State == health.Healthy && s.HealthyFor > 0 {
			line += " (holding for --stable-for)"
		}
		r.Status(line, s.Elapsed)
	}
}

// Err maps the verdict to its exit code: nil (0), 2 unhealthy, 3 timed out.
func (r *Result) Err() error {
	switch r.Verdict {
	case Healthy:
		return nil
	case TimedOut:
		return exit.TimedOut("%s", r.Message)
	}
	return exit.Failed("%s", r.Message)
}

// Kind is the kind of verify-pods' structured result.
const Kind = "VerifyResult"

// Output is r for the structured printers; -o name lists its workloads.
func (r *Result) Output() output.Result {
	names := make([]string, 0, len(r.Workloads))
	for _, wl := range r.Workloads { // each its own kind: deployment/web
		names = append(names, output.Name(wl.Kind, wl.Name))
	}
	return output.Result{Kind: Kind, Value: r, Names: names}
}

// Render writes the verdict: a table of workloads (wide: with namespace,
// pods and message columns), then per unhealthy workload its pods,
// containers, reasons, events and log lines.
func Render(w io.Writer, f output.Format, r *Result, c output.Colorizer) error {
	if !f.IsTable() {
		return output.Print(w, f, r.Output())
	}
	wide, ns := f == output.Wide, r.AllNamespaces || f == output.Wide
	t := output.NewTable(w)
	head := []string{"WORKLOAD", "KIND", "READY", "STATUS", "REASON"}
	if ns {
		head = append([]string{"NAMESPACE"}, head...)
	}
	if wide {
		head = append(head, "PODS", "MESSAGE")
	}
	output.Row(t, head...)
	for _, wl := range r.Workloads {
		row := []string{wl.Name, wl.Kind, fmt.Sprintf("%d/%d", wl.Ready, wl.Desired), paint(c, wl.State), wl.Reason}
		if ns {
			row = append([]string{wl.Namespace}, row...)
		}
		if wide {
			row = append(row, fmt.Sprint(wl.Pods), wl.Message)
		}
		output.Row(t, row...)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	for _, wl := range r.Unhealthy() {
		renderDetail(w, wl)
	}
	fmt.Fprintf(w, "\nverdict: %s — %s\n", paintVerdict(c, r.Verdict), r.Message)
	return nil
}

func renderDetail(w io.Writer, wl Workload) {
	fmt.Fprintf(w, "\n%s/%s", wl.Kind, wl.Name)
	if wl.Message != "" {
		fmt.Fprintf(w, ": %s", wl.Message)
	}
	fmt.Fprintln(w)
	for _, e := range wl.Events {
		fmt.Fprintf(w, "  event      %s\n", e)
	}
	for _, f := range wl.Findings {
		fmt.Fprintf(w, "  pod        %s\n", f.Pod)
		if f.Container != "" {
			kind := ""
			if f.Init {
				kind = " (init)"
			}
			fmt.Fprintf(w, "  container  %s%s\n", f.Container, kind)
		}
		certainty := "still progressing"
		if f.Certain {
			certainty = "certain failure"
		}
		fmt.Fprintf(w, "  reason     %s (%s)\n", f.Reason, certainty)
		if f.Message != "" {
			fmt.Fprintf(w, "  message    %s\n", f.Message)
		}
		if f.Expected != "" {
			fmt.Fprintf(w, "  expected   %s\n  running    %s\n", f.Expected, f.Running)
		}
		for _, e := range f.Events {
			fmt.Fprintf(w, "  event      %s\n", e)
		}
		if len(f.Logs) == 1 && strings.HasPrefix(f.Logs[0], "(") {
			fmt.Fprintf(w, "  logs       %s\n", f.Logs[0]) // a note: unavailable, or empty
		} else if len(f.Logs) > 0 {
			fmt.Fprintf(w, "  logs       (last %d lines)\n", len(f.Logs))
			for _, l := range f.Logs {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}
}

func paint(c output.Colorizer, s health.State) string {
	switch s {
	case health.Healthy:
		return c.Good(string(s))
	case health.Failed:
		return c.Bad(string(s))
	}
	return c.Warn(string(s))
}

func paintVerdict(c output.Colorizer, v Verdict) string {
	if v == Healthy {
		return c.Good(strings.ToUpper(string(v)))
	}
	return c.Bad(strings.ToUpper(string(v)))
}
