/**
 * Password-based encryption as PKCS#12 and PKCS#8 use it:
 *
 * - PKCS#12 PBE (RFC 7292 Appendix C): pbeWithSHAAnd3-KeyTripleDES-CBC, ...2-KeyTripleDES-CBC,
 *   ...128BitRC2-CBC and ...40BitRC2-CBC, keyed by the PKCS#12 KDF over the BMPString password.
 * - PBES2 (RFC 8018) with PBKDF2 (HMAC-SHA1/224/256/384/512) and AES-128/192/256-CBC or
 *   DES-EDE3-CBC. The password goes into PBKDF2 as UTF-8 bytes: OpenSSL does so, and so does
 *   JDK 17 (PBKDF2KeyImpl encodes the char[] as UTF-8; JDK 17's PBE keys additionally refuse
 *   non-ASCII passwords, which is why JDK 17 cannot open such stores at all).
 *
 * The iteration count is checked against `MAX_PBE_ITERATIONS` before any derivation work, so a
 * small hostile file claiming 2^31 iterations is refused at once (LIMIT_EXCEEDED).
 * All ciphers are node:crypto except RC2, which Node's OpenSSL 3 no longer offers (see rc2.ts).
 */
import { createCipheriv, createDecipheriv, pbkdf2, pbkdf2Sync, randomBytes as nodeRandomBytes } from 'node:crypto';
import { CertkitError, invalid, unsupported } from '../errors.js';
import { KDF_LIMITS, PKCS12_LIMITS } from '../limits.js';
import { type Asn1Node, isNull, octets, oid, sequence, shownInteger, unsignedInteger, UNIVERSAL_TAG, hasTag } from './der-read.js';
import * as der from './der-write.js';
import { kdfWork } from './kdf-budget.js';
import { bmpPassword, digestSize, pkcs12Kdf, pkcs12KdfAsync } from './pkcs12-kdf.js';
import { rc2CbcDecrypt } from './rc2.js';

/** Most PBE/KDF/MAC iterations certkit will run (OpenSSL and Java write 2048 to 100000); KDF_LIMITS in src/limits.ts. */
export const MAX_PBE_ITERATIONS = KDF_LIMITS.maxIterations;

/** Largest salt accepted when reading (real files use 8 to 20 bytes); KDF_LIMITS in src/limits.ts. */
export const MAX_SALT_BYTES = KDF_LIMITS.maxSaltBytes;

