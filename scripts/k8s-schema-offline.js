/*
 * Preloaded (`node --require`) into `cdk8s import k8s@<version>` by scripts/import-crds.sh.
 * cdk8s-cli downloads cdk8s-team's JSON-schema rendering of the Kubernetes OpenAPI spec
 * (kubernetes-schemas/v<version>/_definitions.json) from GitHub, which a build that reaches only
 * package registries cannot. This serves the same document from the spec that the Go module
 * k8s.io/kubernetes ships (api/openapi-spec/swagger.json, path in K8S_SWAGGER), converted the way
 * those schemas are (openapi2jsonschema): `format: int-or-string` becomes string-or-integer and
 * Quantity string-or-number, which cdk8s turns into the `IntOrString` and `Quantity` classes.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
// By file: the package's `exports` hide lib/; the same file is the module cdk8s-cli's importer uses.
const util = require(join(__dirname, '..', 'node_modules', 'cdk8s-cli', 'lib', 'util.js'));

const SCHEMA_URL = /\/kubernetes-schemas\/v[0-9.]+\/_definitions\.json$/;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  if (node.format === 'int-or-string') {
    return { ...(node.description ? { description: node.description } : {}), oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, convert(value)]));
}

const download = util.download;
util.download = async (url) => {
  if (!SCHEMA_URL.test(url)) return download(url);
  const file = process.env.K8S_SWAGGER;
  if (!file) throw new Error('k8s-schema-offline: set K8S_SWAGGER to the Kubernetes swagger.json');
  const definitions = convert(JSON.parse(readFileSync(file, 'utf8')).definitions);
  const quantity = definitions[QUANTITY];
  definitions[QUANTITY] = { description: quantity.description, oneOf: [{ type: 'string' }, { type: 'number' }] };
  return JSON.stringify({ definitions });
};
