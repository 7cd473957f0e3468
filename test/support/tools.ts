/**
 * The real tools that judge certkit's output (keytool, java, openssl, moto_server, and for Kafka
 * kcat, the broker's jars and the Python Kafka clients in .venv/), and python3,
 * which makes what Node cannot (a non-blocking pipe). scripts/install-judges.sh, which `npm test`
 * runs first, installs them (moto_server into .venv/bin, which vitest.config.ts puts first on
 * the PATH).
 *
 * `tool(name)` returns the tool's path, or undefined when it is missing and CI is not set, so a
 * developer without a JDK can still run the rest. With CI=true a missing tool throws: CI must
 * never pass by skipping the interop suites (scripts/install-judges.sh installs what is missing).
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string | undefined>();

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : undefined;
}

export function tool(name: 'keytool' | 'java' | 'javac' | 'openssl' | 'moto_server' | 'python3' | 'kcat'): string | undefined {
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

/** Where scripts/install-judges.sh puts the Kafka broker, Java client and tools (scripts/kafka/pom.xml). */
export const KAFKA_JARS_DIR = fileURLToPath(new URL('../../.judges/kafka/lib', import.meta.url));

/**
 * The Kafka jars' directory when the broker is there (kafka_2.13-*.jar), else undefined; with
 * CI=true a missing one throws, as `tool` does.
 */
export function kafkaJars(): string | undefined {
  const present = existsSync(KAFKA_JARS_DIR) && readdirSync(KAFKA_JARS_DIR).some((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  if (!present && inCI) throw new Error(`the Kafka jars are required with CI=true but ${KAFKA_JARS_DIR} has none (npm run judges fetches them)`);
  return present ? KAFKA_JARS_DIR : undefined;
}

const VENV_PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));
const pythonModules = new Map<string, boolean>();

/**
 * The judges' Python (.venv/bin/python) when it imports `module` (kafka, confluent_kafka), else
 * undefined; with CI=true a missing one throws.
 */
export function judgePython(module: 'kafka' | 'confluent_kafka'): string | undefined {
  if (!pythonModules.has(module)) {
    pythonModules.set(module, existsSync(VENV_PYTHON) && spawnSync(VENV_PYTHON, ['-c', `import ${module}`]).status === 0);
  }
  const ok = pythonModules.get(module)!;
  if (!ok && inCI) throw new Error(`the Python module ${module} is required with CI=true but .venv/ lacks it (npm run judges installs it)`);
  return ok ? VENV_PYTHON : undefined;
}
