/**
 * Password sources, as openssl takes pass phrases (`openssl-passphrase-options(1)`), plus keytool's
 * habit of a bare value:
 *
 *   pass:TEXT   the password is TEXT (visible in `ps` and shell history: a notice says so, once)
 *   env:VAR     the value of environment variable VAR
 *   file:PATH   the first line of PATH; if several options name the same PATH they read its
 *               successive lines, as openssl does for -passin/-passout
 *   stdin       the next line of standard input; several options reading stdin take its lines in
 *               the order the command asks for them. On a terminal, a prompt without echo instead
 *   anything else is the password itself (as keytool's -storepass), with the same notice as pass:
 *
 * Passwords never appear in messages: errors name the source (`env:VAR`, the file), never a value.
 */
import { isAbsolute, resolve } from 'node:path';

import { CertkitError, errnoOf } from '../errors.js';
import { INPUT_LIMITS } from '../limits.js';
import { quoteInput } from '../quote.js';
import { readFileLimited } from '../read-limited.js';
import type { TextOut } from './command.js';
import type { TerminalInput } from './prompt.js';

/** Longest password line accepted from a file or stdin (INPUT_LIMITS in src/limits.ts). */
export const MAX_PASSWORD_LINE = INPUT_LIMITS.maxPasswordLine;
/** Largest password file read, only its first lines are used (INPUT_LIMITS in src/limits.ts). */
export const MAX_PASSWORD_FILE = INPUT_LIMITS.maxPasswordFileBytes;

/** What a `stdin` source reads from: a stream (process.stdin), or fixed text for tests. */
export type StdinSource = AsyncIterable<Buffer | string> | Buffer | string | undefined;

/**
 * Reads standard input one line at a time, keeping what it read ahead, so that several options
 * reading `stdin` share its lines in order. Nothing is read until the first line is asked for.
 */
export class StdinLines {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private iterator: AsyncIterator<Buffer | string> | undefined;

  constructor(private readonly source: StdinSource) {
    if (source === undefined) this.ended = true;
    else if (typeof source === 'string' || Buffer.isBuffer(source)) {
      this.buffered = Buffer.from(source);
      this.ended = true;
    }
  }

  /** The next line without its line end (`\n` or `\r\n`), or undefined at end of input. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buffered.indexOf(0x0a);
      if (nl >= 0) {
        if (nl > MAX_PASSWORD_LINE) throw tooLong('stdin');
        const line = this.buffered.subarray(0, nl);
        this.buffered = this.buffered.subarray(nl + 1);
        return stripCr(line.toString('utf8'));
      }
      if (this.buffered.length > MAX_PASSWORD_LINE) throw tooLong('stdin');
      if (this.ended) {
        if (this.buffered.length === 0) return undefined;
        const last = this.buffered.toString('utf8');
        this.buffered = Buffer.alloc(0);
        return stripCr(last);
      }
      await this.pull();
    }
  }

  private async pull(): Promise<void> {
    if (this.iterator === undefined) {
      this.iterator = (this.source as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    }
    let r: IteratorResult<Buffer | string>;
    try {
      r = await this.iterator.next();
    } catch (e) {
      // A read error (EIO on a terminal that went away, EISDIR for `< /`) ends the input.
      this.ended = true;
      throw stdinReadFailed(e);
    }
    if (r.done === true) {
      this.ended = true;
      return;
    }
    this.buffered = Buffer.concat([this.buffered, Buffer.from(r.value)]);
  }

  /** Stops reading (releases the stream so the process can exit). */
  async close(): Promise<void> {
    const it = this.iterator;
    this.iterator = undefined;
    this.ended = true;
    if (it?.return !== undefined) await it.return().catch(() => undefined);
  }
}

const READ_ERRNO_TEXT: Readonly<Record<string, string>> = {
  EIO: 'input/output error',
  EISDIR: 'it is a directory',
  EAGAIN: 'resource temporarily unavailable',
  EBADF: 'it is not open',
  ECONNRESET: 'connection reset',
  EACCES: 'permission denied',
};

