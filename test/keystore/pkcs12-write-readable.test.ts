/**
 * The PKCS#12 writer refuses what certkit's own reader would refuse (issue: `keystore convert` of
 * a JKS with 10,001 entries wrote a file `keystore list` then refused): more bags in one safe than
 * PKCS12_LIMITS.maxBags, or more key derivation than KDF_LIMITS.maxWorkPerFile. Each limit is tried
 * past N, where nothing is written, and the key-derivation budget also at N, where the store is
 * written and read back.
 */
import { describe, expect, it } from 'vitest';
import { KDF_LIMITS, PKCS12_LIMITS } from '../../src/limits.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { writePkcs12 } from '../../src/keystore/pkcs12-write.js';
import { EC_CERT, EC_PKCS8, ROOT_CA } from '../hostile/samples.js';
import { errorOf } from '../support/errors.js';

const trusted = (n: number): KeyStoreEntry[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'trusted-cert', alias: `ca-${i}`, cert: ROOT_CA }) as KeyStoreEntry);
const key = (alias: string): KeyStoreEntry => ({ kind: 'private-key', alias, key: EC_PKCS8, chain: [EC_CERT] });

describe('writePkcs12 writes only what readPkcs12 reads back', () => {
  it(`more than ${PKCS12_LIMITS.maxBags} certificates in one safe are refused before anything is written`, () => {
    // (At 10,000 the reader's DER node limit already refuses this safe: still open, see the README.)
    expect(errorOf(() => writePkcs12(trusted(PKCS12_LIMITS.maxBags + 1), { storePassword: 'changeit' }))).toBe(
      'LIMIT_EXCEEDED: a PKCS#12 of 10001 certificates in one safe, more than the 10000 a reader takes: certkit would not read it back; use JKS, or split the store',
    );
  });

  it(`key derivation of exactly ${KDF_LIMITS.maxWorkPerFile} is written and read back; past it the writer refuses before deriving`, () => {
    // The MAC (10,000 iterations, one block), the certificate safe and one key at i iterations
    // each (PBKDF2-HMAC-SHA256 of a 32-byte AES key: one block): 10,000 + 2i.
    const i = (KDF_LIMITS.maxWorkPerFile - 10_000) / 2;
    expect(Number.isInteger(i)).toBe(true);
    const at = writePkcs12([key('client')], { storePassword: 'changeit', iterations: i });
    const back = readPkcs12(at, { storePassword: 'changeit' }).entries;
    expect(back.map((e) => [e.kind, e.alias, e.kind === 'private-key' && e.key?.equals(EC_PKCS8)])).toEqual([['private-key', 'client', true]]);
    expect(errorOf(() => writePkcs12([key('client')], { storePassword: 'changeit', iterations: i + 1 }))).toBe(
      'LIMIT_EXCEEDED: a PKCS#12 of 1 keys at 1495001 iterations (key derivation would take 3000002 hash computations (1 MAC, 1 encrypted safe, 1 key), ' +
        "more than certkit's limit of 3000000 per file): certkit would not read it back; use JKS, or split the store",
    );
  });
});
