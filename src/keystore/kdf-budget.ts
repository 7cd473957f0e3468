/**
 * The key-derivation budget of one keystore file (KDF_LIMITS.maxWorkPerFile in src/limits.ts).
 *
 * Each derivation's iteration count is capped on its own, but a file may ask for one derivation
 * per MAC, safe and key: a reader first adds up every derivation the read will run, then checks
 * the total before running the first. Work is counted in hash computations, iterations × output
 * blocks: what the PBKDF2 loop and the PKCS#12 KDF's inner loop each run once per iteration and
 * block (RFC 8018 5.2, RFC 7292 B.2), and JCEKS's MD5 chain once per iteration and salt half.
 */
import { CertkitError } from '../errors.js';
import { KDF_LIMITS } from '../limits.js';

/** The hash computations of one derivation of `length` bytes from a hash of `blockSize` bytes. */
export function kdfWork(iterations: number, length: number, blockSize: number): number {
  return iterations * Math.ceil(length / blockSize);
}

/** Sums the derivations a read will run and refuses the file when they are more than the limit. */
export class KdfBudget {
  #total = 0;
  /** How many derivations of each kind were added, for the message ("MAC", "encrypted safe", "key"). */
  readonly #counts = new Map<string, number>();
  readonly #limit: number;

  constructor(limit: number = KDF_LIMITS.maxWorkPerFile) {
    this.#limit = limit;
  }

  /** Adds one derivation of `work` hash computations, of the kind `what` (singular). */
  add(what: string, work: number): void {
    this.#total += work;
    this.#counts.set(what, (this.#counts.get(what) ?? 0) + 1);
  }

  /** Throws LIMIT_EXCEEDED when what was added is more than the limit: call it before deriving. */
  check(): void {
    if (this.#total <= this.#limit) return;
    const parts = [...this.#counts].map(([what, n]) => `${n} ${what}${n === 1 ? '' : 's'}`).join(', ');
    throw new CertkitError(
      'LIMIT_EXCEEDED',
      `key derivation would take ${this.#total} hash computations (${parts}), more than certkit's limit of ${this.#limit} per file`,
    );
  }
}
