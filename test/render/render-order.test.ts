import { readFileSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { MonitoringInstance } from '../../src/monitoring-instance';
import { renderInstance } from '../../src/render/render';
import { CI_FIXTURES, ciFixturePath } from '../chart/fixtures';

/*
 * renderInstance writes each object's own toJson() in construct order instead of calling
 * Chart.toJson() (which sorts by dependencies first): these hold it to the chart's output.
 */
describe('renderInstance and Chart.toJson()', () => {
  test.each(CI_FIXTURES.filter((f) => !f.helmOnly).map((f) => [f.file, f] as const))(
    'GIVEN %s WHEN rendered THEN the objects and their order are what cdk8s synthesizes for the chart',
    (_, fixture) => {
      const target = { namespace: fixture.namespace, release: fixture.release, values: parse(readFileSync(ciFixturePath(fixture), 'utf8')), apiVersions: fixture.apiVersions };
      // GIVEN the same instance in a cdk8s test app
      const chart = new MonitoringInstance(Testing.app(), target.release, target);
      // WHEN rendered by renderInstance THEN it equals Testing.synth (the chart's toJson), object for object
      const rendered = renderInstance(target);
      expect(rendered.length).toBeGreaterThan(0);
      expect(rendered.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(Testing.synth(chart).map((m) => `${m.kind}/${m.metadata.name}`));
      expect(rendered).toEqual(Testing.synth(chart));
    },
  );
});
