import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasourceRole } from '../datasources/datasource-settings';
import { onForgetInstallFiles } from '../config/install-files';

/** One dashboard of a set. */
export interface SetDashboard {
  /** DNS label; the GrafanaDashboard is `<release>-general-v<version>-<name>`. */
  readonly name: string;
  /** The data sources it reads: rendered only when all of them are configured. */
  readonly requires: readonly DatasourceRole[];
  /** The dashboard JSON model, exactly as stored in the chart's files. */
  readonly json: string;
}

/** A versioned set of dashboards, rendered into one folder. */
export interface DashboardSet {
  readonly version: number;
  readonly dashboards: readonly SetDashboard[];
}

/** The index `npm run build:dashboards` writes next to the models, relative to the chart. */
export const SET_INDEX = join('files', 'dashboards', 'default-set.json');
const CHART_DIR = join('charts', 'grafana-tenancy');

/** The chart folder: two levels up from src/dashboards, three from lib/src/dashboards. */
function chartDir(): string {
  for (const up of ['..', '../..', '../../..']) {
    const dir = join(__dirname, up, CHART_DIR);
    if (existsSync(join(dir, SET_INDEX))) return dir;
  }
  throw new Error(`${CHART_DIR}/${SET_INDEX} not found next to ${__dirname}: run npm run build:dashboards`);
}

let shipped: DashboardSet | undefined;
onForgetInstallFiles(() => (shipped = undefined));

/**
 * The default set as the chart ships it (files/dashboards/, generated from default-set.ts at
 * build time): both renderers read the very same bytes, and rendering does not load the SDK.
 */
export function shippedDashboardSet(): DashboardSet {
  if (shipped) return shipped;
  const dir = chartDir();
  const index = JSON.parse(readFileSync(join(dir, SET_INDEX), 'utf8')) as {
    version: number;
    dashboards: { name: string; requires: DatasourceRole[]; file: string }[];
  };
  shipped = {
    version: index.version,
    dashboards: index.dashboards.map((d) => ({ name: d.name, requires: d.requires, json: readFileSync(join(dir, d.file), 'utf8') })),
  };
  return shipped;
}
