import { readYamlFile } from './helm-yaml';
import { deepMerge, isPlainObject, PlainObject } from './merge';
import { describeValue, InputError, schemaProblems } from './parse';

/**
 * Reads values files like `helm template -f a.yaml -f b.yaml`: each must be an object, later files
 * win key by key. Each file is checked against the schema on its own first, so a wrong field is
 * reported with the file that sets it; every problem of every file is reported at once.
 */
/** `otherProblems` (e.g. of --set flags) are reported together with the files' problems. */
export function readValuesFiles(files: readonly string[], otherProblems: readonly string[] = []): PlainObject {
  const problems: string[] = [];
  let merged: PlainObject = {};
  for (const file of files) {
    let values: unknown;
    try {
      values = readYamlFile(file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
      continue;
    }
    if (!isPlainObject(values)) {
      problems.push(`${file}: expected an object of values at the top level (like the chart's values.yaml), got ${describeValue(values)}`);
      continue;
    }
    problems.push(...schemaProblems(values).map((p) => `${file}: ${p}`));
    merged = deepMerge(merged, values) as PlainObject;
  }
  problems.push(...otherProblems);
  if (problems.length > 0) throw new InputError(problems);
  return merged;
}
