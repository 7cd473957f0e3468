/**
 * JCEKS key protection: Sun's PBEWithMD5AndTripleDES (OID 1.3.6.1.4.1.42.2.19.1), decrypt only,
 * as com.sun.crypto.provider.KeyProtector / PBES1Core do it.
 *
 * Parameters are PBEParameter ::= SEQUENCE { salt OCTET STRING (8 bytes), iterationCount INTEGER }.
 * The 3DES key and IV come from Sun's own derivation, not PKCS#5 PBKDF1:
 *
 *   if salt[0..4] == salt[4..8]: the first half is reversed, [a,b,c,d] -> [d,c,b,a], as JDK 17
 *                                does (checked against its cipher); older JDKs had a typo
 *                                (salt[3-1] for salt[3-i]) giving [d,a,b,d], tried second
 *   for each half h:  x = h; repeat iterationCount times: x = MD5(x || password)
 *   key = (x_first || x_second)[0..24], iv = [24..32]
 *
 * The password is taken as ASCII (PBEKey accepts printable ASCII only). The cipher is
 * DES-EDE3-CBC with PKCS#5 padding, from node:crypto.
 */
import { createDecipheriv, createHash, hash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { checkDer, parseDer } from '../asn1.js';
import { CertkitError, invalid, unsupported } from '../errors.js';
import { KDF_LIMITS } from '../limits.js';
import { kdfWork } from './kdf-budget.js';
import { parseEncryptedPrivateKeyInfo } from './jks-key-protector.js';

export const JCEKS_KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.19.1';

/** JDK's own ceiling on PBE iteration counts in JCEKS (jdk.jceks.iterationCount is capped at 5,000,000). */
export const JCEKS_MAX_ITERATIONS = KDF_LIMITS.maxIterations;

/** PBEParameter: salt and iteration count. */
export interface PbeParameters {
  readonly salt: Buffer;
  readonly iterations: number;
}

/** Reads a PBEParameter from an already-parsed ASN.1 value (or DER bytes). */
export function parsePbeParameters(value: asn1js.AsnType | Uint8Array | undefined, what = 'PBE parameters'): PbeParameters {
  const v = value instanceof Uint8Array ? parseDer(value, what) : value;
  const fail = (m: string) => invalid(`${what}: ${m}`);
  if (!(v instanceof asn1js.Sequence) || v.valueBlock.value.length !== 2) throw fail('expected SEQUENCE { salt, iterationCount }');
  const [salt, iter] = v.valueBlock.value;
  if (!(salt instanceof asn1js.OctetString) || salt.idBlock.isConstructed) throw fail('salt is not a primitive OCTET STRING');
  if (!(iter instanceof asn1js.Integer)) throw fail('iterationCount is not an INTEGER');
  const saltBytes = Buffer.from(salt.valueBlock.valueHexView);
  if (saltBytes.length !== 8) throw fail(`salt must be 8 bytes, not ${saltBytes.length}`);
  const n = iter.toBigInt();
  if (n < 1n) throw fail(`iteration count ${n} is not positive`);
  if (n > BigInt(JCEKS_MAX_ITERATIONS)) {
    throw new CertkitError('LIMIT_EXCEEDED', `${what}: iteration count ${n} is more than the ${JCEKS_MAX_ITERATIONS} the JDK allows`);
  }
  return { salt: saltBytes, iterations: Number(n) };
}

/**
 * The MD5 computations deriving under `params` runs (kdf-budget.ts): one 16-byte chain per salt
 * half, and when the halves are equal both treatments of the first half may be tried.
 */
export function jceksWork(params: PbeParameters): number {
  const tries = params.salt.subarray(0, 4).equals(params.salt.subarray(4, 8)) ? 2 : 1;
  return tries * kdfWork(params.iterations, 32, 16);
}

function asciiPassword(password: string): Buffer {
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new CertkitError('BAD_PASSWORD', 'key password is not printable ASCII, so it cannot be a JCEKS key password', { password: 'key' });
    }
  }
  return Buffer.from(password, 'latin1');
}

