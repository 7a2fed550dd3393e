import { createHash } from 'node:crypto';
import { Manifest } from '../render/render';

/** kubectl's copy of the whole applied object, Secret values included. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Replaces every value of a Secret's `data` and `stringData` with its size and a sha256 prefix
 * (as helm-diff does): a reviewer sees that a value changed, never the value. kubectl's
 * last-applied annotation of a Secret is redacted the same way, and Secrets inside a `List`
 * (`kubectl get -o yaml` output someone saved in a folder) too. Other objects are returned as
 * they are. `data` values are hashed decoded, so data and stringData agree.
 */
export function redactSecret(object: Manifest): Manifest {
  if (object?.kind === 'List' && Array.isArray(object.items)) return { ...object, items: object.items.map(redactSecret) };
  if (object?.kind !== 'Secret') return object;
  const out: Manifest = { ...object };
  const annotations = object.metadata?.annotations;
  if (annotations && typeof annotations === 'object' && LAST_APPLIED in annotations) {
    out.metadata = { ...object.metadata, annotations: { ...annotations, [LAST_APPLIED]: redactedValue(Buffer.from(String(annotations[LAST_APPLIED]), 'utf8')) } };
  }
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
