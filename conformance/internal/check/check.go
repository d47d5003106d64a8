// Package check server-side applies objects to a real API server and reports
// what it rejects, what it warns about, and what it stores differently from
// what was rendered in a way Argo CD would show as OutOfSync.
package check

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"platform-definition/conformance/internal/tree"
)

// FieldManager is the field manager Argo CD's application controller uses.
const FieldManager = "argocd-controller"

// Category of a finding.
type Category string

const (
	Rejected Category = "rejected"
	Warned   Category = "warned"
	Drifted  Category = "drifted"
)

// Finding is one problem with one object.
type Finding struct {
	Env      string
	Category Category
	Object   *tree.Object
	Message  string
}

func (f Finding) String() string {
	o := f.Object
	id := o.U.GetKind() + " " + o.U.GetName()
	if ns := o.U.GetNamespace(); ns != "" {
		id = o.U.GetKind() + " " + ns + "/" + o.U.GetName()
	}
	via := ""
	if o.Via != "" {
		via = " (" + o.Via + ")"
	}
	return fmt.Sprintf("%s: %s %s%s %s: %s", f.Env, f.Category, o.File, via, id, f.Message)
}

// Client applies objects to one API server.
type Client struct {
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
}

type warningsKey struct{}

type warnings struct {
	mu   sync.Mutex
	list []string
}

// collector hands each request's Warning headers to the warnings in its context.
type collector struct{}

func (collector) HandleWarningHeaderWithContext(ctx context.Context, _ int, _ string, text string) {
	if w, ok := ctx.Value(warningsKey{}).(*warnings); ok {
		w.mu.Lock()
		w.list = append(w.list, text)
		w.mu.Unlock()
	}
}

// NewClient makes a client whose requests record the API server's warnings.
func NewClient(cfg *rest.Config) (*Client, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandlerWithContext = collector{}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Client{dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}, nil
}

// Result of applying one object.
type Result struct {
	Sent     *unstructured.Unstructured // what was applied (namespace cleared when cluster-scoped)
	Stored   *unstructured.Unstructured
	Warnings []string
	Err      error
}

// Apply server-side applies u with Argo CD's field manager, forcing conflicts.
// Unknown and duplicate fields come back as warnings (fieldValidation=Warn).
func (c *Client) Apply(ctx context.Context, u *unstructured.Unstructured) Result {
	w := &warnings{}
	ctx = context.WithValue(ctx, warningsKey{}, w)
	gvk := u.GroupVersionKind()
	mapping, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		c.mapper.Reset()
		if mapping, err = c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return Result{Err: fmt.Errorf("the server does not serve %s %s (removed API version, or CRD not installed): %v", gvk.GroupVersion(), gvk.Kind, err)}
		}
	}
	obj := u.DeepCopy()
	var ri dynamic.ResourceInterface
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = c.dyn.Resource(mapping.Resource).Namespace(obj.GetNamespace())
	} else {
		// Argo CD clears the namespace of a cluster-scoped object before it
		// applies it (argo-cd controller/state.go, DeduplicateTargetObjects).
		obj.SetNamespace("")
		ri = c.dyn.Resource(mapping.Resource)
	}
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return Result{Err: err}
	}
	force := true
	stored, err := ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{
		FieldManager:    FieldManager,
		Force:           &force,
		FieldValidation: "Warn",
	})
	if err == nil && !IsBuiltIn(gvk) {
		// What Argo CD compares is the live object it watches, read back from
		// etcd: custom resources are defaulted on read too, so read it back.
		stored, err = ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		return Result{Sent: obj, Warnings: w.list, Err: cleanErr(err)}
	}
	return Result{Sent: obj, Stored: stored, Warnings: w.list}
}

// Reset forgets the cached discovery (after CRDs are installed).
func (c *Client) Reset() { c.mapper.Reset() }

// WaitEstablished waits until every named CRD reports Established.
func (c *Client) WaitEstablished(ctx context.Context, names []string, timeout time.Duration) error {
	crds := c.dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	deadline := time.Now().Add(timeout)
	pending := append([]string(nil), names...)
	for len(pending) > 0 {
		var still []string
		for _, n := range pending {
			crd, err := crds.Get(ctx, n, metav1.GetOptions{})
			if err != nil || !established(crd) {
				still = append(still, n)
			}
		}
		pending = still
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not Established after %s: %s", timeout, strings.Join(pending, ", "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	c.mapper.Reset()
	return nil
}

func established(crd *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

func cleanErr(err error) error {
	if s, ok := err.(apierrors.APIStatus); ok {
		return fmt.Errorf("%s", s.Status().Message)
	}
	return err
}

// IsBuiltIn tells whether Argo CD knows gvk's Go type: such objects are
// diffed with strategic merge (lists merged by key, scheme defaults applied);
// every other kind is a custom resource to it.
func IsBuiltIn(gvk schema.GroupVersionKind) bool {
	return scheme.Scheme.Recognizes(gvk)
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
