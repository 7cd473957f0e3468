/**
 * Building X.509 v3 certificates, signed with node:crypto: the local development CA (its root
 * and the client certificates it issues) and test chains.
 *
 * Extensions written: basicConstraints (critical, CAs only), keyUsage (critical),
 * extKeyUsage, subjectAltName, subjectKeyIdentifier and authorityKeyIdentifier (SHA-1 key ids,
 * RFC 5280 method 1). Times are UTCTime up to 2049 and GeneralizedTime after, whole seconds.
 */
import * as crypto from 'node:crypto';
import { CertkitError, invalid } from '../errors.js';
import { keyAlgorithmName, spkiDer, type SignatureAlgorithm } from '../keys.js';
import { parseCertificate, type KeyUsage } from './certificate.js';
import { encodeName, parseDname, type DistinguishedName } from './dn.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extKeyUsage as extKeyUsageExt,
  keyIdentifier,
  keyUsage as keyUsageExt,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions.js';
import type { SubjectAltName } from './general-name.js';
import { algorithmIdentifier, resolveSignatureAlgorithm, signData } from './signature.js';
import { tlv } from './tlv.js';

/** A name as a keytool `-dname` string, a parsed name, or DER `Name` bytes (kept exactly). */
export type NameInput = string | DistinguishedName | Buffer;

export interface BuildCertificateOptions {
  readonly subject: NameInput;
  /** The issuer's name; defaults to `issuerCertificate`'s subject, else to `subject` (self-signed). */
  readonly issuer?: NameInput;
  /** The issuer's certificate (DER): its subject bytes become the issuer name, its key id the AKI. */
  readonly issuerCertificate?: Buffer;
  /** The certified public key (a private key is accepted: its public half is used). */
  readonly publicKey: crypto.KeyObject;
  /** The issuer's private key. */
  readonly signingKey: crypto.KeyObject;
  /** Serial, big-endian unsigned; default 16 random bytes (positive, minimal). */
  readonly serial?: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCA?: boolean;
  readonly pathLen?: number;
  /** Default: CA → keyCertSign, cRLSign, digitalSignature; RSA leaf → digitalSignature, keyEncipherment; EC leaf → digitalSignature. */
  readonly keyUsage?: readonly KeyUsage[];
  readonly extKeyUsage?: readonly ('clientAuth' | 'serverAuth')[];
  readonly subjectAltNames?: readonly SubjectAltName[];
  /** Default: the signing key's (SHA256WITHRSA, SHA256WITHECDSA, SHA384WITHECDSA for P-384). */
  readonly signatureAlgorithm?: SignatureAlgorithm;
  /** Random source for the serial (tests inject one). */
  readonly randomBytes?: (n: number) => Buffer;
}

/** DER `Name` for any NameInput. */
export function nameDer(name: NameInput): Buffer {
  if (Buffer.isBuffer(name)) return name;
  return encodeName(typeof name === 'string' ? parseDname(name) : name);
}

/** A DER Time: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
export function encodeTime(d: Date): Buffer {
  if (Number.isNaN(d.getTime())) throw invalid('invalid date');
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${p(y % 100)}${rest}`, 'ascii'));
  if (y < 0 || y > 9999) throw invalid(`year ${y} cannot be encoded in a certificate`);
  return tlv(0x18, Buffer.from(`${p(y, 4)}${rest}`, 'ascii'));
}

/** A positive, minimal DER INTEGER from big-endian unsigned bytes. */
export function unsignedInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  if (v.length === 0 || (v.length === 1 && v[0] === 0)) throw invalid('serial number must be positive');
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

/** 16 random bytes, made positive with the top bit clear and the next bit set (always 16 bytes). */
export function randomSerial(randomBytes: (n: number) => Buffer = crypto.randomBytes): Buffer {
  const b = Buffer.from(randomBytes(16));
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b;
}

/**
 * Builds and signs an X.509 v3 certificate; returns its DER. Throws USAGE for options that do
 * not fit together (notAfter before notBefore, a signature algorithm that does not fit the key).
 */
export function buildCertificate(o: BuildCertificateOptions): Buffer {
  if (!(o.notBefore.getTime() <= o.notAfter.getTime())) {
    throw new CertkitError('USAGE', 'certificate notAfter is before notBefore');
  }
  if (o.pathLen !== undefined && !o.isCA) throw new CertkitError('USAGE', 'pathLen is only meaningful for a CA certificate');
  const alg = resolveSignatureAlgorithm(o.signingKey, o.signatureAlgorithm);
  const spki = spkiDer(o.publicKey);
  const subject = nameDer(o.subject);
  const issuerCert = o.issuerCertificate === undefined ? undefined : parseCertificate(o.issuerCertificate, 'issuer certificate');
  if (issuerCert !== undefined && !issuerCert.spki.equals(spkiDer(o.signingKey))) {
    throw new CertkitError('USAGE', 'the signing key does not belong to the issuer certificate');
  }
  const issuer = o.issuer !== undefined ? nameDer(o.issuer) : (issuerCert?.subjectDer ?? subject);
  const aki = issuerCert?.subjectKeyId ?? keyIdentifier(spkiDer(o.signingKey));
  const isRsa = keyAlgorithmName(o.publicKey) === 'RSA';
  const usages: readonly KeyUsage[] =
    o.keyUsage ?? (o.isCA ? ['digitalSignature', 'keyCertSign', 'cRLSign'] : isRsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']);
  const exts: Buffer[] = [];
  if (o.isCA) exts.push(basicConstraints(true, o.pathLen));
  exts.push(keyUsageExt(usages));
  if (o.extKeyUsage !== undefined && o.extKeyUsage.length > 0) exts.push(extKeyUsageExt(o.extKeyUsage));
  if (o.subjectAltNames !== undefined && o.subjectAltNames.length > 0) exts.push(subjectAltName(o.subjectAltNames));
  exts.push(subjectKeyIdentifier(keyIdentifier(spki)));
  exts.push(authorityKeyIdentifier(aki));
  const tbs = tlv(
    0x30,
    tlv(0xa0, Buffer.from([0x02, 0x01, 0x02])),
    unsignedInteger(o.serial ?? randomSerial(o.randomBytes)),
    algorithmIdentifier(alg),
    issuer,
    tlv(0x30, encodeTime(o.notBefore), encodeTime(o.notAfter)),
    subject,
    spki,
    tlv(0xa3, tlv(0x30, ...exts)),
  );
  const signature = signData(alg, o.signingKey, tbs);
  return tlv(0x30, tbs, algorithmIdentifier(alg), tlv(0x03, Buffer.from([0]), signature));
}
