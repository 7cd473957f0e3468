/** A fresh temporary directory per test file, removed afterwards. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempDir(prefix = 'certkit-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh temporary directory per test file, and a function making a new numbered directory in it per case. */
export function caseDirs(prefix = 'certkit-test-'): { root: string; fresh: () => string } {
  const root = tempDir(prefix);
  let n = 0;
  return {
    root,
    fresh: () => {
      const d = join(root, `case-${++n}`);
      mkdirSync(d);
      return d;
    },
  };
}
