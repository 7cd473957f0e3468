/**
 * Running the CLI from tests, two ways with one result shape:
 * - `runCli`: in process, through `main(argv, io)` with injected streams, environment and cwd
 *   (fast; the default for most tests);
 * - `runBin`: as a real child process of `bin/certkit` (needs `npm run build`, which `npm test`
 *   does first), for what only a process shows: exit codes, umask, real stdin.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { main } from '../../src/cli/main.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Environment the command sees (in process: exactly this; child: added to PATH/HOME). */
  env?: Record<string, string>;
  /** Standard input text. */
  stdin?: string;
  /** Working directory. */
  cwd?: string;
}

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/certkit', import.meta.url));

function collector() {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s), text: () => chunks.join(''), isTTY: false };
}

/** Runs certkit in process with injected I/O. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const status = await main(args, {
    stdout,
    stderr,
    stdin: options.stdin ?? '',
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

/** The bundle bin/certkit runs (`npm run build`: tsc, then scripts/bundle.mjs). */
export const BUNDLE = fileURLToPath(new URL('../../dist/bin/certkit.cjs', import.meta.url));

/** True when the built CLI exists (bin/certkit runs the bundle in dist/bin/). */
export function builtCliExists(): boolean {
  return existsSync(BUNDLE);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let freshness: string | undefined;
/** Throws when dist/ is missing or older than src/ (a child process would run stale code). */
function checkBuilt(): void {
  if (!builtCliExists()) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  freshness ??= newestMtime(join(ROOT, 'src')) > statSync(BUNDLE).mtimeMs ? 'stale' : 'fresh';
  if (freshness === 'stale') throw new Error('dist/ is older than src/: run `npm run build` first (npm test does)');
}

/**
 * Runs `bin/certkit` as a child process. `umask` (octal number) runs it under that umask;
 * `timeout` (ms) kills it after that long (its status is then -1).
 */
export function runBin(args: readonly string[], options: CliOptions & { umask?: number; timeout?: number } = {}): CliResult {
  checkBuilt();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env };
  const spawnOptions = {
    cwd: options.cwd ?? ROOT,
    env,
    input: options.stdin ?? '',
    encoding: 'utf8' as const,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout, killSignal: 'SIGKILL' as const }),
  };
  const r =
    options.umask === undefined
      ? spawnSync(process.execPath, [BIN, ...args], spawnOptions)
      : spawnSync('sh', ['-c', `umask ${options.umask.toString(8).padStart(3, '0')} && exec "$0" "$@"`, process.execPath, BIN, ...args], spawnOptions);
  if (r.error !== undefined) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
