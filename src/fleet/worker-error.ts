import { InputError } from '../config/input-error';
import { MessageKey, RenderError } from '../config/messages';

/**
 * An error thrown on a worker thread, as plain data: what the CLI needs to report it as it
 * reports the same error thrown on the main thread (src/cli/main.ts tells an input problem, a
 * render error and a file system error apart by their class or their `code` and `syscall`).
 */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  /** A RenderError's message key. */
  readonly key?: string;
  /** An InputError's problems. */
  readonly problems?: readonly string[];
  /** A Node.js system error's fields. */
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly errno?: number;
}

export function describeError(e: unknown): WorkerError {
  // Not `instanceof Error`: an error from another realm (a test runner's) is one too.
  const err = (typeof e === 'object' && e !== null && 'message' in e ? e : new Error(String(e))) as Error & Partial<Omit<WorkerError, 'name' | 'message'>>;
  const { key, code, syscall, path, errno } = err;
  const problems = err instanceof InputError ? [...err.problems] : undefined;
  const fields = { name: err.name ?? 'Error', message: String(err.message), key, problems, code, syscall, path, errno };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as WorkerError;
}

/** The error a {@link WorkerError} describes, of the class the CLI reports it by. */
export function rebuildError(error: WorkerError): Error {
  if (error.name === 'RenderError' && error.key) return new RenderError(error.key as MessageKey, error.message);
  if (error.name === 'InputError' && error.problems) return new InputError(error.problems);
  const { name, message, ...fields } = error;
  return Object.assign(new Error(message), { name }, fields);
}
