/**
 * The CLI entry: builds the yargs root from the command files, runs one command, and maps every
 * error to one line on stderr and an exit status (DESIGN.md, "Exit statuses"):
 * yargs usage errors → 2, CertkitError → its code's status, anything else → 1 (a bug).
 * Stack traces only with --debug. All I/O goes through `io`, so tests run it in process.
 */
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';

import { CertkitError, errnoOf, EXIT, exitStatusOf, formatError, isCertkitError } from '../errors.js';
import { escapeText } from '../quote.js';
import { removeInFlightTempFiles, setBeforePublishHookForTests } from '../sinks/directory.js';
import { releaseHeldLocksOnSignal } from '../sinks/directory-lock.js';
import { resolveIn, type CertkitCommand, type CliContext, type CliIo } from './command.js';
import { createPasswordSources, resolvePassword } from './passwords.js';
import { startEarlyKey } from './early-key.js';
import { collectExamples, formatExamples, helpWidth, wrapHelp } from './help-layout.js';
import { declaredOptions, unknownOptionMessage } from './unknown-options.js';
import { processStdio } from './stdio.js';

// ── Command registration: import the command file, then add it to COMMANDS (one entry each). ──
import { caCommand } from './ca.js';
import { clientCommand } from './client.js';
import { csrCommand } from './csr.js';
import { keygenCommand } from './keygen.js';
import { keystoreCommand } from './keystore.js';
import { pcaCommand } from './pca.js';
import { probeCommand } from './probe.js';
import { redshiftSecretCommand } from './redshift-secret.js';
import { signCommand } from './sign.js';
import { truststoreCommand } from './truststore.js';
import { verifyCommand } from './verify.js';

/** Every top-level command, in the order `certkit --help` lists them. */
export const COMMANDS: readonly CertkitCommand[] = [
  clientCommand,
  keystoreCommand,
  truststoreCommand,
  keygenCommand,
  csrCommand,
  pcaCommand,
  caCommand,
  signCommand,
  redshiftSecretCommand,
  verifyCommand,
  probeCommand,
];

/** The context plus the exit status a command chose. */
interface RunContext extends CliContext {
  exitStatus: number;
  /** Set when a command's handler ran (else the words named no command). */
  ran: boolean;
  /** The command the words have named so far (`['keystore', 'list']`): a usage error points at its help. */
  helpPath: readonly string[];
}

/**
 * A usage error raised by yargs or its checks (unknown option, missing argument): exit 2, one
 * line, pointing at the help of the command the words named (`forHelpOf`), as git and the aws
 * CLI point at the subcommand's own usage.
 */
class UsageError extends CertkitError {
  constructor(message: string) {
    super('USAGE', message);
  }

  /** The error as shown: with "see 'certkit keystore list --help'" for `path` `['keystore', 'list']`. */
  forHelpOf(path: readonly string[]): CertkitError {
    const e = new CertkitError('USAGE', this.message, { hint: `see '${['certkit', ...path].join(' ')} --help'`, cause: this.cause });
    e.stack = this.stack;
    return e;
  }
}

/** The names of subcommands, for a message: "list, create, convert or export". */
function subcommandNames(cmd: CertkitCommand, conjunction: 'or' | 'and'): string {
  const names = (cmd.subcommands ?? []).map((s) => s.command.split(' ')[0]!);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

/** What certkit reads of yargs beyond its typings: the last parse and the options it knew. */
interface YargsInternals {
  readonly parsed?: false | { argv: Record<string, unknown>; error?: unknown };
  getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> };
}

/**
 * The unknown option among the words yargs has just parsed, named as unknown-options.ts names it,
 * or undefined. Asked on every usage error yargs reports, so an unknown option is the error
 * named, before a missing option or argument (which yargs checks first). A parse error (an option
 * without its value) is left to yargs, whose message names only the option: the word after it
 * may be a password that starts with '-'.
 */
function unknownOptionIn(y: Argv<any>, words: readonly string[]): string | undefined {
  const { parsed } = y as unknown as YargsInternals;
  if (parsed === undefined || parsed === false || parsed.error) return undefined;
  return unknownOptionMessage(words, Object.keys(parsed.argv), declaredOptions((y as unknown as YargsInternals).getOptions()));
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Exit statuses after a signal, as shells report them: 128 + the signal's number. */
export const SIGNAL_EXIT_STATUS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
};

