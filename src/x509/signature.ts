/**
 * Signature algorithms for what certkit signs (certificates, CSRs) and verifies: the
 * AlgorithmIdentifier encodings and node:crypto signing/verification.
 *
 *   sha256WithRSAEncryption ::= 1.2.840.113549.1.1.11, parameters NULL (RFC 4055)
 *   ecdsa-with-SHA256 ::= 1.2.840.10045.4.3.2, parameters absent (RFC 5758)
 */
import * as crypto from 'node:crypto';
import { CertkitError, unsupported } from '../errors.js';
import { checkSignatureAlgorithmForKey, defaultSignatureAlgorithm, type SignatureAlgorithm } from '../keys.js';
import { encodeOid, tlv } from './tlv.js';

const ALGS: Readonly<Record<SignatureAlgorithm, { oid: string; hash: string; rsa: boolean }>> = {
  SHA256WITHRSA: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', rsa: true },
  SHA384WITHRSA: { oid: '1.2.840.113549.1.1.12', hash: 'sha384', rsa: true },
  SHA512WITHRSA: { oid: '1.2.840.113549.1.1.13', hash: 'sha512', rsa: true },
  SHA256WITHECDSA: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', rsa: false },
  SHA384WITHECDSA: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', rsa: false },
  SHA512WITHECDSA: { oid: '1.2.840.10045.4.3.4', hash: 'sha512', rsa: false },
};

/** Verification also accepts SHA-1 signatures (old roots and intermediates still carry them). */
const VERIFY_HASH_BY_OID: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.values(ALGS).map((a) => [a.oid, a.hash])),
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.10045.4.1': 'sha1',
};

/** The AlgorithmIdentifier DER for `alg` (RSA with NULL parameters, ECDSA without). */
export function algorithmIdentifier(alg: SignatureAlgorithm): Buffer {
  const a = ALGS[alg];
  return a.rsa ? tlv(0x30, encodeOid(a.oid), Buffer.from([0x05, 0x00])) : tlv(0x30, encodeOid(a.oid));
}

/** The OID of `alg`. */
export function signatureAlgorithmOid(alg: SignatureAlgorithm): string {
  return ALGS[alg].oid;
}

/** Picks `alg` or the key's default, checking it fits the key (USAGE if not). */
export function resolveSignatureAlgorithm(key: crypto.KeyObject, alg?: SignatureAlgorithm): SignatureAlgorithm {
  const chosen = alg ?? defaultSignatureAlgorithm(key);
  checkSignatureAlgorithmForKey(chosen, key);
  return chosen;
}

/** Signs `data` (RSA PKCS#1 v1.5, or ECDSA with a DER Ecdsa-Sig-Value, as X.509 wants). */
export function signData(alg: SignatureAlgorithm, key: crypto.KeyObject, data: Uint8Array): Buffer {
  const a = ALGS[alg];
  return crypto.sign(a.hash, data, a.rsa ? { key, padding: crypto.constants.RSA_PKCS1_PADDING } : { key, dsaEncoding: 'der' });
}

/**
 * Verifies a signature made with the algorithm `oid` (from a certificate or CSR). Returns false
 * for a wrong signature; throws UNSUPPORTED for algorithms certkit does not verify.
 */
export function verifyData(oid: string, publicKey: crypto.KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  const hash = VERIFY_HASH_BY_OID[oid];
  if (hash === undefined) throw unsupported(`signature algorithm ${oid} is not supported`);
  const rsa = publicKey.asymmetricKeyType === 'rsa';
  const wantsRsa = oid.startsWith('1.2.840.113549.');
  if (rsa !== wantsRsa) return false;
  try {
    return crypto.verify(hash, data, rsa ? { key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING } : { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    return false;
  }
}
