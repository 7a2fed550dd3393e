/** What a command needs from the process: its output streams, injectable for tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress is shown only there). */
  readonly stderrIsTty: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /**
   * Exit code for bad input.
   * @default 1
   */
  readonly errorExitCode?: number;
  /** Runs the command; returns the exit code. Throwing InputError/RenderError means exit 1. */
  run(args: string[], io: CliIo): Promise<number> | number;
}

/** A usage mistake (unknown flag, missing argument): reported with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
