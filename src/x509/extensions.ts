/**
 * The X.509 v3 extensions certkit writes (in certificates it builds and in CSR extension
 * requests), as DER.
 *
 *   Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
 *                            extnValue OCTET STRING }
 */
import * as crypto from 'node:crypto';
import { invalid } from '../errors.js';
import { EKU_OIDS, KEY_USAGE_BITS, type KeyUsage } from './certificate.js';
import { encodeGeneralNames, type SubjectAltName } from './general-name.js';
import { children, encodeOid, readTlv, tlv } from './tlv.js';

export const EXT_OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** One Extension: DER of `value` wrapped in the extnValue OCTET STRING. */
export function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return tlv(0x30, encodeOid(oid), ...(critical ? [Buffer.from([0x01, 0x01, 0xff])] : []), tlv(0x04, value));
}

/** DER INTEGER for a non-negative safe integer. */
export function smallInteger(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`${n} is not a non-negative integer`);
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** basicConstraints (critical): cA TRUE with an optional pathLenConstraint, or an empty SEQUENCE. */
export function basicConstraints(isCA: boolean, pathLen?: number): Buffer {
  const body = isCA ? [Buffer.from([0x01, 0x01, 0xff]), ...(pathLen === undefined ? [] : [smallInteger(pathLen)])] : [];
  return extension(EXT_OID.basicConstraints, true, tlv(0x30, ...body));
}

/** keyUsage (critical) as a minimal named BIT STRING. */
export function keyUsage(usages: readonly KeyUsage[]): Buffer {
  const bits = new Set(usages.map((u) => KEY_USAGE_BITS.indexOf(u)));
  if (bits.has(-1)) throw invalid(`unknown key usage in ${usages.join(', ')}`);
  const highest = Math.max(-1, ...bits);
  if (highest < 0) throw invalid('keyUsage needs at least one usage');
  const nbytes = (highest >> 3) + 1;
  const out = Buffer.alloc(nbytes);
  for (const b of bits) out[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (highest & 7);
  return extension(EXT_OID.keyUsage, true, tlv(0x03, Buffer.from([unused]), out));
}

/** extKeyUsage (not critical) from names ("clientAuth") or dotted OIDs. */
export function extKeyUsage(usages: readonly string[]): Buffer {
  const oids = usages.map((u) => (EKU_OIDS as Record<string, string>)[u] ?? u);
  return extension(EXT_OID.extKeyUsage, false, tlv(0x30, ...oids.map(encodeOid)));
}

/** subjectAltName (not critical). */
export function subjectAltName(sans: readonly SubjectAltName[]): Buffer {
  return extension(EXT_OID.subjectAltName, false, encodeGeneralNames(sans));
}

/** The key identifier of a SubjectPublicKeyInfo: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 (1)). */
export function keyIdentifier(spki: Buffer): Buffer {
  const top = readTlv(spki, 0, 'public key');
  const parts = children(top.content, 'public key');
  const bits = parts[1];
  if (parts.length !== 2 || bits === undefined || bits.tag !== 0x03) throw invalid('public key: not a SubjectPublicKeyInfo');
  return crypto.createHash('sha1').update(bits.content.subarray(1)).digest();
}

/** subjectKeyIdentifier (not critical). */
export function subjectKeyIdentifier(keyId: Buffer): Buffer {
  return extension(EXT_OID.subjectKeyIdentifier, false, tlv(0x04, keyId));
}

/** authorityKeyIdentifier (not critical) with keyIdentifier only. */
export function authorityKeyIdentifier(keyId: Buffer): Buffer {
  return extension(EXT_OID.authorityKeyIdentifier, false, tlv(0x30, tlv(0x80, keyId)));
}
