/** Object identifiers of PKCS#12 (RFC 7292), PKCS#7 content types and the attributes on bags. */

export const CONTENT_TYPE = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
} as const;

export const BAG = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
} as const;

export const CERT_TYPE = {
  x509Certificate: '1.2.840.113549.1.9.22.1',
  sdsiCertificate: '1.2.840.113549.1.9.22.2',
} as const;

export const ATTRIBUTE = {
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  /**
   * Oracle's "trusted key usage" attribute: JDK keytool marks certificate-only bags with it, and
   * lists a certificate bag as a trustedCertEntry only when it is present.
   */
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
} as const;

/** anyExtendedKeyUsage (RFC 5280), the value JDK writes in the trusted-key-usage attribute. */
export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** MAC digest algorithms (DigestInfo in MacData). */
export const DIGEST_BY_OID: Record<string, 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512-224' | 'sha512-256'> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.5': 'sha512-224',
  '2.16.840.1.101.3.4.2.6': 'sha512-256',
};

export const DIGEST_OID = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** PBMAC1 (RFC 9579), written by OpenSSL 3.4+ on request; not implemented yet. */
export const PBMAC1 = '1.2.840.113549.1.5.14';
