#!/usr/bin/env bash
# Regenerates imports/ from the pinned upstream CRDs in $CRDS_DIR (default ../shared/crds) and
# the Kubernetes core types (imports/k8s.ts) for KUBERNETES_VERSION, the version the e2e suite's
# kube-apiserver runs. Each upstream API group becomes one module; the output is byte-identical
# across runs. IMPORTS_OUT writes elsewhere (the staleness test compares such a run with imports/).
#
# The core types come from `cdk8s import k8s@<version>`, fed offline: cdk8s-cli would download
# its schema from GitHub, so scripts/k8s-schema-offline.js serves it from the OpenAPI spec in the
# Go module k8s.io/kubernetes (fetched from the Go module proxy into the module cache), or from
# K8S_SWAGGER when set. Only the generated L1 classes (KubeJob, ...) are used: cdk8s-plus's L2
# constructs add labels and defaults of their own, which the Helm chart would have to mirror.
set -euo pipefail

KUBERNETES_VERSION=1.33.13

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crds="${CRDS_DIR:-$root/../shared/crds}"
if [[ ! -d "$crds" ]]; then
  echo "import-crds: CRD directory '$crds' not found; set CRDS_DIR to the folder holding the upstream CRDs." >&2
  exit 1
fi
crds="$(cd "$crds" && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# module-name  crd files (relative to $crds)
modules=(
  "keycloak keycloak-operator/v1.edp.epam.com_keycloakclients.yaml keycloak-operator/v1.edp.epam.com_keycloakclientscopes.yaml keycloak-operator/v1.edp.epam.com_keycloakrealmgroups.yaml"
  "grafana grafana-operator/grafana.integreatly.org_grafanas.yaml grafana-operator/grafana.integreatly.org_grafanaserviceaccounts.yaml grafana-operator/grafana.integreatly.org_grafanadatasources.yaml grafana-operator/grafana.integreatly.org_grafanadashboards.yaml grafana-operator/grafana.integreatly.org_grafanafolders.yaml"
  "external-secrets external-secrets/external-secrets.io_externalsecrets.yaml"
  "external-secrets-generators external-secrets/generators.external-secrets.io_passwords.yaml"
)

out="${IMPORTS_OUT:-$root/imports}"
# Generated into $work/imports first and swapped in only when every module succeeded:
# a failed import leaves the committed imports/ as it was.
staged="$work/imports"
mkdir -p "$staged"
for entry in "${modules[@]}"; do
  read -r name files <<<"$entry"
  bundle="$work/$name.yaml"
  : >"$bundle"
  for f in $files; do
    { cat "$crds/$f"; printf '\n---\n'; } >>"$bundle"
  done
  (cd "$work" && "$root/node_modules/.bin/cdk8s" import "$name:=$bundle" --language typescript --output "$work/out" --no-save --check-upgrade=false >/dev/null 2>&1) \
    || { echo "import-crds: cdk8s import failed for $name" >&2; exit 1; }
  # cdk8s names the file <module>-<group>.ts; keep just <module>.ts.
  mv "$work/out/$name-"*.ts "$staged/$name.ts"
done

swagger="${K8S_SWAGGER:-}"
if [[ -z "$swagger" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "import-crds: 'go' is not on PATH; it fetches k8s.io/kubernetes@v$KUBERNETES_VERSION (or set K8S_SWAGGER to its api/openapi-spec/swagger.json)." >&2
    exit 1
  fi
  module_dir="$(cd "$work" && go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  swagger="$module_dir/api/openapi-spec/swagger.json"
fi
[[ -f "$swagger" ]] || { echo "import-crds: Kubernetes OpenAPI spec '$swagger' not found" >&2; exit 1; }
(cd "$work" && K8S_SWAGGER="$swagger" NODE_OPTIONS="--require $root/scripts/k8s-schema-offline.js" \
  "$root/node_modules/.bin/cdk8s" import "k8s@$KUBERNETES_VERSION" --language typescript --output "$work/out-k8s" --no-save --check-upgrade=false >/dev/null 2>&1) \
  || { echo "import-crds: cdk8s import failed for k8s@$KUBERNETES_VERSION" >&2; exit 1; }
mv "$work/out-k8s/k8s.ts" "$staged/k8s.ts"
# The generated mappers filter undefined values in quadratic time: rewritten into one pass.
node "$root/scripts/fast-json-mappers.js" "$staged"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$staged" "$out"
echo "import-crds: regenerated $(ls "$out" | wc -l) modules in $out from $crds and Kubernetes $KUBERNETES_VERSION" >&2
