/**
 * readFileLimited (src/read-limited.ts): whole files up to the limit, and never more than
 * limit + 1 bytes of anything else, so a device or a pipe that never ends cannot hang a command.
 */
import { spawn, spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { readFileLimited } from '../src/read-limited.js';
import { BIN, builtCliExists, ROOT } from './support/cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('certkit-read-limited-');
const tooLarge = (size: number | undefined) => new Error(`too large: ${size ?? 'unknown size'}`);

describe('readFileLimited', () => {
  it('reads a regular file up to the limit exactly; one byte more is refused by its size, before reading', async () => {
    const file = join(dir, 'ten');
    writeFileSync(file, '0123456789');
    expect((await readFileLimited(file, 10, tooLarge)).toString()).toBe('0123456789');
    expect((await readFileLimited(file, 11, tooLarge)).toString()).toBe('0123456789');
    await expect(readFileLimited(file, 9, tooLarge)).rejects.toThrow('too large: 10');
    writeFileSync(join(dir, 'empty'), '');
    expect((await readFileLimited(join(dir, 'empty'), 10, tooLarge)).length).toBe(0);
  });

  it('stops a device that never ends after limit + 1 bytes', async () => {
    await expect(readFileLimited('/dev/zero', 200_000, tooLarge)).rejects.toThrow('too large: unknown size');
  });

  it('reads a pipe to its end in growing chunks, and refuses one that goes past the limit', async () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const writeOnce = () => {
      const writer = spawn('sh', ['-c', 'cat > "$0"', fifo], { stdio: ['pipe', 'ignore', 'ignore'] });
      writer.stdin.on('error', () => undefined); // the reader may stop first
      writer.stdin.end(data);
    };
    writeOnce();
    expect((await readFileLimited(fifo, 300_000, tooLarge)).equals(data)).toBe(true);
    writeOnce();
    await expect(readFileLimited(fifo, 299_999, tooLarge)).rejects.toThrow('too large: unknown size');
  });

  it('opens a FIFO without waiting for a writer: `check` sees it at once and can refuse it', async () => {
    const fifo = join(dir, 'lonely-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const kinds: string[] = [];
    const refuse = (st: { isFIFO(): boolean }) => {
      kinds.push(st.isFIFO() ? 'fifo' : 'other');
      throw new Error('not a regular file');
    };
    await expect(readFileLimited(fifo, 10, tooLarge, { check: refuse })).rejects.toThrow('not a regular file');
    expect(kinds).toEqual(['fifo']);
  });

  it('noFollow refuses a symbolic link (ELOOP); without it the link is followed', async () => {
    writeFileSync(join(dir, 'target'), 'linked');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    await expect(readFileLimited(join(dir, 'link'), 10, tooLarge, { noFollow: true })).rejects.toMatchObject({ code: 'ELOOP' });
    expect((await readFileLimited(join(dir, 'link'), 10, tooLarge)).toString()).toBe('linked');
  });

  it('passes node:fs errors through, and says EISDIR for a directory', async () => {
    await expect(readFileLimited(join(dir, 'missing'), 10, tooLarge)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readFileLimited(dir, 10, tooLarge)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe.skipIf(!builtCliExists())('bin/certkit reading what is not a regular file', () => {
  const CHAIN = join(ROOT, 'fixtures/jks/rsa2048-chain2-storepass-ne-keypass.jks');
  const env = { PATH: process.env.PATH ?? '', SP: 'chain-storepass' };

  it('lists a keystore from standard input (/dev/stdin, a pipe)', () => {
    const fromFile = spawnSync(process.execPath, [BIN, 'keystore', 'list', CHAIN, '--storepass', 'env:SP', '--json'], { env, encoding: 'utf8' });
    // A shell's pipe (a socket, as spawn's own stdin is, cannot be opened by path: ENXIO).
    const fromStdin = spawnSync('sh', ['-c', 'cat "$2" | "$0" "$1" keystore list /dev/stdin --storepass env:SP --json', process.execPath, BIN, CHAIN], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect([fromStdin.status, fromStdin.stderr]).toEqual([0, '']);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('refuses /dev/zero as a keystore or a password file instead of reading forever', () => {
    const keystore = spawnSync(process.execPath, [BIN, 'keystore', 'list', '/dev/zero', '--storepass', 'env:SP'], { env, encoding: 'utf8', timeout: 60_000 });
    expect([keystore.status, keystore.stdout, keystore.stderr]).toEqual([3, '', 'certkit: /dev/zero: file is larger than the 67108864-byte limit\n']);
    const password = spawnSync(process.execPath, [BIN, 'keystore', 'list', CHAIN, '--storepass', 'file:/dev/zero'], { env, encoding: 'utf8', timeout: 60_000 });
    expect([password.status, password.stdout, password.stderr]).toEqual([3, '', 'certkit: /dev/zero: --storepass: password file larger than 1048576 bytes\n']);
  });
});
