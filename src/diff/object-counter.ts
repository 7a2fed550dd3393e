import { ApiObject, App } from 'cdk8s';
import { FleetTenant } from '../config/fleet';
import { MonitoringInstance } from '../monitoring-instance';
import { sortedKeys } from '../render/sorted-keys';

/**
 * How many objects a tenant renders, from its construct tree, without writing any YAML; and
 * without building that tree again for a tenant of the same shape. Which objects an instance
 * has depends on its values (mode, secret source, token sink, ...), never on the names it is
 * given (namespace, release), its host, or the text of the `customConfig.config` settings it
 * copies into the Grafana config: tenants that differ only there share one count. A test holds
 * every chart fixture to that.
 */
export class ObjectCounter {
  /** Objects per shape id (ShapeKeys). */
  private readonly byShape = new Map<number, number>();
  private readonly shapes = new ShapeKeys();

  constructor(private readonly apiVersions: readonly string[]) {}

  of(tenant: Pick<FleetTenant, 'namespace' | 'release' | 'values'>): number {
    const shape = this.shapes.of(tenant.values);
    let count = this.byShape.get(shape);
    if (count === undefined) {
      const app = new App({ outdir: undefined });
      const chart = new MonitoringInstance(app, tenant.release, { ...tenant, apiVersions: this.apiVersions });
      count = chart.node.findAll().filter((c) => ApiObject.isApiObject(c)).length;
      this.byShape.set(shape, count);
    }
    return count;
  }
}

/** A node of ShapeKeys' trie: the next level by field name or by value id, and the shape ending here. */
interface ShapeNode {
  readonly next: Map<string | number, ShapeNode>;
  shape?: number;
}

/**
 * Ids that are equal exactly when two values are equal without what cannot change the number of
 * objects (see {@link ObjectCounter}): the host, and the text of the `customConfig.config`
 * settings (their names still count). A shape is the list of each field's name and a number for
 * its JSON text, kept as a path in a trie (no key string made per tenant). The text of a frozen
 * object is written once: a fleet's tenants share the frozen objects of the fields they have
 * alike (config/fleet-values.ts), so 10,000 tenants write a few hundred texts.
 */
class ShapeKeys {
  private readonly textIds = new Map<string, number>();
  private readonly frozenIds = new WeakMap<object, number>();
  private readonly frozenOidcIds = new WeakMap<object, number>();
  private readonly root: ShapeNode = { next: new Map() };
  private shapeCount = 0;

  of(values: FleetTenant['values']): number {
    let node = this.root;
    for (const field of Object.keys(values)) {
      if (field === 'host') continue;
      const value = (values as Record<string, unknown>)[field];
      const id = field === 'oidc' ? this.idOf(value, this.frozenOidcIds, oidcShape) : this.idOf(value, this.frozenIds);
      node = child(child(node, field), id);
    }
    node.shape ??= this.shapeCount++;
    return node.shape;
  }

  private idOf(value: unknown, frozenIds: WeakMap<object, number>, shape = (v: unknown) => v): number {
    const frozen = typeof value === 'object' && value !== null && Object.isFrozen(value);
    let id = frozen ? frozenIds.get(value) : undefined;
    if (id === undefined) {
      // JSON.stringify(undefined) is undefined: a field present with no value has a text of its own.
      const text = JSON.stringify(shape(value)) ?? 'undefined';
      id = this.textIds.get(text) ?? this.textIds.size;
      this.textIds.set(text, id);
      if (frozen) frozenIds.set(value, id);
    }
    return id;
  }
}

function child(node: ShapeNode, key: string | number): ShapeNode {
  let next = node.next.get(key);
  if (next === undefined) {
    next = { next: new Map() };
    node.next.set(key, next);
  }
  return next;
}

/** The oidc values without the text of the `customConfig.config` settings: their names, sorted. */
function oidcShape(value: unknown): unknown {
  const oidc = value as FleetTenant['values']['oidc'];
  return { ...oidc, customConfig: { ...oidc.customConfig, config: sortedKeys(oidc.customConfig.config) } };
}
