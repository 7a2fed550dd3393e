/*
 * Rules that are patterns, written once for both regex engines that apply them: JavaScript (zod)
 * and Go's RE2 (Helm validating values.schema.json). No lookaround, no backreferences.
 */

/** A DNS-1123 label: a namespace or a Grafana service account name. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

/** A DNS-1123 subdomain (most object names, a host); at most 253 characters, checked apart. */
export const DNS_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$';

/** `<namespace>/<release>`: a DNS label, then a release name of at most 53 characters. */
export const INSTANCE_REF_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z]([-a-z0-9]{0,51}[a-z0-9])?$';

/** A Secret data key (Kubernetes' IsConfigMapKey): `[-._a-zA-Z0-9]+`, not `.` and not `..`-prefixed. */
export const SECRET_DATA_KEY_PATTERN = '^(\\.[-_a-zA-Z0-9][-._a-zA-Z0-9]*|[-_a-zA-Z0-9][-._a-zA-Z0-9]*)$';

/**
 * The realm issuer: https, a host (DNS name, IPv4 or [IPv6]), an optional port and path; no
 * whitespace, user info, query or fragment, since `/protocol/openid-connect/...` is appended
 * to it. Trailing slashes are allowed and dropped before joining (both renderers).
 */
export const ISSUER_URL_PATTERN = String.raw`^https://([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(:[0-9]{1,5})?(/[-a-zA-Z0-9._~%!$&'()*+,;=:@/]*)?$`;
