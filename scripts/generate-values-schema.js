#!/usr/bin/env node
/*
 * Writes charts/grafana-tenancy/values.schema.json from the zod input schema, so Helm validates
 * values exactly against the shape the TypeScript renderer parses. Reads the compiled schema from
 * lib/ (run `npm run generate`, which compiles first). test/chart/values-schema.test.ts fails when
 * the committed file is stale.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { z } = require('zod');

const OUTPUT = join(__dirname, '..', 'charts', 'grafana-tenancy', 'values.schema.json');
/** Paths of every default value, which the chart walks to refuse nulls (src/config/value-paths.ts). */
const VALUE_PATHS_OUTPUT = join(__dirname, '..', 'charts', 'grafana-tenancy', 'files', 'value-paths.json');

/** The chart's JSON schema for a zod schema: draft-07, input side (defaults make fields optional). */
function valuesJsonSchema(schema) {
  // unrepresentable: 'throw' - a zod feature JSON Schema cannot express must not silently vanish.
  const generated = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'grafana-tenancy values',
    description: 'Generated from src/config/schema.ts by scripts/generate-values-schema.js; do not edit.',
    ...rest,
  };
}

/** The file content: stable, pretty JSON with a trailing newline. */
function renderValuesSchema(schema) {
  return `${JSON.stringify(valuesJsonSchema(schema), null, 2)}\n`;
}

/** files/value-paths.json: one path (a list of keys) per line, stable. */
function renderValuePaths(paths) {
  return `[\n${paths.map((p) => `  ${JSON.stringify(p)}`).join(',\n')}\n]\n`;
}

module.exports = { OUTPUT, VALUE_PATHS_OUTPUT, valuesJsonSchema, renderValuesSchema, renderValuePaths };

if (require.main === module) {
  const { instanceValuesSchema } = require('../lib/src/config/schema.js');
  const { valuePaths } = require('../lib/src/config/value-paths.js');
  writeFileSync(OUTPUT, renderValuesSchema(instanceValuesSchema));
  writeFileSync(VALUE_PATHS_OUTPUT, renderValuePaths(valuePaths()));
  process.stdout.write(`wrote ${OUTPUT} and ${VALUE_PATHS_OUTPUT}\n`);
}
