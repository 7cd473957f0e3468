/**
 * Runs the built CLI (`bin/certkit`, which loads dist/) as a child process, as a user would.
 * Helper module for the end-to-end suites (no tests here). `npm test` builds dist/ first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CERTKIT_BIN = fileURLToPath(new URL('../../bin/certkit', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `certkit ...args` in `cwd` with exactly `env` (plus PATH and HOME). */
export function certkit(args: readonly string[], options: { cwd: string; env?: Record<string, string>; input?: string }): CliRun {
  const r = spawnSync(process.execPath, [CERTKIT_BIN, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...(options.env ?? {}) },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `certkit` without blocking this process: needed when the test itself serves the CLI's requests
 * (the fault proxy runs in the test process; spawnSync would deadlock it).
 */
export function certkitAsync(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CERTKIT_BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
