/*
 * Entry point of the single-file CLI bundle (scripts/bundle.js builds lib/bundle/cli.js from it).
 * The bundle holds both the CLI and the render worker, so one V8 code cache serves both; each
 * side's modules are initialised only when it runs (the commands load theirs lazily too).
 */
export { main, runCli } from './main';

/** Runs this thread as a fleet render worker (lib/bundle/render-worker.js calls it). */
export function startRenderWorker(): Promise<unknown> {
  return import('../fleet/render-worker');
}
