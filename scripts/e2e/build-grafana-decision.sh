#!/usr/bin/env bash
# Builds the login e2e suite's Grafana decision helper (test/e2e/login/grafana-decision, a small Go
# module linking github.com/jmespath-community/go-jmespath, the JMESPath library Grafana uses) into
# .tools/e2e/bin/grafana-decision after its own tests pass. Rebuilds only when its sources changed;
# prints the binary path.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/test/e2e/login/grafana-decision"
bin_dir="${E2E_TOOLS_DIR:-$root/.tools/e2e}/bin"
bin="$bin_dir/grafana-decision"
stamp="$bin_dir/.grafana-decision.sum"

command -v go >/dev/null 2>&1 || { echo "build-grafana-decision: 'go' is not on PATH" >&2; exit 1; }
mkdir -p "$bin_dir"
sum="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -d' ' -f1)"
if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
  echo "$bin"
  exit 0
fi
echo "build-grafana-decision: go test, go build -> $bin" >&2
(cd "$src" && export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly &&
  go test ./... >&2 && go build -trimpath -ldflags "-s -w" -o "$bin" .)
echo "$sum" >"$stamp"
echo "$bin"