function stdinReadFailed(e: unknown): CertkitError {
  const code = errnoOf(e);
  const message = e instanceof Error ? e.message : String(e);
  const reason = (code !== undefined ? READ_ERRNO_TEXT[code] ?? code : undefined) ?? quoteInput(message.split('\n')[0] ?? '');
  return new CertkitError('READ_FAILED', `cannot read the password from stdin: ${reason}`, { cause: e });
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

function tooLong(where: string): CertkitError {
  return new CertkitError('LIMIT_EXCEEDED', `password line longer than ${MAX_PASSWORD_LINE} bytes`, { file: where });
}

/** Everything a password source may read, shared by all options of one run. */
export interface PasswordSources {
  /** Standard input, shared line by line between options reading `stdin`. */
  readonly stdin: StdinLines;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory `file:` paths are resolved against. */
  readonly cwd: string;
  /** Called when a password was given on the command line (`pass:` or bare); prints the notice. */
  readonly onCommandLinePassword?: () => void;
  /** Lines already taken from each `file:` path (openssl's same-file-twice rule). */
  readonly fileLines?: Map<string, number>;
  /** The terminal to prompt on (stdin when it is one, and where prompts are written); undefined off one. */
  readonly terminal?: () => { readonly input: TerminalInput; readonly output: TextOut } | undefined;
}

/** What each password option is called in its prompt ("Enter keystore password:"), as keytool calls them. */
const PROMPT_LABELS: Readonly<Record<string, string>> = {
  '--storepass': 'keystore password',
  '--keypass': 'key password',
  '--srcstorepass': 'source keystore password',
  '--deststorepass': 'destination keystore password',
  '--srckeypass': 'source key password',
  '--destkeypass': 'destination key password',
  '--passin': 'pass phrase',
  '--passout': 'new pass phrase',
};

/** The prompt's name for `option` ("keystore password" for --storepass). */
export function promptLabel(option: string): string {
  return PROMPT_LABELS[option] ?? `password for ${option}`;
}

/** The notice printed (once per run) when a password is given on the command line. */
export const COMMAND_LINE_PASSWORD_NOTICE =
  'certkit: note: a password given on the command line can be seen by other users and is kept in shell history; ' +
  'prefer env:VAR, file:PATH or stdin';

/**
 * Sources for one CLI run: stdin shared line by line, and the command-line notice written at most
 * once with `warn`.
 */
export function createPasswordSources(io: {
  stdin: StdinSource;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  warn: (line: string) => void;
  /** Standard input when it is a terminal (`CliIo.terminal`), and where its prompts go. */
  terminal?: (() => TerminalInput | undefined) | undefined;
  prompts?: TextOut;
}): PasswordSources {
  let noticed = false;
  const { terminal, prompts } = io;
  return {
    stdin: new StdinLines(io.stdin),
    env: io.env,
    cwd: io.cwd,
    fileLines: new Map(),
    ...(terminal === undefined || prompts === undefined
      ? {}
      : {
          terminal: () => {
            const input = terminal();
            return input === undefined ? undefined : { input, output: prompts };
          },
        }),
    onCommandLinePassword: () => {
      if (noticed) return;
      noticed = true;
      io.warn(COMMAND_LINE_PASSWORD_NOTICE);
    },
  };
}

/**
 * Resolves one password source (`pass:TEXT`, `env:VAR`, `file:PATH`, `stdin`, or a bare password)
 * to the password. `option` names the command-line option in error messages (`--storepass`).
 * Throws USAGE for a missing variable or an empty stdin, READ_FAILED for an unreadable file.
 */
export async function resolvePassword(spec: string, sources: PasswordSources, option?: string): Promise<string> {
  const what = option === undefined ? 'password' : `${option}`;
  if (spec.startsWith('pass:')) {
    sources.onCommandLinePassword?.();
    return spec.slice('pass:'.length);
  }
  if (spec.startsWith('env:')) {
    const name = spec.slice('env:'.length);
    if (name === '') throw new CertkitError('USAGE', `${what}: env: needs a variable name (env:VAR)`);
    const value = sources.env[name];
    if (value === undefined) {
      // The name is user input: quoted, so a control character cannot break the one-line message.
      const shown = quoteInput(name);
      throw new CertkitError('USAGE', `${what}: environment variable ${shown} is not set`, {
        hint: `export ${shown}, or give the password another way`,
      });
    }
    return value;
  }
  if (spec.startsWith('file:')) {
    const path = spec.slice('file:'.length);
    if (path === '') throw new CertkitError('USAGE', `${what}: file: needs a path (file:PATH)`);
    return readPasswordFile(path, sources, what);
  }
  if (spec === 'stdin') {
    // On a terminal: asked for, without echo (a line typed at a terminal would otherwise show).
    const terminal = sources.terminal?.();
    if (terminal !== undefined) return (await import('./prompt.js')).askPassword(terminal, what, promptLabel(what), false);
    const line = await sources.stdin.next();
    if (line === undefined) {
      throw new CertkitError('USAGE', `${what}: no password on standard input (it ended before this line)`);
    }
    return line;
  }
  sources.onCommandLinePassword?.();
  return spec;
}

async function readPasswordFile(path: string, sources: PasswordSources, what: string): Promise<string> {
  const abs = isAbsolute(path) ? path : resolve(sources.cwd, path);
  const tooLarge = () => new CertkitError('LIMIT_EXCEEDED', `${what}: password file larger than ${MAX_PASSWORD_FILE} bytes`, { file: path });
  let data: Buffer;
  try {
    data = await readFileLimited(abs, MAX_PASSWORD_FILE, tooLarge);
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    const code = errnoOf(e) ?? 'error';
    const text = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code})`;
    throw new CertkitError('READ_FAILED', `${what}: cannot read password file: ${text}`, { file: path, cause: e });
  }
  const index = sources.fileLines?.get(abs) ?? 0;
  sources.fileLines?.set(abs, index + 1);
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text === '' ? [] : text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const line = lines[index];
  if (line === undefined) {
    throw new CertkitError('INVALID_INPUT', index === 0 ? `${what}: password file is empty` : `${what}: password file has no line ${index + 1}`, {
      file: path,
    });
  }
  if (line.length > MAX_PASSWORD_LINE) throw tooLong(path);
  return stripCr(line);
}