/** MD5 iterated over (x || password), `iterations` times, starting from a 4-byte salt half. */
function iterate(half: Buffer, pw: Buffer, iterations: number): Buffer {
  let x = createHash('md5').update(half).update(pw).digest();
  const buf = Buffer.alloc(16 + pw.length);
  pw.copy(buf, 16);
  for (let j = 1; j < iterations; j++) {
    x.copy(buf, 0);
    x = hash('md5', buf, 'buffer');
  }
  return x;
}

/**
 * Sun's PBEWithMD5AndTripleDES key and IV derivation. When the salt's halves are equal, `legacy`
 * selects the historic typo's treatment of the first half instead of the reversal.
 */
export function deriveJceKeyAndIv(password: string, params: PbeParameters, legacy = false): { key: Buffer; iv: Buffer } {
  const pw = asciiPassword(password);
  let first = Buffer.from(params.salt.subarray(0, 4));
  const second = Buffer.from(params.salt.subarray(4, 8));
  if (first.equals(second)) {
    const [a, b, c, d] = first;
    first = legacy ? Buffer.from([d!, a!, b!, d!]) : Buffer.from([d!, c!, b!, a!]);
  }
  const all = Buffer.concat([iterate(first, pw, params.iterations), iterate(second, pw, params.iterations)]);
  return { key: all.subarray(0, 24), iv: all.subarray(24, 32) };
}

/**
 * Decrypts PBEWithMD5AndTripleDES ciphertext. A padding failure means the password is wrong
 * (BAD_PASSWORD); the caller checks that what comes out is what it expects.
 */
export function decryptPbeWithMd5AndTripleDes(ciphertext: Uint8Array, password: string, params: PbeParameters): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % 8 !== 0) {
    throw invalid(`encrypted data: ${ciphertext.length} bytes is not a whole number of 3DES blocks`);
  }
  const halvesEqual = params.salt.subarray(0, 4).equals(params.salt.subarray(4, 8));
  let failure: unknown;
  for (const legacy of halvesEqual ? [false, true] : [false]) {
    const { key, iv } = deriveJceKeyAndIv(password, params, legacy);
    try {
      const d = createDecipheriv('des-ede3-cbc', key, iv);
      return Buffer.concat([d.update(ciphertext), d.final()]);
    } catch (e) {
      failure = e;
    }
  }
  throw new CertkitError('BAD_PASSWORD', 'key password was incorrect (the protected key does not decrypt with it)', { cause: failure, password: 'key' });
}

/**
 * Recovers the PKCS#8 PrivateKeyInfo (DER) from a JCEKS EncryptedPrivateKeyInfo protected with
 * PBEWithMD5AndTripleDES. Wrong password → BAD_PASSWORD.
 */
export function recoverJceksKey(encryptedPrivateKeyInfo: Uint8Array, password: string): Buffer {
  const epki = parseEncryptedPrivateKeyInfo(encryptedPrivateKeyInfo);
  if (epki.algorithm !== JCEKS_KEY_PROTECTOR_OID) {
    throw unsupported(`protected key: algorithm ${epki.algorithm} is not PBEWithMD5AndTripleDES (${JCEKS_KEY_PROTECTOR_OID})`);
  }
  const params = parsePbeParameters(epki.parameters, 'protected key: PBE parameters');
  const plain = decryptPbeWithMd5AndTripleDes(epki.encryptedData, password, params);
  try {
    checkDer(plain, 'private key (PKCS#8)');
  } catch (e) {
    // Garbage that happened to end in valid padding: the password was wrong.
    throw new CertkitError('BAD_PASSWORD', 'key password was incorrect (the protected key does not decrypt with it)', { cause: e, password: 'key' });
  }
  return plain;
}
