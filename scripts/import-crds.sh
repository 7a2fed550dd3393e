#!/usr/bin/env bash
# Regenerates imports/ from the pinned upstream CRDs in $CRDS_DIR (default ../shared/crds).
# Each upstream API group becomes one module; the output is byte-identical across runs.
# IMPORTS_OUT writes elsewhere (the staleness test compares such a run with imports/).
set -euo pipefail

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
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$staged" "$out"
echo "import-crds: regenerated $(ls "$out" | wc -l) modules in $out from $crds" >&2
