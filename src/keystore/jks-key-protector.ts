/**
 * Sun's JKS key protection ("JavaSoft" proprietary algorithm, OID 1.3.6.1.4.1.42.2.17.1.1),
 * as sun.security.provider.KeyProtector does it:
 *
 *   salt      = 20 random bytes
 *   keystream = D1 || D2 || ...,  D1 = SHA-1(pw || salt),  Dn = SHA-1(pw || Dn-1)
 *   protected = salt || (PKCS#8 XOR keystream) || SHA-1(pw || PKCS#8)
 *
 * where pw is the key password as UTF-16BE (Java chars, two bytes each). The result is wrapped in
 * an EncryptedPrivateKeyInfo whose AlgorithmIdentifier carries that OID and a NULL parameter
 * (what JDK keytool writes; an absent parameter is accepted when reading).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { checkDer } from '../der-check.js';
import { CertkitError, invalid, unsupported } from '../errors.js';
import { childrenOf, decodeOidAt, encodeOid, readTlv, tlv } from '../x509/tlv.js';

export const JKS_KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';

const SALT_LEN = 20;
const DIGEST_LEN = 20;

/** A password as Java hands it to the JKS digests: each UTF-16 code unit as two big-endian bytes. */
export function javaPasswordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}

/** An EncryptedPrivateKeyInfo taken apart: the algorithm OID, its parameters' DER (if any), the ciphertext. */
export interface EncryptedPrivateKeyInfoParts {
  readonly algorithm: string;
  /** The parameters' whole TLV, as it appears in the input; undefined when absent. */
  readonly parameters: Buffer | undefined;
  readonly encryptedData: Buffer;
}

/**
 * Parses an EncryptedPrivateKeyInfo (RFC 5208) from untrusted DER: `checkDer` first, then the
 * TLV walker (no asn1js, which listing a JKS would otherwise load for this alone).
 */
export function parseEncryptedPrivateKeyInfo(der: Uint8Array, what = 'protected key'): EncryptedPrivateKeyInfoParts {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  checkDer(buf, what);
  const fail = (m: string) => invalid(`${what}: not an EncryptedPrivateKeyInfo (${m})`);
  const root = readTlv(buf, 0, what);
  const top = root.tag === 0x30 ? childrenOf(root, what) : [];
  if (top.length !== 2) throw fail('expected a SEQUENCE of 2');
  const algId = top[0]!;
  const data = top[1]!;
  if (algId.tag !== 0x30) throw fail('expected an AlgorithmIdentifier SEQUENCE');
  const algParts = childrenOf(algId, what);
  if (algParts.length < 1 || algParts.length > 2 || algParts[0]!.tag !== 0x06) throw fail('malformed AlgorithmIdentifier');
  if (data.tag !== 0x04) throw fail('expected a primitive OCTET STRING');
  const parameters = algParts[1];
  return {
    algorithm: decodeOidAt(buf, algParts[0]!.contentStart, algParts[0]!.end, what),
    parameters: parameters === undefined ? undefined : Buffer.from(parameters.bytes),
    encryptedData: Buffer.from(data.content),
  };
}

/** The AlgorithmIdentifier keytool writes for JKS key protection: the OID with a NULL parameter. */
const JKS_PROTECTOR_ALGORITHM = tlv(0x30, encodeOid(JKS_KEY_PROTECTOR_OID), Buffer.from([0x05, 0x00]));

function keystream(pw: Buffer, salt: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  let digest: Uint8Array = salt;
  for (let off = 0; off < length; off += DIGEST_LEN) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    out.set(digest.subarray(0, Math.min(DIGEST_LEN, length - off)), off);
  }
  return out;
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/**
 * Protects a PKCS#8 PrivateKeyInfo (DER) with `password` the way JDK keytool does for JKS;
 * returns the EncryptedPrivateKeyInfo DER. `salt` must be 20 random bytes.
 */
export function protectJksKey(pkcs8: Uint8Array, password: string, salt: Uint8Array): Buffer {
  if (salt.length !== SALT_LEN) throw new CertkitError('INTERNAL', `JKS key protection needs a ${SALT_LEN}-byte salt`);
  const pw = javaPasswordBytes(password);
  const encrypted = xor(pkcs8, keystream(pw, salt, pkcs8.length));
  const check = createHash('sha1').update(pw).update(pkcs8).digest();
  const protectedKey = Buffer.concat([salt, encrypted, check]);
  return tlv(0x30, JKS_PROTECTOR_ALGORITHM, tlv(0x04, protectedKey));
}

/**
 * Recovers the PKCS#8 PrivateKeyInfo (DER) from a JKS-protected EncryptedPrivateKeyInfo.
 * A wrong password gives BAD_PASSWORD (the check digest, compared in constant time, does not match).
 */
export function recoverJksKey(encryptedPrivateKeyInfo: Uint8Array, password: string): Buffer {
  const epki = parseEncryptedPrivateKeyInfo(encryptedPrivateKeyInfo);
  if (epki.algorithm !== JKS_KEY_PROTECTOR_OID) {
    throw unsupported(`protected key: algorithm ${epki.algorithm} is not JKS key protection (${JKS_KEY_PROTECTOR_OID})`);
  }
  if (epki.parameters !== undefined && !epki.parameters.equals(Buffer.from([0x05, 0x00]))) {
    throw invalid('protected key: JKS key protection takes no parameters');
  }
  return recoverJksProtectedBytes(epki.encryptedData, password);
}

/** The inner step of `recoverJksKey`: salt || ciphertext || check digest → PKCS#8 DER. */
export function recoverJksProtectedBytes(data: Uint8Array, password: string): Buffer {
  if (data.length <= SALT_LEN + DIGEST_LEN) {
    throw invalid(`protected key: ${data.length} bytes is too short for JKS key protection`);
  }
  const pw = javaPasswordBytes(password);
  const salt = data.subarray(0, SALT_LEN);
  const encrypted = data.subarray(SALT_LEN, data.length - DIGEST_LEN);
  const stored = data.subarray(data.length - DIGEST_LEN);
  const plain = xor(encrypted, keystream(pw, salt, encrypted.length));
  const check = createHash('sha1').update(pw).update(plain).digest();
  if (!timingSafeEqual(check, stored)) {
    throw new CertkitError('BAD_PASSWORD', 'key password was incorrect (the protected key does not decrypt with it)', { password: 'key' });
  }
  checkDer(plain, 'private key (PKCS#8)');
  return plain;
}
