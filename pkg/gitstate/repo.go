package gitstate

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
)

// Top returns the root of the work tree holding dir, or an error saying
// why there is none (not a repository, no git binary).
func Top(ctx context.Context, dir string) (string, error) {
	return git(ctx, dir, "rev-parse", "--show-toplevel")
}

// Head returns the SHA of HEAD ("" in a repository without commits).
func Head(ctx context.Context, dir string) string {
	sha, _ := git(ctx, dir, "rev-parse", "--verify", "-q", "HEAD")
	return sha
}

// Change is one path of `git status --porcelain`: XY is the two-letter
// status ("??" untracked, " M" modified in the tree, "M " staged, …).
type Change struct {
	XY   string `json:"status"`
	Path string `json:"path"` // relative to the repository root
}

// Untracked reports whether the change is a file git does not know.
func (c Change) Untracked() bool { return c.XY == "??" }

// Status lists the uncommitted changes (staged, unstaged, untracked) of
// paths (files or directories; none = the whole tree), sorted by path.
func Status(ctx context.Context, dir string, paths ...string) ([]Change, error) {
	args := []string{"status", "--porcelain=v1", "--untracked-files=all", "--"}
	out, err := gitRaw(ctx, dir, append(args, abs(paths)...)...)
	if err != nil {
		return nil, err
	}
	var cs []Change
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 3 {
			cs = append(cs, Change{XY: l[:2], Path: l[3:]})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Path < cs[j].Path })
	return cs, nil
}

// TagCommit returns the commit tag points at, and whether the tag exists.
func TagCommit(ctx context.Context, dir, tag string) (string, bool) {
	sha, err := git(ctx, dir, "rev-parse", "--verify", "-q", "refs/tags/"+tag+"^{commit}")
	return sha, err == nil && sha != ""
}

// Subject returns the first line of commit's message.
func Subject(ctx context.Context, dir, commit string) string {
	s, _ := git(ctx, dir, "log", "-1", "--format=%s", commit)
	return s
}

// Commit stages exactly paths (new files included) and commits only them
// with message; it returns the new commit's SHA.
func Commit(ctx context.Context, dir, message string, paths []string) (string, error) {
	p := abs(paths)
	if _, err := git(ctx, dir, append([]string{"add", "--"}, p...)...); err != nil {
		return "", err
	}
	if _, err := git(ctx, dir, append([]string{"commit", "-q", "-m", message, "--"}, p...)...); err != nil {
		return "", err
	}
	return git(ctx, dir, "rev-parse", "HEAD")
}

// Tag creates the annotated tag on HEAD.
func Tag(ctx context.Context, dir, tag, message string) error {
	_, err := git(ctx, dir, "tag", "-a", tag, "-m", message)
	return err
}

// ValidTag reports why tag is not a valid tag name ("" when it is).
func ValidTag(ctx context.Context, tag string) string {
	if _, err := git(ctx, "", "check-ref-format", "refs/tags/"+tag); err != nil {
		return "not a valid git tag name"
	}
	return ""
}

func abs(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		out[i] = p
	}
	return out
}
