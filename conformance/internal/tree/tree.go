// Package tree reads a rendered tree (dist/) and lists, per environment, the
// objects Argo CD would apply, in the order it would apply them.
package tree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Object is one rendered object and where it came from.
type Object struct {
	File  string // the file it was read from, as the user names it (dist/dev/apps/x/deployment-x.yaml)
	Via   string // how it was built when not read as is ("kustomize build, sample PR #4242")
	App   string // the Argo CD Application that syncs it
	Phase string
	Wave  int
	U     *unstructured.Unstructured
}

// Env is one environment: its objects in apply order.
type Env struct {
	Name    string
	Objects []*Object
	Notes   []string // what was read but not applied, and why
}

// Options say how to resolve what Argo CD would resolve at run time.
type Options struct {
	// PullRequest are the pull-request generator's parameters for the sample PR.
	PullRequest map[string]string
}

// DefaultPullRequest is the sample pull request the preview ApplicationSets
// are expanded with (the GitHub pull-request generator's parameters:
// argo-cd docs operator-manual/applicationset/Generators-Pull-Request.md).
var DefaultPullRequest = map[string]string{
	"number":             "4242",
	"branch":             "feature/conformance-sample",
	"branch_slug":        "feature-conformance-sample",
	"target_branch":      "main",
	"target_branch_slug": "main",
	"head_sha":           "0123456789abcdef0123456789abcdef01234567",
	"head_short_sha":     "01234567",
	"head_short_sha_7":   "0123456",
	"author":             "conformance-bot",
}

// Load reads every environment (each subdirectory) of the tree at dir.
func Load(dir string, opts Options) ([]*Env, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var envs []*Env
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		env, err := loadEnv(dir, e.Name(), opts)
		if err != nil {
			return nil, fmt.Errorf("environment %s: %w", e.Name(), err)
		}
		envs = append(envs, env)
	}
	if len(envs) == 0 {
		return nil, fmt.Errorf("%s: no environment directories", dir)
	}
	return envs, nil
}

// app is one Argo CD Application (or one an ApplicationSet generates) to sync.
type app struct {
	name      string
	wave      int
	dir       string // on disk
	recurse   bool
	kustomize map[string]any // spec.source.kustomize, when set
	namespace string         // spec.destination.namespace
	file      string         // where it was declared
	via       string
}

type loader struct {
	root, env string
	opts      Options
	out       *Env
	synced    map[string]bool // files some Application syncs
	visited   map[string]bool
}

func loadEnv(root, name string, opts Options) (*Env, error) {
	l := &loader{root: root, env: name, opts: opts, out: &Env{Name: name},
		synced: map[string]bool{}, visited: map[string]bool{}}
	boot := filepath.Join(root, name, "bootstrap")
	if _, err := os.Stat(boot); err != nil {
		return nil, fmt.Errorf("no bootstrap directory (%s): Argo CD is bootstrapped with it", boot)
	}
	// The bootstrap directory is applied once by hand (kubectl apply), then
	// the root Application in it takes over: treat it as one sync.
	if err := l.sync(&app{name: "bootstrap", dir: boot, recurse: true}); err != nil {
		return nil, err
	}
	// Files of the environment that no Application syncs are never applied.
	err := filepath.WalkDir(filepath.Join(root, name), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "terraform" {
			return filepath.SkipDir
		}
		if !d.IsDir() && isManifest(p) && !l.synced[p] && filepath.Base(p) != "kustomization.yaml" {
			l.out.Notes = append(l.out.Notes, fmt.Sprintf("%s: no Application syncs this file", p))
		}
		return nil
	})
	return l.out, err
}

func isManifest(p string) bool {
	switch filepath.Ext(p) {
	case ".yaml", ".yml", ".json":
		return filepath.Base(p) != "PROVENANCE.json"
	}
	return false
}

