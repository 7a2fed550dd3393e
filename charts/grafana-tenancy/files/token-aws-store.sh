#!/bin/sh
# Token bootstrap, AWS Secrets Manager sink, step 3 (AWS CLI image): store the token that
# token-bootstrap.js left in $TOKEN_FILE. No file: the stored token was still valid, nothing to do.
# The value goes through `file://`, never through argv or the log. A new token exists in Grafana
# by now, so this step never fails the pod itself: it records `stored` or `failed: <error>` in
# $STORE_RESULT_FILE, and the prune step then prunes old tokens or revokes the undelivered one and
# fails with this error. Env: SECRET_ID, TOKEN_FILE, STORE_RESULT_FILE, WORK_DIR, CREATE_SECRET
# (true: create the secret when it does not exist), KMS_KEY_ID (optional).
set -eu
err="$WORK_DIR/store.err"
if [ ! -s "$TOKEN_FILE" ]; then
  echo "token-bootstrap store: no new token; secret $SECRET_ID left as it is"
  exit 0
fi

failed() {
  message="$1: $(tr '\n' ' ' <"$err")"
  printf 'failed: %s\n' "$message" >"$STORE_RESULT_FILE"
  echo "token-bootstrap store: error: $message (the prune step revokes the new token and fails)" >&2
  exit 0
}

if aws secretsmanager put-secret-value --secret-id "$SECRET_ID" --secret-string "file://$TOKEN_FILE" >/dev/null 2>"$err"; then
  echo "token-bootstrap store: new token stored in secret $SECRET_ID"
elif grep -q ResourceNotFoundException "$err" && [ "${CREATE_SECRET:-false}" = "true" ]; then
  set -- --name "$SECRET_ID" --secret-string "file://$TOKEN_FILE"
  if [ -n "${KMS_KEY_ID:-}" ]; then set -- "$@" --kms-key-id "$KMS_KEY_ID"; fi
  if ! aws secretsmanager create-secret "$@" >/dev/null 2>"$err"; then
    failed "creating secret $SECRET_ID"
  fi
  echo "token-bootstrap store: secret $SECRET_ID created with the new token"
else
  failed "storing the token in secret $SECRET_ID"
fi
echo stored >"$STORE_RESULT_FILE"
