/**
 * stdout and stderr as a real run writes them (src/cli/stdio.ts): straight to the descriptor for
 * pipes, sockets, files and non-terminal devices, Node's stream for a terminal or after EAGAIN.
 * First with injected system calls (every branch, exact bytes), then as bin/certkit processes
 * with real pipes, files, /dev/null, /dev/full, a reader that goes away and a non-blocking pipe.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { CertkitError } from '../../src/errors.js';
import { FdOut, type FdOutDeps } from '../../src/cli/stdio.js';
import { buildCertificate, encodePem } from '../../src/index.js';
import { BIN, builtCliExists, ROOT, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, tool } from '../support/tools.js';

type Kind = 'fifo' | 'socket' | 'file' | 'tty' | 'null-device' | 'closed';

/** A fake process: what fstat says, what each writeSync does, and Node's stream if one is made. */
function fakeProcess(kind: Kind, writes: Array<number | string> = []) {
  const written: Buffer[] = [];
  const calls: string[] = [];
  const streamChunks: string[] = [];
  let streamMade = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      streamChunks.push(chunk.toString('utf8'));
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: kind === 'tty', columns: kind === 'tty' ? 91 : undefined });
  const deps: FdOutDeps = {
    fstatSync: () => {
      if (kind === 'closed') throw Object.assign(new Error('EBADF'), { code: 'EBADF' });
      return {
        isFIFO: () => kind === 'fifo',
        isSocket: () => kind === 'socket',
        isFile: () => kind === 'file',
        isCharacterDevice: () => kind === 'tty' || kind === 'null-device',
      };
    },
    isatty: () => {
      calls.push('isatty');
      return kind === 'tty';
    },
    writeSync: (_fd, buffer, offset, length) => {
      const next = writes.shift();
      if (typeof next === 'string') throw Object.assign(new Error(next), { code: next });
      const n = Math.min(length, next ?? length);
      written.push(Buffer.from(buffer.subarray(offset, offset + n)));
      return n;
    },
    stream: () => {
      streamMade++;
      return stream;
    },
  };
  return {
    deps,
    stream,
    calls,
    written: () => Buffer.concat(written).toString('utf8'),
    writeCalls: () => written.length,
    streamText: () => streamChunks.join(''),
    streamMade: () => streamMade,
  };
}

