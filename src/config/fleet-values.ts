import { isPlainObject, PlainObject } from './merge';
import { explainIssue } from './issue-text';
import { InstanceValues, instanceValuesSchema, isSchemaHost } from './schema';

type SafeParse = ReturnType<typeof instanceValuesSchema.safeParse>;

/** The schema's top-level fields, each parsed on its own (see FleetValuesParser). */
const FIELDS = instanceValuesSchema.shape;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** Distinct inputs remembered per field: tenants of a fleet repeat few, and a cap bounds the rest. */
const MAX_REMEMBERED = 4096;

/**
 * Parses the merged values of one fleet's tenants (its `defaults` deep-merged under each entry)
 * exactly as `instanceValuesSchema.safeParse` does, without parsing again what tenants share.
 *
 * The schema's top-level object is strict and has no check across its fields, so its output is
 * each field parsed on its own, in schema order. Most of a tenant's fields are the same for every
 * tenant: left out (the schema's defaults), inherited from `defaults` unchanged (deepMerge keeps
 * that very object), or written alike (`oidc: {mode: System}`). Each such field is parsed once per
 * fleet and its output shared, frozen, by the tenants that have it: parsing 10,000 tenants'
 * values whole with zod was a fifth of a cold synth and a third of a diff of two fleet files.
 *
 * Only success takes this way: any value that fails (or that this cannot tell apart exactly, such
 * as a field present with the value undefined) is parsed whole by the schema, so every problem is
 * reported word for word as before. A test holds the outputs equal to the schema's own.
 */
export class FleetValuesParser {
  /** The schema's output for `{}`: what each left-out field becomes (or that it stays out). */
  private readonly absent: PlainObject = deepFreeze(instanceValuesSchema.parse({}));
  /** Per field: output by the input's identity (values inherited from `defaults`). */
  private readonly inherited = new Map<Field, { readonly input: unknown; readonly output: unknown }>();
  /** Per field: output by the input's exact text (see exactText). */
  private readonly byText = new Map<Field, Map<string, unknown>>();
  /** Values of tenant entries by the exact text of their fields but `host` (see alike). */
  private readonly byEntry = new Map<string, InstanceValues>();

  constructor(private readonly defaults: PlainObject) {}

  safeParse(merged: unknown): SafeParse {
    const data = isPlainObject(merged) ? this.parseFields(merged) : undefined;
    return data !== undefined ? ({ success: true, data } as SafeParse) : instanceValuesSchema.safeParse(merged, { error: explainIssue });
  }

  /**
   * The values of a tenant entry (its own fields, `namespace` and `release` left out) whose
   * `host` is a string and whose other fields are written exactly as those of an entry given to
   * {@link remember}: that entry's values with this host. Most entries of a fleet differ in
   * their host (and location) only. `defaults` is merged under each field on its own and `host`
   * is a top-level string, so the merged values of the two differ in `host` alone, and so do
   * their outputs (each field is parsed on its own). Undefined when no such entry was
   * remembered, or when this host does not parse: the caller then takes the whole way, which
   * reports it.
   */
  alike(own: PlainObject, key = this.entryKey(own)): InstanceValues | undefined {
    const { host } = own;
    const values = key === undefined ? undefined : this.byEntry.get(key);
    if (values === undefined || typeof host !== 'string' || !isSchemaHost(host)) return undefined;
    return { ...values, host } as InstanceValues;
  }

  /** Remembers the values an entry's merged values parsed to, for {@link alike}. */
  remember(own: PlainObject, values: InstanceValues, key = this.entryKey(own)): void {
    if (key !== undefined && this.byEntry.size < MAX_REMEMBERED && !this.byEntry.has(key)) this.byEntry.set(key, values);
  }

  /**
   * The text {@link alike} and {@link remember} know an entry by (a caller that asks both for
   * one entry passes it to each); undefined for one without a string host.
   */
  entryKey(own: PlainObject): string | undefined {
    return typeof own.host === 'string' ? textWithoutHost(own) : undefined;
  }

  /** The values, or undefined to leave them to the whole schema. */
  private parseFields(merged: PlainObject): InstanceValues | undefined {
    for (const key in merged) if (!Object.prototype.hasOwnProperty.call(FIELDS, key)) return undefined;
    const out: PlainObject = {};
    for (const field of FIELD_NAMES) {
      const input = merged[field];
      if (input === undefined) {
        if (field in merged) return undefined;
        if (field in this.absent) out[field] = this.absent[field];
        continue;
      }
      const output = this.parseField(field, input);
      if (output === INVALID) return undefined;
      out[field] = output;
    }
    return out as InstanceValues;
  }

  private parseField(field: Field, input: unknown): unknown {
    if (typeof input !== 'object' || input === null) return parseOne(field, input);
    if (input === this.defaults[field]) {
      const known = this.inherited.get(field);
      if (known?.input === input) return known.output;
      const output = parseOne(field, input);
      if (output !== INVALID) this.inherited.set(field, { input, output: deepFreeze(output) });
      return output;
    }
    const text = exactText(input);
    if (text === undefined) return parseOne(field, input);
    const remembered = this.byText.get(field) ?? new Map<string, unknown>();
    this.byText.set(field, remembered);
    if (remembered.has(text)) return remembered.get(text);
    const output = parseOne(field, input);
    if (output !== INVALID && remembered.size < MAX_REMEMBERED) remembered.set(text, deepFreeze(output));
    return output;
  }
}

/**
 * One {@link FleetValuesParser} per `defaults` object, for fleets read side by side: the two sides
 * of a diff of fleet files have the very same `defaults` (the text around their tenant lists is
 * the same), so the second side reuses what the first parsed, and the tenants of both share the
 * (frozen) outputs of the fields they have alike. A parser is only ever given the defaults it
 * was made with: its outputs are those of values merged over them.
 */
export class FleetValuesParsers {
  private readonly byDefaults = new WeakMap<PlainObject, FleetValuesParser>();

  for(defaults: PlainObject): FleetValuesParser {
    let parser = this.byDefaults.get(defaults);
    if (parser === undefined) {
      parser = new FleetValuesParser(defaults);
      this.byDefaults.set(defaults, parser);
    }
    return parser;
  }
}

const INVALID = Symbol('invalid');

function parseOne(field: Field, input: unknown): unknown {
  const result = FIELDS[field].safeParse(input);
  return result.success ? result.data : INVALID;
}

/**
 * A text that tells two parsed-YAML values apart exactly (strings, finite numbers, booleans,
 * null, lists and plain objects, keys in their order), or undefined for anything else: values
 * with the same text parse to the same output. JSON alone would not do: NaN and null, or 0 and
 * -0, share a text.
 */
export function exactText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : undefined;
    case 'object': {
      if (value === null) return 'null';
      const parts: string[] = [];
      if (Array.isArray(value)) {
        for (const item of value) {
          const text = exactText(item);
          if (text === undefined) return undefined;
          parts.push(text);
        }
        return `[${parts.join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      for (const key of Object.keys(value)) {
        const text = exactText((value as PlainObject)[key]);
        if (text === undefined || key === '__proto__') return undefined;
        parts.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

/** {@link exactText} of an entry's own fields but `host`, whatever its place among them. */
function textWithoutHost(own: PlainObject): string | undefined {
  const parts: string[] = [];
  for (const key of Object.keys(own)) {
    if (key === 'host') continue;
    const text = exactText(own[key]);
    if (text === undefined || key === '__proto__') return undefined;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/** Freezes a parsed value and everything in it: outputs shared by tenants must not change. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
