package tree

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const originAnnotation = "config.kubernetes.io/origin"

// kustomizeBuild builds a kustomize source the way Argo CD's repo server does
// (argo-cd util/kustomize/kustomize.go, Build): the Application's
// spec.source.kustomize options are written into the kustomization
// (`kustomize edit set namespace`, `edit add annotation|label --force`, patches
// appended), then `kustomize build`. Here the environment is copied into an
// in-memory file system, so dist/ is never written.
func (l *loader) kustomizeBuild(a *app) ([]*Object, error) {
	envDir := filepath.Join(l.root, l.env)
	fs := filesys.MakeFsInMemory()
	err := filepath.WalkDir(envDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(envDir, p)
		return fs.WriteFile(filepath.Join("/env", rel), b)
	})
	if err != nil {
		return nil, err
	}
	rel, _ := filepath.Rel(envDir, a.dir)
	memDir := filepath.Join("/env", rel)
	kfile := filepath.Join(memDir, "kustomization.yaml")
	b, err := fs.ReadFile(kfile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.dir, err)
	}
	var k map[string]any
	if err := yaml.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(a.dir, "kustomization.yaml"), err)
	}
	if err := applyKustomizeOptions(k, a.kustomize); err != nil {
		return nil, fmt.Errorf("%s: Application %s: %w", a.file, a.name, err)
	}
	// Origin annotations tell which file each built object came from; they are
	// removed again before anything is applied.
	k["buildMetadata"] = appendUnique(k["buildMetadata"], "originAnnotations")
	nb, err := yaml.Marshal(k)
	if err != nil {
		return nil, err
	}
	if err := fs.WriteFile(kfile, nb); err != nil {
		return nil, err
	}
	resmap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, memDir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s (%s): %w", a.dir, a.via, err)
	}
	var objs []*Object
	for _, r := range resmap.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			return nil, err
		}
		us, err := decodeAll(y)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			file := filepath.Join(a.dir, "kustomization.yaml")
			ann := u.GetAnnotations()
			if origin, ok := ann[originAnnotation]; ok {
				var o struct{ Path string }
				if yaml.Unmarshal([]byte(origin), &o) == nil && o.Path != "" {
					file = filepath.Join(a.dir, o.Path)
				}
				delete(ann, originAnnotation)
				if len(ann) == 0 {
					ann = nil
				}
				u.SetAnnotations(ann)
			}
			l.synced[file] = true
			via := "kustomize build"
			if a.via != "" {
				via += ", " + a.via
			}
			objs = append(objs, &Object{File: file, Via: via, U: u})
		}
	}
	return objs, nil
}

// applyKustomizeOptions writes an Application's spec.source.kustomize into a
// kustomization as Argo CD's `kustomize edit` calls would.
func applyKustomizeOptions(k map[string]any, opts map[string]any) error {
	var unsupported []string
	keys := make([]string, 0, len(opts))
	for key := range opts {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := opts[key]
		switch key {
		case "namespace":
			k["namespace"] = v
		case "namePrefix", "nameSuffix":
			k[key] = v
		case "commonAnnotations", "commonLabels":
			m, _ := k[key].(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			for name, val := range v.(map[string]any) {
				m[name] = val // --force: ours win
			}
			k[key] = m
		case "patches":
			existing, _ := k["patches"].([]any)
			k["patches"] = append(existing, v.([]any)...)
		default:
			unsupported = append(unsupported, key)
		}
	}
	if len(unsupported) > 0 {
		return fmt.Errorf("spec.source.kustomize.%s: not supported by the conformance harness yet", strings.Join(unsupported, ", "))
	}
	return nil
}

func appendUnique(list any, s string) []any {
	l, _ := list.([]any)
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}
