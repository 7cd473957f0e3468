/**
 * Reading inputs and writing outputs for the commands: paths resolved against the run's working
 * directory, errors naming the path as the user typed it, every write through the atomic
 * directory sink (0600 for secrets, 0644 for public material, no overwrite without --force).
 */
import { lstat } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { CertkitError, errnoOf } from '../errors.js';
import { INPUT_LIMITS } from '../limits.js';
import { quotePath } from '../quote.js';
import { limitExceeded, readFileLimited } from '../read-limited.js';
import { PUBLIC_MODE, SECRET_MODE, writeFileAtomic } from '../sinks/directory.js';
import type { CliContext } from './command.js';
import type { ExpectedKind } from './file-kind.js';

/** Largest input file a command reads, keystores and PEM bundles are far smaller (INPUT_LIMITS in src/limits.ts). */
export const MAX_INPUT_BYTES = INPUT_LIMITS.maxInputBytes;

// node:fs's callback API, not node:fs/promises (see read-limited.ts).
const lstatPath = promisify(lstat);

/**
 * Reads an input file (a regular file, or a pipe or device such as /dev/stdin, never more than
 * MAX_INPUT_BYTES of it); READ_FAILED (exit 3) naming `path` if it cannot be read, LIMIT_EXCEEDED
 * if it is larger.
 */
export async function readInput(ctx: CliContext, path: string): Promise<Buffer> {
  try {
    return await readFileLimited(ctx.path(path), MAX_INPUT_BYTES, limitExceeded('file', path, MAX_INPUT_BYTES));
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    const code = errnoOf(e) ?? '';
    const text =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code || 'error'})`;
    throw new CertkitError('READ_FAILED', `cannot read: ${text}`, { file: path, cause: e });
  }
}

/** Runs `fn`, naming `path` in any CertkitError it throws that names no file yet. */
export async function about<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CertkitError) throw e.forFile(path);
    throw e;
  }
}

/** An input as read, and the kind the command reads it as. */
export interface ReadInput {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly kind: ExpectedKind;
}

/** The errors a file of another kind causes (a parser finding what it does not expect). */
const WRONG_KIND_CODES: ReadonlySet<string> = new Set(['INVALID_INPUT', 'UNSUPPORTED', 'LIMIT_EXCEEDED']);

/**
 * As `about` (naming the first input's path), for a step that reads `inputs`: when it fails as
 * bad input and one of them is plainly another kind of file (a keystore given as a key), the
 * error names that file by its kind and the command that turns one into the other.
 */
export async function aboutInputs<T>(inputs: readonly [ReadInput, ...ReadInput[]], fn: () => T | Promise<T>): Promise<T> {
  try {
    return await about(inputs[0].path, fn);
  } catch (e) {
    if (!(e instanceof CertkitError) || !WRONG_KIND_CODES.has(e.code)) throw e;
    const { wrongKindError } = await import('./file-kind.js');
    for (const input of inputs) {
      const named = wrongKindError(e, input.path, input.bytes, input.kind);
      if (named !== e) throw named;
    }
    throw e;
  }
}

/** What `certkit client` calls the file beside its keystores that holds both passwords. */
const CLIENT_PROPERTIES = 'client.properties';

/**
 * As `aboutInputs`, for reading a keystore: a wrong key password (not the store's) says which
 * option gives it (`keyOption`: `--keypass`, `--srckeypass`) and, when `certkit client` left a
 * client.properties beside the keystore, that it holds the password.
 */
export async function aboutKeystore<T>(
  ctx: CliContext,
  input: { readonly path: string; readonly bytes: Uint8Array },
  keyOption: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  const path = input.path;
  try {
    return await aboutInputs([{ ...input, kind: 'keystore' }], fn);
  } catch (e) {
    if (!(e instanceof CertkitError) || e.code !== 'BAD_PASSWORD' || e.password !== 'key') throw e;
    const properties = join(dirname(path), CLIENT_PROPERTIES);
    const beside = (await exists(ctx, properties)) ? `; ${quotePath(CLIENT_PROPERTIES)} in ${quotePath(dirname(path))} has it (ssl.key.password)` : '';
    throw e.withHint(`give the key's own password with ${keyOption}${beside}`);
  }
}

async function exists(ctx: CliContext, p: string): Promise<boolean> {
  try {
    await lstatPath(ctx.path(p));
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes an output file atomically: 0600 when `sensitive`, else 0644; EXISTS (exit 6) if it exists
 * and `force` is false; WRITE_FAILED (exit 7) naming the path. `-` writes to stdout instead.
 */
export async function writeOutput(
  ctx: CliContext,
  path: string,
  data: Buffer | string,
  options: { sensitive: boolean; force: boolean },
): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (path === '-') {
    ctx.io.stdout.write(bytes.toString('utf8'));
    return;
  }
  await writeFileAtomic(path, bytes, {
    mode: options.sensitive ? SECRET_MODE : PUBLIC_MODE,
    force: options.force,
    cwd: ctx.io.cwd,
  });
}

/** Fails with USAGE when two outputs name the same file. */
export function distinctOutputs(paths: ReadonlyArray<readonly [string, string | undefined]>): void {
  const seen = new Map<string, string>();
  for (const [option, p] of paths) {
    if (p === undefined || p === '-') continue;
    const prev = seen.get(p);
    if (prev !== undefined) throw new CertkitError('USAGE', `${prev} and ${option} name the same file`, { file: p });
    seen.set(p, option);
  }
}

/**
 * Before writing several outputs: EXISTS (exit 6) naming the first that exists when `force` is
 * false, so a refused run writes none of them. `-` and undefined are skipped. (Each write still
 * refuses atomically on its own; this only keeps a run from stopping half-way.)
 */
export async function refuseExistingOutputs(ctx: CliContext, paths: ReadonlyArray<string | undefined>, force: boolean): Promise<void> {
  if (force) return;
  for (const p of paths) {
    if (p === undefined || p === '-') continue;
    // Missing (or not reachable): the write itself reports any real problem.
    if (await exists(ctx, p)) {
      throw new CertkitError('EXISTS', 'refusing to overwrite an existing file', { file: p, hint: 'use --force to replace it' });
    }
  }
}
