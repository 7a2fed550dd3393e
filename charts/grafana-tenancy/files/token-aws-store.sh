#!/bin/sh
# Token bootstrap, AWS Secrets Manager sink, step 3 (AWS CLI image): store the token that
# token-bootstrap.js left in $TOKEN_FILE. No file: the stored token was still valid, nothing to do.
# The value goes through `file://`, never through argv or the log. A failure exits 1 before the
# prune step runs, so Grafana keeps every old token. Env: SECRET_ID, TOKEN_FILE, WORK_DIR,
# CREATE_SECRET (true: create the secret when it does not exist), KMS_KEY_ID (optional).
set -eu
err="$WORK_DIR/store.err"
if [ ! -s "$TOKEN_FILE" ]; then
  echo "token-bootstrap store: no new token; secret $SECRET_ID left as it is"
  exit 0
fi
if aws secretsmanager put-secret-value --secret-id "$SECRET_ID" --secret-string "file://$TOKEN_FILE" >/dev/null 2>"$err"; then
  echo "token-bootstrap store: new token stored in secret $SECRET_ID"
elif grep -q ResourceNotFoundException "$err" && [ "${CREATE_SECRET:-false}" = "true" ]; then
  set -- --name "$SECRET_ID" --secret-string "file://$TOKEN_FILE"
  if [ -n "${KMS_KEY_ID:-}" ]; then set -- "$@" --kms-key-id "$KMS_KEY_ID"; fi
  if ! aws secretsmanager create-secret "$@" >/dev/null 2>"$err"; then
    echo "token-bootstrap failed: creating secret $SECRET_ID: $(tr '\n' ' ' <"$err")" >&2
    exit 1
  fi
  echo "token-bootstrap store: secret $SECRET_ID created with the new token"
else
  echo "token-bootstrap failed: storing the token in secret $SECRET_ID: $(tr '\n' ' ' <"$err")" >&2
  exit 1
fi
