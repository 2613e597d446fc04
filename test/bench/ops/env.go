package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// env is one benchmark's namespace and scratch files on the example chart.
type env struct {
	c               config
	ns, dir         string
	chart, channels string
	stageValues     string
}

func newEnv(c config) (*env, error) {
	dir, err := os.MkdirTemp("", "bench-"+c.mode+"-")
	if err != nil {
		return nil, err
	}
	deploy := filepath.Join(c.repo, "examples/stellaops/deploy")
	e := &env{c: c, ns: fmt.Sprintf("stella-bench-%s-%d", c.mode, os.Getpid()), dir: dir,
		chart: filepath.Join(deploy, "helm/stellaops"), channels: filepath.Join(deploy, "channels.yaml"),
		stageValues: filepath.Join(deploy, "helm/stellaops/values-stage.yaml")}
	if err := e.admin(e.c.kubectl, "create", "namespace", e.ns); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	progress(c, "namespace %s", e.ns)
	return e, nil
}

// close deletes the namespace (without waiting) and the scratch files.
func (e *env) close() {
	_ = e.admin(e.c.kubectl, "delete", "namespace", e.ns, "--wait=false")
	os.RemoveAll(e.dir)
	progress(e.c, "deleted namespace %s", e.ns)
}

// admin runs a setup command as the cluster admin (not audited).
func (e *env) admin(bin string, args ...string) error {
	p := &probe{}
	if p.exec(e.c.admin, []string{"HELM_NAMESPACE=" + e.ns}, bin, args...) != 0 {
		return fmt.Errorf("%s %s: %s", filepath.Base(bin), strings.Join(args, " "), p.stderr.String())
	}
	return nil
}

// values writes a copy of values-stage.yaml with extra appended: a complete
// target, so promote's preflight align passes.
func (e *env) values(name, extra string) (string, error) {
	b, err := os.ReadFile(e.stageValues)
	if err != nil {
		return "", err
	}
	return e.write(name, string(b)+extra)
}

func (e *env) write(name, content string) (string, error) {
	p := filepath.Join(e.dir, name)
	return p, os.WriteFile(p, []byte(content), 0o644)
}

// status is the release's Helm status as the admin sees it.
func (e *env) status() (string, int, error) {
	p := &probe{}
	if p.exec(e.c.admin, nil, e.c.helm, "status", "stellaops", "-n", e.ns, "-o", "json") != 0 {
		return "", 0, fmt.Errorf("helm status: %s", p.stderr.String())
	}
	var s struct {
		Version int
		Info    struct{ Status string }
	}
	if err := json.Unmarshal([]byte(p.stdout.String()), &s); err != nil {
		return "", 0, fmt.Errorf("helm status: %w", err)
	}
	return s.Info.Status, s.Version, nil
}

// deployments are the release's Deployments (Helm ownership annotation).
func (e *env) deployments() ([]string, error) {
	p := &probe{}
	tmpl := `{range .items[?(@.metadata.annotations.meta\.helm\.sh/release-name=="stellaops")]}{.metadata.name}{"\n"}{end}`
	if p.exec(e.c.admin, nil, e.c.kubectl, "get", "deploy", "-n", e.ns, "-o", "jsonpath="+tmpl) != 0 {
		return nil, fmt.Errorf("list deployments: %s", p.stderr.String())
	}
	return strings.Fields(p.stdout.String()), nil
}
