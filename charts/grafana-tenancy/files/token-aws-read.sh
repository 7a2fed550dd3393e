#!/bin/sh
# Token bootstrap, AWS Secrets Manager sink, step 1 (AWS CLI image): note the pod's start time in
# $POD_START_FILE (the node steps count their deadline from it), then copy the stored token into
# $STORED_TOKEN_FILE (in-memory emptyDir) for token-bootstrap.js to probe. A secret that does not
# exist yet means "no token"; any other error fails the Job before Grafana is touched.
# Never prints the value. Env: SECRET_ID, STORED_TOKEN_FILE, POD_START_FILE, WORK_DIR; AWS_REGION
# and AWS_ENDPOINT_URL (LocalStack) are read by the AWS CLI itself.
set -eu
date +%s >"$POD_START_FILE"
err="$WORK_DIR/read-stored.err"
if aws secretsmanager get-secret-value --secret-id "$SECRET_ID" --query SecretString --output text >"$STORED_TOKEN_FILE" 2>"$err"; then
  echo "token-bootstrap read: secret $SECRET_ID read"
elif grep -q ResourceNotFoundException "$err"; then
  : >"$STORED_TOKEN_FILE"
  echo "token-bootstrap read: secret $SECRET_ID does not exist yet"
else
  : >"$STORED_TOKEN_FILE"
  hint=""
  if grep -q "specify a region" "$err"; then
    hint=" (no region: set serviceAccountToken.sink.awsSecretsManager.region, or let IRSA/Pod Identity inject AWS_REGION)"
  fi
  echo "token-bootstrap failed: reading secret $SECRET_ID from AWS Secrets Manager: $(tr '\n' ' ' <"$err")$hint" >&2
  exit 1
fi
