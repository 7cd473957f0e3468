/**
 * The directory sink: writes artifacts into a local directory, each file atomically and with its
 * final mode from the first byte, never over an existing file unless `force` is given.
 *
 * How one file is written (`writeFileAtomic`):
 * 1. a temporary file is created in the target's own directory with `O_CREAT|O_EXCL` and the final
 *    mode, then `fchmod`ed to that mode so the process umask cannot widen or narrow it;
 * 2. the data is written and `fsync`ed;
 * 3. it is published: without `force` by `link(tmp, path)` (which fails with EEXIST if a file
 *    appeared at `path` since any earlier check, so nothing is ever overwritten) and then the
 *    temporary name is removed; with `force` by `rename(tmp, path)`, which replaces atomically;
 * 4. the directory is `fsync`ed (best effort) so the new name survives a crash.
 * `writeArtifacts` does steps 1 and 2 for all its files at once, then 3 for each in order, then 4
 * once.
 * The temporary file is removed on any failure, so a failed write leaves nothing behind. It is
 * named `.<name>.tmp-<hex>` (hidden, never an output name) and listed in a registry while it
 * exists, so the CLI's SIGINT/SIGTERM handler can remove it (`removeInFlightTempFiles`). Only a
 * SIGKILL or a power cut can leave one behind; it is never mistaken for an output, never blocks a
 * rerun, and the next `certkit client` on the directory removes it (`removeStaleTempFiles`).
 *
 * Every file-system call goes through `FsOps` (default: node:fs/promises), so tests can fail any
 * single step without patching globals.
 */
