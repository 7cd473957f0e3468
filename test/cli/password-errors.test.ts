/**
 * Password source errors found after the hygiene suites (issue 4): a read error on stdin (an
 * iterator throwing EIO) escaped as a plain Error (exit 1, "internal error"); it is READ_FAILED
 * (exit 3). `env:` names were echoed as typed, so `env:A\rB` made a two-line message; they are
 * quoted with quoteInput.
 */
import { describe, expect, it } from 'vitest';

import { createPasswordSources, resolvePassword, StdinLines } from '../../src/cli/passwords.js';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import { runCli } from '../support/cli.js';

/** A stdin that yields `first` (if any), then fails like a read(2) error with `code`. */
function failingStdin(code: string | undefined, first?: string): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator]() {
      let step = 0;
      return {
        async next(): Promise<IteratorResult<Buffer>> {
          if (step++ === 0 && first !== undefined) return { done: false, value: Buffer.from(first) };
          throw Object.assign(new Error(code === undefined ? 'the pipe\nbroke' : `${code}: i/o error, read`), code === undefined ? {} : { code, errno: -5, syscall: 'read' });
        },
      };
    },
  };
}

async function failure(p: Promise<unknown>): Promise<[string, string, number]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return [e.code, e.message, exitStatusOf(e)];
    throw e;
  }
  throw new Error('did not fail');
}

describe('stdin read errors', () => {
  it.each<[string | undefined, string]>([
    ['EIO', 'cannot read the password from stdin: input/output error'],
    ['EISDIR', 'cannot read the password from stdin: it is a directory'],
    ['EWHATEVER', 'cannot read the password from stdin: EWHATEVER'],
    [undefined, 'cannot read the password from stdin: the pipe'],
  ])('a stream failing with %s: READ_FAILED (exit 3)', async (code, message) => {
    const s = createPasswordSources({ stdin: failingStdin(code), env: {}, cwd: '/', warn: () => undefined });
    expect(await failure(resolvePassword('stdin', s, '--storepass'))).toEqual(['READ_FAILED', message, 3]);
  });

  it('lines read before the error are still given; the error comes where the next line is needed', async () => {
    const lines = new StdinLines(failingStdin('EIO', 'first\nsecond-without-end'));
    expect(await lines.next()).toBe('first');
    expect(await failure(lines.next())).toEqual(['READ_FAILED', 'cannot read the password from stdin: input/output error', 3]);
    // The input has ended: what was read before the error is the last line.
    expect(await lines.next()).toBe('second-without-end');
    expect(await lines.next()).toBe(undefined);
  });

  it('through the CLI: exit 3 and one line on stderr', async () => {
    const r = await runCli(['keygen', '--key-type', 'ec256', '--out', 'never-written.key', '--passout', 'stdin'], {
      stdin: failingStdin('EIO') as never,
      env: {},
    });
    expect([r.status, r.stdout, r.stderr]).toEqual([3, '', 'certkit: cannot read the password from stdin: input/output error\n']);
  });
});

describe('env: names are quoted in messages', () => {
  it('a name with a carriage return or a newline stays on one line', async () => {
    const s = createPasswordSources({ stdin: '', env: {}, cwd: '/', warn: () => undefined });
    const e = (await resolvePassword('env:A\rB', s, '--storepass').catch((x: unknown) => x)) as CertkitError;
    expect([e.code, e.message, e.hint]).toEqual(['USAGE', '--storepass: environment variable A\\rB is not set', 'export A\\rB, or give the password another way']);
    const n = (await resolvePassword('env:X\nY\u2028', s).catch((x: unknown) => x)) as CertkitError;
    expect(n.message).toBe('password: environment variable X\\nY\\u2028 is not set');
  });

  it('through the CLI: exit 2 and one line on stderr', async () => {
    const r = await runCli(['keygen', '--key-type', 'ec256', '--out', 'never-written.key', '--passout', 'env:A\rB'], { env: {} });
    expect([r.status, r.stderr]).toEqual([2, "certkit: --passout: environment variable A\\rB is not set (export A\\rB, or give the password another way)\n"]);
  });
});
