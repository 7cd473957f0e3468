/**
 * `npm run fuzz`: the hostile-input fuzzers (test/hostile/fuzz*.test.ts) with a million mutants per
 * parser and a random seed (printed; replay a failure with CERTKIT_FUZZ_SEED=<seed>). Override the
 * count with CERTKIT_FUZZ_RUNS. Hours on a small machine: run it on purpose, not in CI.
 */
import { defineConfig } from 'vitest/config';

const seed = process.env.CERTKIT_FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = process.env.CERTKIT_FUZZ_RUNS ?? '1000000';

export default defineConfig({
  test: {
    include: ['test/hostile/fuzz*.test.ts'],
    env: { CERTKIT_FUZZ_SEED: seed, CERTKIT_FUZZ_RUNS: runs },
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
  },
});
