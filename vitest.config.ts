import { defineConfig } from 'vitest/config';
import { pathWithJudges } from './scripts/judges-path.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    // moto_server and the aws CLI from .venv/ (scripts/install-judges.sh), before any on the machine.
    env: { PATH: pathWithJudges(process.env.PATH) },
  },
});