import { constants as fsc, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

import { CertkitError, errnoOf, throwFirstRejection } from '../errors.js';
import { fileKind, type FileKindStats } from '../file-kind.js';

/** One named output of the pipeline: bytes, a file name and whether it holds a secret. */
export interface Artifact {
  /** File name (no directory part), e.g. `kafka.client.keystore.jks`. */
  readonly name: string;
  readonly data: Buffer;
  /** True for private keys, keystores, secrets and anything holding a password: written 0600. */
  readonly sensitive: boolean;
  /** MIME type, for sinks that record one (S3). */
  readonly contentType?: string;
}

/** Where artifacts go (a directory, S3, Secrets Manager, stdout). The pipeline does not know which. */
export interface Sink {
  /** A short human description for progress lines and summaries (`./certs`, `s3://b/p/`). */
  readonly description: string;
  /** Fails before writing anything if any output exists and overwriting was not allowed. */
  check(artifacts: readonly Artifact[]): Promise<void>;
  /** Writes every artifact; returns where each one went (paths, URIs), in order. */
  write(artifacts: readonly Artifact[]): Promise<string[]>;
}

/** File mode for secrets (keys, keystores, secret JSON). */
export const SECRET_MODE = 0o600;
/** File mode for public material (certificates, CSRs). */
export const PUBLIC_MODE = 0o644;
/** Mode of a directory this sink creates. */
export const DIRECTORY_MODE = 0o700;

/** An open file as `FsOps.open` returns it: the part of node's `FileHandle` the sink uses. */
export interface FsFile {
  /** fchmod(2). */
  chmod(mode: number): Promise<void>;
  writeFile(data: Uint8Array): Promise<void>;
  /** fsync(2). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** What `lstat`/`stat` must answer. */
export interface FsStats extends FileKindStats {
  /** Permission bits and file type (st_mode). */
  readonly mode: number;
  /** The owner's user id. */
  readonly uid: number;
  /** The inode number: the same file at two moments, or not. */
  readonly ino: number;
}

/**
 * The file-system calls the directory sink makes. The default (`nodeFsOps`) is node:fs/promises;
 * tests pass a wrapper that fails chosen calls (disk full at the third write, EROFS at a link...).
 */
export interface FsOps {
  open(path: string, flags: number, mode?: number): Promise<FsFile>;
  link(existingPath: string, newPath: string): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
  lstat(path: string): Promise<FsStats>;
  stat(path: string): Promise<FsStats>;
  /** mkdir(2) of one directory (never recursive: see `makeDirectory`). */
  mkdir(path: string, mode: number): Promise<void>;
  /** rmdir(2): only an empty directory. */
  rmdir(path: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** The names in a directory. */
  readdir(path: string): Promise<string[]>;
}

/**
 * node:fs/promises, fetched on first use rather than imported: the CLI imports this module at
 * start-up (for the signal handlers), and loading fs/promises costs every start ~3 ms, also for
 * the commands that write nothing (`--help`, `keystore list`).
 */
const fsp = (): typeof import('node:fs/promises') => process.getBuiltinModule('node:fs/promises');

/** The real file system (node:fs/promises). */
export const nodeFsOps: FsOps = {
  open: (path, flags, mode) => fsp().open(path, flags, mode),
  link: (existingPath, newPath) => fsp().link(existingPath, newPath),
  rename: (oldPath, newPath) => fsp().rename(oldPath, newPath),
  unlink: (path) => fsp().unlink(path),
  lstat: (path) => fsp().lstat(path),
  stat: (path) => fsp().stat(path),
  mkdir: (path, mode) => fsp().mkdir(path, { mode }),
  rmdir: (path) => fsp().rmdir(path),
  chmod: (path, mode) => fsp().chmod(path, mode),
  readdir: (path) => fsp().readdir(path),
};

/** Absolute paths of temporary files this process is writing right now. */
const inFlight = new Set<string>();

/** The temporary files being written right now (absolute paths), oldest first. */
export function inFlightTempFiles(): string[] {
  return [...inFlight];
}

/**
 * Removes every temporary file still being written, synchronously (for a signal handler, which
 * then exits). Returns how many were removed; errors are ignored (the process is going away).
 */
export function removeInFlightTempFiles(): number {
  let removed = 0;
  for (const tmp of inFlight) {
    try {
      unlinkSync(tmp);
      removed++;
    } catch {
      // already gone, or not removable: nothing more can be done while exiting
    }
  }
  inFlight.clear();
  return removed;
}

/**
 * TEST ONLY. Called with the temporary path after it is written and synced and before it is
 * published. The CLI sets it only when CERTKIT_TEST_PAUSE_BEFORE_PUBLISH=1, so a signal test can
 * catch a write in flight. Never set by the library.
 */
let beforePublishHook: ((tmp: string) => Promise<void>) | undefined;

/** TEST ONLY: sets (or clears, with undefined) the hook run between writing a temp file and publishing it. */
export function setBeforePublishHookForTests(hook: ((tmp: string) => Promise<void>) | undefined): void {
  beforePublishHook = hook;
}

/** The name of the temporary file for `target`: hidden, in the same directory, never an output name. */
export function tempPathFor(target: string): string {
  // node:crypto fetched here, not imported: the CLI imports this module at start-up (for the signal
  // handlers), and `certkit --help` should not load crypto for a name it never makes.
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  return join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
}

export interface WriteFileOptions {
  /** Final file mode; default 0600 (the safe default: callers opt in to 0644 for public files). */
  readonly mode?: number;
  /** Replace an existing file (atomically). Default false: an existing file is an EXISTS error. */
  readonly force?: boolean;
  /** Directory relative paths are resolved against; default `process.cwd()`. Errors name the path as given. */
  readonly cwd?: string;
  /** The file system (default node:fs/promises); tests inject failures. */
  readonly fs?: FsOps;
}

const WRITE_ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ENOENT: 'the directory does not exist',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

function writeFailed(e: unknown, shown: string): CertkitError {
  const code = errnoOf(e);
  const text = (code !== undefined && WRITE_ERRNO_TEXT[code]) || (code ?? 'unknown error');
  return new CertkitError('WRITE_FAILED', `cannot write: ${text}`, { file: shown, cause: e });
}

function exists(shown: string, cause?: unknown): CertkitError {
  return new CertkitError('EXISTS', 'refusing to overwrite an existing file', {
    file: shown,
    hint: 'use --force to replace it',
    cause,
  });
}

function absolute(path: string, cwd: string | undefined): string {
  return isAbsolute(path) ? path : resolve(cwd ?? process.cwd(), path);
}

/** Link is not supported by every file system (some FUSE and FAT mounts); rename is then the fallback. */
export const LINK_UNSUPPORTED: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Writes `data` to `path` atomically with mode `mode` (default 0600), refusing to replace an
 * existing file unless `force`. Throws CertkitError EXISTS (exit 6) or WRITE_FAILED (exit 7), both
 * naming the path; no temporary file is left behind on failure.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, options: WriteFileOptions = {}): Promise<void> {
  await (await stageFile(path, data, options)).publish();
}

/** A file written and synced under its temporary name (see `stageFile`), not yet at its path. */
export interface StagedFile {
  /** Puts it at its path (steps 3 and 4 of `writeFileAtomic`); once only. */
  publish(): Promise<void>;
  /** Removes it, leaving its path as it was; nothing once published. */
  discard(): Promise<void>;
}

/**
 * `writeFileAtomic` in two halves: steps 1 and 2 now (the file written and synced under its
 * temporary name, which `removeInFlightTempFiles` knows), steps 3 and 4 when `publish` is called;
 * `discard` removes it instead. For a file that must be on disk the moment something happens (the
 * resume state before a CSR leaves) but whose writing can start before it is known that it will.
 */
export async function stageFile(path: string, data: Uint8Array, options: WriteFileOptions = {}): Promise<StagedFile> {
  const mode = options.mode ?? SECRET_MODE;
  const force = options.force ?? false;
  const target = absolute(path, options.cwd);
  const fs = options.fs ?? nodeFsOps;

  await (force ? refuseIrregular(fs, target, path) : refuseExisting(fs, target, path));
  const tmp = await stage(fs, target, data, mode, path);
  let settled = false;
  const once = (): void => {
    if (settled) throw new CertkitError('INTERNAL', `the staged ${path} was already published or discarded`);
    settled = true;
  };
  return {
    async publish() {
      once();
      await publish(fs, tmp, target, path, force);
      await syncDirectory(fs, dirname(target));
    },
    async discard() {
      if (settled) return;
      settled = true;
      await discard(fs, tmp);
    },
  };
}

/**
 * Steps 1 and 2: a temporary file beside `target`, created with `mode` (O_EXCL), written and
 * synced. Resolves with its path, registered as in flight until `publish` or `discard`; on
 * failure nothing is left (WRITE_FAILED naming `shown`).
 */
async function stage(fs: FsOps, target: string, data: Uint8Array, mode: number, shown: string): Promise<string> {
  const tmp = tempPathFor(target);
  let created = false;
  inFlight.add(tmp);
  try {
    // O_EXCL with the final mode: the file is never more open than `mode`, from its first byte.
    const fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
    created = true;
    try {
      await fh.chmod(mode); // the umask applied to open(); fchmod sets exactly `mode`
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return tmp;
  } catch (e) {
    if (created) await removeTemp(fs, tmp);
    inFlight.delete(tmp);
    throw e instanceof CertkitError ? e : writeFailed(e, shown);
  }
}

/** Step 3: publishes a staged file at `target` (see `writeFileAtomic`); the temporary name is gone afterwards either way. */
async function publish(fs: FsOps, tmp: string, target: string, shown: string, force: boolean): Promise<void> {
  try {
    if (beforePublishHook !== undefined) await beforePublishHook(tmp);
    if (force) await fs.rename(tmp, target);
    else await publishExclusive(fs, tmp, target, shown);
  } catch (e) {
    await removeTemp(fs, tmp);
    throw e instanceof CertkitError ? e : writeFailed(e, shown);
  } finally {
    inFlight.delete(tmp);
  }
}

/** Removes a staged file that will not be published. */
async function discard(fs: FsOps, tmp: string): Promise<void> {
  await removeTemp(fs, tmp);
  inFlight.delete(tmp);
}

/** Removes a temporary file, trying twice; failing that it stays (hidden, never an output name). */
async function removeTemp(fs: FsOps, tmp: string): Promise<void> {
  await fs.unlink(tmp).catch(() => fs.unlink(tmp)).catch(() => undefined);
}

/** Publishes tmp at target without ever replacing a file there; removes tmp on success. */
async function publishExclusive(fs: FsOps, tmp: string, target: string, shown: string): Promise<void> {
  try {
    await fs.link(tmp, target);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'EEXIST') throw exists(shown, e);
    if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw e;
    // No hard links here: check, then rename. A file appearing in between is the only (tiny) race.
    await refuseExisting(fs, target, shown);
    await fs.rename(tmp, target);
    return;
  }
  // Published. The temporary name is a second link to the same, complete file: remove it (twice
  // if need be); only if that fails is it an error, naming the leftover.
  try {
    await fs.unlink(tmp).catch(() => fs.unlink(tmp));
  } catch (e) {
    throw new CertkitError('WRITE_FAILED', `written, but cannot remove the temporary file ${basename(tmp)}`, {
      file: shown,
      hint: 'the file is complete; delete the temporary file by hand',
      cause: e,
    });
  }
}

/**
 * What is at `target` (lstat: a symbolic link is one), or undefined when nothing is;
 * WRITE_FAILED for a path under a file; other lstat errors are left to the write to report.
 */
async function statTarget(fs: FsOps, target: string, shown: string): Promise<FsStats | undefined> {
  try {
    return await fs.lstat(target);
  } catch (e) {
    if (errnoOf(e) === 'ENOTDIR') throw writeFailed(e, shown);
    return undefined; // missing, or a permission problem the write itself reports precisely
  }
}

/**
 * WRITE_FAILED when `st` is not a regular file: only a regular file is ever replaced (with
 * force), so a directory, a symbolic link (such as /dev/stdout's), a FIFO or a device in the way
 * is an error with or without force (never EXISTS: --force would not help).
 */
function refuseIrregularStats(st: FsStats, shown: string): void {
  if (st.isFile()) return;
  if (st.isDirectory()) throw writeFailed(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), shown);
  throw new CertkitError('WRITE_FAILED', `cannot write: ${fileKind(st)} is in the way (only a regular file is ever replaced, with --force)`, {
    file: shown,
  });
}

/** EXISTS if a regular file is at `target`, WRITE_FAILED if anything else is (see refuseIrregularStats). */
async function refuseExisting(fs: FsOps, target: string, shown: string): Promise<void> {
  const st = await statTarget(fs, target, shown);
  if (st === undefined) return;
  refuseIrregularStats(st, shown);
  throw exists(shown);
}

/** With force: WRITE_FAILED if something other than a regular file is at `target`. */
async function refuseIrregular(fs: FsOps, target: string, shown: string): Promise<void> {
  const st = await statTarget(fs, target, shown);
  if (st !== undefined) refuseIrregularStats(st, shown);
}

async function syncDirectory(fs: FsOps, dir: string): Promise<void> {
  try {
    const fh = await fs.open(dir, fsc.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the file itself is already synced.
  }
}

export interface WriteArtifactsOptions {
  readonly force?: boolean;
  /** Directory relative paths are resolved against; default `process.cwd()`. */
  readonly cwd?: string;
  /** The file system (default node:fs/promises); tests inject failures. */
  readonly fs?: FsOps;
}

/**
 * Writes every artifact into `dir` (created 0700 if missing): sensitive ones 0600, others 0644.
 * All targets are checked first: without `force`, if any exists nothing is written (EXISTS naming
 * the first). Returns the written paths, joined to `dir` as given, in order.
 */
export async function writeArtifacts(
  dir: string,
  artifacts: readonly Artifact[],
  options: WriteArtifactsOptions = {},
): Promise<string[]> {
  const force = options.force ?? false;
  const absDir = absolute(dir, options.cwd);
  const names = new Set<string>();
  for (const a of artifacts) {
    if (a.name === '' || a.name === '.' || a.name === '..' || a.name.includes('/') || a.name.includes('\\')) {
      throw new CertkitError('INTERNAL', `artifact name '${a.name}' is not a plain file name`);
    }
    if (names.has(a.name)) throw new CertkitError('INTERNAL', `artifact '${a.name}' given twice`);
    names.add(a.name);
  }
  await checkArtifacts(dir, artifacts, options);
  const fs = options.fs ?? nodeFsOps;
  await makeDirectory(fs, absDir, dir);
  // Every file is staged at once (their writes and fsyncs overlap on the thread pool), then
  // published one by one in order, then the directory is synced once. A failed staging publishes
  // nothing; a failed publication leaves the files before it published and nothing after it.
  const shown = artifacts.map((a) => join(dir, a.name));
  const staged = await Promise.allSettled(
    artifacts.map((a, i) => stage(fs, join(absDir, a.name), a.data, a.sensitive ? SECRET_MODE : PUBLIC_MODE, shown[i]!)),
  );
  const tmps = staged.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (tmps.length < staged.length) {
    await Promise.all(tmps.map((tmp) => discard(fs, tmp)));
    throwFirstRejection(staged);
  }
  for (const [i, tmp] of tmps.entries()) {
    try {
      await publish(fs, tmp, join(absDir, artifacts[i]!.name), shown[i]!, force);
    } catch (e) {
      await Promise.all(tmps.slice(i + 1).map((t) => discard(fs, t)));
      throw e;
    }
  }
  if (artifacts.length > 0) await syncDirectory(fs, absDir);
  return shown;
}

/**
 * Checks that every artifact can be written into `dir` without writing anything: EXISTS naming the
 * first existing target (unless `force`), WRITE_FAILED if `dir` or a target is not what it must be.
 */
export async function checkArtifacts(
  dir: string,
  artifacts: readonly Artifact[],
  options: WriteArtifactsOptions = {},
): Promise<void> {
  const absDir = absolute(dir, options.cwd);
  const fs = options.fs ?? nodeFsOps;
  // Every path at once; the first problem in order (the directory, then each target) is the one
  // reported.
  const checks = await Promise.allSettled([
    checkDirectory(fs, absDir, dir),
    ...artifacts.map((a) => {
      const target = join(absDir, a.name);
      return options.force ? refuseIrregular(fs, target, join(dir, a.name)) : refuseExisting(fs, target, join(dir, a.name));
    }),
  ]);
  throwFirstRejection(checks);
}

/**
 * Refuses an existing directory `dir` that others can write: group- or world-writable without the
 * sticky bit, where anyone with that access can rename or replace the files written into it, or
 * plant a file a later run reads back (the resume state). WRITE_FAILED naming `dir`; a missing
 * directory is fine (it is made 0700), other problems are left to the writes to report.
 */
export async function refuseSharedDirectory(dir: string, options: WriteArtifactsOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeFsOps;
  let st: FsStats;
  try {
    st = await fs.stat(absolute(dir, options.cwd));
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  const mode = st.mode & 0o7777;
  if ((mode & 0o022) !== 0 && (mode & 0o1000) === 0) {
    throw new CertkitError('WRITE_FAILED', `cannot write: others can write this directory (mode ${mode.toString(8).padStart(4, '0')}, no sticky bit)`, {
      file: dir,
      hint: 'remove their write permission with chmod go-w, or use a directory only you can write',
    });
  }
}

/** This sink's temporary names: `.<name>.tmp-<12 hex digits>` (see `tempPathFor`). */
const TEMP_NAME = /^\.(.+)\.tmp-[0-9a-f]{12}$/;

/**
 * Removes from `dir` the temporary files of `names` that a killed run left behind (a SIGKILL
 * leaves `.<name>.tmp-<hex>`, for a key a 0600 copy of it, which nothing else removes): only
 * regular files owned by `uid` (when given). For a caller holding the directory's lock, so that
 * none of them is being written by a live run. Resolves with the names removed; a file that
 * cannot be removed is left (it is never mistaken for an output).
 */
export async function removeStaleTempFiles(
  dir: string,
  names: readonly string[],
  options: WriteArtifactsOptions & { readonly uid?: number | undefined } = {},
): Promise<string[]> {
  const fs = options.fs ?? nodeFsOps;
  const absDir = absolute(dir, options.cwd);
  const ours = new Set(names);
  let listed: string[];
  try {
    listed = await fs.readdir(absDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of listed) {
    const m = TEMP_NAME.exec(name);
    if (m === null || !ours.has(m[1]!)) continue;
    const path = join(absDir, name);
    try {
      const st = await fs.lstat(path);
      if (!st.isFile() || (options.uid !== undefined && st.uid !== options.uid)) continue;
      await fs.unlink(path);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** Fails early when `dir` exists but is not a directory. */
async function checkDirectory(fs: FsOps, absDir: string, shown: string): Promise<void> {
  try {
    const st = await fs.lstat(absDir);
    if (!st.isDirectory() && !(await isDirectoryLink(fs, absDir))) {
      throw writeFailed(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), shown);
    }
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    if (errnoOf(e) !== 'ENOENT') throw writeFailed(e, shown);
  }
}

async function isDirectoryLink(fs: FsOps, p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}


/**
 * Creates `absDir` (and parents) if missing, one level at a time: the missing ones are found by
 * stat going up, then made outermost first. (Node 20's recursive mkdir loops for ever where
 * mkdir(2) answers ENOENT under a directory that exists, as in /proc, and reports a read-only
 * file system as ENOENT.) The directory itself gets 0700 regardless of umask. Resolves with the
 * first directory it created, if any. WRITE_FAILED naming `shown`.
 */
async function makeDirectory(fs: FsOps, absDir: string, shown: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let d = absDir; ; d = dirname(d)) {
    let st: FsStats;
    try {
      st = await fs.stat(d);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT' || dirname(d) === d) throw writeFailed(e, shown);
      missing.unshift(d);
      continue;
    }
    if (!st.isDirectory()) throw writeFailed(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), shown);
    break;
  }
  let first: string | undefined;
  for (const d of missing) {
    try {
      await fs.mkdir(d, DIRECTORY_MODE);
      first ??= d;
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EEXIST' && (await isDirectoryLink(fs, d))) continue; // made meanwhile by someone else
      if (code === 'ENOENT') {
        // Its parent is there (it was found, or made just now): this file system makes no directories here.
        throw new CertkitError('WRITE_FAILED', `cannot write: the file system does not let ${d} be made`, { file: shown, cause: e });
      }
      throw writeFailed(e, shown);
    }
  }
  if (first !== undefined) {
    try {
      await fs.chmod(absDir, DIRECTORY_MODE);
    } catch (e) {
      throw writeFailed(e, shown);
    }
  }
  return first;
}

/**
 * Creates the output directory `dir` (and its parents) as `writeArtifacts` does, before anything
 * is written into it. Resolves with an undo for a run that stops before writing there: it removes
 * the directories this call created, deepest first, each only if still empty (best effort).
 */
export async function makeOutputDirectory(dir: string, options: WriteArtifactsOptions = {}): Promise<() => Promise<void>> {
  const fs = options.fs ?? nodeFsOps;
  const absDir = absolute(dir, options.cwd);
  const first = await makeDirectory(fs, absDir, dir);
  return async () => {
    if (first === undefined) return;
    for (let d = absDir; ; d = dirname(d)) {
      try {
        await fs.rmdir(d);
      } catch {
        return; // not empty (someone else's now), or not ours to remove
      }
      if (d === first || dirname(d) === d) return;
    }
  };
}

/** A Sink writing into a local directory (see `writeArtifacts`). */
export class DirectorySink implements Sink {
  readonly description: string;

  constructor(
    private readonly dir: string,
    private readonly options: WriteArtifactsOptions = {},
  ) {
    this.description = dir;
  }

  check(artifacts: readonly Artifact[]): Promise<void> {
    return checkArtifacts(this.dir, artifacts, this.options);
  }

  write(artifacts: readonly Artifact[]): Promise<string[]> {
    return writeArtifacts(this.dir, artifacts, this.options);
  }
}