export const PBE_OID = {
  pbeWithSHAAnd128BitRC4: '1.2.840.113549.1.12.1.1',
  pbeWithSHAAnd40BitRC4: '1.2.840.113549.1.12.1.2',
  pbeWithSHAAnd3KeyTripleDESCBC: '1.2.840.113549.1.12.1.3',
  pbeWithSHAAnd2KeyTripleDESCBC: '1.2.840.113549.1.12.1.4',
  pbeWithSHAAnd128BitRC2CBC: '1.2.840.113549.1.12.1.5',
  pbeWithSHAAnd40BitRC2CBC: '1.2.840.113549.1.12.1.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

export type Pbkdf2Prf = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type Pbes2Cipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

const PRF_BY_OID: Record<string, Pbkdf2Prf> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const PRF_OID: Record<Pbkdf2Prf, string> = {
  sha1: '1.2.840.113549.2.7',
  sha224: '1.2.840.113549.2.8',
  sha256: '1.2.840.113549.2.9',
  sha384: '1.2.840.113549.2.10',
  sha512: '1.2.840.113549.2.11',
};

interface CipherInfo {
  oid: string;
  keyLength: number;
  ivLength: number;
}
const CIPHERS: Record<Pbes2Cipher, CipherInfo> = {
  'aes-128-cbc': { oid: '2.16.840.1.101.3.4.1.2', keyLength: 16, ivLength: 16 },
  'aes-192-cbc': { oid: '2.16.840.1.101.3.4.1.22', keyLength: 24, ivLength: 16 },
  'aes-256-cbc': { oid: '2.16.840.1.101.3.4.1.42', keyLength: 32, ivLength: 16 },
  'des-ede3-cbc': { oid: '1.2.840.113549.3.7', keyLength: 24, ivLength: 8 },
};
const CIPHER_BY_OID: Record<string, Pbes2Cipher> = Object.fromEntries(
  Object.entries(CIPHERS).map(([name, c]) => [c.oid, name as Pbes2Cipher]),
);

/** PKCS#12 PBE schemes certkit implements: key length, IV length, cipher. */
const PKCS12_PBE: Record<string, { name: string; keyLength: number; cipher: 'des-ede3-cbc' | 'des-ede-cbc' | 'rc2' }> = {
  [PBE_OID.pbeWithSHAAnd3KeyTripleDESCBC]: { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', keyLength: 24, cipher: 'des-ede3-cbc' },
  [PBE_OID.pbeWithSHAAnd2KeyTripleDESCBC]: { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', keyLength: 16, cipher: 'des-ede-cbc' },
  [PBE_OID.pbeWithSHAAnd128BitRC2CBC]: { name: 'pbeWithSHAAnd128BitRC2-CBC', keyLength: 16, cipher: 'rc2' },
  [PBE_OID.pbeWithSHAAnd40BitRC2CBC]: { name: 'pbeWithSHAAnd40BitRC2-CBC', keyLength: 5, cipher: 'rc2' },
};

/** The most iterations one derivation may run, and what the limit is for (in its message). */
export interface IterationLimit {
  readonly max: number;
  /** Appended to the message: '' for every derivation, ' for a MAC' for the lower MAC limit. */
  readonly scope: string;
}

/** Any one PBE or KDF derivation: `MAX_PBE_ITERATIONS`. */
export const PBE_ITERATIONS: IterationLimit = { max: MAX_PBE_ITERATIONS, scope: '' };

/** A PKCS#12 MAC's derivation (classic or PBMAC1): PKCS12_LIMITS.maxMacIterations in src/limits.ts. */
export const MAC_ITERATIONS: IterationLimit = { max: PKCS12_LIMITS.maxMacIterations, scope: ' for a MAC' };

/**
 * Checks an iteration count read from a file: at least 1 and at most `limit.max`
 * (`MAX_PBE_ITERATIONS` unless given). Call it before any key derivation. `what` prefixes the
 * message (none when empty, for callers whose context already names the structure); a count of
 * more than 20 digits is not repeated.
 */
export function checkIterations(count: bigint, what: string, limit: IterationLimit = PBE_ITERATIONS): number {
  const prefix = what === '' ? '' : `${what}: `;
  const shown = shownInteger(count);
  const countText = shown === undefined ? 'iteration count' : `iteration count ${shown}`;
  if (count < 1n) throw invalid(`${prefix}${countText} is not positive`);
  if (count > BigInt(limit.max)) {
    throw new CertkitError('LIMIT_EXCEEDED', `${prefix}${countText} is more than certkit's limit of ${limit.max}${limit.scope}`);
  }
  return Number(count);
}

function checkSalt(salt: Buffer, what: string): Buffer {
  if (salt.length > MAX_SALT_BYTES) {
    throw new CertkitError('LIMIT_EXCEEDED', `${what}: ${salt.length}-byte salt is more than the limit of ${MAX_SALT_BYTES}`);
  }
  return salt;
}

/** Options for decryption. */
export interface PbeDecryptOptions {
  /**
   * For the PKCS#12 KDF: encode an empty password as no bytes (Java, OpenSSL's NULL) rather than
   * the two-byte terminator (OpenSSL's `pass:`). The PKCS#12 reader sets it from the MAC check.
   */
  readonly emptyPasswordAsNone?: boolean;
}

/** The parsed parameters of a supported algorithm (for `describePbe` and tests). */
export type PbeParams =
  | { scheme: 'pkcs12'; oid: string; name: string; salt: Buffer; iterations: number }
  | { scheme: 'pbes2'; prf: Pbkdf2Prf; cipher: Pbes2Cipher; salt: Buffer; iterations: number; iv: Buffer };

/** PBKDF2 parameters (RFC 8018 A.2), as PBES2 and PBMAC1 carry them. */
export interface Pbkdf2Params {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly keyLength?: number;
  readonly prf: Pbkdf2Prf;
}

/**
 * Parses a key derivation AlgorithmIdentifier that must be PBKDF2, checking the iteration count
 * (against `limit`) before anything else uses it. `user` names the scheme in errors ("PBES2", "PBMAC1").
 */
export function parsePbkdf2(kdf: Asn1Node, what: string, user: string, limit: IterationLimit = PBE_ITERATIONS): Pbkdf2Params {
  const [kdfIdNode, kdfParams] = sequence(kdf, `${what} key derivation function`, 1, 2);
  const kdfId = oid(kdfIdNode!, `${what} key derivation function`);
  if (kdfId !== PBE_OID.pbkdf2) throw unsupported(`${what}: ${user} key derivation ${kdfId} is not supported (only PBKDF2)`);
  if (kdfParams === undefined) throw invalid(`${what}: PBKDF2 without parameters`);
  const fields = sequence(kdfParams, `${what} PBKDF2 parameters`, 2, 4);
  const saltNode = fields[0]!;
  if (!hasTag(saltNode, UNIVERSAL_TAG.OCTET_STRING)) {
    throw unsupported(`${what}: PBKDF2 salt from another source is not supported`);
  }
  const iterations = checkIterations(unsignedInteger(fields[1]!, `${what} PBKDF2 iterations`), what, limit);
  const salt = checkSalt(octets(saltNode, `${what} PBKDF2 salt`), what);
  let keyLength: number | undefined;
  let prf: Pbkdf2Prf = 'sha1';
  let sawPrf = false;
  for (const f of fields.slice(2)) {
    if (hasTag(f, UNIVERSAL_TAG.INTEGER) && keyLength === undefined && !sawPrf) {
      const n = unsignedInteger(f, `${what} PBKDF2 key length`);
      if (n < 1n || n > 64n) throw invalid(`${what}: PBKDF2 key length ${n} is out of range`);
      keyLength = Number(n);
    } else {
      if (sawPrf) throw invalid(`${what}: PBKDF2 parameters have an extra field`);
      const [prfIdNode, prfParams] = sequence(f, `${what} PBKDF2 PRF`, 1, 2);
      const prfId = oid(prfIdNode!, `${what} PBKDF2 PRF`);
      const found = PRF_BY_OID[prfId];
      if (found === undefined) throw unsupported(`${what}: PBKDF2 PRF ${prfId} is not supported`);
      if (prfParams !== undefined && !isNull(prfParams)) throw invalid(`${what}: PBKDF2 PRF has unexpected parameters`);
      prf = found;
      sawPrf = true;
    }
  }
  return keyLength === undefined ? { salt, iterations, prf } : { salt, iterations, keyLength, prf };
}

/** The hash of an HMAC algorithm identifier OID (hmacWithSHA1 ... hmacWithSHA512), if known. */
export function hmacHashOf(oidValue: string): Pbkdf2Prf | undefined {
  return PRF_BY_OID[oidValue];
}

/**
 * Parses a PBE AlgorithmIdentifier (PKCS#12 PBE or PBES2/PBKDF2), checking the iteration
 * count before anything else is done with it. Unknown algorithms are UNSUPPORTED.
 */
export function parsePbeAlgorithm(algorithm: Asn1Node, what: string): PbeParams {
  const [idNode, params] = sequence(algorithm, `${what} algorithm`, 1, 2);
  const id = oid(idNode!, `${what} algorithm`);
  const p12 = PKCS12_PBE[id];
  if (p12 !== undefined) {
    if (params === undefined) throw invalid(`${what}: ${p12.name} without parameters`);
    const [saltNode, iterNode] = sequence(params, `${what} ${p12.name} parameters`, 2, 2);
    const iterations = checkIterations(unsignedInteger(iterNode!, `${what} iterations`), what);
    const salt = checkSalt(octets(saltNode!, `${what} salt`), what);
    return { scheme: 'pkcs12', oid: id, name: p12.name, salt, iterations };
  }
  if (id === PBE_OID.pbes2) {
    if (params === undefined) throw invalid(`${what}: PBES2 without parameters`);
    const [kdf, enc] = sequence(params, `${what} PBES2 parameters`, 2, 2);
    const { salt, iterations, keyLength, prf } = parsePbkdf2(kdf!, what, 'PBES2');
    const [encIdNode, ivNode] = sequence(enc!, `${what} encryption scheme`, 1, 2);
    const encId = oid(encIdNode!, `${what} encryption scheme`);
    const cipher = CIPHER_BY_OID[encId];
    if (cipher === undefined) throw unsupported(`${what}: PBES2 encryption scheme ${encId} is not supported`);
    const info = CIPHERS[cipher];
    if (keyLength !== undefined && keyLength !== info.keyLength) {
      throw invalid(`${what}: PBKDF2 key length ${keyLength} does not fit ${cipher}`);
    }
    if (ivNode === undefined) throw invalid(`${what}: ${cipher} without an IV`);
    const iv = octets(ivNode, `${what} IV`);
    if (iv.length !== info.ivLength) throw invalid(`${what}: ${cipher} IV of ${iv.length} bytes, expected ${info.ivLength}`);
    return { scheme: 'pbes2', prf, cipher, salt, iterations, iv };
  }
  if (id === PBE_OID.pbeWithSHAAnd128BitRC4 || id === PBE_OID.pbeWithSHAAnd40BitRC4) {
    throw unsupported(`${what}: RC4-based PBE (${id}) is not supported`);
  }
  throw unsupported(`${what}: encryption algorithm ${id} is not supported`);
}

function blockCheck(data: Uint8Array, block: number, what: string): void {
  if (data.length === 0 || data.length % block !== 0) {
    throw invalid(`${what}: ciphertext of ${data.length} bytes is not a whole number of ${block}-byte blocks`);
  }
}

function nodeDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Uint8Array, what: string): Buffer {
  blockCheck(data, iv.length, what);
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch (e) {
    throw new CertkitError('BAD_PASSWORD', `${what}: decryption failed (wrong password or corrupt data)`, { cause: e });
  }
}

/**
 * The hash computations decrypting under `p` runs (see kdf-budget.ts): PBKDF2's output blocks for
 * the cipher's key, or the PKCS#12 KDF's blocks for the key and for the 8-byte IV (SHA-1).
 */
export function pbeWork(p: PbeParams): number {
  if (p.scheme === 'pbes2') return kdfWork(p.iterations, CIPHERS[p.cipher].keyLength, digestSize(p.prf));
  return kdfWork(p.iterations, PKCS12_PBE[p.oid]!.keyLength, 20) + kdfWork(p.iterations, 8, 20);
}

/** `pbeWork` of what `encryptPbe(…, spec)` writes: what a reader will count for it. */
export function pbeSpecWork(spec: PbeEncryptSpec): number {
  if (spec.scheme === 'pbes2') return kdfWork(spec.iterations, CIPHERS[spec.cipher].keyLength, digestSize(spec.prf));
  return kdfWork(spec.iterations, 24, 20) + kdfWork(spec.iterations, 8, 20); // 3-key 3DES: a 24-byte key
}

/**
 * Decrypts `ciphertext` under the PBE AlgorithmIdentifier `algorithm` with `password`.
 * Bad padding throws BAD_PASSWORD; unknown algorithms UNSUPPORTED; excessive iterations
 * LIMIT_EXCEEDED (before any derivation).
 */
export function decryptPbe(
  algorithm: Asn1Node,
  ciphertext: Uint8Array,
  password: string,
  what: string,
  options: PbeDecryptOptions = {},
): Buffer {
  return decryptParsedPbe(parsePbeAlgorithm(algorithm, what), ciphertext, password, what, options);
}

/** `decryptPbe` with parameters `parsePbeAlgorithm` already read (and a caller already budgeted). */
export function decryptParsedPbe(p: PbeParams, ciphertext: Uint8Array, password: string, what: string, options: PbeDecryptOptions = {}): Buffer {
  if (p.scheme === 'pbes2') {
    const info = CIPHERS[p.cipher];
    blockCheck(ciphertext, info.ivLength, what);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), p.salt, p.iterations, info.keyLength, p.prf);
    return nodeDecrypt(p.cipher, key, p.iv, ciphertext, what);
  }
  const scheme = PKCS12_PBE[p.oid]!;
  blockCheck(ciphertext, 8, what);
  const pw = bmpPassword(password, options.emptyPasswordAsNone === true);
  const key = pkcs12Kdf('sha1', pw, p.salt, 1, p.iterations, scheme.keyLength);
  const iv = pkcs12Kdf('sha1', pw, p.salt, 2, p.iterations, 8);
  if (scheme.cipher === 'rc2') {
    try {
      return rc2CbcDecrypt(key, scheme.keyLength * 8, iv, ciphertext);
    } catch (e) {
      if (e instanceof CertkitError) throw e.withContext(what);
      throw e;
    }
  }
  return nodeDecrypt(scheme.cipher, key, iv, ciphertext, what);
}

