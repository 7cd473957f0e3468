/**
 * The real tools that judge certkit's output (keytool, java, openssl, moto_server), and python3,
 * which makes what Node cannot (a non-blocking pipe). scripts/install-judges.sh, which `npm test`
 * runs first, installs them (moto_server into .venv/bin, which vitest.config.ts puts first on
 * the PATH).
 *
 * `tool(name)` returns the tool's path, or undefined when it is missing and CI is not set, so a
 * developer without a JDK can still run the rest. With CI=true a missing tool throws: CI must
 * never pass by skipping the interop suites (scripts/install-judges.sh installs what is missing).
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';

const cache = new Map<string, string | undefined>();

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : undefined;
}

export function tool(name: 'keytool' | 'java' | 'javac' | 'openssl' | 'moto_server' | 'python3'): string | undefined {
  if (!cache.has(name)) cache.set(name, which(name));
  const p = cache.get(name);
  if (p === undefined && inCI) {
    throw new Error(`${name} is required with CI=true but is not installed (npm run judges installs it)`);
  }
  return p;
}

/** True when every named tool is present; throws with CI=true if one is missing. */
export function haveTools(...names: Parameters<typeof tool>[0][]): boolean {
  return names.every((n) => tool(n) !== undefined);
}

/** Runs a tool, returning stdout; throws with the tool's stderr when it exits non-zero. */
export function run(cmd: string, args: readonly string[], input?: string | Buffer): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const r = e as SpawnSyncReturns<string>;
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
}

/** Runs a tool without throwing; returns status, stdout and stderr. */
export function runStatus(cmd: string, args: readonly string[], input?: string | Buffer) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
