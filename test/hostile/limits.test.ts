/**
 * Every limit in src/limits.ts, tested at N (accepted: the input is read, or fails for another
 * reason after the limit check) and at N+1 (LIMIT_EXCEEDED, exit 3). Iteration limits are checked
 * before any key derivation: a small file claiming 2^31 iterations is refused at once.
 */
import * as crypto from 'node:crypto';
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDer, parseDer } from '../../src/asn1.js';
import type { CliContext } from '../../src/cli/command.js';
import { MAX_INPUT_BYTES, readInput } from '../../src/cli/files.js';
import { MAX_PASSWORD_FILE, MAX_PASSWORD_LINE, createPasswordSources, resolvePassword } from '../../src/cli/passwords.js';
import { CA_CERT_FILE, initLocalCa, loadLocalCa } from '../../src/issuers/local-ca.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { KEY_LIMITS, exportEncryptedPkcs8Der, exportPkcs8Pem, importPrivateKey } from '../../src/keys.js';
import { JavaDataReader } from '../../src/keystore/java-data.js';
import { JCEKS_MAGIC, JKS_MAGIC, writeJavaKeyStoreFrame, type RawPrivateKeyEntry, type RawTrustedCertEntry } from '../../src/keystore/java-keystore-format.js';
import { readJceks } from '../../src/keystore/jceks.js';
import { readSerializedObject } from '../../src/keystore/java-serialization.js';
import { JCEKS_MAX_ITERATIONS, parsePbeParameters } from '../../src/keystore/jceks-key-protector.js';
import { protectJksKey } from '../../src/keystore/jks-key-protector.js';
import { readJks } from '../../src/keystore/jks.js';
import { MAX_PBE_ITERATIONS, MAX_SALT_BYTES, checkIterations } from '../../src/keystore/pbe.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import {
  DER_LIMITS,
  DN_LIMITS,
  INPUT_LIMITS,
  JAVA_KEYSTORE_LIMITS,
  KDF_LIMITS,
  MAX_CHAIN_LENGTH,
  MAX_S3_KEY_BYTES,
  MAX_VALIDITY_YEARS,
  OWN_FILE_LIMITS,
  PEM_LIMITS,
  PKCS12_LIMITS,
  SERIALIZATION_LIMITS,
} from '../../src/limits.js';
import { decodePemAll, encodePem } from '../../src/pem.js';
import { readResumeState, STATE_FILE } from '../../src/resume-state.js';
import { parseS3Uri } from '../../src/sinks/s3-uri.js';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { buildCsr } from '../../src/x509/csr.js';
import { orderChain } from '../../src/x509/chain.js';
import { parseDname } from '../../src/x509/dn.js';
import { tempDir } from '../support/tmp.js';
import { EC_CERT, EC_PKCS8, STORE_PASS, editAuthSafe, p12Sample } from './samples.js';
import { appendInside, contentAt, derLen, nest, oidTlv, outcome, replaceAt, tlv } from './support.js';

const NULL = Buffer.from([0x05, 0x00]);
/** The content octets of a non-negative INTEGER. */
const uint = (n: number) => {
  const hex = n.toString(16);
  const b = Buffer.from(hex.padStart(hex.length + (hex.length % 2), '0'), 'hex');
  return b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
};
const dir = tempDir('certkit-limits-');
const openCloseSync = (p: string) => {
  closeSync(openSync(p, 'w'));
  return p;
};

/** [code, message] of what `fn` throws, or 'ok'. */
function result(fn: () => unknown): 'ok' | [string, string] {
  const o = outcome(fn);
  if (o.ok) return 'ok';
  if (o.foreign !== undefined) throw new Error(o.foreign);
  return [o.code, o.message];
}

