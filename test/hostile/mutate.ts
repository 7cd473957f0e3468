/**
 * The mutation arbitraries of the fuzz suites: a valid sample with one to four mutations (byte set,
 * bit flip, boundary value, truncation, insertion, deletion, duplication), seeded by fast-check.
 */
import fc from 'fast-check';

/** Mutants per parser: 10,000 in the normal suite; `npm run fuzz` sets a million. */
export const RUNS = Number(process.env.CERTKIT_FUZZ_RUNS ?? 10_000);
/** Fixed in the normal suite; random (and printed) under `npm run fuzz`. */
export const SEED = Number(process.env.CERTKIT_FUZZ_SEED ?? 20261123);
/** Per parser: 120 s in the normal suite; 20 ms a mutant (5.5 h for a million) under npm run fuzz. */
export const TIMEOUT = Math.max(120_000, RUNS * 20);
export const params = (runs = RUNS) => ({ seed: SEED, numRuns: runs, endOnFailure: true });

const BOUNDARY = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff];

type Mutation = (b: Buffer) => Buffer;

/** One mutation of a byte string, chosen and placed by fast-check. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]): Mutation => (b) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    c[i % b.length] = v;
    return c;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]): Mutation => (b) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    c[i % b.length]! ^= 1 << bit;
    return c;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...BOUNDARY)).map(([i, v]): Mutation => (b) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    c[i % b.length] = v;
    return c;
  }),
  fc.nat().map((n): Mutation => (b) => b.subarray(0, b.length === 0 ? 0 : n % b.length)),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, ins]): Mutation => (b) => {
    const at = i % (b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(ins), b.subarray(at)]);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([i, n]): Mutation => (b) => {
    const at = b.length === 0 ? 0 : i % b.length;
    return Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 32 })).map(([i, n]): Mutation => (b) => {
    const at = b.length === 0 ? 0 : i % b.length;
    return Buffer.concat([b.subarray(0, at + n), b.subarray(at)]);
  }),
);

export const mutant = (sample: Buffer) =>
  fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce((b, m) => m(b), sample));

