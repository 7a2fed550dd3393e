import { createHash, hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartFilesDir } from '../token/script-files';
import { onForgetInstallFiles, runsFromBundle } from '../config/install-files';
import { GENERATED_HEADER } from './layout';

/*
 * What lets a re-synth skip a tenant without rendering it. The second line of every tenant file
 * synth writes records two SHA-256 digests:
 *
 *   # Digest: inputs <hex>, content <hex>
 *
 * - inputs: everything the file's bytes depend on: the tenant's namespace, release and values
 *   after defaults, the fleet's API versions, and the renderer itself (its code and the chart
 *   files it ships, see rendererFingerprint);
 * - content: the bytes after this line, so a hand-edited, truncated or replaced file is seen
 *   and rendered again (a deleted file simply is not there).
 *
 * A file is up to date when both match; anything else (no digest line, another digest, a file
 * that does not hash to its content digest) renders the tenant as before, and the file is
 * written only if its bytes differ.
 */

const DIGEST_PREFIX = '# Digest: inputs ';
const DIGEST_LINE = /^# Digest: inputs ([0-9a-f]{64}), content ([0-9a-f]{64})\n/;

export function sha256(data: string | Buffer): string {
  // The one-shot form (Node 20.12+): a Hash object per tenant file was a tenth of a no-op re-synth.
  return typeof hash === 'function' ? hash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

/** The digest line of a file whose inputs digest is `inputs` and whose rest is `body`. */
export function digestLine(inputs: string, body: string): string {
  return `${DIGEST_PREFIX}${inputs}, content ${sha256(body)}\n`;
}

/** Whether `file` (a tenant file's bytes) is what synth wrote for inputs digest `inputs`, untouched since. */
export function isUpToDate(file: Buffer, inputs: string): boolean {
  const headerLength = Buffer.byteLength(GENERATED_HEADER);
  if (file.subarray(0, headerLength).toString('utf8') !== GENERATED_HEADER) return false;
  const lineEnd = file.indexOf(10, headerLength);
  if (lineEnd < 0) return false;
  const match = DIGEST_LINE.exec(file.subarray(headerLength, lineEnd + 1).toString('latin1'));
  return match !== null && match[1] === inputs && match[2] === sha256(file.subarray(lineEnd + 1));
}

/** A tenant's inputs digest: see the comment at the top of this file. */
export function inputsDigest(tenant: { namespace: string; release: string; values: unknown }, apiVersions: readonly string[]): string {
  return sha256(JSON.stringify([rendererFingerprint(), tenant.namespace, tenant.release, apiVersions, tenant.values]));
}

let fingerprint: string | undefined;

/**
 * Makes `value` this thread's renderer fingerprint: a render worker takes the one of the thread
 * that started it, whose code may have been loaded from elsewhere (a start-up snapshot, or
 * TypeScript under a test runner), so the digests it writes are the ones that thread checks.
 */
export function adoptRendererFingerprint(value: string): void {
  fingerprint = value;
}
onForgetInstallFiles(() => (fingerprint = undefined));

/**
 * A digest of the renderer: the code that is running (the bundle, or the compiled or TypeScript
 * sources with the versions of the libraries they load) and the chart files rendered into the
 * output (token scripts, message catalogue). Another build, another library version or an edited
 * script renders every tenant again; computed once per process (a few MB hashed).
 */
export function rendererFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(file.slice(file.lastIndexOf('/') + 1)).update('\0').update(readFileSync(file)).update('\0');
  if (runsFromBundle()) {
    // The bundle holds the sources and every library. The start-up snapshot's entry is built from
    // the same sources in the same build: cli.js stands for both, so their digests agree.
    add(join(dirname(__filename), 'cli.js'));
  } else {
    // src/fleet (ts-jest) or lib/src/fleet: the sources and generated imports beside it, and
    // the installed version of every runtime dependency of the package.
    const root = join(__dirname, '..', '..');
    for (const dir of ['src', 'imports']) codeFiles(join(root, dir)).forEach(add);
    for (const pkg of Object.keys(packageJson().dependencies ?? {}).sort()) hash.update(`${pkg}@${installedVersion(pkg)}\0`);
  }
  allFiles(chartFilesDir()).forEach(add);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/** The package's own package.json: two levels up from src/fleet, three from lib/src/fleet. */
function packageJson(): { dependencies?: Record<string, string> } {
  for (const up of ['../..', '../../..']) {
    const file = join(__dirname, up, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  }
  return {};
}

function installedVersion(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    // A package whose exports leave out its package.json: found above its entry point.
    for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === pkg) return json.version ?? '';
    }
    return '';
  }
}

/** Code files under `dir`, sorted (declaration files and maps left out). */
function codeFiles(dir: string): string[] {
  return allFiles(dir).filter((path) => /\.(js|ts|json)$/.test(path) && !path.endsWith('.d.ts'));
}

/** Every file under `dir`, subfolders included, sorted. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}