/** How to encrypt: PBES2 (modern) or PKCS#12 3DES (legacy). */
export type PbeEncryptSpec =
  | { scheme: 'pbes2'; prf: Pbkdf2Prf; cipher: Pbes2Cipher; iterations: number; saltLength?: number }
  | { scheme: 'pkcs12-3des'; iterations: number; saltLength?: number };

/** The result of `encryptPbe`: the AlgorithmIdentifier (DER) and the ciphertext. */
export interface PbeEncrypted {
  readonly algorithm: Buffer;
  readonly ciphertext: Buffer;
}

function checkWriteIterations(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PBE_ITERATIONS) {
    throw new CertkitError('USAGE', `iteration count ${n} must be an integer from 1 to ${MAX_PBE_ITERATIONS}`);
  }
}

/**
 * A cipher ready to encrypt: salt and IV drawn, key derived from the password. What
 * `encryptPbe` does in one step, split so the slow part (the key derivation) can run before
 * the plaintext exists, e.g. while a certificate is being issued.
 */
export interface PbeCipher {
  /** The AlgorithmIdentifier (DER) that goes with the ciphertext. */
  readonly algorithm: Buffer;
  /** Encrypts with the derived key and IV (each call with the same IV: one plaintext per cipher). */
  encrypt(plaintext: Uint8Array): Buffer;
}

