/**
 * Bad input: every problem found, each naming its field path. In a module of its own, free of
 * zod and yaml, so the CLI can recognise it without loading the validators (`--help` stays fast).
 */
export class InputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'InputError';
  }
}
