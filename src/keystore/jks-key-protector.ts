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
import * as asn1js from 'asn1js';
import { checkDer, parseDer, toDer } from '../asn1.js';
import { CertkitError, invalid, unsupported } from '../errors.js';

export const JKS_KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';

const SALT_LEN = 20;
const DIGEST_LEN = 20;

/** A password as Java hands it to the JKS digests: each UTF-16 code unit as two big-endian bytes. */
export function javaPasswordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}

/** An EncryptedPrivateKeyInfo taken apart: the algorithm OID, its parameters (if any), the ciphertext. */
export interface EncryptedPrivateKeyInfoParts {
  readonly algorithm: string;
  readonly parameters: asn1js.AsnType | undefined;
  readonly encryptedData: Buffer;
}

/** Parses an EncryptedPrivateKeyInfo (RFC 5208) from untrusted DER. */
export function parseEncryptedPrivateKeyInfo(der: Uint8Array, what = 'protected key'): EncryptedPrivateKeyInfoParts {
  const root = parseDer(der, what);
  const fail = (m: string) => invalid(`${what}: not an EncryptedPrivateKeyInfo (${m})`);
  if (!(root instanceof asn1js.Sequence) || root.valueBlock.value.length !== 2) throw fail('expected a SEQUENCE of 2');
  const [algId, data] = root.valueBlock.value;
  if (!(algId instanceof asn1js.Sequence)) throw fail('expected an AlgorithmIdentifier SEQUENCE');
  const algParts = algId.valueBlock.value;
  if (algParts.length < 1 || algParts.length > 2 || !(algParts[0] instanceof asn1js.ObjectIdentifier)) {
    throw fail('malformed AlgorithmIdentifier');
  }
  if (!(data instanceof asn1js.OctetString) || data.idBlock.isConstructed) throw fail('expected a primitive OCTET STRING');
  return {
    algorithm: algParts[0].valueBlock.toString(),
    parameters: algParts[1],
    encryptedData: Buffer.from(data.valueBlock.valueHexView),
  };
}

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
  const epki = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: JKS_KEY_PROTECTOR_OID }), new asn1js.Null()] }),
      new asn1js.OctetString({ valueHex: protectedKey }),
    ],
  });
  return toDer(epki);
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
  if (epki.parameters !== undefined && !(epki.parameters instanceof asn1js.Null)) {
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
    throw new CertkitError('BAD_PASSWORD', 'key password was incorrect (the protected key does not decrypt with it)');
  }
  checkDer(plain, 'private key (PKCS#8)');
  return plain;
}
