/**
 * An exclusive lock on an output directory for one `certkit client` run, so two runs on one
 * `--out` (say two `--force` runs started together) cannot mix their keys, certificates and
 * keystores into one inconsistent set: the second fails at once instead.
 *
 * The lock is a file, `<dir>/.certkit.lock`, holding `{"pid":…,"startedAt":…}`, written under a
 * temporary name and published with link(2), which fails if the name exists: of two runs exactly
 * one makes it, and no run ever reads it half-written. It is removed when the run ends, and on
 * SIGINT/SIGTERM/SIGHUP (`releaseHeldLocksOnSignal`, called by the CLI's signal handler). A lock
 * left by a run that was killed (SIGKILL, a power cut) names a process that is no longer running
 * (or this very process, after a restart reused its id): it is stale, and is taken over. To take
 * it over without removing a lock another run has just taken, it is first renamed aside (of two
 * runs doing that only one succeeds) and removed only if it is still the file judged stale (its
 * inode); otherwise it is put back. A lock that cannot be read is not guessed at: the error says
 * to delete it.
 *
 * The file system is the directory sink's `FsOps`, the clock, the process id and the liveness
 * check are injected, so tests drive every case without real processes.
 */
import { constants as fsc, unlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { CertkitError, errnoOf } from '../errors.js';
import { fileKind } from '../file-kind.js';
import { limitExceeded, readFileLimited } from '../read-limited.js';
import { LINK_UNSUPPORTED, nodeFsOps, tempPathFor, type FsOps } from './directory.js';

/** The lock file in an output directory while a run writes there. */
export const LOCK_FILE = '.certkit.lock';

/** Largest lock file read (it holds a pid and a date). */
const MAX_LOCK_BYTES = 1024;

/** How many times a lock found stale, or released meanwhile, is tried again before giving up. */
const ATTEMPTS = 5;

/** True when a process with this id is running: kill(pid, 0) succeeds, or fails with EPERM (another user's). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

export interface LockOptions {
  /** Directory a relative `dir` resolves against (default process.cwd()). */
  readonly cwd?: string;
  readonly fs?: FsOps;
  /** This process's id (default process.pid). */
  readonly pid?: number;
  /** Clock for the lock's `startedAt` (default `new Date()`). */
  readonly now?: () => Date;
  /** Whether a process id is running (default `processIsAlive`). */
  readonly isAlive?: (pid: number) => boolean;
}

/** A lock held on a directory. */
export interface DirectoryLock {
  /** The lock file, absolute. */
  readonly path: string;
  /** Removes the lock file if it is still this lock's (best effort, once). */
  release(): Promise<void>;
}

/** Lock files this process holds right now: what a signal handler removes. */
const held = new Set<string>();

/**
 * Removes every lock file this process holds, synchronously (for a signal handler, which then
 * ends the process). Errors are ignored: the process is going away, and a lock left behind names
 * a process that will be gone, so the next run takes it over.
 */
export function releaseHeldLocksOnSignal(): void {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}

interface Holder {
  readonly pid: number;
  readonly startedAt: string;
}

/**
 * Takes the lock on `dir` (which must exist). EXISTS (exit 6) naming `dir` when another running
 * certkit holds it, or when a lock file is there that cannot be read; WRITE_FAILED when the lock
 * file cannot be made.
 */
export async function lockDirectory(dir: string, options: LockOptions = {}): Promise<DirectoryLock> {
  const fs = options.fs ?? nodeFsOps;
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processIsAlive;
  const path = join(isAbsolute(dir) ? dir : resolve(options.cwd ?? process.cwd(), dir), LOCK_FILE);
  const shown = join(dir, LOCK_FILE);
  const content = Buffer.from(JSON.stringify({ pid, startedAt: (options.now ?? (() => new Date()))().toISOString() }) + '\n');

  for (let attempt = 1; ; attempt++) {
    const ino = await create(fs, path, shown, content);
    if (ino !== undefined) {
      held.add(path);
      return lockOf(fs, path, ino);
    }
    const found = await readHolder(path, shown, dir);
    if (found === undefined) {
      if (attempt < ATTEMPTS) continue; // released meanwhile: try again
    } else if (found.holder.pid === pid || !isAlive(found.holder.pid)) {
      if (attempt < ATTEMPTS) {
        await takeOver(fs, path, found.ino);
        continue;
      }
    } else {
      throw new CertkitError('EXISTS', `another certkit run (pid ${found.holder.pid}, since ${found.holder.startedAt}) is writing to this directory`, {
        file: dir,
        hint: `wait for it to end; if no certkit run is using it, delete ${shown}`,
      });
    }
    throw new CertkitError('EXISTS', 'the lock on this directory keeps changing hands', {
      file: dir,
      hint: `run the command again; if no certkit run is using it, delete ${shown}`,
    });
  }
}