/** What SIGINT prints: every step certkit takes can be run again (the client pipeline resumes). */
export const INTERRUPTED_LINE = 'certkit: interrupted; rerun the same command to resume';

/**
 * On SIGINT/SIGTERM/SIGHUP: remove the temporary files of writes in flight (so an interrupted run
 * leaves no `.name.tmp-*` behind) and the output directory's lock, then end by the same signal (SIGINT says so in one line first), its default action restored (a
 * shell reports 128 + the signal's number, SIGNAL_EXIT_STATUS, and a parent sees the signal).
 * Not process.exit(): it joins libuv's threads, and one held in a system call that does not
 * return (open(2) of a FIFO no one writes to, in a library reading its configuration) would keep
 * the process alive for ever. The signal ends it whatever its threads are doing. Only for a real
 * process run.
 */
function installSignalHandlers(): void {
  for (const signal of Object.keys(SIGNAL_EXIT_STATUS)) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      removeInFlightTempFiles();
      // On a terminal ^C ends the line a status or a prompt was on: this starts on a fresh one.
      if (signal === 'SIGINT') {
        const { stderr } = processStdio();
        stderr.write(`${stderr.isTTY ? '\r\x1b[2K' : ''}${INTERRUPTED_LINE}\n`);
      }
      releaseHeldLocksOnSignal();
      // `once` removed this listener, so Node restored the default action: the signal ends us.
      process.kill(process.pid, signal);
    });
  }
}

/**
 * TEST ONLY: with exactly `CERTKIT_TEST_PAUSE_BEFORE_PUBLISH=1` in the environment of a real process
 * run, every output write pauses (up to 60 s) after its temporary file is written and before it
 * is published, announcing the pause on stderr, so a test can send a signal while a write is in
 * flight (SIGUSR2 ends the pause). In-process runs (`main(argv, io)`) never honour it; no other value enables it.
 */
export const TEST_PAUSE_ENV = 'CERTKIT_TEST_PAUSE_BEFORE_PUBLISH';

