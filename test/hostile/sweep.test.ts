/**
 * Systematic mutation of one valid sample per read path: every truncation length, and every
 * length octet (DER lengths; JKS/JCEKS counts and lengths) set to each boundary value 0x00, 0x7f,
 * 0x80, 0x81, 0xff. Every mutant either still parses or fails with a CertkitError whose code maps
 * to exit 3 or 4 and whose message is one line: never another exception, never a hang.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { binaryTargets } from './targets.js';
import { oracleProblem, outcome, setByte } from './support.js';

const BOUNDARY = [0x00, 0x7f, 0x80, 0x81, 0xff];
const summary: string[] = [];
afterAll(() => {
  process.stdout.write(`${summary.join('\n')}\n`);
});

describe('mutation sweep: truncations and boundary length octets', () => {
  for (const t of binaryTargets()) {
    it(`${t.name}: the sample reads, and every truncation and boundary length meets the oracle`, () => {
      expect(outcome(() => t.read(t.sample))).toEqual({ ok: true });
      const problems: string[] = [];
      let parsed = 0;
      let refused = 0;
      const check = (what: string, b: Buffer) => {
        const o = outcome(() => t.read(b));
        const p = oracleProblem(o);
        if (p !== undefined) problems.push(`${what}: ${p}`);
        else if (o.ok) parsed++;
        else refused++;
      };
      for (let n = 0; n < t.sample.length; n++) check(`truncated to ${n}`, t.sample.subarray(0, n));
      const offsets = t.lengthOffsets();
      for (const at of offsets) {
        for (const v of BOUNDARY) if (t.sample[at] !== v) check(`byte ${at} = 0x${v.toString(16)}`, setByte(t.sample, at, v));
      }
      summary.push(
        `sweep ${t.name}: ${t.sample.length} truncations + ${offsets.length} length octets x 5 values: ${parsed} parsed, ${refused} refused, ${problems.length} failures`,
      );
      expect(problems.slice(0, 10)).toEqual([]);
    });
  }
});
