/**
 * One binary read path under seeded mutation: RUNS mutants of its valid sample, each of which
 * must parse or meet the oracle (support.ts). Shared by fuzz.test.ts and fuzz-keystores.test.ts,
 * which split the read paths across two files so they run in parallel.
 */
import fc from 'fast-check';
import { RUNS, mutant, params } from './mutate.js';
import { assertOracle } from './support.js';
import type { BinaryTarget } from './targets.js';

/** Fuzzes `t` and returns the line the suite prints for it. */
export function fuzzBinaryTarget(t: BinaryTarget): string {
  let refused = 0;
  fc.assert(
    fc.property(mutant(t.sample), (b) => {
      let failed = false;
      assertOracle(() => {
        try {
          t.read(b);
        } catch (e) {
          failed = true;
          throw e;
        }
      });
      if (failed) refused++;
    }),
    params(),
  );
  return `fuzz ${t.name}: ${RUNS} mutants, ${refused} refused, ${RUNS - refused} parsed, 0 failures`;
}
