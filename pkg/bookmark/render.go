package bookmark

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/output"
)

// The kinds of the bookmark commands' structured results (docs/output.md).
const (
	Kind        = "Bookmark"        // show, create (create adds pruned, retained)
	SummaryKind = "BookmarkSummary" // delete; list prints a BookmarkList of them
)

// Render writes one bookmark. Values appear only when b.Values is set
// (Show.ShowValues); the rendered manifest never does.
func Render(w io.Writer, f output.Format, b *Bookmark) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: Kind, Value: b, Names: names(b.Summary)})
	}
	t := output.NewTable(w)
	for _, kv := range [][2]string{
		{"NAME:", b.Name}, {"NAMESPACE:", b.Namespace}, {"RELEASE:", b.ReleaseName},
		{"REVISION:", fmt.Sprint(b.Revision)}, {"STATUS:", b.Status},
		{"CHART:", b.Chart + "-" + b.ChartVersion}, {"APP VERSION:", b.AppVersion},
		{"DEPLOYED:", stamp(b.DeployedAt)}, {"CREATED:", stamp(b.CreatedAt)},
		{"BY:", b.Who.User + " (" + b.Who.Source + ")"}, {"GIT:", gitLine(b)},
		{"NOTE:", b.Note}, {"STORED RELEASE:", fmt.Sprintf("%d bytes, sha256 %s", b.ReleaseBytes, b.ReleaseSHA256)},
	} {
		output.Row(t, kv[0], kv[1])
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if err := renderPins(w, b); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if !b.PodsLive {
		_, err := fmt.Fprintf(w, "PODS: none recorded: revision %d was not the running revision when bookmarked (digests above are its manifest's)\n", b.Revision)
		return errors.Join(err, renderValues(w, b))
	}
	fmt.Fprintln(w, "PODS (live when bookmarked):")
	t = output.NewTable(w)
	output.Row(t, "POD", "CONTAINER", "IMAGE", "DIGEST", "READY")
	for _, p := range b.Pods {
		for _, c := range p.Containers {
			name := c.Name
			if c.Init {
				name += " (init)"
			}
			output.Row(t, p.Name, name, c.Image, orDash(c.Digest), fmt.Sprint(c.Ready))
		}
	}
	if err := t.Flush(); err != nil {
		return err
	}
	return renderValues(w, b)
}

func renderValues(w io.Writer, b *Bookmark) error {
	if b.Values != nil {
		fmt.Fprintln(w, "\nVALUES:")
		return output.Structured(w, output.YAML, b.Values)
	}
	return nil
}

// renderPins writes the digests the revision's manifest pins, sorted.
func renderPins(w io.Writer, b *Bookmark) error {
	if len(b.Pins) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nPINS (revision %d's manifest):\n", b.Revision)
	keys := make([]string, 0, len(b.Pins))
	for k := range b.Pins {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := output.NewTable(w)
	output.Row(t, "WORKLOAD/CONTAINER", "DIGEST")
	for _, k := range keys {
		output.Row(t, k, b.Pins[k])
	}
	return t.Flush()
}

// RenderCreate writes a new bookmark and what retention deleted: the
// bookmark's own fields plus "pruned" (and "retained") in JSON/YAML, a
// PRUNED table after the bookmark in a table.
func RenderCreate(w io.Writer, f output.Format, res *CreateResult) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: Kind, Value: struct {
			*Bookmark
			Pruned   []Pruned `json:"pruned,omitempty"`
			Retained string   `json:"retained,omitempty"`
		}{res.Bookmark, res.Pruned, res.Retained}, Names: names(res.Bookmark.Summary)})
	}
	if err := Render(w, f, res.Bookmark); err != nil {
		return err
	}
	return RenderPruned(w, res.Pruned, res.Retained)
}

// RenderPruned writes the bookmarks retention deleted, and why more were kept.
func RenderPruned(w io.Writer, pruned []Pruned, retained string) error {
	if len(pruned) > 0 {
		fmt.Fprintln(w, "\nPRUNED:")
		t := output.NewTable(w)
		output.Row(t, "NAME", "REVISION", "CREATED", "WHY")
		for _, p := range pruned {
			output.Row(t, p.Name, fmt.Sprint(p.Revision), stamp(p.CreatedAt), p.Why)
		}
		if err := t.Flush(); err != nil {
			return err
		}
	}
	if retained != "" {
		_, err := fmt.Fprintln(w, "retention: "+retained)
		return err
	}
	return nil
}

// RenderDeleted writes the summary of a deleted bookmark.
func RenderDeleted(w io.Writer, f output.Format, s *Summary) error {
	if !f.IsTable() {
		return output.Print(w, f, output.Result{Kind: SummaryKind, Value: s, Names: names(*s)})
	}
	_, err := fmt.Fprintf(w, "bookmark %q deleted (release %s revision %d)\n", s.Name, s.ReleaseName, s.Revision)
	return err
}

// names is -o name of bookmarks: bookmark/NAME each.
func names(s ...Summary) []string {
	return output.Names(Kind, s, func(b Summary) string { return b.Name })
}

// RenderList writes bookmark summaries: a BookmarkList when structured.
func RenderList(w io.Writer, f output.Format, s []Summary) error {
	if !f.IsTable() {
		if s == nil {
			s = []Summary{}
		}
		return output.Print(w, f, output.List(Kind, s, names(s...)))
	}
	if len(s) == 0 {
		_, err := fmt.Fprintln(w, "No bookmarks.")
		return err
	}
	t := output.NewTable(w)
	multi := f == output.Wide // wide: the NAMESPACE column always
	for _, b := range s {
		multi = multi || b.Namespace != s[0].Namespace
	}
	row := func(ns string, cols ...string) {
		if multi {
			cols = append([]string{ns}, cols...)
		}
		output.Row(t, cols...)
	}
	row("NAMESPACE", "NAME", "RELEASE", "REVISION", "STATUS AT BOOKMARK", "CHART", "CREATED", "BY", "NOTE")
	for _, b := range s {
		row(b.Namespace, b.Name, b.ReleaseName, fmt.Sprint(b.Revision), b.Status, b.Chart+"-"+b.ChartVersion,
			stamp(b.CreatedAt), b.CreatedBy, b.Note)
	}
	return t.Flush()
}

// CheckOutputFile refuses, before anything is created, an --output-file
// that is a directory or whose directory does not exist (exit 4).
func CheckOutputFile(path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return exit.InvalidInput("flag --output-file: %s is a directory", path)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return exit.InvalidInput("flag --output-file: directory %s does not exist", filepath.Dir(path))
	}
	return nil
}

// WriteFile writes b to path (YAML for .yaml/.yml, else JSON) with mode
// 0600, through a temporary file renamed into place.
func WriteFile(path string, b *Bookmark) error {
	f := output.JSON
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		f = output.YAML
	}
	var buf bytes.Buffer
	if err := output.Structured(&buf, f, b); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bookmark-*")
	if err != nil {
		return fmt.Errorf("flag --output-file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("flag --output-file: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("flag --output-file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("flag --output-file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("flag --output-file: %w", err)
	}
	return nil
}

func gitLine(b *Bookmark) string {
	if b.Git.SHA == "" {
		return b.Git.Note
	}
	return b.Git.Describe + " (" + b.Git.SHA + ")"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
