/**
 * The fuzzer (see fuzz.test.ts) for the keystore read paths: JKS, JCEKS and PKCS#12, raw and with
 * the digest / MAC recomputed after mutation. A file of its own so it runs beside fuzz.test.ts.
 */
import { afterAll, describe, it } from 'vitest';
import { RUNS, SEED, TIMEOUT } from './mutate.js';
import { fuzzBinaryTarget } from './fuzz-binary.js';
import { binaryTargets } from './targets.js';

const counts: string[] = [];
afterAll(() => process.stdout.write(`fuzz seed ${SEED}, ${RUNS} mutants per keystore parser\n${counts.join('\n')}\n`));

describe(`fuzz: ${RUNS} mutants per keystore parser (seed ${SEED})`, () => {
  for (const t of binaryTargets().filter((x) => /JKS|JCEKS|PKCS#12/.test(x.name))) {
    it(
      t.name,
      () => {
        counts.push(fuzzBinaryTarget(t));
      },
      TIMEOUT,
    );
  }
});
