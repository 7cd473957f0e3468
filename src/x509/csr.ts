/**
 * Building PKCS#10 certificate signing requests (RFC 2986), signed with node:crypto.
 *
 *   CertificationRequest ::= SEQUENCE { certificationRequestInfo CertificationRequestInfo,
 *        signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
 *        subjectPKInfo SubjectPublicKeyInfo, attributes [0] IMPLICIT SET OF Attribute }
 *
 * The attributes field is always present, empty when there is nothing to request: RFC 2986
 * requires it and moto's ACM PCA rejects CSRs without it. Subject alternative names go in a
 * PKCS#9 extensionRequest attribute (1.2.840.113549.1.9.14).
 */
import type * as crypto from 'node:crypto';
import { CertkitError } from '../errors.js';
import { encodePem } from '../pem.js';
import { spkiDer, type SignatureAlgorithm } from '../keys.js';
import { nameDer, type NameInput } from './cert-builder.js';
import { subjectAltName } from './extensions.js';
import type { SubjectAltName } from './general-name.js';
import { algorithmIdentifier, resolveSignatureAlgorithm, signData } from './signature.js';
import { encodeOid, tlv } from './tlv.js';

export const EXTENSION_REQUEST_OID = '1.2.840.113549.1.9.14';

export interface BuildCsrOptions {
  /** keytool `-dname` syntax, a parsed name, or DER `Name` bytes. */
  readonly subject: NameInput;
  /** The private key; the CSR carries its public half and is signed with it. */
  readonly key: crypto.KeyObject;
  readonly subjectAltNames?: readonly SubjectAltName[];
  /** Default: SHA256WITHRSA for RSA, SHA256WITHECDSA for P-256, SHA384WITHECDSA for P-384. */
  readonly signatureAlgorithm?: SignatureAlgorithm;
}

/** Builds and signs a PKCS#10 CSR; returns its DER. */
export function buildCsr(o: BuildCsrOptions): Buffer {
  if (o.key.type !== 'private') throw new CertkitError('USAGE', 'a CSR must be signed with a private key');
  const alg = resolveSignatureAlgorithm(o.key, o.signatureAlgorithm);
  const attributes: Buffer[] = [];
  if (o.subjectAltNames !== undefined && o.subjectAltNames.length > 0) {
    attributes.push(tlv(0x30, encodeOid(EXTENSION_REQUEST_OID), tlv(0x31, tlv(0x30, subjectAltName(o.subjectAltNames)))));
  }
  const info = tlv(0x30, Buffer.from([0x02, 0x01, 0x00]), nameDer(o.subject), spkiDer(o.key), tlv(0xa0, ...attributes));
  const signature = signData(alg, o.key, info);
  return tlv(0x30, info, algorithmIdentifier(alg), tlv(0x03, Buffer.from([0]), signature));
}

/** `buildCsr` as `CERTIFICATE REQUEST` PEM (never keytool's "NEW" header). */
export function buildCsrPem(o: BuildCsrOptions): string {
  return encodePem('CERTIFICATE REQUEST', buildCsr(o));
}
