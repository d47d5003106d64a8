#!/usr/bin/env bash
# Builds the conformance harness and kube-apiserver from their Go modules once
# per (go.sum, Go version, harness sources), caches them outside the repo, and
# runs the harness with the arguments given. See docs/conformance.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# CI may run without HOME; go (GOPATH, GOCACHE) and our cache need it.
export HOME="${HOME:-$(cd ~ && pwd)}"

if ! command -v go >/dev/null 2>&1; then
  echo "conformance: needs Go (>= the version in conformance/go.mod) on PATH; the rest of the repo does not" >&2
  exit 2
fi

k8s=$(cd "$here" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd=$(cd "$here" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
key=$(cd "$here" && {
  go version
  cat go.mod go.sum
  find cmd internal tools -name '*.go' -print0 | sort -z | xargs -0 cat
} | sha256sum | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/platform-definition/conformance/$key"

if [[ ! -x "$cache/kube-apiserver" || ! -x "$cache/conformance" ]]; then
  echo "conformance: building kube-apiserver $k8s, etcd $etcd (embedded) and the harness from Go modules into $cache"
  echo "conformance: a cold build takes about 14 minutes on 2 cores (measured: docs/conformance.md); later runs reuse it"
  start=$(date +%s)
  mkdir -p "$(dirname "$cache")"
  tmp=$(mktemp -d "${cache}.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  minor=${k8s#v1.}; minor=${minor%%.*}
  # The version the server reports (and that kubectl and admission see).
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  (cd "$here" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" k8s.io/kubernetes/cmd/kube-apiserver ./cmd/conformance)
  rm -rf "$cache" && mv "$tmp" "$cache"
  trap - EXIT
  echo "conformance: built in $(( $(date +%s) - start ))s"
else
  echo "conformance: using the cached build of kube-apiserver $k8s and etcd $etcd ($cache)"
fi

exec "$cache/conformance" --apiserver "$cache/kube-apiserver" "$@"