function pbes2Cipher(spec: Extract<PbeEncryptSpec, { scheme: 'pbes2' }>, salt: Buffer, iv: Buffer, key: Buffer): PbeCipher {
  const info = CIPHERS[spec.cipher];
  const kdf = der.algorithmIdentifier(
    PBE_OID.pbkdf2,
    der.sequence(
      der.octetString(salt),
      der.integer(spec.iterations),
      der.integer(info.keyLength),
      der.algorithmIdentifier(PRF_OID[spec.prf], der.nullValue()),
    ),
  );
  const enc = der.algorithmIdentifier(info.oid, der.octetString(iv));
  return {
    algorithm: der.algorithmIdentifier(PBE_OID.pbes2, der.sequence(kdf, enc)),
    encrypt: (plaintext) => {
      const c = createCipheriv(spec.cipher, key, iv);
      return Buffer.concat([c.update(plaintext), c.final()]);
    },
  };
}

function pkcs12TripleDesCipher(spec: PbeEncryptSpec, salt: Buffer, key: Buffer, iv: Buffer): PbeCipher {
  return {
    algorithm: der.algorithmIdentifier(PBE_OID.pbeWithSHAAnd3KeyTripleDESCBC, der.sequence(der.octetString(salt), der.integer(spec.iterations))),
    encrypt: (plaintext) => {
      const c = createCipheriv('des-ede3-cbc', key, iv);
      return Buffer.concat([c.update(plaintext), c.final()]);
    },
  };
}

