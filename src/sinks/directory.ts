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
 * The temporary file is removed on any failure, so a failed write leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { chmod, link, lstat, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

import { CertkitError } from '../errors.js';

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

export interface WriteFileOptions {
  /** Final file mode; default 0600 (the safe default: callers opt in to 0644 for public files). */
  readonly mode?: number;
  /** Replace an existing file (atomically). Default false: an existing file is an EXISTS error. */
  readonly force?: boolean;
  /** Directory relative paths are resolved against; default `process.cwd()`. Errors name the path as given. */
  readonly cwd?: string;
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

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

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
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Writes `data` to `path` atomically with mode `mode` (default 0600), refusing to replace an
 * existing file unless `force`. Throws CertkitError EXISTS (exit 6) or WRITE_FAILED (exit 7), both
 * naming the path; no temporary file is left behind on failure.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, options: WriteFileOptions = {}): Promise<void> {
  const mode = options.mode ?? SECRET_MODE;
  const force = options.force ?? false;
  const target = absolute(path, options.cwd);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);

  if (!force) await refuseExisting(target, path);

  let created = false;
  try {
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
    created = true;
    try {
      await fh.chmod(mode); // the umask applied to open(); fchmod sets exactly `mode`
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (force) {
      await rename(tmp, target);
      created = false;
    } else {
      await publishExclusive(tmp, target, path);
      created = false;
    }
  } catch (e) {
    if (created) await unlink(tmp).catch(() => undefined);
    if (e instanceof CertkitError) throw e;
    throw writeFailed(e, path);
  }
  await syncDirectory(dir);
}

/** Publishes tmp at target without ever replacing a file there; removes tmp on success. */
async function publishExclusive(tmp: string, target: string, shown: string): Promise<void> {
  try {
    await link(tmp, target);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'EEXIST') throw exists(shown, e);
    if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw e;
    // No hard links here: check, then rename. A file appearing in between is the only (tiny) race.
    await refuseExisting(target, shown);
    await rename(tmp, target);
    return;
  }
  await unlink(tmp);
}

/** EXISTS if something is at `target` (WRITE_FAILED if it is a directory); other lstat errors are ignored here. */
async function refuseExisting(target: string, shown: string): Promise<void> {
  let st;
  try {
    st = await lstat(target);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return;
    if (errnoOf(e) === 'ENOTDIR') throw writeFailed(e, shown);
    return; // let the write itself report permission problems precisely
  }
  if (st.isDirectory()) throw writeFailed(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), shown);
  throw exists(shown);
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, fsc.O_RDONLY);
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
  await makeDirectory(absDir, dir);
  const written: string[] = [];
  for (const a of artifacts) {
    const shown = join(dir, a.name);
    await writeFileAtomic(shown, a.data, { mode: a.sensitive ? SECRET_MODE : PUBLIC_MODE, force, cwd: options.cwd });
    written.push(shown);
  }
  return written;
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
  await checkDirectory(absDir, dir);
  for (const a of artifacts) {
    const target = join(absDir, a.name);
    if (options.force) await refuseDirectoryAt(target, join(dir, a.name));
    else await refuseExisting(target, join(dir, a.name));
  }
}

/** Fails early when `dir` exists but is not a directory. */
async function checkDirectory(absDir: string, shown: string): Promise<void> {
  try {
    const st = await lstat(absDir);
    if (!st.isDirectory() && !(await isDirectoryLink(absDir))) {
      throw writeFailed(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), shown);
    }
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    if (errnoOf(e) !== 'ENOENT') throw writeFailed(e, shown);
  }
}

async function isDirectoryLink(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function refuseDirectoryAt(target: string, shown: string): Promise<void> {
  try {
    if ((await lstat(target)).isDirectory()) {
      throw writeFailed(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), shown);
    }
  } catch (e) {
    if (e instanceof CertkitError) throw e;
  }
}

/** Creates `absDir` (and parents) if missing; the directory itself gets 0700 regardless of umask. */
async function makeDirectory(absDir: string, shown: string): Promise<void> {
  try {
    const first = await mkdir(absDir, { recursive: true, mode: DIRECTORY_MODE });
    if (first !== undefined) await chmod(absDir, DIRECTORY_MODE);
  } catch (e) {
    throw writeFailed(e, shown);
  }
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
