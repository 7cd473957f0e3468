/**
 * What the keystore commands show of a certificate (keytool's Owner, Issuer, serial, validity,
 * fingerprints), and a certificate's common name made fit for a truststore alias: thin views over
 * `parseCertificate`.
 */
import { replaceUnsafe } from '../quote.js';
import { parseCertificate } from '../x509/certificate.js';
import { dnAttribute, DN_OID } from '../x509/dn.js';
import type { CertView } from './output.js';

/** Java's curve names, as keytool prints them ("256-bit EC (secp256r1) key"). */
const JAVA_CURVE: Readonly<Record<string, string>> = { 'P-256': 'secp256r1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

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
  let publicKeyDescription: string | undefined;
  if (c.keySize !== undefined && c.keyAlgorithm === 'RSA') publicKeyDescription = `${c.keySize}-bit RSA key`;
  if (c.keySize !== undefined && c.keyAlgorithm === 'EC' && c.curve !== undefined) {
    publicKeyDescription = `${c.keySize}-bit EC (${JAVA_CURVE[c.curve] ?? c.curve}) key`;
  }
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
  return view;
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
