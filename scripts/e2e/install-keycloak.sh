#!/usr/bin/env bash
# Installs Keycloak (the Quarkus distribution from Maven Central) into .tools/e2e/keycloak/<version>
# and runs its build step once, so every later start of the login e2e suite is an `--optimized`
# start (no rebuild). Safe to run repeatedly: a finished install is detected by a stamp file.
#
# Environment: KEYCLOAK_VERSION (default 26.5.6), KC_JAVA_HOME (default the Temurin 25 JDK:
# Keycloak 26 needs Java 21+), E2E_TOOLS_DIR (default <repo>/.tools/e2e).
# Prints the Keycloak home directory on stdout; progress goes to stderr.
set -euo pipefail

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.5.6}"
KC_JAVA_HOME="${KC_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="${E2E_TOOLS_DIR:-$root/.tools/e2e}"
base="$tools/keycloak"
home="$base/keycloak-$KEYCLOAK_VERSION"
stamp="$home/.e2e-built"
# Build-time options (Keycloak refuses to change them at an --optimized start): the embedded
# dev-file database, no health or metrics endpoints (so no management port is opened).
build_opts=(--db=dev-file --health-enabled=false --metrics-enabled=false)

if [[ -f "$stamp" && "$(cat "$stamp")" == "${build_opts[*]}" ]]; then
  echo "$home"
  exit 0
fi

for cmd in mvn unzip; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "install-keycloak: '$cmd' is not on PATH" >&2; exit 1; }
done
if [[ ! -x "$KC_JAVA_HOME/bin/java" ]]; then
  echo "install-keycloak: no Java at KC_JAVA_HOME=$KC_JAVA_HOME (Keycloak $KEYCLOAK_VERSION needs Java 21+); set KC_JAVA_HOME" >&2
  exit 1
fi

mkdir -p "$base"
zip="$base/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
if [[ ! -f "$zip" ]]; then
  echo "install-keycloak: fetching org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip from Maven Central" >&2
  mvn -q -B dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
    -DoutputDirectory="$base" -Dmdep.overWriteReleases=true >&2
fi

echo "install-keycloak: unpacking into $home" >&2
rm -rf "$home" "$base/.unpack"
mkdir -p "$base/.unpack"
unzip -q "$zip" -d "$base/.unpack"
mv "$base/.unpack/keycloak-$KEYCLOAK_VERSION" "$home"
rmdir "$base/.unpack"

echo "install-keycloak: kc.sh build ${build_opts[*]} (the slow, one-time step)" >&2
start=$(date +%s)
JAVA_HOME="$KC_JAVA_HOME" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" "$home/bin/kc.sh" build "${build_opts[@]}" >&2
echo "install-keycloak: built in $(( $(date +%s) - start )) s" >&2
echo "${build_opts[*]}" >"$stamp"
echo "$home"
