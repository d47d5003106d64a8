package tree

import (
	"sort"
	"strconv"
	"strings"
)

// kindOrder is Argo CD's apply order of kinds within one sync phase and wave:
// gitops-engine pkg/sync/sync_tasks.go, `kindOrder` (argoproj/argo-cd,
// gitops-engine/pkg/sync/sync_tasks.go), itself taken from Helm's kind_sorter.
// Kinds not listed (custom resources) come after every listed kind.
var kindOrder = func() map[string]int {
	kinds := []string{
		"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
		"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
		"StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
		"ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList",
		"Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
		"ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
		"StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
	}
	m := make(map[string]int, len(kinds))
	for i, k := range kinds {
		m[k] = i - len(kinds) // negative: an unlisted kind (0) sorts last
	}
	return m
}()

// Sync phases in the order Argo CD runs them (gitops-engine pkg/sync/sync_tasks.go,
// `syncPhaseOrder`). SyncFail and PostDelete hooks run only on failure or
// deletion, so a successful sync never applies them.
var phaseOrder = map[string]int{"PreSync": -1, "Sync": 0, "PostSync": 1}

const (
	hookAnnotation = "argocd.argoproj.io/hook"
	waveAnnotation = "argocd.argoproj.io/sync-wave"
)

// phaseOf returns the sync phase of an object (hooks name theirs in the
// argocd.argoproj.io/hook annotation; a plain resource is in Sync), and
// false for a hook that a successful sync does not run.
func phaseOf(annotations map[string]string) (string, bool) {
	hook, ok := annotations[hookAnnotation]
	if !ok {
		return "Sync", true
	}
	// "PreSync,PostSync" runs in several phases: the first is where it is created.
	for _, p := range []string{"PreSync", "Sync", "PostSync"} {
		for _, h := range strings.Split(hook, ",") {
			if strings.TrimSpace(h) == p {
				return p, true
			}
		}
	}
	return "", false
}

// waveOf parses argocd.argoproj.io/sync-wave (default 0).
func waveOf(annotations map[string]string) (int, error) {
	w, ok := annotations[waveAnnotation]
	if !ok {
		return 0, nil
	}
	return strconv.Atoi(strings.TrimSpace(w))
}

// sortSync orders the objects of one Application as Argo CD syncs them:
// phase, wave, kind order, name; then each Namespace moves up to just before
// the first object in it (gitops-engine syncTasks.Sort and adjustDeps).
func sortSync(objs []*Object) {
	sort.SliceStable(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if d := phaseOrder[a.Phase] - phaseOrder[b.Phase]; d != 0 {
			return d < 0
		}
		if a.Wave != b.Wave {
			return a.Wave < b.Wave
		}
		if d := kindOrder[a.U.GetKind()] - kindOrder[b.U.GetKind()]; d != 0 {
			return d < 0
		}
		return a.U.GetName() < b.U.GetName()
	})
	firstUse := map[string]int{}
	for i := 0; i < len(objs); i++ {
		o := objs[i]
		if o.U.GetKind() == "Namespace" && o.U.GroupVersionKind().Group == "" {
			if at, ok := firstUse[o.U.GetName()]; ok {
				copy(objs[at+1:i+1], objs[at:i])
				objs[at] = o
				for ns, idx := range firstUse {
					if idx >= at {
						firstUse[ns] = idx + 1
					}
				}
			}
			continue
		}
		if ns := o.U.GetNamespace(); ns != "" {
			if _, ok := firstUse[ns]; !ok {
				firstUse[ns] = i
			}
		}
	}
}
