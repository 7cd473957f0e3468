/**
 * The built CLI on a pseudo-terminal (test/support/pty-run.py under python3): what it shows on a
 * terminal (prompts, status lines) is read as it comes, keys are typed into it, and the exit
 * status is the process's own. Waits are for the text itself, with a deadline (wait.ts).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { BIN } from './cli.js';
import { tool } from './tools.js';
import { deferred, until, withDeadline } from './wait.js';

const DRIVER = fileURLToPath(new URL('./pty-run.py', import.meta.url));

export interface PtyRun {
  /** Everything the terminal showed so far (stdout and stderr together, as a terminal shows them). */
  readonly output: () => string;
  /** Resolves once the output contains `text` past `from` (default 0); returns the index just after it. */
  waitFor(text: string, from?: number): Promise<number>;
  /** Types `keys` into the terminal. */
  type(keys: string): void;
  /** Resolves with the exit status and the whole output once the process is gone. */
  readonly done: Promise<{ status: number; output: string }>;
}

/** True when python3 is there to drive a pty (with CI=true a missing one throws, as `tool` does). */
export function havePty(): boolean {
  return tool('python3') !== undefined;
}

/** Starts `certkit ...args` on a new pty, in `cwd`, with exactly `env` (plus PATH and HOME). */
export function certkitOnPty(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): PtyRun {
  const child = spawn(tool('python3')!, [DRIVER, process.execPath, BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.cwd, TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = deferred<{ status: number; output: string }>();
  child.on('close', () => {
    const m = /exit (-?[0-9]+)\n$/.exec(err);
    if (m === null) exited.reject(new Error(`pty driver ended without an exit status: ${err}`));
    else exited.resolve({ status: Number(m[1]), output: out });
  });
  return {
    output: () => out,
    async waitFor(text, from = 0) {
      await until(`the terminal to show ${JSON.stringify(text)} (it shows ${JSON.stringify(out.slice(from))})`, () => out.indexOf(text, from) >= 0);
      return out.indexOf(text, from) + text.length;
    },
    type(keys) {
      child.stdin.write(keys);
    },
    done: withDeadline(exited.promise, `certkit ${args.join(' ')} to exit on the pty`),
  };
}