/**
 * Draws the salt (default 20 bytes, as JDK) and IV from `randomBytes`, in that order, and
 * derives the key: PBKDF2 over the UTF-8 password for PBES2; the PKCS#12 KDF over the BMP
 * password (empty = no bytes, as Java) for 3DES. `encryptPbe` is this followed by `encrypt`.
 */
export function preparePbe(password: string, spec: PbeEncryptSpec, randomBytes: (n: number) => Buffer = nodeRandomBytes): PbeCipher {
  checkWriteIterations(spec.iterations);
  const salt = randomBytes(spec.saltLength ?? 20);
  if (spec.scheme === 'pbes2') {
    const info = CIPHERS[spec.cipher];
    const iv = randomBytes(info.ivLength);
    return pbes2Cipher(spec, salt, iv, pbkdf2Sync(Buffer.from(password, 'utf8'), salt, spec.iterations, info.keyLength, spec.prf));
  }
  const pw = bmpPassword(password, true);
  return pkcs12TripleDesCipher(spec, salt, pkcs12Kdf('sha1', pw, salt, 1, spec.iterations, 24), pkcs12Kdf('sha1', pw, salt, 2, spec.iterations, 8));
}

/**
 * `preparePbe` without holding the main thread: the random bytes are drawn at once (same order),
 * PBKDF2 runs on libuv's thread pool and the PKCS#12 KDF in slices (`pkcs12KdfAsync`).
 */
