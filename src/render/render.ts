import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { InstanceValuesInput } from '../config/schema';
import { InstancePart } from '../instance-parts';
import { MonitoringInstance, PartialMonitoringInstance } from '../monitoring-instance';
import { objectJson } from './object-json';
import { toYaml } from './yaml-emit';

/** A rendered Kubernetes object. */
export type Manifest = Record<string, any>;

export interface InstanceTarget {
  readonly namespace: string;
  readonly release: string;
  readonly values?: InstanceValuesInput;
  readonly apiVersions?: readonly string[];
}

/**
 * Renders one instance to plain objects. Each instance gets its own App: a single App with
 * thousands of Charts synthesizes in superlinear time.
 */
export function renderInstance(target: InstanceTarget): Manifest[] {
  const rendered = renderObjects(target);
  return 'apiObjects' in rendered ? rendered.apiObjects.map(objectJson) : [...rendered.manifests];
}

/**
 * An instance's objects before their JSON is made: the ApiObjects whose `objectJson` are its
 * manifests in order, or (when the chart declares dependencies) the chart's manifests.
 */
export type RenderedObjects = { readonly apiObjects: readonly ApiObject[] } | { readonly manifests: readonly Manifest[] };

/**
 * {@link renderInstance} up to its ApiObjects (see {@link RenderedObjects}); with `parts`, only
 * those parts' objects (see PartialMonitoringInstance).
 */
export function renderObjects(target: InstanceTarget, parts?: ReadonlySet<InstancePart>): RenderedObjects {
  const app = new App({ outdir: undefined });
  const chart = parts === undefined ? new MonitoringInstance(app, target.release, target) : new PartialMonitoringInstance(app, target.release, target, parts);
  const constructs = chart.node.findAll();
  // Chart.toJson() skips the construct validations that app.synth() would run: run them here.
  const errors = constructs.flatMap((c) => c.node.validate());
  if (errors.length > 0) throw new Error(`${target.namespace}/${target.release}: ${errors.join('; ')}`);
  return inDependencyOrder(chart, constructs) ? { apiObjects: apiObjects(constructs) } : { manifests: chart.toJson() };
}

/**
 * Whether construct order is the order `Chart.toJson()` writes the chart's objects in: it sorts
 * them by their dependencies, and without any (the instance's constructs declare none) nor a
 * nested chart that is the order of the construct tree. Then each object's own `toJson()` is all
 * that is left of the chart's: the dependency graph and a second round of validations were a
 * tenth of a fleet's render time.
 */
function inDependencyOrder(chart: Chart, constructs: readonly IConstruct[]): boolean {
  return constructs.every((c) => c.node.dependencies.length === 0 && (c === chart || !Chart.isChart(c)));
}

function apiObjects(constructs: readonly IConstruct[]): ApiObject[] {
  return constructs.filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** A YAML stream of manifests: stable key order, no line folding, `---` between documents. */
export function toYamlStream(manifests: readonly Manifest[]): string {
  return manifests.map((m) => toYaml(m)).join('---\n');
}
