package gitstate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// State is a checkout's git state; Note replaces it when there is none.
type State struct {
	Dir      string `json:"dir,omitempty"`
	Describe string `json:"describe,omitempty"`
	SHA      string `json:"sha,omitempty"`
	Dirty    bool   `json:"dirty,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Read returns the git state of the checkout at dir ("" = the working
// directory). It never fails: a missing repository or git binary becomes
// a Note, since a bookmark is still worth taking without it.
func Read(ctx context.Context, dir string) State {
	s := State{Dir: dir}
	sha, err := git(ctx, dir, "rev-parse", "--verify", "HEAD")
	if err != nil {
		s.Note = fmt.Sprintf("no git state: %v", err)
		return s
	}
	s.SHA = sha
	desc, err := git(ctx, dir, "describe", "--tags", "--always", "--dirty")
	if err != nil {
		s.Note = fmt.Sprintf("git describe: %v", err)
		return s
	}
	s.Describe = desc
	s.Dirty = strings.HasSuffix(desc, "-dirty")
	return s
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := gitRaw(ctx, dir, args...)
	return strings.TrimSpace(out), err
}

// gitRaw is git without trimming the output (porcelain lines start with a space).
func gitRaw(ctx context.Context, dir string, args ...string) (string, error) {
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(firstLine(errb.String(), ee.Error()))
		}
		return "", err
	}
	return out.String(), nil
}

func firstLine(s, fallback string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return fallback
	}
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimPrefix(line, "fatal: ")
}
