import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HELM_YAML, loadFleet, parseFleet } from '../config/fleet';
import { InputError } from '../config/parse';
import { KUSTOMIZATION_FILE } from '../fleet/layout';
import { RenderOptions } from '../fleet/parallel-render';
import { renderFleet } from '../fleet/render-fleet';
import { inMemory, TreeSource } from './compare';

/** One side of a diff: a rendered tree and what it was read from. */
export interface Side {
  readonly label: string;
  readonly files: TreeSource;
}

/**
 * Reads a side: a folder of rendered YAML (e.g. synth's output), or a fleet file, which is
 * rendered in memory through the synth code path.
 */
export async function loadSide(spec: string, options: RenderOptions = {}): Promise<Side> {
  let isDir: boolean;
  try {
    isDir = statSync(spec).isDirectory();
  } catch (e) {
    throw new InputError([`${spec}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); give a rendered folder or a fleet file`]);
  }
  if (isDir) return { label: spec, files: folderSource(spec) };
  return { label: spec, files: inMemory(await renderFleet(loadFleet(spec), options)) };
}

/** The fleet file as committed at a git ref (`git show <ref>:<file>`), rendered in memory. */
export async function loadSideAtRef(ref: string, file: string, options: RenderOptions = {}): Promise<Side> {
  const label = `${ref}:${file}`;
  let text: string;
  try {
    // `./name` is resolved against the cwd, so the file need not be at the repository root.
    text = execFileSync('git', ['show', `${ref}:./${basename(file)}`], {
      cwd: dirname(file),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 30,
    });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim().split('\n')[0];
    throw new InputError([`${label}: cannot read it from git (${stderr || (e as Error).message})`]);
  }
  let document: unknown;
  try {
    document = parseYaml(text, HELM_YAML) ?? {};
  } catch (e) {
    throw new InputError([`${label}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  return { label, files: inMemory(await renderFleet(parseFleet(document, label), options)) };
}

/** Every YAML file under `dir` except kustomizations, read when the diff gets to it. */
export function folderSource(dir: string): TreeSource {
  const paths: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name) && entry.name !== KUSTOMIZATION_FILE) paths.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return { paths: paths.sort(), read: (path) => readFileSync(join(dir, ...path.split('/')), 'utf8') };
}