describe('FdOut, with injected system calls', () => {
  it.each(['fifo', 'socket', 'file', 'null-device'] as const)('writes a %s directly, every byte, without making Node’s stream', (kind) => {
    const p = fakeProcess(kind);
    const out = new FdOut(1, p.deps);
    expect(out.write('Keystore type: JKS\n')).toBe(true);
    expect(out.write('ünïcødé ✓\n')).toBe(true);
    expect([p.written(), p.streamMade(), out.isTTY, out.columns]).toEqual(['Keystore type: JKS\nünïcødé ✓\n', 0, false, undefined]);
    // isatty is asked only of a character device (node:tty would load node:net).
    expect(p.calls).toEqual(kind === 'null-device' ? ['isatty'] : []);
  });

  it('goes on after a short write until every byte is out', () => {
    const p = fakeProcess('fifo', [3, 1, 5]);
    new FdOut(1, p.deps).write('0123456789abcdef');
    expect([p.written(), p.writeCalls()]).toEqual(['0123456789abcdef', 4]);
  });

  it('hands the rest to Node’s stream on EAGAIN, and every later write too, in order', async () => {
    const p = fakeProcess('fifo', [4, 'EAGAIN']);
    const out = new FdOut(1, p.deps);
    out.write('abcdefgh');
    out.write('ijk');
    await out.flush();
    expect([p.written(), p.streamText(), p.streamMade(), p.writeCalls()]).toEqual(['abcd', 'efghijk', 1, 1]);
  });

  it('ends quietly on EPIPE: the write returns false, nothing more is attempted, flush resolves', async () => {
    const p = fakeProcess('fifo', [2, 'EPIPE']);
    const out = new FdOut(1, p.deps);
    expect(out.write('abcdef')).toBe(false);
    expect(out.write('more')).toBe(false);
    await out.flush();
    expect([p.written(), p.writeCalls(), p.streamMade()]).toEqual(['ab', 1, 0]);
  });

  it('stdout that cannot be written is WRITE_FAILED (exit 7) naming stdout; stderr drops the line', () => {
    const stdout = new FdOut(1, fakeProcess('file', ['ENOSPC']).deps);
    let thrown: unknown;
    try {
      stdout.write('x');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CertkitError);
    expect([(thrown as CertkitError).code, (thrown as CertkitError).message]).toEqual(['WRITE_FAILED', 'cannot write to stdout (ENOSPC)']);
    expect(((thrown as CertkitError).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const stderr = new FdOut(2, fakeProcess('file', ['EIO']).deps);
    expect(stderr.write('x')).toBe(false);
  });

  it('a terminal gets Node’s stream, which tells isTTY and columns', async () => {
    const p = fakeProcess('tty');
    const out = new FdOut(1, p.deps);
    out.write('progress\n');
    await out.flush();
    expect([out.isTTY, out.columns, p.streamText(), p.writeCalls(), p.calls]).toEqual([true, 91, 'progress\n', 0, ['isatty']]);
  });

  it('a descriptor fstat cannot read (closed) gets Node’s stream', () => {
    const p = fakeProcess('closed');
    new FdOut(1, p.deps).write('x');
    expect([p.streamMade(), p.streamText(), p.writeCalls()]).toEqual([1, 'x', 0]);
  });

  it('a stream error after the write returned: EPIPE is quiet, anything else on stdout rejects flush with WRITE_FAILED', async () => {
    const quiet = fakeProcess('tty');
    const a = new FdOut(1, quiet.deps);
    quiet.stream.emit('error', Object.assign(new Error('EPIPE'), { code: 'EPIPE' }));
    expect(a.write('x')).toBe(false);
    await expect(a.flush()).resolves.toBeUndefined();

    const failing = fakeProcess('tty');
    const b = new FdOut(1, failing.deps);
    failing.stream.emit('error', Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(b.flush()).rejects.toMatchObject({ code: 'WRITE_FAILED', message: 'cannot write to stdout (EIO)' });

    const stderrFailing = fakeProcess('tty');
    const c = new FdOut(2, stderrFailing.deps);
    stderrFailing.stream.emit('error', Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(c.flush()).resolves.toBeUndefined();
  });
});

describe.skipIf(!builtCliExists())('bin/certkit’s stdout and stderr as a process', () => {
  const dir = tempDir('certkit-stdio-');
  const CHAIN = join(ROOT, 'fixtures/jks/rsa2048-chain2-storepass-ne-keypass.jks');
  const env = { PATH: process.env.PATH ?? '', SP: 'chain-storepass' };
  const listArgs = ['keystore', 'list', CHAIN, '--storepass', 'env:SP'];

  /** A truststore whose listing is larger than a pipe's buffer (64 KiB), so a writer must wait; resolves with that listing. */
  const bigStore = join(dir, 'big.jks');
  const bigListing = (async (): Promise<string> => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = new Date('2026-01-01T00:00:00Z');
    const pems = Array.from({ length: 250 }, (_, i) =>
      encodePem(
        'CERTIFICATE',
        buildCertificate({
          subject: `CN=stdio test CA ${i + 1},O=certkit tests`,
          publicKey: privateKey,
          signingKey: privateKey,
          notBefore: now,
          notAfter: new Date('2036-01-01T00:00:00Z'),
          isCA: true,
        }),
      ),
    );
    writeFileSync(join(dir, 'big.pem'), pems.join(''));
    const r = await runCli(['truststore', 'create', '--cert', join(dir, 'big.pem'), '--out', bigStore, '--storepass', 'env:SP'], { env, cwd: dir });
    expect(r.status).toBe(0);
    return (await runCli(['keystore', 'list', bigStore, '--storepass', 'env:SP'], { env })).stdout;
  })();

  it('writes the same bytes to a pipe, a file and through a reader that goes away', async () => {
    const piped = spawnSync(process.execPath, [BIN, ...listArgs], { env, encoding: 'utf8' });
    expect([piped.status, piped.stderr]).toEqual([0, '']);
    expect(piped.stdout).toBe((await runCli(listArgs, { env })).stdout);

    const file = join(dir, 'listing.txt');
    const fd = openSync(file, 'w');
    const toFile = spawnSync(process.execPath, [BIN, ...listArgs], { env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    expect([toFile.status, toFile.stderr, readFileSync(file, 'utf8')]).toEqual([0, '', piped.stdout]);

    // `| head -c 100` reads a little and goes away: the rest meets EPIPE, which is not an error.
    const big = await bigListing;
    // (stdin not a socket: bash would take itself for a remote shell and read ~/.bashrc.)
    const early = spawnSync('bash', ['-c', '"$0" "$1" keystore list "$2" --storepass env:SP | head -c 100; echo " ${PIPESTATUS[0]}"', process.execPath, BIN, bigStore], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect([early.stdout, early.stderr]).toEqual([`${big.slice(0, 100)} 0\n`, '']);
  });

  it('stdout on a full device is one line and exit 7; /dev/null is fine', () => {
    const full = spawnSync('sh', ['-c', '"$0" "$1" --version > /dev/full', process.execPath, BIN], { env, encoding: 'utf8' });
    expect([full.status, full.stdout, full.stderr]).toEqual([7, '', 'certkit: cannot write to stdout (ENOSPC)\n']);
    const listing = spawnSync('sh', ['-c', '"$0" "$@" > /dev/full', process.execPath, BIN, ...listArgs], { env, encoding: 'utf8' });
    expect([listing.status, listing.stderr]).toEqual([7, 'certkit: cannot write to stdout (ENOSPC)\n']);
    const devNull = spawnSync('sh', ['-c', '"$0" "$@" > /dev/null', process.execPath, BIN, ...listArgs], { env, encoding: 'utf8' });
    expect([devNull.status, devNull.stderr]).toEqual([0, '']);
  });

  it.skipIf(!haveTools('python3'))('a non-blocking pipe its reader leaves full (EAGAIN): the rest goes through Node’s stream, complete and in order', async () => {
    const expected = await bigListing;
    const python = tool('python3')!;
    expect(Buffer.byteLength(expected)).toBeGreaterThan(2 * 65536);
    // The parent makes the pipe non-blocking (the flag belongs to the pipe, which the child shares),
    // and reads nothing until the pipe is full (FIONREAD = the pipe's size), so certkit's next
    // write meets EAGAIN, however slow the machine; a deadline bounds the wait.
    const script = [
      'import array, fcntl, os, subprocess, sys, termios, time',
      'r, w = os.pipe()',
      'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
      'size = fcntl.fcntl(r, 1032)  # F_GETPIPE_SZ',
      'p = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'end = time.monotonic() + 30',
      'def buffered():',
      '    n = array.array("i", [0])',
      '    fcntl.ioctl(r, termios.FIONREAD, n, True)',
      '    return n[0]',
      'while buffered() < size and p.poll() is None:',
      '    if time.monotonic() > end: sys.exit("the pipe never filled in 30 s")',
      '    time.sleep(0.002)',
      'chunks = []',
      'while True:',
      '    c = os.read(r, 65536)',
      '    if not c: break',
      '    chunks.append(c)',
      'sys.stdout.buffer.write(b"".join(chunks))',
      'sys.exit(p.wait())',
    ].join('\n');
    const loaded = join(dir, 'eagain.modules');
    const hook = `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.join('\\n')));`;
    const r = spawnSync(python, ['-c', script, process.execPath, '--require', writeHook(dir, hook), BIN, 'keystore', 'list', bigStore, '--storepass', 'env:SP'], {
      env,
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(expected);
    // It did take the fallback: Node's stream for a pipe is a net.Socket.
    expect(readFileSync(loaded, 'utf8').split('\n')).toContain('NativeModule net');
  });
});

function writeHook(dir: string, source: string): string {
  const file = join(dir, 'hook.cjs');
  writeFileSync(file, source);
  return file;
}
