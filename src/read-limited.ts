/**
 * Reading a whole file, but never more than a limit: what certkit reads from a path a user names
 * (a keystore, a PEM bundle, a `file:` password) and the files it reads back (the resume state,
 * the local CA). A size from stat does not bound everything a path can name: a FIFO and a
 * character device (`/dev/zero`, `/dev/stdin`) report 0 and can go on forever, and a file can grow
 * while it is read. So the reader stops after `max + 1` bytes and says the file is too large,
 * instead of filling memory or never returning.
 *
 * Nothing here blocks a thread. The path is opened with O_NONBLOCK, so opening a FIFO nobody has
 * open for writing returns at once instead of holding one of libuv's threads in open(2) until a
 * writer comes (a thread held there also kept the process from exiting on SIGINT/SIGTERM). A FIFO
 * or a socket is then read as a pipe: through a node:net socket on the event loop, which waits
 * for its writer's data and end as `cat` would, and which a signal ends; a terminal through
 * node:tty. Regular files and other devices are read with read(2) on the thread pool, which
 * O_NONBLOCK does not change for them.
 *
 * node:fs's callback API, not node:fs/promises: loading that costs ~3 ms of a read-only command's
 * start-up (`keystore list` reads one file), and node:fs and node:util load with Node itself;
 * node:net and node:tty are loaded only for a pipe or a terminal.
 */
import { close, constants as fsc, fstat, open, read, type Stats } from 'node:fs';
import { promisify } from 'node:util';

import { CertkitError } from './errors.js';

const openFile = promisify(open);
const fstatFd = promisify(fstat);
const readFd = promisify(read);
const closeFd = promisify(close);

/** The first read's size when stat cannot tell (a pipe, a device); later reads double it, up to the limit. */
const FIRST_CHUNK = 64 * 1024;

/**
 * The `tooLarge` of a file shown as `file`: LIMIT_EXCEEDED, "`what` of N bytes is larger than the
 * `max`-byte limit" (without "of N bytes" when the size was not known beforehand).
 */
export function limitExceeded(what: string, file: string, max: number): (size: number | undefined) => CertkitError {
  return (size) => new CertkitError('LIMIT_EXCEEDED', `${what}${size === undefined ? '' : ` of ${size} bytes`} is larger than the ${max}-byte limit`, { file });
}

export interface ReadLimitedOptions {
  /** Refuse a symbolic link as the last component of `path` (O_NOFOLLOW: node's ELOOP error). */
  readonly noFollow?: boolean;
  /**
   * Called with the opened file's stats before anything is read; throws to refuse it (a FIFO
   * where a regular file is expected, a file of another owner). Checked on the descriptor, so
   * the file judged is the file read.
   */
  readonly check?: (st: Stats) => void;
}

/**
 * The whole content of `path`; when it holds more than `max` bytes, throws `tooLarge(size)`
 * instead (`size` when stat knew it, a regular file's, else undefined), having read no more than
 * `max + 1` bytes. node:fs's errors (ENOENT, EACCES, EISDIR for a directory) are thrown as they are.
 */
export async function readFileLimited(
  path: string,
  max: number,
  tooLarge: (size: number | undefined) => Error,
  options: ReadLimitedOptions = {},
): Promise<Buffer> {
  const fd = await openFile(path, fsc.O_RDONLY | fsc.O_NONBLOCK | (options.noFollow === true ? fsc.O_NOFOLLOW : 0));
  let handedOver = false;
  try {
    const st = await fstatFd(fd);
    options.check?.(st);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR' });
    if (st.isFile() && st.size > max) throw tooLarge(st.size);
    if (st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && process.getBuiltinModule('node:tty').isatty(fd))) {
      handedOver = true; // the stream closes it
      return await readStream(fd, st.isCharacterDevice(), max, tooLarge);
    }
    // A regular file is read in one call of its size (and one more to see its end); anything
    // else in growing chunks.
    let buf = Buffer.allocUnsafe(Math.min(max + 1, st.isFile() ? st.size + 1 : FIRST_CHUNK));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > max) throw tooLarge(undefined);
        const bigger = Buffer.allocUnsafe(Math.min(max + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const { bytesRead } = await readFd(fd, buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > max) throw tooLarge(undefined);
    return buf.subarray(0, length);
  } finally {
    if (!handedOver) await closeFd(fd).catch(() => undefined);
  }
}

/**
 * Reads `fd` (a pipe, a socket, or a terminal when `tty`) to its end on the event loop; rejects
 * with `tooLarge(undefined)` as soon as more than `max` bytes came. The stream owns `fd` and
 * closes it either way.
 */
function readStream(fd: number, tty: boolean, max: number, tooLarge: (size: number | undefined) => Error): Promise<Buffer> {
  const stream = tty
    ? new (process.getBuiltinModule('node:tty').ReadStream)(fd)
    : new (process.getBuiltinModule('node:net').Socket)({ fd, readable: true, writable: false });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > max) {
        stream.destroy();
        reject(tooLarge(undefined));
      } else chunks.push(chunk);
    });
    stream.on('end', () => {
      stream.destroy();
      resolve(Buffer.concat(chunks, length));
    });
    stream.on('error', (e) => {
      stream.destroy();
      reject(e);
    });
  });
}
