/**
 * The process's stdout and stderr as a real certkit run writes them: straight to the file
 * descriptor with `fs.writeSync`, unless the descriptor is a terminal (or one fstat cannot read),
 * which gets Node's `process.stdout` / `process.stderr`.
 *
 * Why not always Node's streams: Node makes `process.stdout` on first access, and for a pipe (how
 * scripts, CI jobs and `$(certkit ...)` run certkit) that loads node:net and the streams machinery,
 * about 5 ms of every start-up spent on two short writes. A terminal keeps the stream: it is what
 * knows `isTTY` and `columns`.
 *
 * What stays as with Node's streams:
 * - writes are synchronous and in order (Node's stdio is synchronous for files and pipes on Linux);
 * - a reader that went away (EPIPE: `certkit keystore list x | head -1`) ends the output quietly;
 * - a descriptor someone else made non-blocking (EAGAIN: a full pipe shared with its owner) hands
 *   what is left, and every later write, to Node's stream, which waits for the reader; `flush()`
 *   resolves once that stream has taken everything.
 * And one thing is better: stdout that cannot be written (ENOSPC on a redirected file or
 * /dev/full, EIO) is WRITE_FAILED (exit 7) naming stdout, one line, where Node's stream crashed
 * with a stack trace. A failing stderr has nowhere left to report to; its writes are dropped.
 */
import { fstatSync, writeSync } from 'node:fs';

import { CertkitError, errnoOf, exitStatusOf, formatError } from '../errors.js';
import type { TextOut } from './command.js';

/** What an `FdOut` needs from the process; tests pass their own. */
export interface FdOutDeps {
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  /** fstat(2): which kind of file the descriptor is. */
  fstatSync(fd: number): { isFIFO(): boolean; isSocket(): boolean; isFile(): boolean; isCharacterDevice(): boolean };
  /** isatty(3); asked only of a character device (node:tty loads node:net, which a pipe never needs). */
  isatty(fd: number): boolean;
  /** Node's stream for the descriptor (process.stdout or process.stderr), made on first call. */
  stream(): NodeJS.WriteStream;
}

/** One of the process's output descriptors (1 or 2) as certkit writes it. */
export class FdOut implements TextOut {
  readonly #fd: 1 | 2;
  readonly #name: 'stdout' | 'stderr';
  readonly #deps: FdOutDeps;
  /** Node's stream once it is in use (a terminal, or after EAGAIN); every later write goes there. */
  #stream: NodeJS.WriteStream | undefined;
  /** Set on EPIPE or a failure: nothing more is written. */
  #closed = false;
  /** Why stdout could not be written, when Node's stream found out after the write returned. */
  #failure: CertkitError | undefined;

  constructor(fd: 1 | 2, deps: FdOutDeps) {
    this.#fd = fd;
    this.#name = fd === 1 ? 'stdout' : 'stderr';
    this.#deps = deps;
    let direct = false;
    try {
      const st = deps.fstatSync(fd);
      direct = st.isFIFO() || st.isSocket() || st.isFile() || (st.isCharacterDevice() && !deps.isatty(fd));
    } catch {
      // closed or unreadable descriptor: Node's stream knows what to do with it
    }
    if (!direct) this.#useStream();
  }

  /** True when the descriptor is a terminal (only Node's stream can tell, and is used then). */
  get isTTY(): boolean {
    return this.#stream?.isTTY === true;
  }

  /** The terminal's width, when it is one. */
  get columns(): number | undefined {
    return this.#stream?.isTTY === true ? this.#stream.columns : undefined;
  }

  write(chunk: string): boolean {
    if (this.#closed) return false;
    if (this.#stream !== undefined) return this.#stream.write(chunk);
    const bytes = Buffer.from(chunk, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += this.#deps.writeSync(this.#fd, bytes, offset, bytes.length - offset);
      } catch (e) {
        const code = errnoOf(e);
        if (code === 'EAGAIN') return this.#useStream().write(bytes.subarray(offset));
        this.#closed = true;
        if (code === 'EPIPE' || this.#fd === 2) return false;
        throw this.#failed(e);
      }
    }
    return true;
  }

  /**
   * Resolves once everything written has left the process (at once unless Node's stream is in
   * use); rejects with WRITE_FAILED if that stream failed to write stdout after a write returned.
   */
  async flush(): Promise<void> {
    const stream = this.#stream;
    if (stream !== undefined && !this.#closed) await new Promise<void>((resolve) => stream.write('', () => resolve()));
    if (this.#failure !== undefined) throw this.#failure;
  }

  #failed(e: unknown): CertkitError {
    return new CertkitError('WRITE_FAILED', `cannot write to ${this.#name} (${errnoOf(e) ?? 'error'})`, { cause: e });
  }

  #useStream(): NodeJS.WriteStream {
    if (this.#stream !== undefined) return this.#stream;
    const stream = this.#deps.stream();
    // Node reports a failed write as an 'error' event after write() returned: EPIPE (a reader that
    // stops early) is not an error of ours; anything else on stdout is kept for flush() to report.
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.#closed = true;
      if (e.code !== 'EPIPE' && this.#fd === 1) this.#failure ??= this.#failed(e);
    });
    this.#stream = stream;
    return stream;
  }
}

/** node:tty's isatty, fetched only when a character device is asked about (see FdOutDeps). */
const isatty = (fd: number): boolean => process.getBuiltinModule('node:tty').isatty(fd);

let stdio: { readonly stdout: FdOut; readonly stderr: FdOut } | undefined;

/** The process's stdout and stderr as FdOuts (made once per process). */
export function processStdio(): { readonly stdout: FdOut; readonly stderr: FdOut } {
  return (stdio ??= {
    stdout: new FdOut(1, { writeSync, fstatSync, isatty, stream: () => process.stdout }),
    stderr: new FdOut(2, { writeSync, fstatSync, isatty, stream: () => process.stderr }),
  });
}

/**
 * For the executable, after the command returned `status`: waits until stdout and stderr are
 * written, and returns the exit status. If stdout failed after the command's last write returned
 * (only Node's stream reports that late), the failure is said in one line on stderr and, unless
 * the command had already failed, its status (7) is returned instead.
 */
export async function finishStdio(status: number): Promise<number> {
  if (stdio === undefined) return status;
  const { stdout, stderr } = stdio;
  const [out] = await Promise.allSettled([stdout.flush(), stderr.flush()]);
  if (out.status === 'fulfilled') return status;
  stderr.write(formatError(out.reason) + '\n');
  await stderr.flush().catch(() => undefined);
  return status === 0 ? exitStatusOf(out.reason) : status;
}
