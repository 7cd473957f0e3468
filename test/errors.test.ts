import { describe, expect, it } from 'vitest';
import { CertkitError, EXIT, exitStatusOf, formatError } from '../src/errors.js';

describe('exit statuses', () => {
  it.each([
    ['USAGE', EXIT.USAGE],
    ['INVALID_INPUT', EXIT.INVALID],
    ['UNSUPPORTED', EXIT.INVALID],
    ['LIMIT_EXCEEDED', EXIT.INVALID],
    ['BAD_PASSWORD', EXIT.PASSWORD],
    ['INTEGRITY', EXIT.PASSWORD],
    ['AWS', EXIT.AWS],
    ['KAFKA', EXIT.AWS],
    ['EXISTS', EXIT.EXISTS],
    ['WRITE_FAILED', EXIT.IO],
  ] as const)('%s maps to %i', (code, status) => {
    expect(exitStatusOf(new CertkitError(code, 'x'))).toBe(status);
  });

  it('treats anything that is not a CertkitError as a bug (1)', () => {
    expect(exitStatusOf(new TypeError('boom'))).toBe(1);
    expect(formatError(new TypeError('boom\nat x'))).toBe(
      'certkit: internal error: boom (this is a bug; rerun with --debug and report it)',
    );
  });

  it('prints one line naming the file, context first', () => {
    const e = new CertkitError('INVALID_INPUT', 'length past the end', { file: 'a.jks', hint: 'is it a keystore?' })
      .withContext("entry 3 'client' → certificate 2");
    expect(formatError(e)).toBe("certkit: a.jks: entry 3 'client' → certificate 2: length past the end (is it a keystore?)");
    expect(exitStatusOf(e)).toBe(3);
  });

  it('quotes the file as ls does and escapes controls in the message and hint: still one line', () => {
    const e = new CertkitError('VERIFY_FAILED', 'the chain ends at CN=a\x1b]0;t\x07\r\nOK', { file: 'x\n.pem', hint: 'give\u202e --ca' });
    expect(formatError(e)).toBe("certkit: 'x'$'\\n''.pem': the chain ends at CN=a\\x1b]0;t\\x07\\r\\nOK (give\\u202e --ca)");
    expect(formatError(new CertkitError('USAGE', 'x', { file: 'my file.pem' }))).toBe("certkit: 'my file.pem': x");
    expect(formatError(new TypeError('bad\x1b[2J\rthing\nat x'))).toBe(
      'certkit: internal error: bad\\x1b[2J\\rthing (this is a bug; rerun with --debug and report it)',
    );
  });
});
