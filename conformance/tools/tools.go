//go:build tools

// Package tools pins the kube-apiserver command in go.mod so `go build` of it
// uses the versions go.sum records.
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