describe('limits at N and N+1', () => {
  it('values (the table the README cites)', () => {
    expect({ DER_LIMITS, PEM_LIMITS, KDF_LIMITS, JAVA_KEYSTORE_LIMITS, SERIALIZATION_LIMITS, PKCS12_LIMITS, MAX_CHAIN_LENGTH, DN_LIMITS, MAX_S3_KEY_BYTES, MAX_VALIDITY_YEARS }).toEqual({
      DER_LIMITS: { maxBytes: 16_777_216, maxDepth: 32, maxNodes: 200_000 },
      PEM_LIMITS: { maxChars: 25_165_824, maxBlocks: 1000, maxLinesPerBlock: 350_000 },
      KDF_LIMITS: { maxIterations: 5_000_000, maxSaltBytes: 1024, maxWorkPerFile: 3_000_000 },
      JAVA_KEYSTORE_LIMITS: { maxBytes: 67_108_864, maxEntries: 100_000, maxChain: 64 },
      SERIALIZATION_LIMITS: { maxDepth: 24, maxHandles: 10_000 },
      PKCS12_LIMITS: { maxSafes: 1000, maxBags: 10_000, maxAttributes: 64, maxNestedSafeContents: 2, minPbmac1KeyBytes: 20, maxMacIterations: 1_000_000 },
      MAX_CHAIN_LENGTH: 16,
      DN_LIMITS: { maxChars: 65_536, maxRdns: 64, maxAvasPerRdn: 16 },
      MAX_S3_KEY_BYTES: 1024,
      MAX_VALIDITY_YEARS: 100,
    });
  });

  it('DER nesting depth: 32 levels below the top read, 33 refused', () => {
    expect(result(() => parseDer(nest(NULL, 32), 'x'))).toBe('ok');
    expect(result(() => parseDer(nest(NULL, 33), 'x'))).toEqual(['LIMIT_EXCEEDED', 'x: nested more than 32 levels deep']);
  });

  it('DER size: 16 MiB read, one byte more refused before decoding', () => {
    const n = DER_LIMITS.maxBytes;
    // OCTET STRING with a 3-octet length: 5 header bytes, then the contents.
    const octets = (total: number) => Buffer.concat([Buffer.from([0x04, 0x83]), derLen(total - 5).subarray(1), Buffer.alloc(total - 5)]);
    expect(result(() => checkDer(octets(n), 'x'))).toBe('ok');
    expect(result(() => checkDer(octets(n + 1), 'x'))).toEqual(['LIMIT_EXCEEDED', 'x: 16777217 bytes is more than the 16777216-byte limit']);
  });

  it('DER values: 200,000 TLVs read, 200,001 refused', () => {
    const seq = (nulls: number) => tlv(0x30, Buffer.alloc(nulls * 2).fill(Buffer.from([0x05, 0x00])));
    expect(result(() => checkDer(seq(DER_LIMITS.maxNodes - 1), 'x'))).toBe('ok');
    expect(result(() => checkDer(seq(DER_LIMITS.maxNodes), 'x'))).toEqual(['LIMIT_EXCEEDED', 'x: more than 200000 ASN.1 values']);
  });

  it('PEM text: 24 MiB characters read, one more refused; 1000 blocks read, 1001 refused', () => {
    const pem = encodePem('CERTIFICATE', EC_CERT);
    const padded = (total: number) => pem + '\n'.repeat(total - pem.length);
    expect(decodePemAll(padded(PEM_LIMITS.maxChars))).toHaveLength(1);
    expect(result(() => decodePemAll(padded(PEM_LIMITS.maxChars + 1)))).toEqual([
      'LIMIT_EXCEEDED',
      'PEM input of 25165825 characters is more than the 25165824-character limit',
    ]);
    expect(decodePemAll(pem.repeat(1000))).toHaveLength(1000);
    expect(result(() => decodePemAll(pem.repeat(1001)))).toEqual(['LIMIT_EXCEEDED', 'more than 1000 PEM blocks']);
  });

  it('PEM lines in a block: 350,000 between BEGIN and END read, 350,001 refused (headers too)', () => {
    const n = PEM_LIMITS.maxLinesPerBlock;
    const block = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`;
    expect(decodePemAll(block('AAAA\n'.repeat(n)))[0]!.der.length).toBe(n * 3);
    expect(result(() => decodePemAll(block('AAAA\n'.repeat(n + 1))))).toEqual([
      'LIMIT_EXCEEDED',
      'PEM block 1 (CERTIFICATE, line 1): more than 350000 lines',
    ]);
    // RFC 1421 header lines count as well: N of them pass the limit (and leave the body empty).
    expect(result(() => decodePemAll(block('A: b\n'.repeat(n))))).toEqual(['INVALID_INPUT', 'PEM block 1 (CERTIFICATE, line 1): empty body']);
    expect(result(() => decodePemAll(block('A: b\n'.repeat(n + 1))))).toEqual([
      'LIMIT_EXCEEDED',
      'PEM block 1 (CERTIFICATE, line 1): more than 350000 lines',
    ]);
  });

  it('JKS/JCEKS file size: 64 MiB framed, one byte more refused before framing', () => {
    const file = (n: number) => {
      const b = Buffer.alloc(n);
      b.writeUInt32BE(JKS_MAGIC, 0);
      b.writeUInt32BE(2, 4);
      return b;
    };
    expect(result(() => readJks(file(JAVA_KEYSTORE_LIMITS.maxBytes), { storePassword: 'x' }))).toEqual([
      'INVALID_INPUT',
      '67108832 trailing bytes after the integrity digest',
    ]);
    expect(result(() => readJks(file(JAVA_KEYSTORE_LIMITS.maxBytes + 1), { storePassword: 'x' }))).toEqual([
      'LIMIT_EXCEEDED',
      'JKS keystore of 67108865 bytes is more than the 67108864-byte limit',
    ]);
  });

  it('JKS entries: 100,000 read, 100,001 refused', () => {
    const created = new Date(0);
    const store = (n: number) =>
      writeJavaKeyStoreFrame(
        JKS_MAGIC,
        Array.from({ length: n }, (_, i): RawTrustedCertEntry => ({ tag: 2, alias: `a${i}`, created, cert: NULL })),
        'pw',
      );
    expect(readJks(store(JAVA_KEYSTORE_LIMITS.maxEntries), { storePassword: 'pw' }).entries).toHaveLength(100_000);
    expect(result(() => readJks(store(JAVA_KEYSTORE_LIMITS.maxEntries + 1), { storePassword: 'pw' }))).toEqual([
      'LIMIT_EXCEEDED',
      'entry count 100001 is more than the 100000 certkit reads',
    ]);
  });

  it('JKS chain: 64 certificates in one entry read, 65 refused', () => {
    const protectedKey = protectJksKey(EC_PKCS8, 'pw', Buffer.alloc(20, 1));
    const store = (n: number) =>
      writeJavaKeyStoreFrame(JKS_MAGIC, [{ tag: 1, alias: 'k', created: new Date(0), protectedKey, chain: Array(n).fill(NULL) } as RawPrivateKeyEntry], 'pw');
    const e = readJks(store(JAVA_KEYSTORE_LIMITS.maxChain), { storePassword: 'pw' }).entries[0]!;
    expect(e.kind === 'private-key' ? e.chain.length : 0).toBe(64);
    expect(result(() => readJks(store(JAVA_KEYSTORE_LIMITS.maxChain + 1), { storePassword: 'pw' }))).toEqual([
      'LIMIT_EXCEEDED',
      "entry 1 'k': chain of 65 certificates is more than the 64 certkit reads",
    ]);
  });

  it('certificate chains: 16 ordered, 17 refused', () => {
    const keys = Array.from({ length: 17 }, () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const certs: Buffer[] = [];
    keys.forEach((k, i) => {
      certs.push(
        buildCertificate({
          subject: `CN=level ${i}`,
          issuer: i === 0 ? `CN=level 0` : `CN=level ${i - 1}`,
          ...(i === 0 ? {} : { issuerCertificate: certs[i - 1]! }),
          publicKey: k,
          signingKey: i === 0 ? k : keys[i - 1]!,
          notBefore: new Date('2026-01-01T00:00:00Z'),
          notAfter: new Date('2030-01-01T00:00:00Z'),
          isCA: i < 16,
        }),
      );
    });
    const leafFirst = (n: number) => certs.slice(17 - n).reverse();
    expect(orderChain(leafFirst(MAX_CHAIN_LENGTH))).toHaveLength(16);
    expect(result(() => orderChain(leafFirst(MAX_CHAIN_LENGTH + 1)))).toEqual(['LIMIT_EXCEEDED', '17 certificates is more than the 16 a chain may hold']);
  });

  it('iterations, PBKDF2 and the PKCS#12 KDF: 5,000,000 passes the check, 5,000,001 refused', () => {
    expect(checkIterations(5_000_000n, 'x')).toBe(5_000_000);
    expect(result(() => checkIterations(5_000_001n, 'x'))).toEqual(['LIMIT_EXCEEDED', "x: iteration count 5000001 is more than certkit's limit of 5000000"]);
  });

  it('iterations, JCEKS PBE: 5,000,000 passes, 5,000,001 refused', () => {
    const params = (n: number) => tlv(0x30, tlv(0x04, Buffer.alloc(8)), tlv(0x02, Buffer.from(n.toString(16).padStart(8, '0'), 'hex')));
    expect(parsePbeParameters(params(5_000_000))).toEqual({ salt: Buffer.alloc(8), iterations: 5_000_000 });
    expect(result(() => parsePbeParameters(params(5_000_001)))).toEqual([
      'LIMIT_EXCEEDED',
      'PBE parameters: iteration count 5000001 is more than the 5000000 the JDK allows',
    ]);
  });

  it('iterations, encrypted PKCS#8: 5,000,000 passes the check (then the unknown cipher fails), 5,000,001 refused', () => {
    const key = importPrivateKey(EC_PKCS8);
    const enc = exportEncryptedPkcs8Der(key, 'pw', { iterations: 1 });
    const withIter = (n: number) =>
      replaceAt(contentAt(enc, [0, 1, 0, 1, 1], Buffer.from(n.toString(16).padStart(8, '0'), 'hex')), [0, 1, 1, 0], tlv(0x06, Buffer.from([0x2a, 0x03])));
    expect(result(() => importPrivateKey(withIter(5_000_000), { passphrase: 'pw' }))).toEqual([
      'UNSUPPORTED',
      'private key (ENCRYPTED PRIVATE KEY): not a valid key, or one using an algorithm this Node/OpenSSL does not support',
    ]);
    expect(result(() => importPrivateKey(withIter(5_000_001), { passphrase: 'pw' }))).toEqual([
      'LIMIT_EXCEEDED',
      'private key (encrypted PKCS#8): iteration count 5000001 is more than the 5000000 limit',
    ]);
    expect(result(() => exportEncryptedPkcs8Der(key, 'pw', { iterations: 5_000_001 }))).toEqual(['USAGE', 'PBKDF2 iterations must be an integer from 1 to 5000000']);
  });

  it('iterations, PKCS#12 MAC: 1,000,000 passes (then the short MAC value fails), 1,000,001 and 2^31 in a small file refused at once', () => {
    const p12 = p12Sample('modern');
    const withIter = (hex: string) => contentAt(contentAt(p12, [2, 2], Buffer.from(hex, 'hex')), [2, 0, 1], Buffer.alloc(31));
    expect(PKCS12_LIMITS.maxMacIterations).toBe(0x0f4240);
    expect(result(() => readPkcs12(withIter('0f4240'), { storePassword: STORE_PASS }))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 MAC: MAC value of 31 bytes, expected 32 for sha256',
    ]);
    expect(result(() => readPkcs12(withIter('0f4241'), { storePassword: STORE_PASS }))).toEqual([
      'LIMIT_EXCEEDED',
      "PKCS#12 MAC: iteration count 1000001 is more than certkit's limit of 1000000 for a MAC",
    ]);
    // A 100-byte PFX claiming 2^31 MAC iterations: refused before any derivation.
    const tiny = tlv(0x30, tlv(0x02, Buffer.from([3])), tlv(0x30, tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')), tlv(0xa0, tlv(0x04, tlv(0x30)))),
      tlv(0x30, tlv(0x30, tlv(0x30, tlv(0x06, Buffer.from('608648016503040201', 'hex')), NULL), tlv(0x04, Buffer.alloc(32))), tlv(0x04, Buffer.alloc(8)), tlv(0x02, Buffer.from('0080000000', 'hex'))));
    expect(tiny.length).toBeLessThan(100);
    expect(result(() => readPkcs12(tiny, { storePassword: 'x' }))).toEqual([
      'LIMIT_EXCEEDED',
      "PKCS#12 MAC: iteration count 2147483648 is more than certkit's limit of 1000000 for a MAC",
    ]);
  });

  it('iterations, PKCS#12 PBMAC1: 1,000,000 passes (then the short MAC value fails), 1,000,001 refused', () => {
    const hmac = tlv(0x30, oidTlv('1.2.840.113549.2.9'), NULL);
    const macData = (iterations: number) => {
      const pbkdf2 = tlv(0x30, oidTlv('1.2.840.113549.1.5.12'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), tlv(0x02, uint(iterations)), tlv(0x02, Buffer.from([32])), hmac));
      const alg = tlv(0x30, oidTlv('1.2.840.113549.1.5.14'), tlv(0x30, pbkdf2, hmac));
      return tlv(0x30, tlv(0x30, alg, tlv(0x04, Buffer.alloc(31))), tlv(0x04, Buffer.alloc(8)), tlv(0x02, Buffer.from([1])));
    };
    const pfx = (iterations: number) => replaceAt(p12Sample('modern'), [2], macData(iterations));
    expect(result(() => readPkcs12(pfx(PKCS12_LIMITS.maxMacIterations), { storePassword: STORE_PASS }))).toEqual([
      'INVALID_INPUT',
      'PKCS#12 MAC: MAC value of 31 bytes, expected 32 for HMAC-sha256',
    ]);
    expect(result(() => readPkcs12(pfx(PKCS12_LIMITS.maxMacIterations + 1), { storePassword: STORE_PASS }))).toEqual([
      'LIMIT_EXCEEDED',
      "PKCS#12 MAC: PBMAC1: iteration count 1000001 is more than certkit's limit of 1000000 for a MAC",
    ]);
  });

  describe('key-derivation work per file: 3,000,000 hash computations pass the check, one more is refused before any derivation', () => {
    const N = KDF_LIMITS.maxWorkPerFile;
    const ALIGNED = 'PKCS#12 safe 1: encrypted safe: ciphertext of 17 bytes is not a whole number of 16-byte blocks';
    /** PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC: one 32-byte block per iteration) with `iterations`. */
    const pbes2 = (iterations: number) => {
      const kdf = tlv(0x30, oidTlv('1.2.840.113549.1.5.12'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), tlv(0x02, uint(iterations)), tlv(0x30, oidTlv('1.2.840.113549.2.9'), NULL)));
      return tlv(0x30, oidTlv('1.2.840.113549.1.5.13'), tlv(0x30, kdf, tlv(0x30, oidTlv('2.16.840.1.101.3.4.1.42'), tlv(0x04, Buffer.alloc(16)))));
    };
    /** pbeWithSHAAnd3-KeyTripleDES-CBC: the PKCS#12 KDF's SHA-1, two blocks for the key and one for the IV. */
    const tripleDes = (iterations: number) => tlv(0x30, oidTlv('1.2.840.113549.1.12.1.3'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), tlv(0x02, uint(iterations))));
    /** An encryptedData safe under `alg`; its 17-byte ciphertext fails, without deriving, once the budget has passed. */
    const encryptedSafe = (alg: Buffer) =>
      tlv(0x30, oidTlv('1.2.840.113549.1.7.6'), tlv(0xa0, tlv(0x30, tlv(0x02, Buffer.from([0])), tlv(0x30, oidTlv('1.2.840.113549.1.7.1'), alg, tlv(0x80, Buffer.alloc(17))))));
    const dataSafe = (...bags: Buffer[]) => tlv(0x30, oidTlv('1.2.840.113549.1.7.1'), tlv(0xa0, tlv(0x04, tlv(0x30, ...bags))));
    const shrouded = (alg: Buffer) => tlv(0x30, oidTlv('1.2.840.113549.1.12.10.1.2'), tlv(0xa0, tlv(0x30, alg, tlv(0x04, Buffer.alloc(16)))));
    /** A PFX without a MAC (read with allowMissingMac) holding `safes`. */
    const pfx = (...safes: Buffer[]) => tlv(0x30, tlv(0x02, Buffer.from([3])), tlv(0x30, oidTlv('1.2.840.113549.1.7.1'), tlv(0xa0, tlv(0x04, tlv(0x30, ...safes)))));
    const read = (b: Buffer, keys = true) => result(() => readPkcs12(b, { storePassword: 'x', allowMissingMac: true, keys }));
    const over = (work: number, parts: string) => ['LIMIT_EXCEEDED', `key derivation would take ${work} hash computations (${parts}), more than certkit's limit of 3000000 per file`];

    it('one safe at N and N+1', () => {
      expect(N).toBe(3_000_000);
      expect(read(pfx(encryptedSafe(pbes2(N))))).toEqual(['INVALID_INPUT', ALIGNED]);
      expect(read(pfx(encryptedSafe(pbes2(N + 1))))).toEqual(over(3_000_001, '1 encrypted safe'));
    });

    it('summed over safes and keys: three safes of N/3, or two safes and a key; one iteration more is refused', () => {
      const third = N / 3;
      expect(read(pfx(encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third))))).toEqual(['INVALID_INPUT', ALIGNED]);
      expect(read(pfx(encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third + 1))))).toEqual(over(3_000_001, '3 encrypted safes'));
      const keySafe = (n: number) => dataSafe(shrouded(pbes2(n)));
      expect(read(pfx(encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third)), keySafe(third)))).toEqual(['INVALID_INPUT', ALIGNED]);
      expect(read(pfx(encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third)), keySafe(third + 1)))).toEqual(over(3_000_001, '2 encrypted safes, 1 key'));
      // Listing decrypts no key: the key's derivation is not counted.
      expect(read(pfx(encryptedSafe(pbes2(third)), encryptedSafe(pbes2(third)), keySafe(third + 1)), false)).toEqual(['INVALID_INPUT', ALIGNED]);
    });

    it("the issue's files: two 3DES safes at 5,000,000 (227 bytes, 38 s to list), ten PBES2 safes, all refused at once", () => {
      const two = pfx(encryptedSafe(tripleDes(5_000_000)), encryptedSafe(tripleDes(5_000_000)));
      expect(two.length).toBeLessThan(230);
      expect(read(two)).toEqual(over(30_000_000, '2 encrypted safes'));
      expect(read(pfx(...Array<Buffer>(10).fill(encryptedSafe(pbes2(5_000_000)))))).toEqual(over(50_000_000, '10 encrypted safes'));
    });

    it('the MAC counts with the safes, twice for an empty password (tried both ways)', () => {
      // HMAC-SHA256 keyed by the PKCS#12 KDF at 1,000,000 iterations: one 32-byte block each.
      const macData = tlv(0x30, tlv(0x30, tlv(0x30, oidTlv('2.16.840.1.101.3.4.2.1'), NULL), tlv(0x04, Buffer.alloc(32))), tlv(0x04, Buffer.alloc(8)), tlv(0x02, uint(1_000_000)));
      const macd = (safe: Buffer) => appendInside(pfx(safe), [], macData);
      expect(result(() => readPkcs12(macd(encryptedSafe(pbes2(2_000_001))), { storePassword: 'x' }))).toEqual(over(3_000_001, '1 MAC, 1 encrypted safe'));
      expect(result(() => readPkcs12(macd(encryptedSafe(pbes2(1_000_001))), { storePassword: '' }))).toEqual(over(3_000_001, '1 MAC, 1 encrypted safe'));
    });
  });

  it('key-derivation work per file, JCEKS: 3,000,000 MD5 computations pass the check, 3,000,002 (one iteration more: two salt halves) refused', () => {
    // PBEWithMD5AndTripleDES runs one MD5 chain per salt half: 2 × iterations for unequal halves.
    const epki = (iterations: number) =>
      tlv(0x30, tlv(0x30, oidTlv('1.3.6.1.4.1.42.2.19.1'), tlv(0x30, tlv(0x04, Buffer.from('0102030405060708', 'hex')), tlv(0x02, uint(iterations)))), tlv(0x04, Buffer.alloc(7)));
    const store = (...iterations: number[]) =>
      writeJavaKeyStoreFrame(
        JCEKS_MAGIC,
        iterations.map((n, i): RawPrivateKeyEntry => ({ tag: 1, alias: `k${i}`, created: new Date(0), protectedKey: epki(n), chain: [] })),
        'pw',
      );
    const read = (b: Buffer) => result(() => readJceks(b, { storePassword: 'pw' }));
    // At N the derivations would run: the 7-byte ciphertext fails first, before any.
    expect(read(store(750_000, 750_000))).toEqual(['INVALID_INPUT', "entry 1 'k0': encrypted data: 7 bytes is not a whole number of 3DES blocks"]);
    expect(read(store(750_000, 750_001))).toEqual([
      'LIMIT_EXCEEDED',
      "key derivation would take 3000002 hash computations (2 keys), more than certkit's limit of 3000000 per file",
    ]);
    // Listing opens no key: nothing is derived, nothing counted.
    expect(readJceks(store(5_000_000, 5_000_000), { storePassword: 'pw', keys: false }).entries.map((e) => e.alias)).toEqual(['k0', 'k1']);
  });

  it('PKCS#12 safes: 1000 read, 1001 refused; attributes 64 / 65; SafeContents nesting 2 / 3', () => {
    const p12 = p12Sample('modern');
    const data = tlv(0x30, tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')), tlv(0xa0, tlv(0x04, tlv(0x30))));
    const safes = (n: number) => editAuthSafe(p12, STORE_PASS, () => tlv(0x30, ...Array<Buffer>(n).fill(data)));
    expect(readPkcs12(safes(PKCS12_LIMITS.maxSafes), { storePassword: STORE_PASS }).entries).toEqual([]);
    expect(result(() => readPkcs12(safes(PKCS12_LIMITS.maxSafes + 1), { storePassword: STORE_PASS }))).toEqual([
      'LIMIT_EXCEEDED',
      'PKCS#12 AuthenticatedSafe: AuthenticatedSafe: 1001 items is more than the limit of 1000',
    ]);
    const nested = (depth: number) => {
      let bags = tlv(0x30);
      for (let i = 0; i < depth; i++) bags = tlv(0x30, tlv(0x30, tlv(0x06, Buffer.from('2a864886f70d010c0a0106', 'hex')), tlv(0xa0, bags)));
      return editAuthSafe(p12, STORE_PASS, () => tlv(0x30, tlv(0x30, tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')), tlv(0xa0, tlv(0x04, bags)))));
    };
    expect(readPkcs12(nested(PKCS12_LIMITS.maxNestedSafeContents), { storePassword: STORE_PASS }).entries).toEqual([]);
    expect(result(() => readPkcs12(nested(PKCS12_LIMITS.maxNestedSafeContents + 1), { storePassword: STORE_PASS }))).toEqual([
      'LIMIT_EXCEEDED',
      'PKCS#12 safe 1: bag 1: bag 1: bag 1: SafeContents nested more than 2 deep',
    ]);
  });

  it('Java serialization depth: 24 nested arrays read, 25 refused', () => {
    const arrays = (n: number) =>
      new JavaDataReader(
        Buffer.concat([
          Buffer.from([0xac, 0xed, 0x00, 0x05]),
          Buffer.from(Array(n).fill([0x75, 0x72, 0x00, 0x01, 0x5b, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x00, 0x78, 0x70, 0x00, 0x00, 0x00, 0x01]).flat()),
          Buffer.from([0x70]),
        ]),
      );
    const depthOk = SERIALIZATION_LIMITS.maxDepth - 1;
    expect(result(() => readSerializedObject(arrays(depthOk)))).toBe('ok');
    expect(result(() => readSerializedObject(arrays(depthOk + 1)))).toEqual(['LIMIT_EXCEEDED', 'serialized object: nested more than 24 levels deep']);
  });

  it('distinguished names: 64 RDNs / 65, 16 AVAs / 17, 65,536 characters / 65,537', () => {
    const rdns = (n: number) => Array.from({ length: n }, (_, i) => `OU=u${i}`).join(',');
    const avas = (n: number) => Array.from({ length: n }, (_, i) => `OU=u${i}`).join('+');
    expect(parseDname(rdns(DN_LIMITS.maxRdns))).toHaveLength(64);
    expect(result(() => parseDname(rdns(DN_LIMITS.maxRdns + 1)))).toEqual(['LIMIT_EXCEEDED', 'distinguished name: more than 64 RDNs']);
    expect(parseDname(avas(DN_LIMITS.maxAvasPerRdn))[0]).toHaveLength(16);
    expect(result(() => parseDname(avas(DN_LIMITS.maxAvasPerRdn + 1)))).toEqual(['LIMIT_EXCEEDED', 'distinguished name: more than 16 attributes in one RDN']);
    const chars = (n: number) => `CN=a,${' '.repeat(n - 5)}`;
    expect(result(() => parseDname(chars(DN_LIMITS.maxChars)))).toEqual(['INVALID_INPUT', `distinguished name "CN=a,${' '.repeat(115)}…": position 65537: expected an attribute name at the end`]);
    expect(result(() => parseDname(chars(DN_LIMITS.maxChars + 1)))).toEqual(['LIMIT_EXCEEDED', 'distinguished name of 65537 characters is more than the 65536 limit']);
  });

  it('S3 object keys: 1024 bytes / 1025', () => {
    expect(parseS3Uri(`s3://bucket/${'k'.repeat(MAX_S3_KEY_BYTES - 1)}/`).prefix).toHaveLength(1024);
    expect(result(() => parseS3Uri(`s3://bucket/${'k'.repeat(MAX_S3_KEY_BYTES)}/`))[0]).toBe('USAGE');
  });

  it('validity: 100 years / 100 years and a day', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    expect(parseValidity(`${MAX_VALIDITY_YEARS}y`, now).type).toBe('YEARS');
    expect(result(() => parseValidity('2126-06-16', now))).toEqual(['USAGE', "--validity '2126-06-16': longer than the 100-year limit"]);
  });

  it('limits still defined outside src/limits.ts have its values', () => {
    expect({ MAX_PBE_ITERATIONS, MAX_SALT_BYTES, JCEKS_MAX_ITERATIONS, maxPbkdf2: KEY_LIMITS.maxPbkdf2Iterations }).toEqual({
      MAX_PBE_ITERATIONS: KDF_LIMITS.maxIterations,
      MAX_SALT_BYTES: KDF_LIMITS.maxSaltBytes,
      JCEKS_MAX_ITERATIONS: KDF_LIMITS.maxIterations,
      maxPbkdf2: KDF_LIMITS.maxIterations,
    });
    expect({ MAX_INPUT_BYTES, MAX_PASSWORD_LINE, MAX_PASSWORD_FILE }).toEqual({
      MAX_INPUT_BYTES: INPUT_LIMITS.maxInputBytes,
      MAX_PASSWORD_LINE: INPUT_LIMITS.maxPasswordLine,
      MAX_PASSWORD_FILE: INPUT_LIMITS.maxPasswordFileBytes,
    });
  });

  it('input files: 64 MiB read, one byte more refused before reading (sparse files)', async () => {
    const ctx = { path: (p: string) => p } as unknown as CliContext;
    const big = join(dir, 'big.bin');
    truncateSync(openCloseSync(big), INPUT_LIMITS.maxInputBytes);
    expect((await readInput(ctx, big)).length).toBe(67_108_864);
    truncateSync(big, INPUT_LIMITS.maxInputBytes + 1);
    await expect(readInput(ctx, big)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'file of 67108865 bytes is larger than the 67108864-byte limit',
    });
  });

  it('password files: 1 MiB read, one byte more refused', async () => {
    const src = () => createPasswordSources({ stdin: undefined, env: {}, cwd: dir, warn: () => undefined });
    writeFileSync(join(dir, 'pw'), Buffer.concat([Buffer.from('secret\n'), Buffer.alloc(INPUT_LIMITS.maxPasswordFileBytes - 7, 0x20)]));
    expect(await resolvePassword('file:pw', src())).toBe('secret');
    writeFileSync(join(dir, 'pw'), Buffer.concat([Buffer.from('secret\n'), Buffer.alloc(INPUT_LIMITS.maxPasswordFileBytes - 6, 0x20)]));
    await expect(resolvePassword('file:pw', src())).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'password: password file larger than 1048576 bytes',
    });
  });

  it('password lines: 64 KiB read, one byte more refused', async () => {
    const src = (stdin: string) => createPasswordSources({ stdin, env: {}, cwd: '/', warn: () => undefined });
    expect(await resolvePassword('stdin', src(`${'p'.repeat(64 * 1024)}\n`))).toHaveLength(65_536);
    await expect(resolvePassword('stdin', src(`${'p'.repeat(64 * 1024 + 1)}\n`))).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'password line longer than 65536 bytes',
    });
  });
  it('resume state: 64 KiB read, one byte more refused before reading', async () => {
    const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const dname = 'CN=limit client';
    const state = {
      version: 1,
      dname,
      keyType: 'ec256',
      key: exportPkcs8Pem(key),
      csr: encodePem('CERTIFICATE REQUEST', buildCsr({ subject: dname, key })),
    };
    const path = join(dir, STATE_FILE);
    const wanted = { dname, keyType: 'ec256' as const, ca: undefined };
    writeFileSync(path, JSON.stringify(state).padEnd(OWN_FILE_LIMITS.maxResumeStateBytes, ' '), { mode: 0o600 });
    expect((await readResumeState(path, 'state', wanted, undefined))?.csrDer.equals(decodePemAll(state.csr)[0]!.der)).toBe(true);
    writeFileSync(path, JSON.stringify(state).padEnd(OWN_FILE_LIMITS.maxResumeStateBytes + 1, ' '));
    await expect(readResumeState(path, 'state', wanted, undefined)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'resume state of 65537 bytes is larger than the 65536-byte limit',
    });
  });
  it('local CA files: 1 MiB read, one byte more refused before reading', async () => {
    const ca = join(dir, 'limit-ca');
    await initLocalCa(ca, { keyType: 'ec256' });
    const pem = readFileSync(join(ca, CA_CERT_FILE), 'utf8');
    writeFileSync(join(ca, CA_CERT_FILE), pem.padEnd(OWN_FILE_LIMITS.maxLocalCaFileBytes, '\n'));
    expect((await loadLocalCa(ca)).cert.length).toBeGreaterThan(0);
    writeFileSync(join(ca, CA_CERT_FILE), pem.padEnd(OWN_FILE_LIMITS.maxLocalCaFileBytes + 1, '\n'));
    await expect(loadLocalCa(ca)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      file: join(ca, CA_CERT_FILE),
      message: 'file of 1048577 bytes is larger than the 1048576-byte limit',
    });
  });
});

