package compose

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	interp "github.com/compose-spec/compose-go/v2/interpolation"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/stella-ops/stella-plugins/pkg/exit"
	"github.com/stella-ops/stella-plugins/pkg/image"
	"github.com/stella-ops/stella-plugins/pkg/internal/yamlpos"
)

// Service is one service's image.
type Service struct {
	Name string    `json:"name"`
	Raw  string    `json:"raw"`  // as written, variables included
	Ref  image.Ref `json:"ref"`  // interpolated, as compose-go reads it
	File string    `json:"file"` // the file the image is written in (an extends base may be another)
	Line int       `json:"line"` // its line there

	node *yaml.Node
}

// File is a parsed compose file.
type File struct {
	Path     string
	Data     []byte
	Services []Service // sorted by name; services without image are left out
	Warnings []string

	sources map[string]*source // this file and the files its services extend
}

// ReadEnv reads env files as docker compose --env-file does.
func ReadEnv(files []string) (map[string]string, error) {
	env, err := dotenv.GetEnvFromFile(map[string]string{}, files)
	if err != nil {
		return nil, exit.InvalidInput("env file: %w", err)
	}
	return env, nil
}

// Load reads a compose file with env files (or the .env beside it, as
// docker compose does, when none is given).
func Load(ctx context.Context, path string, envFiles []string) (*File, error) {
	data, err := yamlpos.ReadFile("compose", path)
	if err != nil {
		return nil, err
	}
	if len(envFiles) == 0 {
		if dot := filepath.Join(filepath.Dir(path), ".env"); fileExists(dot) {
			envFiles = []string{dot}
		}
	}
	env, err := ReadEnv(envFiles)
	if err != nil {
		return nil, err
	}
	return Parse(ctx, path, data, env)
}

// Parse loads compose bytes with env for interpolation; path names the file
// in messages and anchors relative paths. Images are what compose-go reads
// (interpolation, x- anchors and merge keys, extends, every document);
// the yaml.v3 nodes only locate where each is written.
func Parse(ctx context.Context, path string, data []byte, env map[string]string) (*File, error) {
	return ParseDocs(ctx, path, data, nil, env)
}

// ParseDocs is Parse of data already decoded by yamlpos.DecodeAll (by a
// caller that looked at it first: a file is parsed once); nil docs: data
// is decoded here.
func ParseDocs(ctx context.Context, path string, data []byte, docs []*yaml.Node, env map[string]string) (*File, error) {
	if docs == nil {
		var err error
		if docs, err = yamlpos.DecodeAll(path, data); err != nil {
			return nil, err
		}
	}
	src := sourceOf(path, data, docs)
	if len(src.docs) == 0 || !Detect(src.docs[0]) {
		return nil, exit.InvalidInput("%s: not a compose file (no top-level services map)", path)
	}
	images, err := serviceImages(ctx, path, src.model(), data, env)
	if err != nil {
		return nil, exit.InvalidInput("%s: %v", path, oneLine(err))
	}
	f := &File{Path: path, Data: data, sources: map[string]*source{path: src}}
	for name, img := range images {
		s := Service{Name: name, Raw: img, File: path}
		if at, node := f.locate(path, name, 0); node != nil {
			s.File, s.node, s.Raw, s.Line = at.path, node, node.Value, at.lines.Line(node)
		}
		if s.Ref, err = image.Parse(img); err != nil {
			return nil, yamlpos.Errorf(s.File, s.Line, "services.%s.image: %v", name, err)
		}
		f.Services = append(f.Services, s)
	}
	sort.Slice(f.Services, func(i, j int) bool { return f.Services[i].Name < f.Services[j].Name })
	if len(f.Services) == 0 {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: no service image found", path))
	}
	return f, nil
}

// Lint loads the file as docker compose config does (schema validation and
// consistency checks included) and returns compose's own messages.
func Lint(ctx context.Context, path string, envFiles []string) []string {
	data, err := yamlpos.ReadFile("compose", path)
	if err != nil {
		return []string{err.Error()}
	}
	env, err := ReadEnv(envFiles)
	if err != nil {
		return []string{err.Error()}
	}
	if _, err := load(ctx, path, data, env, true); err != nil {
		return []string{oneLine(err)}
	}
	return nil
}

