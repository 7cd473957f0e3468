/**
 * What the keystore commands show of a certificate (keytool's Owner, Issuer, serial, validity,
 * fingerprints), and a certificate's common name made fit for a truststore alias: thin views over
 * `parseCertificate`.
 */
import { replaceUnsafe } from '../quote.js';
import { parseCertificate } from '../x509/certificate.js';
import { dnAttribute, DN_OID } from '../x509/dn.js';
import { keyVerdict, signatureAlgorithmVerdict } from '../x509/weak-algorithms.js';
import type { CertView } from './output.js';

/** Java's curve names, as keytool prints them ("256-bit EC (secp256r1) key"). */
const JAVA_CURVE: Readonly<Record<string, string>> = { 'P-256': 'secp256r1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', prime192v1: 'secp192r1' };

/**
 * The listing's view of one DER certificate. `what` names it in errors. Read-only: the strict DER
 * reader checks it, OpenSSL is not asked to load it (`ParseCertificateOptions.openssl`), so a
 * store can be listed whole even when one certificate is something the TLS stack would refuse;
 * every command that writes or trusts a certificate still asks OpenSSL. A certificate the keystore
 * reader has already checked with `checkDer` (recorded, `ParseCertificateOptions.reuseDerCheck`)
 * is not walked a second time; any other is checked here.
 */
export function certView(der: Buffer, what = 'certificate'): CertView {
  const c = parseCertificate(der, what, VIEW_OPTIONS);
  const publicKeyDescription = describePublicKey(c.keyAlgorithm, c.keySize, c.curve);
  const view: Mutable<CertView> = {
    subject: c.subjectText,
    issuer: c.issuerText,
    serial: c.serial,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    sha1: c.sha1,
    sha256: c.sha256,
    keyAlgorithm: c.keyAlgorithm,
    version: c.version,
    signatureAlgorithm: c.signatureAlgorithm,
  };
  if (publicKeyDescription !== undefined) view.publicKeyDescription = publicKeyDescription;
  const signatureMark = signatureAlgorithmVerdict(c.signatureAlgorithm);
  if (signatureMark !== undefined) view.signatureVerdict = signatureMark;
  const keyMark = keyVerdict(c.keyAlgorithm, c.keySize);
  if (keyMark !== undefined) view.keyVerdict = keyMark;
  return view;
}

/** Edwards keys have no size in the SubjectPublicKeyInfo; keytool gives the curve's. */
const EDWARDS_BITS: Readonly<Record<string, number>> = { Ed25519: 255, Ed448: 448 };

/**
 * keytool's "Subject Public Key Algorithm" text: "2048-bit RSA key", "256-bit EC (secp256r1) key",
 * "1024-bit DSA key", "255-bit Ed25519 key"; undefined when the size is not known.
 */
export function describePublicKey(algorithm: string, keySize: number | undefined, curve: string | undefined): string | undefined {
  const bits = keySize ?? EDWARDS_BITS[algorithm];
  if (bits === undefined) return undefined;
  if (algorithm === 'EC') return curve === undefined ? undefined : `${bits}-bit EC (${JAVA_CURVE[curve] ?? curve}) key`;
  if (/^[A-Za-z0-9-]+$/.test(algorithm)) return `${bits}-bit ${algorithm} key`;
  return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What `certView` asks of `parseCertificate`: no OpenSSL, and no second walk of checked bytes. */
const VIEW_OPTIONS = { openssl: false, reuseDerCheck: true } as const;

/**
 * The subject's common name (first CN) as an alias: each run of control, bidi or line-separator
 * characters becomes one space and the ends are trimmed, so no listing or log that shows the alias
 * gets an escape sequence from it. Undefined when it has no CN, or nothing is left.
 */
export function commonNameOf(der: Buffer, what = 'certificate'): string | undefined {
  const cn = dnAttribute(parseCertificate(der, what).subject, DN_OID.CN);
  const alias = cn === undefined ? '' : replaceUnsafe(cn, ' ').trim();
  return alias === '' ? undefined : alias;
}
