package check

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"platform-definition/conformance/internal/tree"
)

// PreexistingNamespaces exist before anything of ours is applied: Argo CD's
// own namespace is made by its installation, not by the rendered tree.
var PreexistingNamespaces = []string{"argocd"}

// Summary counts the objects of one environment by outcome.
type Summary struct {
	Objects, Rejected, Warned, Drifted int
}

// CRD is one CustomResourceDefinition and the file it came from.
type CRD struct {
	File string
	U    *unstructured.Unstructured
}

// ReadCRDs reads every CustomResourceDefinition of the dirs' YAML files,
// once per run (parsing ~6 MB of upstream YAML takes most of a second).
func ReadCRDs(dirs []string) ([]CRD, error) {
	var crds []CRD
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no CRD files (*.yaml); pass the directory with --crds", dir)
		}
		sort.Strings(files)
		for _, f := range files {
			objs, err := tree.ReadFile(f)
			if err != nil {
				return nil, err
			}
			for _, u := range objs {
				if u.GetKind() == "CustomResourceDefinition" {
					crds = append(crds, CRD{File: f, U: u})
				}
			}
		}
	}
	return crds, nil
}

// InstallCRDs applies the CRDs and waits until they are Established. Their
// own warnings are printed, not counted: they are upstream's, not ours.
// (One at a time: in parallel the 2-core API server took longer, 11s vs 9s.)
func InstallCRDs(ctx context.Context, c *Client, crds []CRD, out io.Writer) error {
	for _, crd := range crds {
		r := c.Apply(ctx, crd.U)
		if r.Err != nil {
			return fmt.Errorf("%s: CRD %s: %v", crd.File, crd.U.GetName(), r.Err)
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(out, "conformance: note: %s: CRD %s: the API server warns: %s\n", crd.File, crd.U.GetName(), w)
		}
	}
	return WaitCRDs(ctx, c, crds)
}

// WaitCRDs waits until every CRD is Established (CRDs copied in etcd).
func WaitCRDs(ctx context.Context, c *Client, crds []CRD) error {
	names := make([]string, 0, len(crds))
	for _, crd := range crds {
		names = append(names, crd.U.GetName())
	}
	return c.WaitEstablished(ctx, names, 60*time.Second)
}

// ApplyEnv creates the environment's namespaces, then applies every object
// in order, and returns the findings.
func ApplyEnv(ctx context.Context, c *Client, env *tree.Env) ([]Finding, Summary, error) {
	var findings []Finding
	var sum Summary
	for _, ns := range PreexistingNamespaces {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns},
		}}
		if r := c.Apply(ctx, u); r.Err != nil {
			return nil, sum, fmt.Errorf("namespace %s: %v", ns, r.Err)
		}
	}
	// Namespaces first, with their Pod Security labels as rendered, so that
	// admission judges every workload by the labels it will meet in the cluster.
	var nsFirst, rest []*tree.Object
	for _, o := range env.Objects {
		if o.U.GetKind() == "Namespace" && o.U.GroupVersionKind().Group == "" {
			nsFirst = append(nsFirst, o)
		} else {
			rest = append(rest, o)
		}
	}
	for _, o := range append(nsFirst, rest...) {
		if err := ctx.Err(); err != nil {
			return findings, sum, err
		}
		sum.Objects++
		r := c.Apply(ctx, o.U)
		if r.Err != nil {
			findings = append(findings, Finding{Env: env.Name, Category: Rejected, Object: o, Message: oneLine(r.Err.Error())})
			sum.Rejected++
		}
		if len(r.Warnings) > 0 {
			findings = append(findings, Finding{Env: env.Name, Category: Warned, Object: o, Message: "the API server warns: " + oneLine(strings.Join(r.Warnings, " | "))})
			sum.Warned++
		}
		if r.Err != nil || IsBuiltIn(o.U.GroupVersionKind()) {
			continue
		}
		if d := Drift(r.Sent.Object, r.Stored.Object); len(d) > 0 {
			for _, p := range d {
				findings = append(findings, Finding{Env: env.Name, Category: Drifted, Object: o, Message: p})
			}
			sum.Drifted++
		}
	}
	return findings, sum, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
