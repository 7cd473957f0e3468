/**
 * Reads that must neither run for ever nor hold a thread, as real processes (bin/certkit), with
 * real FIFOs and /dev/zero. Every wait is for an event (the child has the FIFO open, a thread of
 * it sits in open(2), it ended) with a deadline that fails with what was awaited:
 * - where certkit expects a regular file it wrote itself (the local CA's files, the resume
 *   state), a FIFO or /dev/zero is refused at once, in one line naming it (exit 3);
 * - a FIFO named as an input or a `file:` password is read as a pipe: opening it does not wait
 *   for a writer (no thread in open(2)), the child waits for the writer's data on its event loop
 *   and completes with it, and SIGINT ends the wait;
 * - SIGTERM ends the process even while one of its threads is held in open(2) of a FIFO (here
 *   the AWS SDK reading ~/.aws/config): the signal path does not join libuv's threads.
 */
import { constants as fsc, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { CA_CERT_FILE, CA_KEY_FILE, initLocalCa } from '../../src/issuers/local-ca.js';
import { STATE_FILE } from '../../src/pipeline.js';
import { certkit } from '../e2e/cli.js';
import { builtCliExists, ROOT } from '../support/cli.js';
import { caseDirs } from '../support/tmp.js';
import { until as untilEvent } from '../support/wait.js';
import { startCertkit, type Child } from './process.js';

const { root, fresh } = caseDirs('certkit-crash-blocking-');
const mkfifo = (path: string) => expect(spawnSync('mkfifo', [path]).status).toBe(0);
const DEADLINE = 20_000;
const CHAIN = join(ROOT, 'fixtures/jks/rsa2048-chain2-storepass-ne-keypass.jks');
const CHAIN_PASS = 'chain-storepass';
/** test/support/wait.ts's `until`, with this file's deadline. */
const until = (what: string, cond: () => boolean) => untilEvent(what, cond, DEADLINE);
const HAVE_PROC = existsSync(`/proc/${process.pid}/task/${process.pid}/wchan`);

/** The child's outcome, or a clear failure if it is still running at the deadline. */
async function ended(child: Child, what: string): ReturnType<() => Child['done']> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.proc.kill('SIGKILL');
      reject(new Error(`certkit did not end within ${DEADLINE} ms of ${what}`));
    }, DEADLINE);
  });
  try {
    return await Promise.race([child.done, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What each thread of `pid` waits in, by the kernel's name (wait_for_partner: open(2) of a FIFO). */
function waits(pid: number): string[] {
  const out: string[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.push(readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8'));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** True when `pid` has `path` open. */
function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Opens `fifo` for writing (its reader is there: the child has it open), writes `data`, closes it. */
function writeFifo(fifo: string, data: Buffer | string): void {
  const fd = openSync(fifo, fsc.O_WRONLY | fsc.O_NONBLOCK);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
}

let caDir: string;
beforeAll(async () => {
  caDir = join(root, 'ca');
  await initLocalCa(caDir, { keyType: 'ec256' });
});

describe.skipIf(!builtCliExists())('files certkit wrote itself: a FIFO or /dev/zero in their place is refused at once', () => {
  const client = (ca: string) => ['client', '--ca-dir', ca, '--key-type', 'ec256', '--out', 'out', '--storepass', 'env:SP'];
  const env = { SP: 'blocking-store-pass' };

  /** A copy of the test CA in d/ca with `name` replaced by `make(path)`. */
  function caWith(d: string, name: string, make: (path: string) => void): string {
    const ca = join(d, 'ca');
    mkdirSync(ca);
    for (const f of [CA_KEY_FILE, CA_CERT_FILE]) {
      if (f === name) make(join(ca, f));
      else symlinkSync(join(caDir, f), join(ca, f));
    }
    return ca;
  }

  it.each([
    [CA_CERT_FILE, '/dev/zero', (p: string) => symlinkSync('/dev/zero', p), 'a character device'],
    [CA_KEY_FILE, 'a FIFO nobody writes to', mkfifo, 'a FIFO'],
    [CA_CERT_FILE, 'a FIFO nobody writes to', mkfifo, 'a FIFO'],
  ] as const)('the local CA: %s is %s: exit 3, one line', async (name, _what, make, kind) => {
    const d = fresh();
    caWith(d, name, make);
    const r = await ended(startCertkit(client('ca'), { cwd: d, env }), 'starting');
    expect([r.status, r.stdout, r.stderr]).toEqual([3, '', `certkit: ca/${name}: cannot read: it is ${kind}, not a regular file\n`]);
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  it('the resume state is a FIFO nobody writes to: exit 3, one line, also with --force', async () => {
    const d = fresh();
    mkdirSync(join(d, 'out'), { mode: 0o700 });
    mkfifo(join(d, 'out', STATE_FILE));
    for (const force of [[], ['--force']]) {
      const r = await ended(startCertkit([...client(caDir), ...force], { cwd: d, env }), 'starting');
      expect([r.status, r.stdout, r.stderr]).toEqual([
        3,
        '',
        `certkit: out/${STATE_FILE}: not resuming from this file: it is a FIFO, not a regular file (remove it if you did not leave it there; a run without it starts afresh)\n`,
      ]);
    }
    expect(readdirSync(join(d, 'out'))).toEqual([STATE_FILE]);
  });
});

describe.skipIf(!builtCliExists() || !HAVE_PROC)('a FIFO named as an input or a password is read as a pipe', () => {
  const listed = () => certkit(['keystore', 'list', CHAIN, '--storepass', 'env:SP'], { cwd: root, env: { SP: CHAIN_PASS } });

  it.each([
    ['an input (keystore list FIFO)', (fifo: string) => ['keystore', 'list', fifo, '--storepass', 'env:SP'], (fifo: string) => writeFifo(fifo, readFileSync(CHAIN))],
    ['a file: password', () => ['keystore', 'list', CHAIN, '--storepass', 'file:pw.fifo'], (fifo: string) => writeFifo(fifo, `${CHAIN_PASS}\n`)],
  ] as const)('%s: opened without waiting for a writer; the writer it then gets is read to its end', async (_what, args, write) => {
    const d = fresh();
    const fifo = join(d, 'pw.fifo');
    mkfifo(fifo);
    const child = startCertkit(args(fifo), { cwd: d, env: { SP: CHAIN_PASS } });
    const pid = child.proc.pid!;
    await until('certkit has the FIFO open', () => hasOpen(pid, fifo));
    expect(waits(pid)).not.toContain('wait_for_partner');
    write(fifo);
    const r = await ended(child, 'the writer closing the FIFO');
    const want = listed();
    expect([r.status, r.stderr, r.stdout]).toEqual([0, '', want.stdout]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends the wait for a writer that never comes', async (signal) => {
    const d = fresh();
    const fifo = join(d, 'pw.fifo');
    mkfifo(fifo);
    const child = startCertkit(['keystore', 'list', CHAIN, '--storepass', 'file:pw.fifo'], { cwd: d });
    const pid = child.proc.pid!;
    await until('certkit has the FIFO open', () => hasOpen(pid, fifo));
    child.proc.kill(signal);
    const r = await ended(child, signal);
    expect([r.status, r.signal, r.stdout]).toEqual([null, signal, '']);
  });
});

describe.skipIf(!builtCliExists() || !HAVE_PROC)('a signal while a thread is held in open(2)', () => {
  it('SIGTERM ends certkit client while the AWS SDK waits to open ~/.aws/config (a FIFO): no temp file left', async () => {
    const d = fresh();
    mkdirSync(join(d, '.aws'));
    mkfifo(join(d, '.aws', 'config'));
    // No region anywhere but the profile: resolving it reads ~/.aws/config (HOME is d).
    const args = ['client', '--ca-dir', caDir, '--key-type', 'ec256', '--out', 'out', '--s3', 's3://certkit-blocking/p/', '--storepass', 'env:SP'];
    const child = startCertkit(args, { cwd: d, env: { SP: 'blocking-store-pass' } });
    const pid = child.proc.pid!;
    await until('a thread of certkit is in open(2) of the FIFO', () => waits(pid).includes('wait_for_partner'));
    child.proc.kill('SIGTERM');
    const r = await ended(child, 'SIGTERM');
    expect([r.status, r.signal, r.stdout]).toEqual([null, 'SIGTERM', '']);
    expect(existsSync(join(d, 'out')) ? readdirSync(join(d, 'out')) : []).toEqual([]);
  });
});