// serviceImages loads the compose model through compose-go (interpolation
// from env included) and returns each service's image. It stops at the
// interpolated model: converting it into a full types.Project (what Lint
// does) costs most of the load and adds nothing to an image reference.
func serviceImages(ctx context.Context, path string, cut map[string]any, data []byte, env map[string]string) (images map[string]string, err error) {
	defer func() { // compose-go panics on some malformed models (found by FuzzParse)
		if r := recover(); r != nil {
			images, err = nil, fmt.Errorf("malformed compose model: %v", r)
		}
	}()
	var model map[string]any
	if cut != nil && !extends(cut) {
		// nothing to merge: an image is compose-go's interpolation of it
		// (the loader's other steps never touch image), without the loader's
		// per-field canonical transform, most of the cost at 2,000 services
		if images, ok := substituteImages(cut, env); ok {
			return images, nil
		}
		model, err = interp.Interpolate(cut, *interpolation(env))
	} else {
		d := details(path, data, env)
		if cut != nil { // already parsed: compose-go need not parse it again
			d.ConfigFiles[0].Content, d.ConfigFiles[0].Config = nil, cut
		}
		model, err = loader.LoadModelWithContext(ctx, d, options(env, false), func(o *loader.Options) {
			// the project name is no image's business; set explicitly, compose-go
			// does not read the file's bytes again to find a "name:"
			o.SetProjectName("stella-align", cut != nil)
		})
	}
	if err != nil {
		return nil, err
	}
	services, _ := model["services"].(map[string]any)
	images = map[string]string{}
	for name, v := range services {
		svc, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("services.%s: not a mapping", name)
		}
		if img, _ := svc["image"].(string); img != "" {
			images[name] = img
		}
	}
	return images, nil
}

// imageModel is config with each service cut down to what decides its
// image: image and extends (a base in this file is cut down too; one in
// another file compose-go reads whole). Anchors and merge keys are already
// resolved in config, interpolation applies to what is left. compose-go's
// canonical transform of every other service field was most of the load.
func imageModel(config map[string]any) map[string]any {
	services, ok := config["services"].(map[string]any)
	if !ok {
		return config // nil when not parsed beforehand
	}
	cut := make(map[string]any, len(services))
	for name, v := range services {
		svc, ok := v.(map[string]any)
		if !ok {
			cut[name] = v
			continue
		}
		keep := map[string]any{}
		for _, k := range []string{"image", "extends"} {
			if x, ok := svc[k]; ok {
				keep[k] = x
			}
		}
		cut[name] = keep
	}
	return map[string]any{"services": cut}
}

// extends reports whether a service of the cut-down model extends another,
// or is not a mapping (compose-go's loader decides what that means).
func extends(cut map[string]any) bool {
	services, ok := cut["services"].(map[string]any)
	if !ok {
		return true
	}
	for _, v := range services {
		if svc, ok := v.(map[string]any); !ok || svc["extends"] != nil {
			return true
		}
	}
	return false
}

func load(ctx context.Context, path string, data []byte, env map[string]string, strict bool) (p *types.Project, err error) {
	defer func() { // compose-go panics on some malformed models (found by FuzzParse)
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("malformed compose model: %v", r)
		}
	}()
	return loader.LoadWithContext(ctx, details(path, data, env), options(env, strict))
}

func details(path string, data []byte, env map[string]string) types.ConfigDetails {
	abs, _ := filepath.Abs(path)
	return types.ConfigDetails{
		WorkingDir:  filepath.Dir(abs),
		ConfigFiles: []types.ConfigFile{{Filename: abs, Content: data}},
		Environment: env,
	}
}

func options(env map[string]string, strict bool) func(*loader.Options) {
	return func(o *loader.Options) {
		o.SkipValidation, o.SkipConsistencyCheck = !strict, !strict
		o.SkipResolveEnvironment, o.SkipInclude, o.ResolvePaths = true, true, false
		o.Profiles = []string{"*"}
		o.SetProjectName("stella-align", false)
		o.Interpolate = interpolation(env)
	}
}

// Detect reports whether a decoded document is a compose file: a top-level
// services map and only compose's top-level keys besides.
func Detect(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode || yamlpos.Map(root, "services") == nil {
		return false
	}
	for i := 0; i < len(root.Content); i += 2 {
		switch k := root.Content[i].Value; k {
		case "version", "name", "services", "networks", "volumes", "secrets", "configs", "include", "models":
		default:
			if !strings.HasPrefix(k, "x-") {
				return false
			}
		}
	}
	return true
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

func fileExists(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }
