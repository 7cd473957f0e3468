/**
 * Every length, size or count a PKCS#12 file supplies that could lower its security, one test
 * each, named by the decision: either certkit checks it, or the test shows why it cannot let
 * anyone in (it only weakens the writer's own choice, which OpenSSL and keytool also read).
 *
 * The samples are certkit-written stores with one KDF iteration (test/hostile/samples.ts); their
 * MACs are recomputed after each edit, so every case reaches the check it names.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import * as der from '../../src/keystore/der-write.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { PKCS12_LIMITS } from '../../src/limits.js';
import { authSafeOf, editAuthSafe, p12Sample, remac, STORE_PASS } from '../hostile/samples.js';
import { contentAt, derAt, outcome, parseTree, replaceAt } from '../hostile/support.js';

const PBKDF2 = '1.2.840.113549.1.5.12';
const PBMAC1 = '1.2.840.113549.1.5.14';
const HMAC_OID = { sha1: '1.2.840.113549.2.7', sha256: '1.2.840.113549.2.9', sha512: '1.2.840.113549.2.11' } as const;
type Hmac = keyof typeof HMAC_OID;

/** 'ok' with the entries' aliases, or [code, message]. */
function read(bytes: Buffer, storePassword = STORE_PASS): ['ok', string[]] | [string, string] {
  let aliases: string[] = [];
  const o = outcome(() => {
    aliases = readPkcs12(bytes, { storePassword }).entries.map((e) => e.alias);
  });
  if (o.ok) return ['ok', aliases];
  if (o.foreign !== undefined) throw new Error(o.foreign);
  return [o.code, o.message];
}

interface Pbmac1 {
  keyLength: number;
  iterations?: number;
  prf?: Hmac;
  mac?: Hmac;
  /** The MAC value written, from the right one (to truncate or extend it). */
  value?: (mac: Buffer) => Buffer;
}

/** `pfx` with its MacData replaced by RFC 9579 PBMAC1, computed with `password` over its AuthenticatedSafe. */
function withPbmac1(pfx: Buffer, password: string, p: Pbmac1): Buffer {
  const { keyLength, iterations = 1, prf = 'sha256', mac = 'sha256' } = p;
  const salt = Buffer.alloc(8, 0x11);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLength, prf);
  const right = createHmac(mac, key).update(authSafeOf(pfx)).digest();
  const kdf = der.algorithmIdentifier(
    PBKDF2,
    der.sequence(der.octetString(salt), der.integer(iterations), der.integer(keyLength), der.algorithmIdentifier(HMAC_OID[prf], der.nullValue())),
  );
  const alg = der.algorithmIdentifier(PBMAC1, der.sequence(kdf, der.algorithmIdentifier(HMAC_OID[mac], der.nullValue())));
  const macData = der.sequence(der.sequence(alg, der.octetString(p.value?.(right) ?? right)), der.octetString(Buffer.from('NOT USED')), der.integer(1));
  return replaceAt(pfx, [2], macData);
}

const MODERN = p12Sample('modern');
const LEGACY = p12Sample('legacy');
const ENTRIES = ['ok', ['client', 'root-ca']];

/** The classic MAC's value (PKCS#12 KDF + HMAC), its salt and its iteration count: MacData [0, 1], [1], [2]. */
const MAC_VALUE = [2, 0, 1];
const MAC_SALT = [2, 1];
const MAC_ITERATIONS = [2, 2];
/** In the sample's AuthenticatedSafe: safe 2 is encryptedData (PBES2), its PBKDF2 parameters and IV. */
const PBES2_PARAMS = [1, 1, 0, 1, 1, 1];
const PBKDF2_KEY_LENGTH = [...PBES2_PARAMS, 0, 1, 2];
const CIPHER = [...PBES2_PARAMS, 1];

describe('PKCS#12 parameters a file supplies', () => {
  it('PBMAC1 key length: checked, at least 20 bytes (19 refused, 20 read; a 1-byte key let one wrong password in 256 pass)', () => {
    expect(PKCS12_LIMITS.minPbmac1KeyBytes).toBe(20);
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 20 }))).toEqual(ENTRIES);
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 20 }), 'wrong')).toEqual([
      'BAD_PASSWORD',
      'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered',
    ]);
    const short = 'PKCS#12 MAC: PBMAC1: PBKDF2 key length 19 is shorter than 20 bytes (a short MAC key lets wrong passwords pass)';
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 19 }))).toEqual(['INVALID_INPUT', short]);
    // The bypass: with a 1-byte key, some wrong password derives the same key as the right one.
    const oneByte = withPbmac1(MODERN, STORE_PASS, { keyLength: 1 });
    const right = pbkdf2Sync(STORE_PASS, Buffer.alloc(8, 0x11), 1, 1, 'sha256')[0];
    let n = 0;
    while (pbkdf2Sync(`wrong-${n}`, Buffer.alloc(8, 0x11), 1, 1, 'sha256')[0] !== right) n++;
    expect(read(oneByte, `wrong-${n}`)).toEqual(['INVALID_INPUT', short.replace('19', '1')]);
  });

  it('PBMAC1 MAC value length: checked, the HMAC output in full (a truncated or extended value is refused)', () => {
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 32, mac: 'sha512' }))).toEqual(ENTRIES);
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 32, value: (m) => m.subarray(0, 20) }))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 MAC: MAC value of 20 bytes, expected 32 for HMAC-sha256',
    ]);
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 32, value: (m) => Buffer.concat([m, Buffer.alloc(1)]) }))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 MAC: MAC value of 33 bytes, expected 32 for HMAC-sha256',
    ]);
  });

  it("classic MAC value length: checked, the digest's full size; its key length is not in the file (the digest size)", () => {
    const value = parseTree(derAt(MODERN, MAC_VALUE)).content;
    expect(read(contentAt(MODERN, MAC_VALUE, value.subarray(0, 20)))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 MAC: MAC value of 20 bytes, expected 32 for sha256',
    ]);
    const legacy = parseTree(derAt(LEGACY, MAC_VALUE)).content;
    expect(read(contentAt(LEGACY, MAC_VALUE, legacy.subarray(0, 12)))).toEqual(['INVALID_INPUT', 'PKCS#12 MAC: MAC value of 12 bytes, expected 20 for sha1']);
  });

  it('iteration counts: checked, 0 refused; 1 read (it cannot let a wrong password in: the MAC key still needs the password)', () => {
    expect(read(contentAt(MODERN, MAC_ITERATIONS, Buffer.from([0])))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 MAC: iteration count 0 is not positive',
    ]);
    expect(read(editAuthSafe(MODERN, STORE_PASS, (a) => contentAt(a, [...PBES2_PARAMS, 0, 1, 1], Buffer.from([0]))))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 safe 2: encrypted safe: iteration count 0 is not positive',
    ]);
    // The sample's MAC, safe and key all use one iteration.
    expect(parseTree(derAt(MODERN, MAC_ITERATIONS)).content).toEqual(Buffer.from([1]));
    expect(read(MODERN)).toEqual(ENTRIES);
    expect(read(MODERN, 'sweep-storf')).toEqual(['BAD_PASSWORD', 'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered']);
  });

  it('MAC iteration count: checked, at most 1,000,000, below the 5,000,000 of other derivations (the MAC runs before the password is known good)', () => {
    expect(PKCS12_LIMITS.maxMacIterations).toBe(1_000_000);
    expect(read(contentAt(MODERN, MAC_ITERATIONS, Buffer.from([0x0f, 0x42, 0x41])))).toEqual([
      'LIMIT_EXCEEDED',
      "PKCS#12 MAC: iteration count 1000001 is more than certkit's limit of 1000000 for a MAC",
    ]);
    expect(read(withPbmac1(MODERN, STORE_PASS, { keyLength: 32, iterations: 1_000_001 }))).toEqual([
      'LIMIT_EXCEEDED',
      "PKCS#12 MAC: PBMAC1: iteration count 1000001 is more than certkit's limit of 1000000 for a MAC",
    ]);
  });

  it('iteration counts summed over the file: checked, at most 3,000,000 hash computations before any derivation (N and N+1 in test/hostile/limits.test.ts)', () => {
    const safeAt = (n: number) => editAuthSafe(MODERN, STORE_PASS, (a) => contentAt(a, [...PBES2_PARAMS, 0, 1, 1], Buffer.from(n.toString(16).padStart(6, '0'), 'hex')));
    // The sample's MAC and key take one computation each (the parts are named in file order).
    expect(read(safeAt(2_999_999))).toEqual([
      'LIMIT_EXCEEDED',
      "key derivation would take 3000001 hash computations (1 MAC, 1 key, 1 encrypted safe), more than certkit's limit of 3000000 per file",
    ]);
  });

  it('salt length: checked against the 1 KiB cap; a short or empty salt is read (it cannot let a wrong password in)', () => {
    const withSalt = (n: number) => remac(contentAt(MODERN, MAC_SALT, Buffer.alloc(n, 7)), STORE_PASS);
    expect(read(withSalt(0))).toEqual(ENTRIES);
    expect(read(withSalt(0), 'wrong')).toEqual(['BAD_PASSWORD', 'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered']);
    expect(read(withSalt(1024))).toEqual(ENTRIES);
    expect(read(withSalt(1025))).toEqual(['LIMIT_EXCEEDED', 'PKCS#12 MAC: MAC salt of 1025 bytes is too long']);
  });

  it("PBES2 key length: checked, it must be the cipher's (AES-256 with a 16-byte PBKDF2 key is refused; absent, the cipher's is used)", () => {
    const withKeyLength = (n: number) => editAuthSafe(MODERN, STORE_PASS, (a) => contentAt(a, PBKDF2_KEY_LENGTH, Buffer.from([n])));
    expect(read(withKeyLength(32))).toEqual(ENTRIES);
    expect(read(withKeyLength(16))).toEqual(['INVALID_INPUT', 'PKCS#12 safe 2: encrypted safe: PBKDF2 key length 16 does not fit aes-256-cbc']);
    // PBKDF2-params without its keyLength: salt, iterationCount, prf.
    const without = editAuthSafe(MODERN, STORE_PASS, (a) =>
      replaceAt(a, [...PBES2_PARAMS, 0, 1], der.sequence(...[0, 1, 3].map((i) => derAt(a, [...PBES2_PARAMS, 0, 1, i])))),
    );
    expect(read(without)).toEqual(ENTRIES);
  });

  it('RC2 effective key bits: not in the file; the PKCS#12 PBE OID fixes them (40 or 128), and PBES2 RC2-CBC, which carries them, is refused', () => {
    // (Both RC2 PBE OIDs are read: openssl -legacy's RC2-40 fixture is in pkcs12.test.ts.)
    const rc2 = editAuthSafe(MODERN, STORE_PASS, (a) =>
      replaceAt(a, CIPHER, der.algorithmIdentifier('1.2.840.113549.3.2', der.sequence(der.integer(58), der.octetString(Buffer.alloc(8))))),
    );
    expect(read(rc2)).toEqual(['UNSUPPORTED', 'PKCS#12 safe 2: encrypted safe: PBES2 encryption scheme 1.2.840.113549.3.2 is not supported']);
  });

  it("IV length: checked, the cipher's block size", () => {
    const iv = (n: number) => editAuthSafe(MODERN, STORE_PASS, (a) => contentAt(a, [...CIPHER, 1], Buffer.alloc(n, 0x5a)));
    expect(read(iv(16))).toEqual(ENTRIES);
    expect(read(iv(8))).toEqual(['INVALID_INPUT', 'PKCS#12 safe 2: encrypted safe: aes-256-cbc IV of 8 bytes, expected 16']);
  });
});
