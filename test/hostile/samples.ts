/**
 * Small valid samples the mutation sweeps, the fuzzer and the integrity suite start from: the
 * OpenSSL-made P-256 files in corpus/ (see corpus/README.md), and JKS / PKCS#12 stores written by
 * certkit's own writers with fixed salts and dates and one KDF iteration, so every mutant is cheap
 * to read and a fixed seed always gives the same mutants.
 */
import { createHmac } from 'node:crypto';
import { writeJks } from '../../src/keystore/jks.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { writePkcs12 } from '../../src/keystore/pkcs12-write.js';
import { bmpPassword, pkcs12Kdf } from '../../src/keystore/pkcs12-kdf.js';
import { decodePemAll } from '../../src/pem.js';
import { contentAt, corpusFile, derAt, fixture, parseTree, tlv } from './support.js';

export const EC_CERT = corpusFile('ec-p256-cert.der');
export const EC_CSR = corpusFile('ec-p256-csr.der');
export const EC_PKCS8 = corpusFile('ec-p256-pkcs8.der');
export const EC_PKCS8_ENC = corpusFile('ec-p256-pkcs8-enc-iter1.der');
export const EC_PKCS8_ENC_PASS = 'hostile-pass';
export const EC_SEC1 = corpusFile('ec-p256-sec1.der');
export const RSA512_PKCS1 = corpusFile('rsa512-pkcs1.der');
/** keytool's fixture root CA (the last certificate of openssl's -nodes output). */
export const ROOT_CA = decodePemAll(fixture('pem/openssl-nodes-bag-attributes.pem')).at(-1)!.der;

export const STORE_PASS = 'sweep-store';
export const KEY_PASS = 'sweep-key';
const fixedRandom = (n: number): Buffer => Buffer.alloc(n, 0x5a);
const fixedNow = (): Date => new Date('2026-01-02T03:04:05Z');

export const SAMPLE_ENTRIES: readonly KeyStoreEntry[] = [
  { kind: 'private-key', alias: 'client', key: EC_PKCS8, chain: [EC_CERT], created: fixedNow() },
  { kind: 'trusted-cert', alias: 'root-ca', cert: ROOT_CA, created: fixedNow() },
];

/** A JKS with a P-256 key entry (key password ≠ store password) and a trusted certificate. */
export const jksSample = (): Buffer =>
  writeJks(SAMPLE_ENTRIES, { storePassword: STORE_PASS, keyPassword: KEY_PASS, randomBytes: fixedRandom, now: fixedNow });

/** The same entries as PKCS#12, one iteration for the PBE and the MAC. */
export const p12Sample = (profile: 'modern' | 'legacy' = 'modern', entries: readonly KeyStoreEntry[] = SAMPLE_ENTRIES): Buffer =>
  writePkcs12(entries, {
    storePassword: STORE_PASS,
    profile,
    iterations: 1,
    macIterations: 1,
    randomBytes: fixedRandom,
    now: fixedNow,
  });

/** Applies `fn` to the contents of the OCTET STRING at `path` (DER inside DER). */
export const inOctets = (der: Buffer, path: readonly number[], fn: (inner: Buffer) => Buffer): Buffer =>
  contentAt(der, path, fn(parseTree(derAt(der, path)).content));

/** The AuthenticatedSafe DER of a PFX (the data ContentInfo's OCTET STRING). */
export const authSafeOf = (pfx: Buffer): Buffer => parseTree(derAt(pfx, [1, 1, 0])).content;

const MAC_HASH: Record<string, 'sha1' | 'sha256'> = { '2b0e03021a': 'sha1', '608648016503040201': 'sha256' };

/**
 * Recomputes a PFX's HMAC (PKCS#12 KDF) over its current AuthenticatedSafe with `password`, keeping
 * its MAC algorithm, salt and iteration count: edits inside the MAC'd content then reach the parsers
 * behind the MAC instead of stopping at it.
 */
export function remac(pfx: Buffer, password: string): Buffer {
  const macData = parseTree(derAt(pfx, [2]));
  const algOid = macData.children![0]!.children![0]!.children![0]!.content.toString('hex');
  const hash = MAC_HASH[algOid];
  if (hash === undefined) throw new Error(`remac: MAC algorithm ${algOid}`);
  const salt = macData.children![1]!.content;
  const iterations = Number(BigInt(`0x${macData.children![2]!.content.toString('hex')}`));
  const key = pkcs12Kdf(hash, bmpPassword(password, true), salt, 3, iterations, hash === 'sha1' ? 20 : 32);
  const mac = createHmac(hash, key).update(authSafeOf(pfx)).digest();
  return contentAt(pfx, [2, 0, 1], mac);
}

/** A PFX with its AuthenticatedSafe changed by `fn`, MAC recomputed with `password`. */
export const editAuthSafe = (pfx: Buffer, password: string, fn: (authSafe: Buffer) => Buffer): Buffer =>
  remac(inOctets(pfx, [1, 1, 0], fn), password);

/**
 * A fast `editAuthSafe` for the fuzzer: the PFX of `pfx` rebuilt around any AuthenticatedSafe
 * bytes, its HMAC recomputed with the MAC key derived once (same salt, iterations and password).
 */
export function pfxWithAuthSafe(pfx: Buffer, password: string): (authSafe: Buffer) => Buffer {
  const macData = parseTree(derAt(pfx, [2]));
  const algId = derAt(pfx, [2, 0, 0]);
  const algOid = macData.children![0]!.children![0]!.children![0]!.content.toString('hex');
  const hash = MAC_HASH[algOid]!;
  const salt = macData.children![1]!.content;
  const iterations = Number(BigInt(`0x${macData.children![2]!.content.toString('hex')}`));
  const key = pkcs12Kdf(hash, bmpPassword(password, true), salt, 3, iterations, hash === 'sha1' ? 20 : 32);
  const version = derAt(pfx, [0]);
  const dataOid = derAt(pfx, [1, 0]);
  const tail = Buffer.concat([derAt(pfx, [2, 1]), derAt(pfx, [2, 2])]);
  return (authSafe) => {
    const mac = createHmac(hash, key).update(authSafe).digest();
    return tlv(0x30, version, tlv(0x30, dataOid, tlv(0xa0, tlv(0x04, authSafe))), tlv(0x30, tlv(0x30, algId, tlv(0x04, mac)), tail));
  };
}
