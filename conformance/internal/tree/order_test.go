package tree

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func obj(kind, ns, name, phase string, wave int) *Object {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	return &Object{U: u, Phase: phase, Wave: wave}
}

func names(objs []*Object) string {
	var s []string
	for _, o := range objs {
		s = append(s, o.U.GetKind()+"/"+o.U.GetName())
	}
	return strings.Join(s, " ")
}

func TestSortSyncPhaseWaveKindName(t *testing.T) {
	objs := []*Object{
		obj("Deployment", "a", "web", "Sync", 0),
		obj("Widget", "a", "w", "Sync", 0),
		obj("Job", "a", "migrate", "PreSync", 0),
		obj("Service", "a", "web", "Sync", 0),
		obj("ConfigMap", "a", "z", "Sync", -1),
		obj("ServiceAccount", "a", "web", "Sync", 0),
		obj("ConfigMap", "a", "after", "PostSync", -5),
	}
	sortSync(objs)
	want := "Job/migrate ConfigMap/z ServiceAccount/web Service/web Deployment/web Widget/w ConfigMap/after"
	if got := names(objs); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestSortSyncMovesNamespaceBeforeItsFirstObject(t *testing.T) {
	objs := []*Object{
		obj("ConfigMap", "team", "early", "Sync", -1),
		obj("Namespace", "", "team", "Sync", 0),
	}
	sortSync(objs)
	if got := names(objs); got != "Namespace/team ConfigMap/early" {
		t.Fatalf("got %s", got)
	}
}

func TestPhaseOfSkipsHooksASuccessfulSyncDoesNotRun(t *testing.T) {
	if p, ok := phaseOf(map[string]string{hookAnnotation: "PreSync"}); !ok || p != "PreSync" {
		t.Fatalf("PreSync: %s %v", p, ok)
	}
	if _, ok := phaseOf(map[string]string{hookAnnotation: "SyncFail"}); ok {
		t.Fatal("SyncFail hooks are not applied by a successful sync")
	}
}