// sync adds the objects of one Application, ordered, then the Applications
// they declare, by sync wave (then those that create namespaces, then name).
func (l *loader) sync(a *app) error {
	key := a.dir + "|" + a.via
	if l.visited[key] {
		return nil
	}
	l.visited[key] = true
	var objs []*Object
	var err error
	if a.kustomize != nil || exists(filepath.Join(a.dir, "kustomization.yaml")) {
		objs, err = l.kustomizeBuild(a)
	} else {
		objs, err = l.readDir(a)
	}
	if err != nil {
		return err
	}
	var kept []*Object
	for _, o := range objs {
		o.App = a.name
		// Argo CD puts a namespaced object without a namespace into the
		// destination namespace (argo-cd controller/state.go, DeduplicateTargetObjects).
		if o.U.GetNamespace() == "" && a.namespace != "" && o.U.GetKind() != "Namespace" {
			o.U.SetNamespace(a.namespace)
		}
		ann := o.U.GetAnnotations()
		phase, ok := phaseOf(ann)
		if !ok {
			l.out.Notes = append(l.out.Notes, fmt.Sprintf("%s: %s %s is a %s hook, which a successful sync does not run", o.File, o.U.GetKind(), o.U.GetName(), ann[hookAnnotation]))
			continue
		}
		o.Phase = phase
		if o.Wave, err = waveOf(ann); err != nil {
			return fmt.Errorf("%s: %s %s: %s is not an integer", o.File, o.U.GetKind(), o.U.GetName(), waveAnnotation)
		}
		kept = append(kept, o)
	}
	sortSync(kept)
	l.out.Objects = append(l.out.Objects, kept...)

	var children []*app
	for _, o := range kept {
		switch {
		case o.U.GetAPIVersion() == "argoproj.io/v1alpha1" && o.U.GetKind() == "Application":
			c, err := l.appFrom(o.U.Object, o.File, "")
			if err != nil {
				return err
			}
			if c != nil {
				children = append(children, c)
			}
		case o.U.GetAPIVersion() == "argoproj.io/v1alpha1" && o.U.GetKind() == "ApplicationSet":
			c, err := l.appFromSet(o)
			if err != nil {
				return err
			}
			if c != nil {
				children = append(children, c)
			}
		}
	}
	nsFirst := map[*app]bool{}
	for _, c := range children {
		nsFirst[c] = createsNamespace(c)
	}
	sort.SliceStable(children, func(i, j int) bool {
		a, b := children[i], children[j]
		if a.wave != b.wave {
			return a.wave < b.wave
		}
		// Applications of one wave sync at once; Argo CD retries the one whose
		// namespace another is creating. Applying the namespace's first stands for that.
		if nsFirst[a] != nsFirst[b] {
			return nsFirst[a]
		}
		return a.name < b.name
	})
	for _, c := range children {
		if err := l.sync(c); err != nil {
			return err
		}
	}
	return nil
}

func createsNamespace(a *app) bool {
	var found bool
	_ = filepath.WalkDir(a.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isManifest(p) {
			return nil
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("\nkind: Namespace\n")) {
			found = true
		}
		return nil
	})
	return found
}

// appFrom reads an Application's spec; nil when it is not rendered here.
func (l *loader) appFrom(obj map[string]any, file, via string) (*app, error) {
	name, _, _ := unstructured.NestedString(obj, "metadata", "name")
	ann, _, _ := unstructured.NestedStringMap(obj, "metadata", "annotations")
	wave, err := waveOf(ann)
	if err != nil {
		return nil, fmt.Errorf("%s: Application %s: %s is not an integer", file, name, waveAnnotation)
	}
	src, ok, _ := unstructured.NestedMap(obj, "spec", "source")
	if !ok {
		l.out.Notes = append(l.out.Notes, fmt.Sprintf("%s: Application %s has no single spec.source; not applied", file, name))
		return nil, nil
	}
	if chart, _, _ := unstructured.NestedString(src, "chart"); chart != "" {
		l.out.Notes = append(l.out.Notes, fmt.Sprintf("%s: Application %s syncs chart %s, which is not rendered here; not applied", file, name, chart))
		return nil, nil
	}
	path, _, _ := unstructured.NestedString(src, "path")
	if path == "" {
		return nil, fmt.Errorf("%s: Application %s: spec.source.path is empty", file, name)
	}
	// Paths name the tree from the repository root (dist/<env>/...): the first
	// segment is the tree itself, whatever --dir points at.
	parts := strings.SplitN(filepath.ToSlash(path), "/", 2)
	if len(parts) != 2 {
		return nil, fmt.Errorf("%s: Application %s: spec.source.path %q is not under the rendered tree", file, name, path)
	}
	dir := filepath.Join(l.root, filepath.FromSlash(parts[1]))
	if !exists(dir) {
		return nil, fmt.Errorf("%s: Application %s: spec.source.path %q does not exist (%s)", file, name, path, dir)
	}
	recurse, _, _ := unstructured.NestedBool(src, "directory", "recurse")
	kust, _, _ := unstructured.NestedMap(src, "kustomize")
	ns, _, _ := unstructured.NestedString(obj, "spec", "destination", "namespace")
	return &app{name: name, wave: wave, dir: dir, recurse: recurse, kustomize: kust, namespace: ns, file: file, via: via}, nil
}

