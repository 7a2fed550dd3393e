import { createHash } from 'node:crypto';
import { Manifest } from '../render/render';

/**
 * Replaces every value of a Secret's `data` and `stringData` with its size and a sha256 prefix
 * (as helm-diff does): a reviewer sees that a value changed, never the value. Other objects are
 * returned as they are. `data` values are hashed decoded, so data and stringData agree.
 */
export function redactSecret(object: Manifest): Manifest {
  if (object?.kind !== 'Secret') return object;
  const out: Manifest = { ...object };
  for (const field of ['data', 'stringData'] as const) {
    const values = object[field];
    if (values === null || typeof values !== 'object') continue;
    out[field] = Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, redactedValue(field === 'data' ? Buffer.from(String(value), 'base64') : Buffer.from(String(value), 'utf8'))]),
    );
  }
  return out;
}

function redactedValue(bytes: Buffer): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  return `(redacted: ${bytes.length} bytes, sha256:${hash})`;
}
