#!/usr/bin/env bash
# Installs the pinned Go-built tools into .tools/bin (git-ignored): Helm 3 from the Go module proxy.
# Reuses a binary when it is present and reports the pinned version; safe to run repeatedly.
set -euo pipefail

HELM_VERSION=v3.19.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: 'go' is not on PATH; Go is needed to build helm from the Go module proxy." >&2
  exit 1
fi

# install NAME VERSION MODULE_PATH
install() {
  local name="$1" version="$2" module="$3"
  local stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    return 0
  fi
  echo "install-tools: building $name $version (go install $module@$version)" >&2
  GOBIN="$bin" CGO_ENABLED=0 go install "$module@$version"
  echo "$version" >"$stamp"
}

install helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
bash "$root/scripts/install-s3-tools.sh"
