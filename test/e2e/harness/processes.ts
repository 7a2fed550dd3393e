import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** A process the harness started: enough to stop exactly it (and not a reused PID). */
export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  /** argv[0] as started; compared with /proc/<pid>/cmdline before any signal. */
  readonly command: string;
  readonly log: string;
  /** Arguments and the environment overrides it was started with (for a restart). */
  readonly args?: readonly string[];
  readonly env?: Record<string, string | undefined>;
}

/**
 * Starts a long-running process detached from the caller (it survives `e2e:up` exiting), with
 * stdout and stderr appended to `log`. Its own process group is never signalled as a group:
 * `stopProcess` signals the recorded PID only.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  log: string,
  env: Record<string, string | undefined> = {},
  cwd?: string,
): ProcessRecord {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(command, [...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
      cwd,
    });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
    child.unref();
    return { name, pid: child.pid, command, log, args: [...args], env };
  } finally {
    closeSync(fd);
  }
}

/** True while the PID is alive AND still runs the recorded command (PIDs are reused). */
export function isOurs(p: ProcessRecord): boolean {
  const cmdline = `/proc/${p.pid}/cmdline`;
  if (!existsSync(cmdline)) return false;
  try {
    const argv0 = readFileSync(cmdline, 'utf8').split('\0')[0];
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    // a zombie (Z) has exited already
    if (/^\d+ \(.*\) Z /.test(stat)) return false;
    return argv0 === p.command;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function stopProcess(p: ProcessRecord, graceMs = 10_000): Promise<'stopped' | 'killed' | 'gone'> {
  if (!isOurs(p)) return 'gone';
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurs(p)) return 'stopped';
    await sleep(100);
  }
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    // exited in between
  }
  for (let i = 0; i < 50 && isOurs(p); i++) await sleep(100);
  return 'killed';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The last lines of a log, for error messages that say why a component did not come up. */
export function tail(log: string, lines = 15): string {
  try {
    return readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