/**
 * Creates the lock file with `content`, complete from its first moment (written under a
 * temporary name, then link()ed: a run reading it never sees it empty): its inode, or undefined
 * when a lock is already there (or the temporary file was swept away meanwhile: try again). Where
 * the file system has no hard links it is created with O_EXCL and then written.
 */
async function create(fs: FsOps, path: string, shown: string, content: Buffer): Promise<number | undefined> {
  const tmp = tempPathFor(path);
  try {
    await writeNew(fs, tmp, content);
    try {
      await fs.link(tmp, path);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EEXIST' || code === 'ENOENT') return undefined;
      if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw e;
      try {
        await writeNew(fs, path, content);
      } catch (e2) {
        if (errnoOf(e2) === 'EEXIST') return undefined;
        throw e2;
      }
    }
    return (await fs.lstat(path)).ino;
  } catch (e) {
    throw lockFailed(e, shown);
  } finally {
    await fs.unlink(tmp).catch(() => fs.unlink(tmp)).catch(() => undefined);
  }
}

/** Creates `path` (O_EXCL, 0600) holding `content`; a failing close loses nothing (it is written). */
async function writeNew(fs: FsOps, path: string, content: Buffer): Promise<void> {
  const fh = await fs.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
  try {
    await fh.writeFile(content);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.unlink(path).catch(() => undefined);
    throw e;
  }
  await fh.close().catch(() => undefined);
}

function lockFailed(e: unknown, shown: string): CertkitError {
  return new CertkitError('WRITE_FAILED', `cannot write: cannot make the lock file (${errnoOf(e) ?? 'error'})`, { file: shown, cause: e });
}

/** Who holds the lock at `path` (and the lock file's inode), or undefined if it is gone. */
async function readHolder(path: string, shown: string, dir: string): Promise<{ holder: Holder; ino: number } | undefined> {
  const unreadable = (why: string) =>
    new CertkitError('EXISTS', `the directory is locked, but its lock file ${why}`, {
      file: dir,
      hint: `if no certkit run is using the directory, delete ${shown}`,
    });
  let ino = 0;
  let bytes: Buffer;
  try {
    bytes = await readFileLimited(path, MAX_LOCK_BYTES, limitExceeded('lock file', shown, MAX_LOCK_BYTES), {
      noFollow: true,
      check: (st) => {
        if (!st.isFile()) throw unreadable(`is ${fileKind(st)}`);
        ino = st.ino;
      },
    });
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined;
    if (errnoOf(e) === 'ELOOP') throw unreadable('is a symbolic link');
    if (e instanceof CertkitError && e.code === 'EXISTS') throw e;
    throw unreadable(`cannot be read (${e instanceof CertkitError ? e.message : (errnoOf(e) ?? 'error')})`);
  }
  let holder: Partial<Holder>;
  try {
    holder = JSON.parse(bytes.toString('utf8')) as Partial<Holder>;
  } catch {
    holder = {};
  }
  if (typeof holder.pid !== 'number' || !Number.isSafeInteger(holder.pid) || holder.pid <= 0 || typeof holder.startedAt !== 'string') {
    throw unreadable('does not say which run holds it');
  }
  return { holder: { pid: holder.pid, startedAt: holder.startedAt }, ino };
}

/** Removes the stale lock at `path` if it is still the file with inode `ino` (see the module comment). */
async function takeOver(fs: FsOps, path: string, ino: number): Promise<void> {
  const aside = tempPathFor(path);
  try {
    await fs.rename(path, aside);
  } catch {
    return; // gone meanwhile (another run took it over): try again
  }
  let same = false;
  try {
    same = (await fs.lstat(aside)).ino === ino;
  } catch {
    return;
  }
  if (!same) {
    // A lock taken between reading the stale one and moving it: put it back, never over another.
    await fs.link(aside, path).catch(() => undefined);
  }
  await fs.unlink(aside).catch(() => fs.unlink(aside)).catch(() => undefined);
}

function lockOf(fs: FsOps, path: string, ino: number): DirectoryLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      try {
        // Only this run's lock: one taken over after a stale-lock race is left to its run.
        if ((await fs.lstat(path)).ino === ino) await fs.unlink(path).catch(() => fs.unlink(path));
      } catch {
        // gone, or not removable: it names this process, so once it ends the lock is stale
      } finally {
        held.delete(path);
      }
    },
  };
}
