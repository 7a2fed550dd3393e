#!/usr/bin/env bash
# Builds the pinned real systems the e2e suite runs (etcd, kube-apiserver, kube-controller-manager,
# EDP keycloak-operator, grafana-operator, External Secrets Operator) from the Go module proxy into
# .tools/e2e/bin, and copies each operator's CRDs from the module it was built from into
# .tools/e2e/crds/<operator>/. A tool whose version stamp matches is reused.
#
# Usage: scripts/e2e/install-tools.sh [--help] [TOOL...]   (default: every tool, in order)
# Env:   E2E_TOOLS_DIR  install root (default <repo>/.tools/e2e)
#
# Why not `go install mod@version`: it reads the module's version list, which this proxy refuses;
# `go mod download` + build inside a copy works. -trimpath keys the Go build cache by content, so
# a second install (another clone, another directory) relinks from the default GOCACHE.
set -euo pipefail

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  echo "Tools: ${ALL_TOOLS[*]}"
}

ETCD_VERSION=v3.6.16
KUBE_VERSION=v1.33.13
KEYCLOAK_OPERATOR_VERSION=v1.35.0
GRAFANA_OPERATOR_VERSION=v5.25.0
ESO_VERSION=v0.16.2
ALL_TOOLS=(etcd kube-apiserver kube-controller-manager external-secrets grafana-operator keycloak-operator)

for a in "$@"; do
  case "$a" in -h|--help) usage; exit 0 ;; esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/scripts/e2e"
out="${E2E_TOOLS_DIR:-$root/.tools/e2e}"
bin="$out/bin"
src="$out/src"
crds="$out/crds"
mkdir -p "$bin" "$src" "$crds"

if ! command -v go >/dev/null 2>&1; then
  echo "e2e install-tools: 'go' is not on PATH; the e2e tools are built from the Go module proxy." >&2
  exit 1
fi
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
modcache="$(go env GOMODCACHE)"
BUILD_FLAGS=(-trimpath)
LDFLAGS="-s -w"

log() { echo "e2e install-tools: $*" >&2; }
now() { date +%s; }

# fail MODULE REASON: a failed step names the module and why, then stops.
fail() {
  log "FAILED $1: $2"
  exit 1
}

