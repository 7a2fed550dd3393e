import { ApiObject, App, Lazy } from 'cdk8s';
import { ExternalSecret } from '../../imports/external-secrets';
import { Password } from '../../imports/external-secrets-generators';
import { Grafana, GrafanaDashboard, GrafanaDatasource, GrafanaFolder, GrafanaServiceAccount } from '../../imports/grafana';
import { KubeConfigMap, KubeCronJob, KubeJob, KubeRole, KubeRoleBinding, KubeSecret, KubeServiceAccount } from '../../imports/k8s';
import { KeycloakClient, KeycloakClientScope, KeycloakRealmGroup } from '../../imports/keycloak';
import { sortedKeys } from './sorted-keys';

/*
 * `apiObject.toJson()` in one pass over plain data. cdk8s resolves a manifest value by value
 * (for each: `App.of`, a resolution context, three resolver calls and a key path), then copies
 * it again to sort its keys (`ApiObject.toJson`, cdk8s/lib/api-object.js and resolve.js): that
 * was a third of a fleet's render time. For an object whose values are plain data (strings,
 * numbers, booleans, arrays, plain objects, and the generated number-or-string classes such as
 * `Quantity`), resolving changes nothing but those classes, so one sorted copy gives the same
 * manifest. Anything else (a `Lazy`, a token with `resolve()`, another class, a JSON patch, a
 * custom resolver, a class this module does not know) takes cdk8s's own `toJson()`;
 * test/render/object-json.test.ts holds both to the same bytes on every fixture.
 */

/** Thrown inside the copy for a value only cdk8s's resolvers may render; never escapes. */
const NOT_PLAIN = Symbol('not plain data');

/** The resolvers every App has (cdk8s App: Lazy, implicit token, number-or-string union). */
const DEFAULT_RESOLVER_COUNT = 3;

/**
 * The generated classes (`cdk8s import`, scripts/import-crds.sh) this project renders. Their
 * `toJson()` is `{ ...GVK, ...toJson_<Class>Props(super.toJson()) }`, which is
 * `Class.manifest(super.toJson())`. Named one by one: a lookup in the modules' namespaces would
 * make the bundle build an object of getters for each module's thousand exports, which the
 * start-up snapshot of every command then carries. A class left out here is rendered by cdk8s
 * (test/render/object-json.test.ts checks that every fixture's objects take the one-copy path).
 */
const GENERATED_CLASSES: ReadonlySet<unknown> = new Set([
  ExternalSecret,
  Password,
  Grafana,
  GrafanaDashboard,
  GrafanaDatasource,
  GrafanaFolder,
  GrafanaServiceAccount,
  KeycloakClient,
  KeycloakClientScope,
  KeycloakRealmGroup,
  KubeConfigMap,
  KubeCronJob,
  KubeJob,
  KubeRole,
  KubeRoleBinding,
  KubeSecret,
  KubeServiceAccount,
]);

/** `apiObject.toJson()`: see the comment at the top of this file. */
export function objectJson(apiObject: ApiObject): Record<string, any> {
  return plainManifest(apiObject) ?? apiObject.toJson();
}

/** `apiObject.toJson()` in one copy, or undefined when only cdk8s's own `toJson()` may render it. */
export function plainManifest(apiObject: ApiObject): Record<string, any> | undefined {
  const props = oneCopyProps(apiObject);
  const base = props === undefined ? undefined : plainBase(apiObject, props);
  const type = apiObject.constructor as { manifest?: (props: unknown) => Record<string, any> };
  return base === undefined || type === ApiObject ? base : type.manifest!(base);
}

/**
 * The props of an object {@link plainManifest} may render (a class it knows, plain props, no
 * patch, the App's own resolvers), or undefined.
 */
function oneCopyProps(apiObject: ApiObject): Record<string, unknown> | undefined {
  const type = apiObject.constructor;
  const known = type === ApiObject || (GENERATED_CLASSES.has(type) && Object.getPrototypeOf(apiObject) === type.prototype);
  if (!known) return undefined;
  // Private fields of cdk8s's ApiObject: when they are not what this module expects, cdk8s renders.
  const { props, patches } = apiObject as unknown as { props?: unknown; patches?: unknown };
  if (!isPlainObject(props) || !Array.isArray(patches) || patches.length > 0) return undefined;
  if (process.env.CDK8S_DISABLE_SORT || App.of(apiObject).resolvers.length !== DEFAULT_RESOLVER_COUNT) return undefined;
  return props;
}

/**
 * Whether `a` and `b` have the same manifest, told without making it: both are rendered by
 * {@link plainManifest}, a function of the class, the props and the metadata fields, and those
 * are the same plain data (keys in the same order). False when that does not tell (a class
 * instance or a token among the values, an object cdk8s renders): compare their manifests then.
 * A diff of two fleet files finds most of a changed tenant's objects the same this way.
 */
