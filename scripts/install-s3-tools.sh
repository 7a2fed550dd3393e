#!/usr/bin/env bash
# Installs the real S3 test systems into a project-local venv .tools/s3-venv (git-ignored):
# moto[server] (a real S3 API on loopback) and the AWS CLI (awscli), pinned. The backup tests run
# the container's exact aws commands with this CLI against this server. Reuses the venv when the
# pinned versions are installed; safe to run repeatedly. Called by scripts/install-tools.sh.
set -euo pipefail

MOTO_VERSION=5.2.5
AWSCLI_VERSION=1.46.3

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/s3-venv"
want="moto=$MOTO_VERSION awscli=$AWSCLI_VERSION"
stamp="$venv/.versions"

if [[ -x "$venv/bin/aws" && -x "$venv/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "install-s3-tools: 'python3' is not on PATH; it is needed for moto and the AWS CLI (PyPI)." >&2
  exit 1
fi
echo "install-s3-tools: installing $want into .tools/s3-venv" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" "awscli==$AWSCLI_VERSION"
echo "$want" >"$stamp"
