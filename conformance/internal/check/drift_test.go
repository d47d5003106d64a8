package check

import (
	"strings"
	"testing"
)

func TestDriftIgnoresKeysTheServerAddsToMaps(t *testing.T) {
	rendered := map[string]any{"spec": map[string]any{"settings": map[string]any{"color": "blue"}}}
	stored := map[string]any{"spec": map[string]any{"settings": map[string]any{"color": "blue", "level": "info"}}, "status": map[string]any{}}
	if d := Drift(rendered, stored); len(d) != 0 {
		t.Fatalf("want no drift, got %v", d)
	}
}

func TestDriftComparesListsWhole(t *testing.T) {
	rendered := map[string]any{"spec": map[string]any{"data": []any{map[string]any{"remoteRef": map[string]any{"key": "k"}}}}}
	stored := map[string]any{"spec": map[string]any{"data": []any{map[string]any{"remoteRef": map[string]any{"key": "k", "conversionStrategy": "Default"}}}}}
	d := Drift(rendered, stored)
	if len(d) != 1 || !strings.Contains(d[0], `.spec.data: list replaced whole`) || !strings.Contains(d[0], `[0].remoteRef.conversionStrategy: rendered <absent>, stored "Default"`) {
		t.Fatalf("want one drift naming the defaulted field, got %v", d)
	}
}

func TestDriftReportsChangedAndMissingScalars(t *testing.T) {
	rendered := map[string]any{"spec": map[string]any{"a": int64(1), "b": "x", "c": "gone"}}
	stored := map[string]any{"spec": map[string]any{"a": float64(1), "b": "y"}}
	d := Drift(rendered, stored)
	if len(d) != 2 || !strings.HasPrefix(d[0], ".spec.b: rendered \"x\", stored \"y\"") || !strings.HasPrefix(d[1], ".spec.c: rendered \"gone\", stored <absent>") {
		t.Fatalf("got %v", d)
	}
}
