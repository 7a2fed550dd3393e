import { InstanceValues } from './config/schema';

/**
 * The parts of a Monitoring instance and the value fields each one reads (the top-level fields
 * of its values). Each part's code takes only {@link PartValues} of its own, so the compiler
 * holds these lists to what the code reads. Every part also reads `commonLabels` (the labels on
 * every object). The diff renders only the parts a change reaches: two sides of a tenant whose
 * values differ only in `grafana` differ at most in the Grafana CR.
 */
export const PART_FIELDS = {
  /** The OIDC client Secret and the Keycloak client, audience scope and groups (System mode). */
  keycloak: ['oidc', 'host', 'platform'],
  /** The Grafana CR, with its grafana.ini. */
  grafana: ['oidc', 'host', 'platform', 'grafana', 'datasources'],
  datasources: ['datasources'],
  dashboards: ['dashboards', 'datasources'],
  /** The service-account token bootstrap. */
  token: ['serviceAccountToken'],
  /** The scheduled dashboard backup and its restore Job (with their own token bootstrap). */
  backup: ['backup', 'serviceAccountToken'],
} as const satisfies Record<string, readonly (keyof InstanceValues)[]>;

export type InstancePart = keyof typeof PART_FIELDS;

/** The values a part may read. */
export type PartValues<P extends InstancePart> = Pick<InstanceValues, (typeof PART_FIELDS)[P][number]>;

/** Every part, in the order the instance adds them (the order of its objects). */
export const INSTANCE_PARTS: readonly InstancePart[] = ['keycloak', 'grafana', 'datasources', 'dashboards', 'token', 'backup'];

/** Fields every part reads. */
const READ_BY_EVERY_PART: readonly string[] = ['commonLabels'];

/**
 * The parts whose objects can differ between two values that differ in `fields`: those that read
 * one of them. A field no part declares (one the instance reads itself, or a new one) reaches
 * every part.
 */
export function partsReading(fields: Iterable<string>): ReadonlySet<InstancePart> {
  const parts = new Set<InstancePart>();
  for (const field of fields) {
    const readers = READ_BY_EVERY_PART.includes(field) ? INSTANCE_PARTS : INSTANCE_PARTS.filter((part) => (PART_FIELDS[part] as readonly string[]).includes(field));
    if (readers.length === 0) return new Set(INSTANCE_PARTS);
    readers.forEach((part) => parts.add(part));
  }
  return parts;
}
