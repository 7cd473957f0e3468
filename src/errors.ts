/**
 * certkit's one error type. Every failure the library expects carries a stable `code`;
 * callers switch on the code, never on the message. `exitStatusOf` is the one place
 * that maps codes to the CLI's exit statuses (DESIGN.md, "Exit statuses").
 */
import { escapeText, quotePath } from './quote.js';

export type ErrorCode =
  /** Bad command-line usage: unknown option, missing argument, conflicting options. */
  | 'USAGE'
  /** Input that is malformed, truncated, corrupt or not what it claims to be. */
  | 'INVALID_INPUT'
  /** Well-formed input using something certkit does not implement (an unknown algorithm, a version). */
  | 'UNSUPPORTED'
  /** A limit certkit enforces on hostile input (size, depth, count, iterations). */
  | 'LIMIT_EXCEEDED'
  /** Wrong password, or an integrity check (MAC, keystore digest) failed. */
  | 'BAD_PASSWORD'
  /** An integrity check failed in a way that may or may not be the password's fault. */
  | 'INTEGRITY'
  /** A certificate and key, or a chain, that do not belong together; a failed verification. */
  | 'VERIFY_FAILED'
  /** A call to AWS failed (service error, throttling that did not clear, network). */
  | 'AWS'
  /** A Kafka broker refused the identity, or could not be reached or understood (`certkit probe`). */
  | 'KAFKA'
  /** An output already exists and `--force` was not given. */
  | 'EXISTS'
  /** Reading an input file failed (not found, permission). */
  | 'READ_FAILED'
  /** Writing an output failed (permission, disk full, read-only file system). */
  | 'WRITE_FAILED'
  /** The user interrupted (^C at a prompt, where the terminal sends no SIGINT). */
  | 'INTERRUPTED'
  /** A bug: something certkit did not expect. */
  | 'INTERNAL';

/** DESIGN.md's exit statuses. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  INVALID: 3,
  PASSWORD: 4,
  AWS: 5,
  EXISTS: 6,
  IO: 7,
  /** 128 + SIGINT, as a shell reports a ^C. */
  INTERRUPTED: 130,
} as const;

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  USAGE: EXIT.USAGE,
  INVALID_INPUT: EXIT.INVALID,
  UNSUPPORTED: EXIT.INVALID,
  LIMIT_EXCEEDED: EXIT.INVALID,
  READ_FAILED: EXIT.INVALID,
  VERIFY_FAILED: EXIT.INVALID,
  BAD_PASSWORD: EXIT.PASSWORD,
  INTEGRITY: EXIT.PASSWORD,
  AWS: EXIT.AWS,
  KAFKA: EXIT.AWS,
  EXISTS: EXIT.EXISTS,
  WRITE_FAILED: EXIT.IO,
  INTERRUPTED: EXIT.INTERRUPTED,
  INTERNAL: EXIT.INTERNAL,
};

export interface CertkitErrorOptions {
  cause?: unknown;
  /** The file (or S3 URI, ARN) the error is about; named in the one-line message. */
  file?: string;
  /** What the user can do about it; appended to the message. */
  hint?: string;
  /** BAD_PASSWORD only: which password failed, when the reader knows (a key's, as opposed to the store's). */
  password?: 'key';
  /** AWS only: false when the service refused the request as given (a wrong argument): the same command fails the same way. */
  retryable?: false;
}

export class CertkitError extends Error {
  override readonly name = 'CertkitError';
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly hint: string | undefined;
  readonly password: 'key' | undefined;
  readonly retryable: false | undefined;

  constructor(code: ErrorCode, message: string, options: CertkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
    this.hint = options.hint;
    this.password = options.password;
    this.retryable = options.retryable;
  }

  /** Everything but the message, for the copies below. */
  #options(): CertkitErrorOptions {
    return {
      cause: this.cause,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.password === undefined ? {} : { password: this.password }),
      ...(this.retryable === undefined ? {} : { retryable: this.retryable }),
    };
  }

  #copy(message: string, options: CertkitErrorOptions): CertkitError {
    const e = new CertkitError(this.code, message, { ...this.#options(), ...options });
    e.stack = this.stack;
    return e;
  }

  /**
   * A copy of this error with context added in front as it rises through the layers
   * ("entry 3 'client' → certificate 2: length past the end"), keeping code, file and cause.
   */
  withContext(context: string): CertkitError {
    return this.#copy(`${context}: ${this.message}`, {});
  }

  /** A copy naming the file it concerns (only if none is named yet). */
  forFile(file: string): CertkitError {
    return this.file !== undefined ? this : this.#copy(this.message, { file });
  }

  /** A copy saying what to do (in place of any hint it had). */
  withHint(hint: string): CertkitError {
    return this.#copy(this.message, { hint });
  }
}

export function isCertkitError(e: unknown): e is CertkitError {
  return e instanceof CertkitError;
}

/** The exit status for any thrown value: a CertkitError by its code, anything else is a bug (1). */
export function exitStatusOf(e: unknown): number {
  return isCertkitError(e) ? EXIT_BY_CODE[e.code] : EXIT.INTERNAL;
}

/**
 * One line for the user: "certkit: FILE: message (hint)". The file is quoted as `ls` quotes names
 * when it needs it (`quotePath`); any control, bidi or line-separator character left in the message
 * (a subject or alias from a file) is shown escaped (`escapeText`), so the line stays one line.
 */
export function formatError(e: unknown): string {
  if (isCertkitError(e)) {
    const where = e.file === undefined ? '' : `${quotePath(e.file)}: `;
    const hint = e.hint === undefined ? '' : ` (${e.hint})`;
    return `certkit: ${where}${escapeText(e.message + hint)}`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `certkit: internal error: ${escapeText(msg.split('\n')[0]!)} (this is a bug; rerun with --debug and report it)`;
}

/** Shorthands used by the parsers. */
export const invalid = (message: string, options?: CertkitErrorOptions) =>
  new CertkitError('INVALID_INPUT', message, options);
export const unsupported = (message: string, options?: CertkitErrorOptions) =>
  new CertkitError('UNSUPPORTED', message, options);

/** Runs `fn`, adding `context` to any CertkitError it throws; anything else becomes INVALID_INPUT. */
export function withContext<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isCertkitError(e)) throw e.withContext(context);
    throw new CertkitError('INVALID_INPUT', `${context}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The `code` Node puts on its errors (an errno name such as `ENOENT`, or `ERR_OSSL_...`), if `e` has one. */
export function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * After `Promise.allSettled`: throws the reason of the first rejected result in the given order
 * (the one to report when several steps ran at once), if there is one.
 */
export function throwFirstRejection(results: readonly PromiseSettledResult<unknown>[]): void {
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
