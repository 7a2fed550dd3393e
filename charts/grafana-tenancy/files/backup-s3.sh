#!/bin/sh
# The S3 side of the Grafana backup, run by the AWS CLI image: `sh backup-s3.sh upload` (the
# CronJob, after the export step wrote a snapshot) or `sh backup-s3.sh download` (the restore
# Job, before the restore step). The backup tests run this very file with the real AWS CLI
# against a real S3 API.
#
# Layout: s3://$S3_BUCKET/$S3_INSTANCE_PREFIX/<UTC timestamp>/ holds one snapshot,
# s3://$S3_BUCKET/$S3_INSTANCE_PREFIX/latest holds the timestamp of the newest complete one.
# upload: data files, then manifest.json, then `latest`, then retention (KEEP newest snapshots).
# Any failure stops the script before `latest` moves or anything is deleted.
set -eu

: "${S3_BUCKET:?}" "${S3_INSTANCE_PREFIX:?}" "${SNAPSHOT_DIR:?}"
base="s3://$S3_BUCKET/$S3_INSTANCE_PREFIX"
export AWS_PAGER=""

say() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_stamp() { printf '%s' "$1" | grep -Eq '^[0-9]{8}T[0-9]{6}Z$'; }

# Path-style requests for MinIO/Ceph: the AWS CLI reads this only from a config file, so write
# one (a copy of a mounted config, if any) on the writable $HOME.
if [ "${S3_FORCE_PATH_STYLE:-false}" = true ]; then
  mkdir -p "$HOME/.aws"
  config="$HOME/.aws/config-path-style"
  if [ -n "${AWS_CONFIG_FILE:-}" ] && [ -f "$AWS_CONFIG_FILE" ]; then cp "$AWS_CONFIG_FILE" "$config"; else : >"$config"; fi
  export AWS_CONFIG_FILE="$config"
  aws configure set s3.addressing_style path
fi

upload() {
  : "${KEEP:?}"
  [ -f "$SNAPSHOT_DIR/manifest.json" ] || die "no manifest.json in $SNAPSHOT_DIR: the export did not finish, nothing was uploaded"
  stamp="${SNAPSHOT_TIME:-$(date -u +%Y%m%dT%H%M%SZ)}"
  is_stamp "$stamp" || die "snapshot name $stamp is not a UTC timestamp YYYYMMDDTHHMMSSZ"
  # manifest.json last: a snapshot folder without it is incomplete, and restore refuses it.
  aws s3 cp --recursive --only-show-errors --exclude manifest.json "$SNAPSHOT_DIR/" "$base/$stamp/" \
    || die "upload of snapshot $stamp to $base/$stamp/ failed: latest still points to the previous snapshot, nothing was deleted"
  aws s3 cp --only-show-errors "$SNAPSHOT_DIR/manifest.json" "$base/$stamp/manifest.json" \
    || die "upload of $base/$stamp/manifest.json failed: latest still points to the previous snapshot, nothing was deleted"
  printf '%s\n' "$stamp" | aws s3 cp --only-show-errors - "$base/latest" \
    || die "snapshot $stamp was uploaded but $base/latest could not be updated: it still points to the previous snapshot, nothing was deleted"
  say "uploaded snapshot $base/$stamp/, latest -> $stamp"

  # Retention: only timestamp folders directly under this instance's prefix are candidates.
  listing="$(aws s3 ls "$base/")" || die "listing $base/ for retention failed: snapshot $stamp is published, nothing was deleted"
  snapshots="$(printf '%s\n' "$listing" | awk '$1 == "PRE" { sub("/$", "", $2); print $2 }' | grep -E '^[0-9]{8}T[0-9]{6}Z$' | sort || true)"
  count="$(printf '%s\n' "$snapshots" | grep -c . || true)"
  excess=$((count - KEEP))
  if [ "$excess" -gt 0 ]; then
    for old in $(printf '%s\n' "$snapshots" | head -n "$excess"); do
      [ "$old" = "$stamp" ] && continue
      aws s3 rm --recursive --only-show-errors "$base/$old/" || die "deleting old snapshot $base/$old/ failed"
      say "deleted snapshot $old (keeping the newest $KEEP)"
    done
  fi
  say "snapshots kept: $((count > KEEP ? KEEP : count))"
}

download() {
  : "${SNAPSHOT:?}"
  stamp="$SNAPSHOT"
  if [ "$stamp" = latest ]; then
    stamp="$(aws s3 cp --only-show-errors "$base/latest" - | tr -d '[:space:]')" || die "reading $base/latest failed: is there a snapshot of this instance yet?"
  fi
  is_stamp "$stamp" || die "snapshot $stamp is not a UTC timestamp YYYYMMDDTHHMMSSZ"
  aws s3 cp --recursive --only-show-errors "$base/$stamp/" "$SNAPSHOT_DIR/" || die "download of $base/$stamp/ failed"
  [ -f "$SNAPSHOT_DIR/manifest.json" ] || die "snapshot $base/$stamp/ has no manifest.json: it does not exist or its upload did not finish"
  say "downloaded snapshot $base/$stamp/"
}

case "${1:-}" in
  upload) upload ;;
  download) download ;;
  *) die "usage: backup-s3.sh upload|download" ;;
esac