export function sameManifestSource(a: ApiObject, b: ApiObject): boolean {
  if (a.constructor !== b.constructor) return false;
  const props = oneCopyProps(a);
  const otherProps = oneCopyProps(b);
  if (props === undefined || otherProps === undefined || !samePlainData(props, otherProps)) return false;
  const metadata = a.metadata as unknown as Record<string, unknown>;
  const otherMetadata = b.metadata as unknown as Record<string, unknown>;
  return METADATA_SOURCE_FIELDS.every((key) => samePlainData(metadata[key], otherMetadata[key]));
}

/**
 * The same strings, numbers, booleans, null or undefined, in plain objects and lists of the same
 * shape and key order; a generated number-or-string union (`Quantity`) is its `value`, as
 * {@link sortedCopy} renders it.
 */
function samePlainData(a: unknown, b: unknown): boolean {
  // No shortcut for one object on both sides: a Lazy inside it may render otherwise each time.
  if (typeof a !== 'object' || a === null) return a === b && typeof a !== 'function';
  if (typeof b !== 'object' || b === null) return false;
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (proto !== Object.prototype && proto !== Array.prototype) return unionValue(a) !== undefined && unionValue(a) === unionValue(b);
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  return keys.length === otherKeys.length && keys.every((key, i) => key === otherKeys[i] && samePlainData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** The `value` a number-or-string union renders as (see sortedCopy), or undefined for any other class instance. */
function unionValue(object: object): string | number | undefined {
  const { value, resolve } = object as { value?: unknown; resolve?: unknown };
  if (object instanceof Lazy || typeof resolve === 'function') return undefined;
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}

/** What `ApiObject.prototype.toJson` gives for `apiObject`, or undefined when that needs cdk8s. */
function plainBase(apiObject: ApiObject, props: Record<string, unknown>): Record<string, any> | undefined {
  try {
    // cdk8s sorts `{ ...props, metadata }` and then moves apiVersion, kind and metadata first.
    const json: Record<string, any> = {};
    for (const key of FIRST_KEYS) {
      const item = key === 'metadata' ? metadataJson(apiObject) : sortedCopy(props[key], false);
      if (item !== undefined) json[key] = item;
    }
    for (const key of sortedKeys(props)) {
      if (FIRST_KEYS.includes(key)) continue;
      checkKey(key);
      const item = sortedCopy(props[key], false);
      if (item !== undefined) json[key] = item;
    }
    return json;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata'];

/** The fields `ApiObjectMetadataDefinition.toJson()` renders (cdk8s/lib/metadata.js) over the ones it was given. */
const METADATA_FIELDS = ['name', 'namespace', 'annotations', 'finalizers', 'ownerReferences', 'labels'] as const;

/** The metadata fields {@link metadataJson} reads: the rendered ones and the attributes it was given. */
const METADATA_SOURCE_FIELDS = [...METADATA_FIELDS, '_additionalAttributes'];

/** `ApiObjectMetadataDefinition.toJson()` (cdk8s/lib/metadata.js): empty lists and maps left out. */
function metadataJson(apiObject: ApiObject): unknown {
  const m = apiObject.metadata as unknown as Record<string, unknown>;
  // Not a spread of the attributes it was given: cdk8s deleted a key from that object, and a
  // spread of such an object takes V8's slow path.
  const fields: Record<string, unknown> = {};
  for (const key of METADATA_FIELDS) fields[key] = m[key];
  const given = m._additionalAttributes as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    checkKey(key);
    if (!Object.prototype.hasOwnProperty.call(fields, key)) fields[key] = given[key];
  }
  return sortedCopy(fields, true);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && value.constructor === Object;
}

/**
 * Keys cdk8s does not copy as plain data: `__proto__` (its copies set a prototype there) and
 * `constructor` (which makes its resolver take the object for a class instance).
 */
function checkKey(key: string): void {
  if (key === '__proto__' || key === 'constructor') throw NOT_PLAIN;
}

/**
 * cdk8s's `sanitizeValue(resolve(value))` (cdk8s/lib/_util.js, resolve.js) for plain data: keys
 * sorted, null and undefined left out, with `dropEmpty` empty arrays and objects too.
 */
function sortedCopy(value: unknown, dropEmpty: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw NOT_PLAIN;
  const v = value as Record<string, any>;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype) {
    // A plain object. A token among its values (`resolve()`) is a function: refused below.
    const out: Record<string, any> = {};
    let empty = true;
    for (const key of sortedKeys(v)) {
      checkKey(key);
      const item = sortedCopy(v[key], dropEmpty);
      if (item !== undefined) {
        out[key] = item;
        empty = false;
      }
    }
    return dropEmpty && empty ? undefined : out;
  }
  if (proto === Array.prototype) {
    if ((v as { value?: unknown }).value !== undefined || (v as { resolve?: unknown }).resolve !== undefined) throw NOT_PLAIN;
    if (dropEmpty && v.length === 0) return undefined;
    return (v as unknown as unknown[]).map((item) => sortedCopy(item, dropEmpty));
  }
  // The default resolvers, in their order: a Lazy or a token is cdk8s's to render; another class
  // with a number or string `value` (the generated unions, such as Quantity) becomes `{ value }`.
  if (v instanceof Lazy || typeof v.resolve === 'function') throw NOT_PLAIN;
  if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) return { value: v.value };
  throw NOT_PLAIN;
}