export async function preparePbeAsync(
  password: string,
  spec: PbeEncryptSpec,
  randomBytes: (n: number) => Buffer = nodeRandomBytes,
): Promise<PbeCipher> {
  checkWriteIterations(spec.iterations);
  const salt = randomBytes(spec.saltLength ?? 20);
  if (spec.scheme === 'pbes2') {
    const info = CIPHERS[spec.cipher];
    const iv = randomBytes(info.ivLength);
    const key = await new Promise<Buffer>((resolve, reject) =>
      pbkdf2(Buffer.from(password, 'utf8'), salt, spec.iterations, info.keyLength, spec.prf, (e, k) => (e ? reject(e) : resolve(k))),
    );
    return pbes2Cipher(spec, salt, iv, key);
  }
  const pw = bmpPassword(password, true);
  const key = await pkcs12KdfAsync('sha1', pw, salt, 1, spec.iterations, 24);
  const iv = await pkcs12KdfAsync('sha1', pw, salt, 2, spec.iterations, 8);
  return pkcs12TripleDesCipher(spec, salt, key, iv);
}

/**
 * Encrypts `plaintext` with `password`. PBES2 writes PBKDF2 parameters as JDK 17 and OpenSSL 3
 * do (salt, iterations, key length, PRF with NULL parameters); the PKCS#12 3DES scheme encodes an
 * empty password as no bytes, as Java does. Salt (default 20 bytes, as JDK) and IV come from
 * `randomBytes`.
 */
export function encryptPbe(
  plaintext: Uint8Array,
  password: string,
  spec: PbeEncryptSpec,
  randomBytes: (n: number) => Buffer = nodeRandomBytes,
): PbeEncrypted {
  const cipher = preparePbe(password, spec, randomBytes);
  return { algorithm: cipher.algorithm, ciphertext: cipher.encrypt(plaintext) };
}
