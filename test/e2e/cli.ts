/**
 * Runs the built CLI (`bin/certkit`, which loads dist/) as a child process, as a user would.
 * Helper module for the end-to-end suites (no tests here). `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
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