function installTestPause(): void {
  if (process.env[TEST_PAUSE_ENV] !== '1') return;
  let resume: (() => void) | undefined;
  process.on('SIGUSR2', () => resume?.()); // the test's "go on" to the next write
  setBeforePublishHookForTests(async (tmp) => {
    process.stderr.write(`certkit: TEST ONLY ${TEST_PAUSE_ENV}=1: paused before publishing ${tmp}\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      resume = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    resume = undefined;
  });
}

/**
 * The process's working directory. READ_FAILED when it cannot be had: most often it was deleted
 * after the shell entered it (getcwd(3) then fails with ENOENT), which otherwise surfaced as a
 * raw stack trace from every command, even `--help`.
 */
function workingDirectory(): string {
  try {
    return process.cwd();
  } catch (e) {
    const code = errnoOf(e);
    throw new CertkitError('READ_FAILED', code === 'ENOENT' ? 'the working directory no longer exists' : `cannot tell the working directory (${code ?? 'error'})`, {
      hint: 'cd to a directory that exists and run certkit again',
      cause: e,
    });
  }
}

function processIo(): CliIo {
  const cwd = workingDirectory();
  installSignalHandlers();
  installTestPause();
  // Written straight to the descriptors unless they are terminals (see stdio.ts); a reader that
  // stops early (`certkit keystore list x | head -1`) is not an error of ours.
  const { stdout, stderr } = processStdio();
  return {
    stdout,
    stderr,
    // process.stdin is made on first read of a `stdin` password: making it costs start-up ~3 ms.
    stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
    env: process.env,
    cwd,
    terminal: () => (process.stdin.isTTY === true ? (process.stdin as import('node:tty').ReadStream) : undefined),
  };
}

/**
 * A yargs check: an option not declared as an array was given once. (yargs turns `--storepass a
 * --storepass b` into an array, which a command expecting one value would misread.)
 */
function singleValued(b: Argv<any>): (argv: Record<string, unknown>) => true {
  const declared = (b as unknown as { getOptions(): { array: string[] } }).getOptions().array;
  const arrays = new Set(declared);
  return (argv) => {
    for (const [key, value] of Object.entries(argv)) {
      if (key === '_' || key === '$0' || arrays.has(key) || !Array.isArray(value) || /[A-Z]/.test(key)) continue;
      throw new UsageError(`--${key} was given more than once`);
    }
    return true;
  };
}

const PASSWORD_EPILOG =
  'Passwords: pass:TEXT, env:VAR, file:PATH (first line), stdin (one line per option, in order), or the bare password; ' +
  'pass: and bare passwords are visible to other users.';

/** True when the command has a password option (`--storepass`, `--passin`, ...). */
function takesPasswords(b: Argv<any>): boolean {
  const options = (b as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
  return Object.keys(options.key).some((k) => /pass(in|out)?$/.test(k));
}

/**
 * A yargs check: no arguments beyond the command's own positionals. (yargs's `.strict()` would
 * reject them too, but its message repeats them, and a stray word is often a password typed
 * without its option or split by an unquoted space; so the count is said, never the words.)
 */
function noExtraPositionals(path: readonly string[]): (argv: Record<string, unknown>) => true {
  return (argv) => {
    const extra = (Array.isArray(argv._) ? argv._.length : 0) - path.length;
    if (extra > 0) {
      throw new UsageError(
        `'certkit ${path.join(' ')}' got ${extra} unexpected argument${extra === 1 ? '' : 's'} (not shown, in case one is a password: quote values with spaces)`,
      );
    }
    return true;
  };
}

/**
 * Registers `cmd` (and its subcommands) on `y`, its handler closing over the run's context; its
 * help is laid out for `width` columns (help-layout.ts: examples on lines of their own).
 */
function register(y: Argv<any>, cmd: CertkitCommand, ctx: RunContext, width: number, parent: readonly string[] = []): Argv<any> {
  const path = [...parent, cmd.command.split(' ')[0]!];
  return y.command({
    command: cmd.command,
    describe: cmd.describe,
    builder: (sub: Argv<any>) => {
      ctx.helpPath = path;
      const { built, examples } = collectExamples(sub, cmd.builder);
      let b = built;
      if (cmd.run !== undefined) b = b.check(singleValued(b)).check(noExtraPositionals(path));
      // yargs joins epilogs with one newline: the examples end with one more, for a blank line.
      if (examples.length > 0) b = b.epilog(formatExamples(examples, width) + '\n');
      if (cmd.run !== undefined && takesPasswords(b)) b = b.epilog(PASSWORD_EPILOG);
      if (cmd.subcommands !== undefined) {
        for (const s of cmd.subcommands) b = register(b, s, ctx, width, path);
        b = b.demandCommand(1, `'certkit ${path.join(' ')}' needs a subcommand: ${subcommandNames(cmd, 'or')}`);
      }
      return b;
    },
    handler: async (args) => {
      if (cmd.run === undefined) {
        // A group's handler runs when the word after it names none of its subcommands (not shown:
        // it may be a password).
        throw new UsageError(`unknown command: the subcommands of 'certkit ${path.join(' ')}' are ${subcommandNames(cmd, 'and')}`);
      }
      ctx.ran = true;
      const status = await cmd.run(args, ctx);
      if (typeof status === 'number') ctx.exitStatus = status;
    },
  });
}

/**
 * Runs certkit with `argv` (without node and the script) and returns the exit status. Never throws
 * and never calls process.exit. `io` defaults to the process's streams, environment and cwd.
 */
export async function main(argv: readonly string[], given?: CliIo): Promise<number> {
  let io: CliIo;
  try {
    io = given ?? processIo();
  } catch (e) {
    processStdio().stderr.write(formatError(e) + '\n');
    return exitStatusOf(e);
  }
  // `certkit client`'s key starts generating on the thread pool now (bin.ts has already started it
  // for a real process; this covers in-process runs), while yargs and the command load on this
  // thread; that is why yargs is imported here.
  startEarlyKey(argv);
  const { default: yargs } = await import('yargs');
  const debug = argv.includes('--debug');
  const passwords = createPasswordSources({
    stdin: io.stdin,
    env: io.env,
    cwd: io.cwd,
    warn: (line) => io.stderr.write(line + '\n'),
    terminal: io.terminal,
    prompts: io.stderr,
  });
  const ctx: RunContext = {
    io,
    passwords,
    debug,
    exitStatus: EXIT.OK,
    ran: false,
    helpPath: [],
    out: (text) => void io.stdout.write(text + '\n'),
    // A progress or warning line stays one line, whatever name or path it shows.
    warn: (text) => void io.stderr.write(escapeText(text) + '\n'),
    path: (p) => resolveIn(io.cwd, p),
    password: (spec, option) => resolvePassword(spec, passwords, option),
  };

  let output = '';
  try {
    // The run's directory, not process.cwd(): yargs would ask for it itself.
    let y: Argv<any> = yargs([], io.cwd)
      .scriptName('certkit')
      .usage('certkit <command> [options]\n\nMutual-TLS client credentials for Amazon MSK: keys, CSRs, JKS and PKCS#12 keystores.')
      .option('debug', { type: 'boolean', describe: 'Print stack traces on errors', global: true })
      .version(version())
      .help()
      .alias('help', 'h')
      // Not .strict() nor .strictCommands(): their messages repeat stray words, which may be
      // passwords; extra positionals are refused by noExtraPositionals without showing them.
      .strictOptions()
      .demandCommand(1, 'no command given')
      .recommendCommands()
      // Laid out unwrapped, then wrapped by wrapHelp at word boundaries (cliui would cut words).
      .wrap(null)
      .epilog(PASSWORD_EPILOG)
      .exitProcess(false)
      .fail((msg: string | null, err: Error | undefined) => {
        // A handler's own error (msg is null): let it through to the handler below as it is.
        if ((msg === null || msg === undefined || msg === '') && err !== undefined) throw err;
        const unknown = unknownOptionIn(y, argv);
        if (unknown !== undefined) throw new UsageError(unknown);
        const text = oneLine(msg ?? err?.message ?? 'invalid usage');
        // recommendCommands names the command it suggests, never the word typed.
        throw new UsageError(/^Did you mean /.test(text) ? `unknown command; did you mean ${text.slice('Did you mean '.length)}` : text);
      });
    const width = helpWidth(io.stdout);
    for (const cmd of COMMANDS) y = register(y, cmd, ctx, width);

    // Bare `certkit` shows the help, as git does, on stdout, but exits 2 (usage): nothing was done.
    const bare = argv.length === 0;
    await y.parseAsync(bare ? ['--help'] : [...argv], {}, (_err, _args, out) => {
      output = out;
    });
    // --help / --version (and nothing else) produce output; it is the result, so it goes to stdout.
    if (output !== '') io.stdout.write(wrapHelp(output.endsWith('\n') ? output : output + '\n', width));
    // Words that name no command (not repeated: a stray word may be a password).
    else if (!ctx.ran) throw new UsageError('unknown command');
    return bare ? EXIT.USAGE : ctx.exitStatus;
  } catch (e) {
    const thrown = fromYargs(e);
    const err = thrown instanceof UsageError ? thrown.forHelpOf(ctx.helpPath) : thrown;
    io.stderr.write(formatError(err) + '\n');
    if (debug && err instanceof Error && err.stack !== undefined) {
      io.stderr.write(stackOf(err) + '\n');
    }
    return exitStatusOf(err);
  } finally {
    await passwords.stdin.close();
  }
}

/** yargs's own errors (YError: a bad option value, a builder's check) are usage errors. */
function fromYargs(e: unknown): unknown {
  if (isCertkitError(e)) return e;
  if (e instanceof Error && e.name === 'YError') return new UsageError(oneLine(e.message));
  return e;
}

function oneLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.reduce((acc, l) => (acc === '' ? l : acc.endsWith(':') ? `${acc} ${l}` : `${acc}; ${l}`), '');
}

/**
 * `--debug`'s trace of `e` and its causes. Each message is one line escaped as `formatError`
 * escapes it (a message from a file sends no control sequence, forges no line), then the frames.
 */
function stackOf(e: Error): string {
  let s = traceOf(e);
  let cause: unknown = e.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    s += `\nCaused by: ${traceOf(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return s;
}

function traceOf(e: unknown): string {
  if (!(e instanceof Error)) return escapeText(String(e));
  // The message as it is now (withContext keeps the stack of the error it extends), then the frames.
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [`${e.name}: ${e.message}`, ...frames].map(escapeText).join('\n');
}
