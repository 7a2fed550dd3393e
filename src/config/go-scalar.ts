/*
 * How Helm reads a plain (unquoted, untagged) YAML scalar. Helm 3 reads values with
 * sigs.k8s.io/yaml, which resolves scalars with go-yaml v2's rules (resolve.go) and then goes
 * through JSON: every number becomes a float64. Those rules are neither YAML 1.1 nor 1.2:
 * `0x1F`, `0o17`, `0B11` and `017` are numbers, `1:30` (sexagesimal) and `e2` are strings,
 * `1_000` is 1000, a number too big for int64 falls back to a float, and a float that
 * overflows stays a string. test/config/helm-yaml.test.ts checks a list of such scalars against
 * Helm itself.
 */

export type GoScalar =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int' | 'uint'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'str' };

const STR: GoScalar = { kind: 'str' };

/** Whole-text matches, checked first (go-yaml's resolveMap). */
const RESOLVE_MAP = new Map<string, GoScalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, { kind: 'bool', value: true }] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, { kind: 'bool', value: false }] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, { kind: 'null' }] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, { kind: 'float', value: NaN }] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, { kind: 'float', value: Infinity }] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, { kind: 'float', value: -Infinity }] as const),
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, or a leading 0 for octal). */
const GO_INTEGER = /^([-+]?)(?:0([xX])([0-9a-fA-F]+)|0([oO])([0-7]+)|0([bB])([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
/** go-yaml's yamlStyleFloat, tried on the text without underscores. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat on a text starting with '.': digits with single underscores between them. */
const DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;

/** The value go-yaml v2 gives a plain scalar, before Helm's JSON step. */
export function resolveGoScalar(text: string): GoScalar {
  const known = RESOLVE_MAP.get(text);
  if (known !== undefined) return known;
  const first = text.charAt(0);
  if (first === '.') return DOT_FLOAT.test(text) ? finiteFloat(text.replace(/_/g, '')) : STR;
  if (!/[-+0-9]/.test(first)) return STR;

  // Timestamps (YYYY-...) come next in go-yaml, but it keeps them as the original text.
  const plain = text.replace(/_/g, '');
  const int = parseGoInteger(plain);
  if (int !== undefined) {
    if (int >= INT64_MIN && int <= INT64_MAX) return { kind: 'int', value: int };
    if (int >= 0n && int <= UINT64_MAX && !/^[-+]/.test(plain)) return { kind: 'uint', value: int };
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = finiteFloat(plain);
    if (float.kind === 'float') return float;
  }
  // Left over from Go versions without 0b in ParseInt; still reachable for "0b-1".
  if (plain.startsWith('0b')) return binary(plain.slice(2), true);
  if (plain.startsWith('-0b')) return binary(`-${plain.slice(3)}`, false);
  return STR;
}

function parseGoInteger(plain: string): bigint | undefined {
  const m = GO_INTEGER.exec(plain);
  if (m === null) return undefined;
  const [, sign, , hex, , oct, , bin, leadingZeroOct, dec] = m;
  const magnitude =
    hex !== undefined ? BigInt(`0x${hex}`)
      : oct !== undefined ? BigInt(`0o${oct}`)
        : bin !== undefined ? BigInt(`0b${bin}`)
          : leadingZeroOct !== undefined ? (leadingZeroOct === '' ? 0n : BigInt(`0o${leadingZeroOct}`))
            : BigInt(dec);
  return sign === '-' ? -magnitude : magnitude;
}

/** strconv.ParseInt(s, 2, 64), or ParseUint(s, 2, 64) when `unsigned` is allowed. */
function binary(s: string, unsigned: boolean): GoScalar {
  const m = /^([-+]?)([01]+)$/.exec(s);
  if (m === null) return STR;
  const value = m[1] === '-' ? -BigInt(`0b${m[2]}`) : BigInt(`0b${m[2]}`);
  if (value >= INT64_MIN && value <= INT64_MAX) return { kind: 'int', value };
  if (unsigned && m[1] === '' && value <= UINT64_MAX) return { kind: 'uint', value };
  return STR;
}

/** strconv.ParseFloat: an overflow is an error, so go-yaml keeps the text. */
function finiteFloat(text: string): GoScalar {
  const value = Number(text);
  return Number.isFinite(value) ? { kind: 'float', value } : STR;
}

/** The value Helm's values hold for plain scalar `text`: after the JSON step every number is a float64. */
export function goPlainValue(text: string): string | number | boolean | null {
  const scalar = resolveGoScalar(text);
  switch (scalar.kind) {
    case 'null': return null;
    case 'bool':
    case 'float': return scalar.value;
    case 'int':
    case 'uint': return Number(scalar.value);
    default: return text;
  }
}

/**
 * A map key as sigs.k8s.io/yaml writes it into JSON: integers in decimal, floats with
 * strconv.FormatFloat(f, 'g', -1, 32) (float32 precision, so 1e8 is "1e+08" and
 * 3.14159265358979 is "3.1415927"), booleans as true/false.
 */
export function goFloatKey(value: number): string {
  const f32 = Math.fround(value);
  if (Number.isNaN(f32)) return '.nan';
  if (f32 === Infinity) return '.inf';
  if (f32 === -Infinity) return '-.inf';
  if (f32 === 0) return Object.is(f32, -0) ? '-0' : '0';
  const sign = f32 < 0 ? '-' : '';
  const abs = Math.abs(f32);
  // The shortest decimal that reads back as the same float32, as Go's shortest formatting.
  let digits = '';
  let exponent = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const [mantissa, exp] = abs.toExponential(precision - 1).split('e');
    if (Math.fround(Number(`${mantissa}e${exp}`)) === abs) {
      digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
      exponent = Number(exp);
      break;
    }
  }
  // %g with the shortest precision: %e when the exponent is below -4 or at least 6.
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const point = exponent + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
