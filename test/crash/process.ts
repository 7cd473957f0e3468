/**
 * A `bin/certkit` child the crash suites can signal (no tests here): its stderr is followed line
 * by line, so a test can wait for the TEST ONLY pause announcement, then send SIGUSR2 (go on),
 * SIGTERM, SIGINT or SIGKILL.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

import { BIN } from '../support/cli.js';

export interface Child {
  readonly proc: ChildProcessWithoutNullStreams;
  /** Resolves with the next stderr line matching `re` (or rejects when the process ends first). */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited: its status, the signal that ended it, its output. */
  readonly done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startCertkit(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Child {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...(options.env ?? {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  proc.stdin.end();
  let stdout = '';
  let stderr = '';
  let scanned = 0;
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  const scan = () => {
    for (;;) {
      const nl = stderr.indexOf('\n', scanned);
      if (nl < 0) return;
      const line = stderr.slice(scanned, nl);
      scanned = nl + 1;
      const i = waiters.findIndex((w) => w.re.test(line));
      if (i >= 0) {
        const [w] = waiters.splice(i, 1);
        w!.resolve(line.match(w!.re)!);
      }
    }
  };
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    scan();
  });
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
    proc.on('close', (status, signal) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new Error(`certkit ended (${status ?? signal}) before ${w.re}: ${stderr}`));
      resolve({ status, signal, stdout, stderr });
    });
  });
  return {
    proc,
    done,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        if (proc.exitCode !== null || proc.signalCode !== null) reject(new Error(`certkit already ended: ${stderr}`));
        else waiters.push({ re, resolve, reject });
      }),
  };
}
