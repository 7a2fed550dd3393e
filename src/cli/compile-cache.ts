import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/*
 * Loads the CLI bundle with a V8 code cache made at build time (scripts/bundle.js). A CPU
 * profile of one `render` showed module compilation as the largest cost after module
 * resolution (which the bundle removes); with the cache V8 skips parsing and compiling the
 * functions the build-time run compiled. Node 20 has no module.enableCompileCache, hence this.
 *
 * Safe by construction: V8 checks the cache against the source text, its own version and the
 * flags, and rejects a cache that does not match (the bundle is then compiled as usual). The
 * cache is only ever written by the build, never at run time, so concurrent runs and read-only
 * installs cannot corrupt it, and the output does not depend on it.
 */

/** Environment variable the build sets to a path: at exit, the code cache is written there. */
export const WRITE_CACHE_ENV = 'GRAFANA_TENANCY_WRITE_COMPILE_CACHE';

/**
 * Whether `bundle` was built after the last `tsc` run: a bundle older than the compiled
 * sources would run stale code, so callers fall back to lib/src then.
 */
export function isBundleFresh(bundle: string, tsBuildInfo: string): boolean {
  try {
    return statSync(bundle).mtimeMs >= statSync(tsBuildInfo).mtimeMs;
  } catch {
    return false;
  }
}

/** Runs a CommonJS bundle file like `require` would and returns its exports. */
export function loadBundle(file: string): any {
  const cacheFile = `${file}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} as any, filename: file, id: file };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const target = process.env[WRITE_CACHE_ENV];
  // At exit, so the cache also holds the functions the run compiled lazily.
  if (target) process.once('exit', () => writeFileSync(target, script.createCachedData()));
  return module.exports;
}
