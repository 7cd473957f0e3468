import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { CertkitError } from '../../src/errors.js';
import {
  COMMAND_LINE_PASSWORD_NOTICE,
  createPasswordSources,
  resolvePassword,
  StdinLines,
} from '../../src/cli/passwords.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('certkit-pw-');

function sources(opts: { stdin?: string | Readable; env?: Record<string, string> } = {}) {
  const warnings: string[] = [];
  const s = createPasswordSources({ stdin: opts.stdin ?? '', env: opts.env ?? {}, cwd: dir, warn: (l) => warnings.push(l) });
  return { s, warnings };
}

async function failure(p: Promise<unknown>): Promise<CertkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected a CertkitError');
}

describe('resolvePassword', () => {
  it('pass:TEXT is TEXT (colons and spaces kept), with one notice per run', async () => {
    const { s, warnings } = sources();
    expect(await resolvePassword('pass:a:b c', s)).toBe('a:b c');
    expect(await resolvePassword('pass:', s)).toBe('');
    expect(warnings).toEqual([COMMAND_LINE_PASSWORD_NOTICE]);
  });

  it('a bare value is the password itself (keytool habit), with the same single notice', async () => {
    const { s, warnings } = sources();
    expect(await resolvePassword('changeit', s)).toBe('changeit');
    expect(await resolvePassword('-starts-with-dash', s)).toBe('-starts-with-dash');
    expect(warnings).toEqual([COMMAND_LINE_PASSWORD_NOTICE]);
    expect(COMMAND_LINE_PASSWORD_NOTICE).toBe(
      'certkit: note: a password given on the command line can be seen by other users and is kept in shell history; prefer env:VAR, file:PATH or stdin',
    );
  });

  it('env:VAR reads the variable (an empty value is a valid password) without a notice', async () => {
    const { s, warnings } = sources({ env: { STOREPASS: 's3cr3t', EMPTY: '' } });
    expect(await resolvePassword('env:STOREPASS', s)).toBe('s3cr3t');
    expect(await resolvePassword('env:EMPTY', s)).toBe('');
    expect(warnings).toEqual([]);
  });

  it('env: with an unset variable is a USAGE error naming the variable and the option', async () => {
    const { s } = sources({ env: { OTHER: 'x' } });
    const e = await failure(resolvePassword('env:NOPE', s, '--storepass'));
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe('--storepass: environment variable NOPE is not set');
    expect(e.hint).toBe('export NOPE, or give the password another way');
    expect((await failure(resolvePassword('env:', s))).code).toBe('USAGE');
  });

  it('file:PATH is the first line without its line end (LF, CRLF, none), relative to cwd', async () => {
    writeFileSync(join(dir, 'lf.txt'), 'from-file\nsecond\n');
    writeFileSync(join(dir, 'crlf.txt'), 'crlf-pass\r\n');
    writeFileSync(join(dir, 'bare.txt'), 'no-newline');
    const { s, warnings } = sources();
    expect(await resolvePassword('file:crlf.txt', s)).toBe('crlf-pass');
    expect(await resolvePassword(`file:${join(dir, 'bare.txt')}`, s)).toBe('no-newline');
    expect(await resolvePassword('file:lf.txt', s)).toBe('from-file');
    expect(warnings).toEqual([]);
  });

  it('the same file named twice gives its successive lines (openssl -passin/-passout)', async () => {
    writeFileSync(join(dir, 'two.txt'), 'first\nsecond\n');
    const { s } = sources();
    expect(await resolvePassword('file:two.txt', s)).toBe('first');
    expect(await resolvePassword('file:two.txt', s)).toBe('second');
    const e = await failure(resolvePassword('file:two.txt', s, '--keypass'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe('--keypass: password file has no line 3');
  });

  it('a missing or unreadable file is READ_FAILED naming the file; an empty one INVALID_INPUT', async () => {
    const { s } = sources();
    const e = await failure(resolvePassword('file:missing.txt', s, '--storepass'));
    expect(e.code).toBe('READ_FAILED');
    expect(e.file).toBe('missing.txt');
    expect(e.message).toBe('--storepass: cannot read password file: no such file');
    writeFileSync(join(dir, 'empty.txt'), '');
    const e2 = await failure(resolvePassword('file:empty.txt', s, '--storepass'));
    expect(e2.code).toBe('INVALID_INPUT');
    expect(e2.message).toBe('--storepass: password file is empty');
    const e3 = await failure(resolvePassword(`file:${dir}`, s));
    expect(e3.code).toBe('READ_FAILED');
  });

  it('stdin: options reading stdin take its lines in order; running out is a USAGE error', async () => {
    const { s } = sources({ stdin: 'store-pw\r\nkey-pw\n' });
    expect(await resolvePassword('stdin', s)).toBe('store-pw');
    expect(await resolvePassword('stdin', s)).toBe('key-pw');
    const e = await failure(resolvePassword('stdin', s, '--deststorepass'));
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe('--deststorepass: no password on standard input (it ended before this line)');
  });

  it('stdin reads a stream a line at a time across chunk boundaries, keeping the rest for the next option', async () => {
    const stream = Readable.from([Buffer.from('al'), Buffer.from('pha\nbe'), Buffer.from('ta\ngam'), Buffer.from('ma')]);
    const lines = new StdinLines(stream);
    expect(await lines.next()).toBe('alpha');
    expect(await lines.next()).toBe('beta');
    expect(await lines.next()).toBe('gamma');
    expect(await lines.next()).toBe(undefined);
    await lines.close();
  });

  it('names sources, never values, in errors (a value that looks like a variable name is still a name)', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'TOPSECRET\n');
    chmodSync(join(dir, 'secret.txt'), 0o600);
    const { s } = sources({ env: { PW: 'TOPSECRET' } });
    const errors = [
      await failure(resolvePassword('file:secret.txt', s).then(() => resolvePassword('file:secret.txt', s))),
      await failure(resolvePassword('env:TOPSECRET', s)),
    ];
    expect(errors.map((e) => e.message)).toEqual(['password: password file has no line 2', 'password: environment variable TOPSECRET is not set']);
  });
});
