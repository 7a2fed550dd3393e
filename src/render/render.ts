import { App } from 'cdk8s';
import { InstanceValuesInput } from '../config/schema';
import { MonitoringInstance } from '../monitoring-instance';
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
  const app = new App({ outdir: undefined });
  const chart = new MonitoringInstance(app, target.release, target);
  // toJson() skips the construct validations that app.synth() would run: run them here.
  const errors = chart.node.findAll().flatMap((c) => c.node.validate());
  if (errors.length > 0) throw new Error(`${target.namespace}/${target.release}: ${errors.join('; ')}`);
  return chart.toJson();
}

/** A YAML stream of manifests: stable key order, no line folding, `---` between documents. */
export function toYamlStream(manifests: readonly Manifest[]): string {
  return manifests.map((m) => toYaml(m)).join('---\n');
}
