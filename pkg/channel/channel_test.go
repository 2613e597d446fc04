package channel

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
)

const example = "../../examples/stellaops/deploy/channels.yaml"

func TestLoadExample(t *testing.T) {
	f, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Names(), ","); got != "airgap,edge,local,stable" {
		t.Fatalf("names = %s", got)
	}
	dir := filepath.Dir(example)
	c, err := f.ChannelForValues(filepath.Join(dir, "helm/stellaops/values-prod.yaml"))
	if err != nil || c.Name != "stable" || c.PromotesFrom != "edge" {
		t.Fatalf("ChannelForValues = %+v, %v", c, err)
	}
	if c.Release != filepath.Join(dir, "releases/2025.09.2-stable.yaml") || c.Chart != filepath.Join(dir, "helm/stellaops") {
		t.Fatalf("paths not resolved: %s %s", c.Release, c.Chart)
	}
	edge, _ := f.Channel("edge")
	devCompose := filepath.Join(dir, "compose/docker-compose.dev.yaml")
	if edge.Deploys(devCompose, "rustfs") || !edge.Deploys(devCompose, "mongo") {
		t.Fatal("notDeployed not honoured")
	}
	if env := edge.EnvFiles(devCompose); len(env) != 1 || !strings.HasSuffix(env[0], "env/dev.env.example") {
		t.Fatalf("env files = %q", env)
	}
	if _, err := f.Channel("nope"); exit.CodeOf(err) != exit.Invalid || !strings.Contains(err.Error(), "have airgap, edge, local, stable") {
		t.Fatalf("unknown channel: %v", err)
	}
	if _, err := f.ChannelFor("elsewhere.yaml"); exit.CodeOf(err) != exit.Invalid {
		t.Fatalf("ChannelFor(unknown): %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"malformed", "channels:\n  a: [\n", "c.yaml:2:"},
		{"unknown key", "channels:\n  a:\n    release: r.yaml\n    relase: x\n", "c.yaml:4: field relase not found"},
		{"no release", "channels:\n  a:\n    chart: c\n", "c.yaml:2: channel a: release is required"},
		{"bad promotesFrom", "channels:\n  a:\n    release: r\n    promotesFrom: b\n", "c.yaml:2: channel a: promotesFrom \"b\""},
		{"bad registryMap", "channels:\n  a:\n    release: r\n    registryMap: [nope]\n", "c.yaml:2: channel a: registryMap"},
		{"bad notDeployed", "channels:\n  a:\n    release: r\n    notDeployed: {x.yaml: [db]}\n", "c.yaml:2: channel a: notDeployed"},
		{"bad pin", "channels:\n  a: {release: r}\ncompatibility:\n  mongo: {pins: [\"sha256:12\"]}\n", "c.yaml: compatibility.mongo: pins"},
		{"no channels", "compatibility: {}\n", "c.yaml: no channels defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(c.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || exit.CodeOf(err) != exit.Invalid {
				t.Fatalf("err = %v, want prefix %q (exit 4)", err, c.want)
			}
		})
	}
}

func TestRules(t *testing.T) {
	const d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	f, err := Parse("c.yaml", []byte(`channels:
  a:
    release: r
    compatibility:
      mongo: {allowedTags: ["6.0.*"]}
  b: {release: r}
compatibility:
  mongo: {allowedTags: ["7.0.*"]}
  minio: {pins: ["minio@`+d1+`"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	mongo7, _ := image.Parse("mongo:7.0.14@" + d1)
	minio, _ := image.Parse("minio/minio:x@sha256:2222222222222222222222222222222222222222222222222222222222222222")
	cases := []struct {
		channel, comp string
		ref           image.Ref
		broken        string
	}{
		{"b", "mongo", mongo7, ""},
		{"a", "mongo", mongo7, `tag "7.0.14" not in allowedTags [6.0.*]`},
		{"b", "minio", minio, "digest sha256:2222"},
	}
	for _, c := range cases {
		rules := f.Rules(f.Channels[c.channel])
		got := rules[c.comp].Check(c.ref)
		if (c.broken == "") != (got == "") || !strings.HasPrefix(got, c.broken) {
			t.Errorf("%s/%s: Check = %q, want %q", c.channel, c.comp, got, c.broken)
		}
	}
}
