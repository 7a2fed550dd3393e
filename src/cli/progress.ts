import { CliIo } from './command';

/**
 * A progress line for long runs, redrawn in place. Only on an interactive stderr and without
 * --quiet: in CI logs and pipes it would be noise.
 */
export function progressReporter(io: CliIo, quiet: boolean, label: string): ((done: number, total: number) => void) | undefined {
  if (quiet || !io.stderrIsTty) return undefined;
  let last = -1;
  return (done, total) => {
    const percent = Math.floor((done * 100) / Math.max(total, 1));
    if (percent === last) return;
    last = percent;
    io.stderr(`\r${label} ${done}/${total} (${percent}%)${done === total ? '\n' : ''}`);
  };
}
