#!/usr/bin/env node
/*
 * A stand-in for the `aws` CLI (Secrets Manager only), put first on PATH by the AWS-sink tests.
 * State lives in $FAKE_AWS_STATE (JSON): { secrets: {id: value}, fail: {operation: errorCode} }.
 * Every invocation is appended to $FAKE_AWS_STATE.calls. Errors are printed the way AWS CLI v2
 * prints them, with its exit code 254 (253 for a missing region, which the real CLI needs from
 * AWS_REGION, AWS_DEFAULT_REGION or a profile; IRSA's webhook injects the variables).
 */
const { readFileSync, writeFileSync } = require('node:fs');

const stateFile = process.env.FAKE_AWS_STATE;
const state = JSON.parse(readFileSync(stateFile, 'utf8'));
const [service, command, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i += 2) opts[rest[i].replace(/^--/, '')] = rest[i + 1];
const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || '';
state.calls = [...(state.calls || []), { command, opts, endpoint: process.env.AWS_ENDPOINT_URL || '', region }];

function save() {
  writeFileSync(stateFile, JSON.stringify(state));
}

function error(code, operation, message) {
  save();
  process.stderr.write(`\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\n`);
  process.exit(254);
}

function value(raw) {
  return raw.startsWith('file://') ? readFileSync(raw.slice('file://'.length), 'utf8') : raw;
}

const operations = {
  'get-secret-value': 'GetSecretValue',
  'put-secret-value': 'PutSecretValue',
  'create-secret': 'CreateSecret',
};
const operation = operations[command];
if (service !== 'secretsmanager' || !operation) error('InvalidAction', command, `fake aws does not implement ${service} ${command}`);
if (!region) {
  save();
  process.stderr.write('\nYou must specify a region. You can also configure your region by running "aws configure".\n');
  process.exit(253);
}
if (state.fail && state.fail[command]) error(state.fail[command], operation, 'injected failure');

const secrets = state.secrets;
switch (command) {
  case 'get-secret-value': {
    const id = opts['secret-id'];
    if (!(id in secrets)) error('ResourceNotFoundException', operation, "Secrets Manager can't find the specified secret.");
    if (opts.query !== 'SecretString' || opts.output !== 'text') error('InvalidParameter', operation, 'fake expects --query SecretString --output text');
    process.stdout.write(`${secrets[id]}\n`);
    break;
  }
  case 'put-secret-value': {
    const id = opts['secret-id'];
    if (!(id in secrets)) error('ResourceNotFoundException', operation, "Secrets Manager can't find the specified secret.");
    secrets[id] = value(opts['secret-string']);
    process.stdout.write(JSON.stringify({ ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`, Name: id, VersionId: 'v' }));
    break;
  }
  case 'create-secret': {
    const id = opts.name;
    if (id in secrets) error('ResourceExistsException', operation, 'the secret already exists.');
    secrets[id] = value(opts['secret-string']);
    process.stdout.write(JSON.stringify({ ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`, Name: id }));
    break;
  }
}
save();
