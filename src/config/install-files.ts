/*
 * Files of the install (the chart's token scripts and dashboards, the bundle itself) are read
 * once per process and kept. A start-up snapshot (src/cli/startup-snapshot.ts) is a process
 * frozen after a few warm-up renders: it must not keep those contents, or a file edited after
 * the build would render stale. Each keeper registers how to forget them; the snapshot calls
 * `forgetInstallFiles` just before it is written.
 */

import { basename, dirname } from 'node:path';

const forgetters: Array<() => void> = [];

/**
 * Whether this code runs from the single-file bundle (lib/bundle, or its start-up snapshot),
 * rather than from compiled or TypeScript sources: every bundled module shares its file name.
 */
export function runsFromBundle(): boolean {
  return basename(dirname(__filename)) === 'bundle';
}

/** Registers `forget`, which drops a module's copies of install files. */
export function onForgetInstallFiles(forget: () => void): void {
  forgetters.push(forget);
}

/** Drops every copy of install files this process holds: they are read again when needed. */
export function forgetInstallFiles(): void {
  for (const forget of forgetters) forget();
}