# stamp_ok NAME VERSION: the binary is present and was built from VERSION with this recipe.
# The stamp also carries a hash of the tool's recipe inputs (wrapper module, overlay), so a changed
# recipe rebuilds (a relink when the Go build cache is warm).
recipe_hash() {
  local files=()
  case "$1" in
    etcd) files=("$here"/go/etcd/*) ;;
    kube-*) files=("$here"/go/kube/*) ;;
    external-secrets) files=("$here"/overlay/eso/*) ;;
    *) files=(/dev/null) ;;
  esac
  cat "${files[@]}" | sha256sum | cut -c1-12
}
stamp_ok() {
  [[ -x "$bin/$1" && -f "$bin/.$1.version" && "$(cat "$bin/.$1.version")" == "$2 $(recipe_hash "$1")" ]]
}
write_stamp() { echo "$2 $(recipe_hash "$1")" >"$bin/.$1.version"; }

# module_copy MODULE VERSION: a writable copy of the module tree (from GOMODCACHE) under $src.
module_copy() {
  local module="$1" version="$2" dir json
  dir="$src/$(echo "$module" | tr '/' '_')@$version"
  if [[ ! -f "$dir/go.mod" ]]; then
    json="$(go mod download -json "$module@$version" 2>&1)" ||
      fail "$module@$version" "go mod download: $(echo "$json" | grep -m1 -i '"error"\|error' || echo "$json" | tail -1)"
    local from
    from="$(echo "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    [[ -d "$from" ]] || fail "$module@$version" "module directory not found in GOMODCACHE"
    rm -rf "$dir.tmp" && cp -r "$from" "$dir.tmp" && chmod -R u+w "$dir.tmp" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

# build NAME VERSION MODULE DIR PKG [extra go build args...]: go build inside DIR.
build() {
  local name="$1" version="$2" module="$3" dir="$4" pkg="$5"
  shift 5
  local t0 logf
  t0="$(now)"
  logf="$out/build-$name.log"
  log "building $name $version ($module, package $pkg) ..."
  if ! (cd "$dir" && go build "${BUILD_FLAGS[@]}" "$@" -o "$bin/$name.tmp" "$pkg") >"$logf" 2>&1; then
    tail -20 "$logf" >&2
    fail "$module@$version" "go build $pkg failed (full log: $logf)"
  fi
  mv "$bin/$name.tmp" "$bin/$name"
  write_stamp "$name" "$version"
  log "built $name $version in $(($(now) - t0)) s ($(du -m "$bin/$name" | cut -f1) MB)"
}

# reuse NAME VERSION: true (and says so) when the pinned binary is already installed.
reuse() {
  if stamp_ok "$1" "$2"; then
    log "$1 $2: present, reused"
    return 0
  fi
  return 1
}

tool_etcd() {
  reuse etcd "$ETCD_VERSION" && return 0
  # The wrapper module lives in the repo (go.mod + go.sum pinned); copy it so the build never
  # writes into the source tree.
  local dir="$src/etcd-wrapper"
  rm -rf "$dir" && cp -r "$here/go/etcd" "$dir"
  (cd "$dir" && go mod download) >"$out/download-etcd.log" 2>&1 ||
    fail "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "go mod download: $(tail -1 "$out/download-etcd.log")"
  build etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 "$dir" . -ldflags "$LDFLAGS"
}

kube_wrapper() {
  local dir="$src/kube-wrapper"
  if [[ ! -f "$dir/go.sum" ]] || ! cmp -s "$dir/go.sum" "$here/go/kube/go.sum"; then
    rm -rf "$dir" && cp -r "$here/go/kube" "$dir"
  fi
  (cd "$dir" && go mod download) >"$out/download-kube.log" 2>&1 ||
    fail "k8s.io/kubernetes@$KUBE_VERSION" "go mod download: $(tail -1 "$out/download-kube.log")"
  echo "$dir"
}

kube_ldflags() {
  local v="${KUBE_VERSION#v}"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  local p=k8s.io/component-base/version
  echo "$LDFLAGS -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
}

tool_kube-apiserver() {
  reuse kube-apiserver "$KUBE_VERSION" && return 0
  local dir
  dir="$(kube_wrapper)"
  build kube-apiserver "$KUBE_VERSION" k8s.io/kubernetes "$dir" k8s.io/kubernetes/cmd/kube-apiserver -ldflags "$(kube_ldflags)"
}

tool_kube-controller-manager() {
  reuse kube-controller-manager "$KUBE_VERSION" && return 0
  local dir
  dir="$(kube_wrapper)"
  build kube-controller-manager "$KUBE_VERSION" k8s.io/kubernetes "$dir" k8s.io/kubernetes/cmd/kube-controller-manager -ldflags "$(kube_ldflags)"
}

# copy_crds OPERATOR FROM...: the CRDs of the module the operator binary was built from.
copy_crds() {
  local op="$1"
  shift
  rm -rf "$crds/$op" && mkdir -p "$crds/$op"
  cp "$@" "$crds/$op/"
  log "$op: $(ls "$crds/$op" | wc -l) CRD file(s) in $crds/$op"
}

tool_external-secrets() {
  local module=github.com/external-secrets/external-secrets dir
  if ! reuse external-secrets "$ESO_VERSION"; then
    dir="$(module_copy "$module" "$ESO_VERSION")"
    # Only the kubernetes provider and the Password generator are used by the suite; trimming the
    # registration files drops every other provider's SDK from the build (minutes of CPU).
    local ov="$src/eso-overlay.json"
    printf '{"Replace":{"%s":"%s","%s":"%s"}}\n' \
      "$dir/pkg/provider/register/register.go" "$here/overlay/eso/provider-register.go" \
      "$dir/pkg/generator/register/register.go" "$here/overlay/eso/generator-register.go" >"$ov"
    build external-secrets "$ESO_VERSION" "$module" "$dir" . -overlay "$ov" -ldflags "$LDFLAGS"
  fi
  dir="$(module_copy "$module" "$ESO_VERSION")"
  copy_crds external-secrets "$dir/deploy/crds/bundle.yaml"
}

tool_grafana-operator() {
  local module=github.com/grafana/grafana-operator/v5 dir
  if ! reuse grafana-operator "$GRAFANA_OPERATOR_VERSION"; then
    dir="$(module_copy "$module" "$GRAFANA_OPERATOR_VERSION")"
    # Two github.com/grafana/grafana pseudo-versions its go.mod requires are refused by the proxy;
    # only NewGenericFolderReconciler (behind the FoldersUseNewAPI feature flag, off by default)
    # imports them. The overlay is the upstream file without those imports and with that
    # constructor failing loudly if the flag is ever turned on.
    local f="$dir/controllers/folder_controller.go" gen="$src/grafana-operator-folder_controller.go"
    awk '
      /"github.com\/grafana\/grafana\/apps\/folder\/pkg\/apis\/folder\/v1"/ { next }
      /"github.com\/grafana\/grafana\/pkg\/apimachinery\/utils"/ { next }
      /^func NewGenericFolderReconciler\(/ { skip = 1
        print "// NewGenericFolderReconciler is not built here (FoldersUseNewAPI feature flag)."
        print $0
        print "\tpanic(\"grafana-tenancy e2e build: FoldersUseNewAPI is not supported by this build\")"
        print "}"
        next }
      skip && /^}/ { skip = 0; next }
      skip { next }
      { print }
    ' "$f" >"$gen"
    grep -q 'grafana/grafana/' "$gen" && fail "$module@$GRAFANA_OPERATOR_VERSION" "overlay still imports github.com/grafana/grafana"
    printf '{"Replace":{"%s":"%s"}}\n' "$f" "$gen" >"$src/grafana-operator-overlay.json"
    build grafana-operator "$GRAFANA_OPERATOR_VERSION" "$module" "$dir" . -overlay "$src/grafana-operator-overlay.json" -ldflags "$LDFLAGS"
  fi
  dir="$(module_copy "$module" "$GRAFANA_OPERATOR_VERSION")"
  copy_crds grafana-operator "$dir"/config/crd/bases/*.yaml
}

tool_keycloak-operator() {
  local module=github.com/epam/edp-keycloak-operator dir
  if ! reuse keycloak-operator "$KEYCLOAK_OPERATOR_VERSION"; then
    dir="$(module_copy "$module" "$KEYCLOAK_OPERATOR_VERSION")"
    build keycloak-operator "$KEYCLOAK_OPERATOR_VERSION" "$module" "$dir" ./cmd -ldflags "$LDFLAGS"
  fi
  dir="$(module_copy "$module" "$KEYCLOAK_OPERATOR_VERSION")"
  copy_crds keycloak-operator "$dir"/deploy-templates/crds/*.yaml
}

# crds_all: every operator's CRDs first (no build needed), so a cluster can serve every rendered
# kind even while an operator binary is still being built.
crds_all() {
  local d
  d="$(module_copy github.com/external-secrets/external-secrets "$ESO_VERSION")"
  copy_crds external-secrets "$d/deploy/crds/bundle.yaml"
  d="$(module_copy github.com/grafana/grafana-operator/v5 "$GRAFANA_OPERATOR_VERSION")"
  copy_crds grafana-operator "$d"/config/crd/bases/*.yaml
  d="$(module_copy github.com/epam/edp-keycloak-operator "$KEYCLOAK_OPERATOR_VERSION")"
  copy_crds keycloak-operator "$d"/deploy-templates/crds/*.yaml
}

tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=("${ALL_TOOLS[@]}")
t_all="$(now)"
crds_all
for t in "${tools[@]}"; do
  case " ${ALL_TOOLS[*]} " in
    *" $t "*) "tool_$t" ;;
    *) log "unknown tool '$t' (known: ${ALL_TOOLS[*]})"; exit 2 ;;
  esac
done
log "done in $(($(now) - t_all)) s; binaries in $bin, CRDs in $crds"