var templateParam = regexp.MustCompile(`\{\{\s*\.?([A-Za-z0-9_.]+)\s*\}\}`)

// appFromSet expands an ApplicationSet's template with the sample pull
// request, as its pull-request generator would for one open PR.
func (l *loader) appFromSet(o *Object) (*app, error) {
	gens, _, _ := unstructured.NestedSlice(o.U.Object, "spec", "generators")
	isPR := false
	for _, g := range gens {
		if m, ok := g.(map[string]any); ok && m["pullRequest"] != nil {
			isPR = true
		}
	}
	if !isPR {
		l.out.Notes = append(l.out.Notes, fmt.Sprintf("%s: ApplicationSet %s has no pull-request generator; not expanded", o.File, o.U.GetName()))
		return nil, nil
	}
	tmpl, ok, _ := unstructured.NestedMap(o.U.Object, "spec", "template")
	if !ok {
		return nil, fmt.Errorf("%s: ApplicationSet %s has no spec.template", o.File, o.U.GetName())
	}
	var missing []string
	expanded := substitute(tmpl, func(s string) string {
		return templateParam.ReplaceAllStringFunc(s, func(m string) string {
			key := templateParam.FindStringSubmatch(m)[1]
			if v, ok := l.opts.PullRequest[key]; ok {
				return v
			}
			missing = append(missing, m)
			return m
		})
	}).(map[string]any)
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: ApplicationSet %s: template parameters the pull-request generator does not set: %s", o.File, o.U.GetName(), strings.Join(missing, ", "))
	}
	via := "ApplicationSet " + o.U.GetName() + ", sample PR #" + l.opts.PullRequest["number"]
	return l.appFrom(expanded, o.File, via)
}

func substitute(v any, f func(string) string) any {
	switch t := v.(type) {
	case string:
		return f(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[f(k)] = substitute(x, f)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = substitute(x, f)
		}
		return out
	}
	return v
}

// readDir reads a directory source the way Argo CD does: every YAML or JSON
// file, subdirectories only with directory.recurse.
func (l *loader) readDir(a *app) ([]*Object, error) {
	var objs []*Object
	err := filepath.WalkDir(a.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != a.dir && !a.recurse {
				return filepath.SkipDir
			}
			return nil
		}
		if !isManifest(p) {
			return nil
		}
		l.synced[p] = true
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		us, err := decodeAll(b)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, u := range us {
			objs = append(objs, &Object{File: p, Via: a.via, U: u})
		}
		return nil
	})
	return objs, err
}

// ReadFile reads every object of a YAML or JSON file.
func ReadFile(p string) ([]*unstructured.Unstructured, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	us, err := decodeAll(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return us, nil
}

// decodeAll reads every YAML document of a file; empty documents are skipped.
func decodeAll(b []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	var out []*unstructured.Unstructured
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if t := bytes.TrimSpace(raw); len(t) == 0 || bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte("{}")) {
			continue
		}
		// UnmarshalJSON keeps integers as int64, as the API machinery does.
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
