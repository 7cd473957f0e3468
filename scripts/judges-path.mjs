/**
 * Where scripts/install-judges.sh puts the Python judges (moto_server, the aws CLI): .venv/bin
 * in the project. The test runner (vitest.config.ts) and the benchmark (bench/run.mjs) put it
 * first on the PATH of everything they start.
 */
import { fileURLToPath } from 'node:url';

export const JUDGES_BIN = fileURLToPath(new URL('../.venv/bin', import.meta.url));

/** `path` (a PATH value) with the judges' directory first. */
export function pathWithJudges(path = '') {
  return path === '' ? JUDGES_BIN : `${JUDGES_BIN}:${path}`;
}
