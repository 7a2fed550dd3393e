import { isValidatedFor, markValidated, parseInstanceValues } from '../../src/config/parse';
import { checkInstance } from '../../src/config/checks';
import { renderFleet } from '../../src/fleet/render-fleet';
import { mixedFleet, fleetOf } from '../fleet/fleet-fixtures';
import { PLATFORM } from '../support/fixtures';
import { schemaProblems } from '../../src/config/parse';
import * as schema from '../../src/config/schema';

describe('validated values: each tenant is parsed and checked once', () => {
  afterEach(() => jest.restoreAllMocks());

  test('GIVEN a loaded fleet THEN each tenant values are marked validated for its own target only', () => {
    const fleet = mixedFleet(3);
    const [t] = fleet.tenants;
    expect(isValidatedFor(t.values, { namespace: t.namespace, release: t.release, apiVersions: fleet.apiVersions })).toBe(true);
    // another release, or other API versions, are another target: checked again
    expect(isValidatedFor(t.values, { namespace: t.namespace, release: 'other', apiVersions: fleet.apiVersions })).toBe(false);
    expect(isValidatedFor(t.values, { namespace: t.namespace, release: t.release, apiVersions: [] })).toBe(false);
    // a copy is not the proof
    expect(isValidatedFor({ ...t.values }, { namespace: t.namespace, release: t.release, apiVersions: fleet.apiVersions })).toBe(false);
  });

  test('GIVEN validated values WHEN parsed again THEN they are returned as they are, without the schema', () => {
    const fleet = mixedFleet(1);
    const values = fleet.tenants[0].values;
    const parse = jest.spyOn(schema.instanceValuesSchema, 'safeParse');
    expect(parseInstanceValues(values)).toBe(values);
    expect(parse).not.toHaveBeenCalled();
  });

  test('GIVEN values validated for one target WHEN checked for another THEN the checks run and refuse what is wrong there', () => {
    // System mode checked with the Keycloak API, then for a cluster without it
    const fleet = fleetOf([{ namespace: 'a', mode: 'System' }]);
    const { namespace, release, values } = fleet.tenants[0];
    expect(() => checkInstance({ namespace, release, apiVersions: [] }, values)).toThrow(/v1\.edp\.epam\.com\/v1/);
    // and marking is explicit: unmarked equal values are checked in full
    const copy = markValidated(parseInstanceValues({ host: 'h.example.org', oidc: { mode: 'System' }, platform: PLATFORM }), { namespace, release, apiVersions: [] });
    expect(() => checkInstance({ namespace, release, apiVersions: fleet.apiVersions }, copy)).not.toThrow();
  });

  test('GIVEN a fleet WHEN loaded and rendered THEN the schema parses each tenant once, at load', async () => {
    // Tenants are parsed field by field (config/fleet-values.ts): every field's schema is watched.
    const schemas = [schema.instanceValuesSchema, ...Object.values(schema.instanceValuesSchema.shape)];
    const parses = schemas.map((s) => jest.spyOn(s, 'safeParse'));
    // A tenant written like an earlier one but for its host has its host checked by the schema's rule.
    const hostRule = jest.spyOn(schema, 'isSchemaHost');
    const calls = () => parses.reduce((n, p) => n + p.mock.calls.length, 0);
    const fleet = mixedFleet(4);
    const atLoad = calls();
    // the defaults once, whole; the tenants' fields (host, oidc per mode, platform: 1 + 4 + 3 + 1)
    expect(parses[0]).toHaveBeenCalledTimes(1);
    expect(hostRule.mock.calls.length).toBeGreaterThan(0);
    expect(atLoad + hostRule.mock.calls.length).toBe(1 + fleet.tenants.length + 3 + 1);
    await renderFleet(fleet, { parallelism: 1 });
    expect(calls()).toBe(atLoad);
  });

  test('GIVEN a tenant whose own values are wrong WHEN loaded THEN the problem names its own field, as before', () => {
    expect(schemaProblems({ grafana: { version: 11 } })).toEqual(['grafana.version: expected a string, got the number 11']);
    expect(() => fleetOf([{ namespace: 'a', grafana: { version: 11 } }])).toThrow(/tenants\[0\] \(a\/monitoring\): grafana\.version: expected a string, got the number 11/);
  });
});
