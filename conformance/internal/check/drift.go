package check

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Drift lists the differences between a rendered custom resource and its
// stored form that make Argo CD report it OutOfSync, one string per path.
//
// The rule: a field the server added to a map we rendered is not drift (Argo
// CD first drops live map keys absent from the desired object: gitops-engine
// pkg/diff/diff.go, threeWayMergePatch, jsonutil.RemoveMapFields); a field we
// rendered that is missing or changed is; and a list is compared whole, since
// for a kind without a Go type Argo CD diffs with a JSON merge patch
// (jsonmergepatch.CreateThreeWayJSONMergePatch; RFC 7386 replaces arrays
// whole), so a list whose items the server changed (CRD defaults inside list
// items) is drift. docs/conformance.md discusses the one place where
// gitops-engine is more lenient (RemoveListFields) and why we keep the rule.
// metadata.managedFields and server-set metadata are map keys we never render.
func Drift(rendered, stored map[string]any) []string {
	var out []string
	diffMap("", rendered, stored, &out)
	return out
}

func diffMap(path string, r, s map[string]any, out *[]string) {
	for _, k := range sortedKeys(r) {
		rv := r[k]
		p := path + "." + k
		sv, ok := s[k]
		if !ok {
			if rv == nil {
				continue
			}
			*out = append(*out, fmt.Sprintf("%s: rendered %s, stored <absent> (the server pruned or dropped it)", p, show(rv)))
			continue
		}
		diffValue(p, rv, sv, out)
	}
}

func diffValue(p string, rv, sv any, out *[]string) {
	switch r := rv.(type) {
	case map[string]any:
		if s, ok := sv.(map[string]any); ok {
			diffMap(p, r, s, out)
			return
		}
	case []any:
		if s, ok := sv.([]any); ok && equalJSON(r, s) {
			return
		}
		*out = append(*out, fmt.Sprintf("%s: list replaced whole by Argo CD's diff; %s", p, listChanges(r, sv)))
		return
	default:
		if equalJSON(rv, sv) {
			return
		}
	}
	*out = append(*out, fmt.Sprintf("%s: rendered %s, stored %s", p, show(rv), show(sv)))
}

// listChanges says what the server changed inside a list, path by path, so
// that the fix (render the defaulted field) is obvious.
func listChanges(r []any, sv any) string {
	s, ok := sv.([]any)
	if !ok {
		return fmt.Sprintf("rendered %s, stored %s", show(r), show(sv))
	}
	if len(r) != len(s) {
		return fmt.Sprintf("rendered %d items, stored %d: rendered %s, stored %s", len(r), len(s), show(r), show(s))
	}
	var changes []string
	for i := range r {
		walkChanges(fmt.Sprintf("[%d]", i), r[i], s[i], &changes)
	}
	return strings.Join(changes, "; ")
}

func walkChanges(p string, r, s any, out *[]string) {
	rm, rok := r.(map[string]any)
	sm, sok := s.(map[string]any)
	if rok && sok {
		for _, k := range sortedKeys(sm) {
			if _, in := rm[k]; !in {
				*out = append(*out, fmt.Sprintf("%s.%s: rendered <absent>, stored %s", p, k, show(sm[k])))
			}
		}
		for _, k := range sortedKeys(rm) {
			if sv, in := sm[k]; in {
				walkChanges(p+"."+k, rm[k], sv, out)
			} else {
				*out = append(*out, fmt.Sprintf("%s.%s: rendered %s, stored <absent>", p, k, show(rm[k])))
			}
		}
		return
	}
	rl, rok := r.([]any)
	sl, sok := s.([]any)
	if rok && sok && len(rl) == len(sl) {
		for i := range rl {
			walkChanges(fmt.Sprintf("%s[%d]", p, i), rl[i], sl[i], out)
		}
		return
	}
	if !equalJSON(r, s) {
		*out = append(*out, fmt.Sprintf("%s: rendered %s, stored %s", p, show(r), show(s)))
	}
}

// equalJSON compares as JSON does (int64 1 and float64 1 are equal).
func equalJSON(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
