import catalogue from '../../charts/grafana-tenancy/files/messages.json';
import { goQuote } from './go-quote';

/** The key of a render failure in the shared catalogue (`charts/grafana-tenancy/files/messages.json`). */
export type MessageKey = Exclude<keyof typeof catalogue, '_comment'>;

/**
 * Formats a catalogue message with the Go printf verbs the chart's `printf` uses
 * (%s, %q, %d, %v), so both renderers print byte-identical text.
 */
export function message(key: MessageKey, ...args: unknown[]): string {
  let next = 0;
  return catalogue[key].replace(/%([sqdv%])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const value = args[next++];
    switch (verb) {
      case 'q': return goQuote(String(value));
      case 'd': return String(Math.trunc(Number(value)));
      default: return goValue(value);
    }
  });
}

/** Every message key, for tests that check the chart uses each one. */
export const MESSAGE_KEYS = Object.keys(catalogue).filter((k) => k !== '_comment') as MessageKey[];

/** A render failure: bad input, reported with the catalogue's text. */
export class RenderError extends Error {
  constructor(readonly key: MessageKey, text: string) {
    super(text);
    this.name = 'RenderError';
  }
}

/** Throws a {@link RenderError} with the catalogue message `key`. */
export function fail(key: MessageKey, ...args: unknown[]): never {
  throw new RenderError(key, message(key, ...args));
}

function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  return String(value);
}
