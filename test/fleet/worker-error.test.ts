import { openSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/config/input-error';
import { MessageKey, RenderError } from '../../src/config/messages';
import { describeError, rebuildError } from '../../src/fleet/worker-error';

/** What crossing to the main thread does to an error: described, cloned as a message is, rebuilt. */
const acrossThreads = (e: unknown) => rebuildError(structuredClone(describeError(e)));

describe('errors thrown on a worker thread', () => {
  test('GIVEN an input problem THEN it comes back an InputError with every problem', () => {
    const back = acrossThreads(new InputError(['a.yaml: first', 'b.yaml: second']));
    expect(back).toBeInstanceOf(InputError);
    expect((back as InputError).problems).toEqual(['a.yaml: first', 'b.yaml: second']);
  });

  test('GIVEN a render error THEN it comes back a RenderError with its key', () => {
    const back = acrossThreads(new RenderError('some.key' as MessageKey, 'cannot render'));
    expect(back).toBeInstanceOf(RenderError);
    expect(back).toMatchObject({ key: 'some.key', message: 'cannot render' });
  });

  test('GIVEN a file system error THEN its code, syscall and path come back (the CLI reports it by them)', () => {
    let thrown: unknown;
    try {
      openSync(join(__dirname, 'no-such-folder', 'file'), 'r');
    } catch (e) {
      thrown = e;
    }
    const back = acrossThreads(thrown);
    expect(back).toMatchObject({ code: 'ENOENT', syscall: 'open', path: expect.stringContaining('no-such-folder'), message: (thrown as Error).message });
  });

  test('GIVEN something thrown that is not an Error THEN its text comes back', () => {
    expect(acrossThreads('plain text').message).toBe('plain text');
  });
});
