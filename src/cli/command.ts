/**
 * What a certkit command is: a yargs command definition whose handler gets the run's context
 * (injected I/O, password sources) instead of reaching for `process`. One file per command
 * exports one `CertkitCommand`; `main.ts` registers them.
 *
 * Command files import only types at the top and load the library inside `run` with
 * `await import(...)`, so `certkit --help` loads neither pkijs nor the AWS SDK.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';

import type { PasswordSources, StdinSource } from './passwords.js';
import type { TerminalInput } from './prompt.js';

/** A writable text stream: process.stdout/stderr, or a collector in tests. */
export interface TextOut {
  write(chunk: string): unknown;
  /** True when it is a terminal (progress lines are shown only then). */
  readonly isTTY?: boolean;
  /** The terminal's width, when it is one. */
  readonly columns?: number | undefined;
}

/** The process environment a run sees; injected by tests. */
export interface CliIo {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly stdin: StdinSource;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Standard input when it is a terminal, for prompts (asked only when one is needed: making
   * process.stdin costs start-up time); absent or undefined off a terminal.
   */
  readonly terminal?: () => TerminalInput | undefined;
}

/** What every command handler gets besides its parsed arguments. */
export interface CliContext {
  readonly io: CliIo;
  /** Password sources for this run (stdin shared between options, the command-line notice once). */
  readonly passwords: PasswordSources;
  /** True with --debug. */
  readonly debug: boolean;
  /** Writes a result line (a newline is added) on stdout. */
  out(text: string): void;
  /** Writes a progress or warning line (a newline is added) on stderr. */
  warn(text: string): void;
  /** Resolves a path given on the command line against the run's working directory. */
  path(p: string): string;
  /** Resolves a password source (`pass:`, `env:`, `file:`, `stdin`, bare); `option` names it in errors. */
  password(spec: string, option: string): Promise<string>;
}

/** A certkit command: a yargs command whose handler takes the run's context. */
export interface CertkitCommand {
  /** yargs command string, e.g. `list <file>`. */
  readonly command: string;
  readonly describe: string;
  /** Declares options, positionals and examples (and subcommands for a group). */
  readonly builder: (y: Argv) => Argv<any>;
  /** Runs the command; a returned number is the exit status (default 0). Absent for a group. */
  readonly run?: (args: ArgumentsCamelCase<any>, ctx: CliContext) => Promise<number | void>;
  /** Subcommands of a group (`keystore list`, `keystore convert`, ...). */
  readonly subcommands?: readonly CertkitCommand[];
}

/**
 * Defines a command with its arguments typed from the builder: `run` receives exactly what
 * `builder` declared.
 */
export function defineCommand<T>(def: {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<T>;
  run: (args: ArgumentsCamelCase<T>, ctx: CliContext) => Promise<number | void>;
}): CertkitCommand {
  return def as unknown as CertkitCommand;
}

/** Defines a group of subcommands (`certkit keystore <command>`). */
export function defineGroup(def: {
  command: string;
  describe: string;
  subcommands: readonly CertkitCommand[];
}): CertkitCommand {
  return {
    command: def.command,
    describe: def.describe,
    subcommands: def.subcommands,
    builder: (y) => y,
  };
}

/** Resolves `p` against `cwd` unless absolute. */
export function resolveIn(cwd: string, p: string): string {
  return isAbsolute(p) ? p : resolve(cwd, p);
}
