/**
 * Reading X.509 certificates: the fields certkit shows and checks, formatted as keytool prints
 * them (subject/issuer like `keytool -list -v`'s Owner/Issuer, serial as its "Serial number",
 * fingerprints as upper-case colon-separated hex), and the original DER kept.
 *
 * The DER is checked by the bounded reader (`checkDer`) and walked here; OpenSSL (through
 * `crypto.X509Certificate`) must also accept it, so anything certkit reports is something the TLS
 * stack would load. The one exception is a read-only listing, which may ask for the strict DER
 * checks alone (`ParseCertificateOptions.openssl`, see there).
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
 *                              signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER,
 *        signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *        subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
 *        subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
 */
import * as crypto from 'node:crypto';
import { checkDer, wasDerChecked } from '../der-check.js';
import { CertkitError, invalid } from '../errors.js';
import { decodeNameTlv, formatDname, type DistinguishedName } from './dn.js';
import { decodeGeneralNames, type SubjectAltName } from './general-name.js';
import { keyDetailsFromSpkiParts } from './spki.js';
import { childrenOf, decodeOidAt, readTlv, TlvAt, type Tlv, type What } from './tlv.js';
import { quoteInput } from '../quote.js';

export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export const KEY_USAGE_BITS: readonly KeyUsage[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/** Extended key usage OIDs by the names certkit uses. */
export const EKU_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;
const EKU_NAMES = new Map<string, string>(Object.entries(EKU_OIDS).map(([k, v]) => [v, k]));

/** Signature algorithm OIDs, named as keytool prints them (Java's standard names: "SHA256withRSA"). */
export const SIGNATURE_OID_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'MD2withRSA',
  '1.2.840.113549.1.1.4': 'MD5withRSA',
  '1.2.840.113549.1.1.5': 'SHA1withRSA',
  '1.2.840.113549.1.1.14': 'SHA224withRSA',
  '1.2.840.113549.1.1.11': 'SHA256withRSA',
  '1.2.840.113549.1.1.12': 'SHA384withRSA',
  '1.2.840.113549.1.1.13': 'SHA512withRSA',
  '1.2.840.113549.1.1.15': 'SHA512/224withRSA',
  '1.2.840.113549.1.1.16': 'SHA512/256withRSA',
  '2.16.840.1.101.3.4.3.13': 'SHA3-224withRSA',
  '2.16.840.1.101.3.4.3.14': 'SHA3-256withRSA',
  '2.16.840.1.101.3.4.3.15': 'SHA3-384withRSA',
  '2.16.840.1.101.3.4.3.16': 'SHA3-512withRSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'SHA1withECDSA',
  '1.2.840.10045.4.3.1': 'SHA224withECDSA',
  '1.2.840.10045.4.3.2': 'SHA256withECDSA',
  '1.2.840.10045.4.3.3': 'SHA384withECDSA',
  '1.2.840.10045.4.3.4': 'SHA512withECDSA',
  '2.16.840.1.101.3.4.3.9': 'SHA3-224withECDSA',
  '2.16.840.1.101.3.4.3.10': 'SHA3-256withECDSA',
  '2.16.840.1.101.3.4.3.11': 'SHA3-384withECDSA',
  '2.16.840.1.101.3.4.3.12': 'SHA3-512withECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'SHA1withDSA',
  '2.16.840.1.101.3.4.3.1': 'SHA224withDSA',
  '2.16.840.1.101.3.4.3.2': 'SHA256withDSA',
  '2.16.840.1.101.3.4.3.3': 'SHA384withDSA',
  '2.16.840.1.101.3.4.3.4': 'SHA512withDSA',
};

const KEY_ALG_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** The size of the named curves (OpenSSL's names, the NIST ones as CURVE_NAMES names them) a certificate may use. */
const CURVE_BITS: Readonly<Record<string, number>> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  prime192v1: 192,
  secp224r1: 224,
  secp256k1: 256,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

export interface CertificateInfo {
  /** The certificate exactly as read. */
  readonly der: Buffer;
  /** X.509 version: 1, 2 or 3. */
  readonly version: number;
  /** Serial as keytool prints it: lower-case hex without leading zeros (Java's BigInteger.toString(16)). */
  readonly serial: string;
  /** Serial as upper-case hex of its DER content bytes (what `openssl x509 -serial` prints). */
  readonly serialHex: string;
  readonly subject: DistinguishedName;
  /** Subject as keytool prints it ("CN=glue-client, OU=x, O=y"). */
  readonly subjectText: string;
  /** The subject Name's DER as it appears in the certificate. */
  readonly subjectDer: Buffer;
  readonly issuer: DistinguishedName;
  readonly issuerText: string;
  readonly issuerDer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Buffer;
  /** The public key when node:crypto can load it (loaded on first access). */
  readonly publicKey: crypto.KeyObject | undefined;
  /** "RSA", "EC", "Ed25519", "DSA", or the algorithm OID. */
  readonly keyAlgorithm: string;
  /** RSA (and DSA) modulus bits as node:crypto reports them, or EC curve bits; undefined if unknown. */
  readonly keySize: number | undefined;
  /** EC curve ("P-256", or node:crypto's name for others); undefined for other keys. */
  readonly curve: string | undefined;
  /** Signature algorithm as keytool prints it ("SHA256withRSA"), or the OID. */
  readonly signatureAlgorithm: string;
  /** SHA-256 fingerprint, "AA:BB:..." as keytool prints it. */
  readonly sha256: string;
  readonly sha1: string;
  /** basicConstraints cA. */
  readonly isCA: boolean;
  readonly pathLen: number | undefined;
  /** keyUsage bits set; undefined when the extension is absent. */
  readonly keyUsage: readonly KeyUsage[] | undefined;
  /** Extended key usages by name ("clientAuth") or OID; undefined when absent. */
  readonly extKeyUsage: readonly string[] | undefined;
  readonly subjectAltNames: readonly SubjectAltName[];
  readonly subjectKeyId: Buffer | undefined;
  readonly authorityKeyId: Buffer | undefined;
  /** Extension OIDs present, in order. */
  readonly extensions: readonly { oid: string; critical: boolean }[];
}

/** Every hex pair but the last: where keytool's fingerprints put a ":". */
const HEX_PAIR = /[0-9A-F]{2}(?!$)/g;

/** Fingerprint of DER bytes as keytool prints it: upper-case hex pairs joined by ":". */
export function fingerprint(der: Uint8Array, algorithm: 'sha256' | 'sha1'): string {
  // One-shot hash straight to hex, then native string operations: no Buffer is made, and no
  // byte loop runs (a listing runs this twice per certificate, almost always as cold code, where
  // a loop over the digest and Buffer's JS wrappers cost three times as much).
  return crypto.hash(algorithm, der, 'hex').toUpperCase().replace(HEX_PAIR, '$&:');
}

/** How `parseCertificate` reads. */
export interface ParseCertificateOptions {
  /**
   * Ask OpenSSL to load the certificate too (default true). Only a read-only listing may pass
   * false: it keeps every strict DER and field check but not OpenSSL's verdict, which costs about
   * 0.2 ms a certificate (a 1,000-CA truststore listing spent a quarter of its time there). A
   * listing only shows what a store holds; everything that writes, trusts or verifies a
   * certificate (truststore and keystore create, chain ordering and checks, `verify`, the client
   * pipeline) keeps the default.
   */
  readonly openssl?: boolean;
  /**
   * Internal, for a keystore listing: do not walk the DER with `checkDer` again when that strict
   * check has already accepted this very byte array (`wasDerChecked`: the keystore reader ran it,
   * `checkDerRecorded`), so each certificate is checked exactly once, not twice. Bytes that were
   * not so recorded are checked here as always, whatever this says. Only a caller that holds the
   * reader's own arrays, unchanged since they were read, passes it.
   */
  readonly reuseDerCheck?: boolean;
}

const nameOf = (what: What): string => (typeof what === 'string' ? what : what());

function expect(t: TlvAt | undefined, tag: number, what: What): TlvAt {
  if (t === undefined) throw invalid(`${nameOf(what)}: missing`);
  if (t.tag !== tag) throw invalid(`${nameOf(what)}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** `n` decimal digits at `buf[p]`, or -1 unless all are ASCII digits. */
function digits(buf: Buffer, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = buf[p + i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Parses a DER time (UTCTime or GeneralizedTime, "Z" form, seconds present) as RFC 5280 requires. */
export function parseTime(time: Tlv, what: What): Date {
  const t = time instanceof TlvAt ? time : new TlvAt(time.content, time.tag, 0, 0, time.content.length);
  const { buf, contentStart: p, end } = t;
  const len = end - p;
  const bad = (type: string) => invalid(`${nameOf(what)}: bad ${type} "${quoteInput(buf.toString('latin1', p, end))}"`);
  let year: number;
  let q: number; // where the month starts
  if (t.tag === 0x17) {
    if (len !== 13 || buf[end - 1] !== 0x5a) throw bad('UTCTime');
    const yy = digits(buf, p, 2);
    if (yy < 0) throw bad('UTCTime');
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    q = p + 2;
  } else if (t.tag === 0x18) {
    if (len !== 15 || buf[end - 1] !== 0x5a) throw bad('GeneralizedTime');
    year = digits(buf, p, 4);
    if (year < 0) throw bad('GeneralizedTime');
    q = p + 4;
  } else {
    throw invalid(`${nameOf(what)}: not a UTCTime or GeneralizedTime`);
  }
  const mo = digits(buf, q, 2);
  const d = digits(buf, q + 2, 2);
  const h = digits(buf, q + 4, 2);
  const mi = digits(buf, q + 6, 2);
  const se = digits(buf, q + 8, 2);
  if (mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) throw bad(t.tag === 0x17 ? 'UTCTime' : 'GeneralizedTime');
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    throw invalid(`${nameOf(what)}: impossible date "${quoteInput(buf.toString('latin1', p, end))}"`);
  }
  return date;
}

/** A DER INTEGER's value as Java's BigInteger.toString(16) prints it (lower case, no leading zeros). */
function bigHex(t: TlvAt): string {
  if (t.length === 0) return '0';
  const hex = t.buf.toString('hex', t.contentStart, t.end);
  if ((t.buf[t.contentStart]! & 0x80) === 0) {
    let z = 0;
    while (z < hex.length - 1 && hex[z] === '0') z++;
    return hex.slice(z);
  }
  return (BigInt('0x' + hex) - (1n << BigInt(t.length * 8))).toString(16);
}

/**
 * What `parseCertificate` returns: plain fields, and the public key loaded on first access (a
 * class, so its getter is on the prototype: an object literal with a getter costs a runtime call
 * per certificate, 5 us each cold).
 */
/** The fields `ParsedCertificate` makes on first access. */
type LazyField = 'serialHex' | 'subjectDer' | 'issuerDer' | 'spki' | 'subjectKeyId' | 'authorityKeyId' | 'extensions';

class ParsedCertificate implements CertificateInfo {
  // Public fields declared, not defined: the constructor assigns each once (class-field semantics
  // would define them all as undefined first, a second write of every field per certificate).
  declare readonly der: CertificateInfo['der'];
  declare readonly version: CertificateInfo['version'];
  declare readonly serial: CertificateInfo['serial'];
  declare readonly subject: CertificateInfo['subject'];
  declare readonly subjectText: CertificateInfo['subjectText'];
  declare readonly issuer: CertificateInfo['issuer'];
  declare readonly issuerText: CertificateInfo['issuerText'];
  declare readonly notBefore: CertificateInfo['notBefore'];
  declare readonly notAfter: CertificateInfo['notAfter'];
  declare readonly keyAlgorithm: CertificateInfo['keyAlgorithm'];
  declare readonly keySize: CertificateInfo['keySize'];
  declare readonly curve: CertificateInfo['curve'];
  declare readonly signatureAlgorithm: CertificateInfo['signatureAlgorithm'];
  declare readonly sha256: CertificateInfo['sha256'];
  declare readonly sha1: CertificateInfo['sha1'];
  declare readonly isCA: CertificateInfo['isCA'];
  declare readonly pathLen: CertificateInfo['pathLen'];
  declare readonly keyUsage: CertificateInfo['keyUsage'];
  declare readonly extKeyUsage: CertificateInfo['extKeyUsage'];
  declare readonly subjectAltNames: CertificateInfo['subjectAltNames'];
  #loaded: boolean;
  #publicKey: crypto.KeyObject | undefined;
  // The parts copied or printed only when asked for (a listing never asks): the TLVs in `der`.
  readonly #serialT: TlvAt;
  readonly #subjectT: TlvAt;
  readonly #issuerT: TlvAt;
  readonly #spkiT: TlvAt;
  /** The key identifiers' contents (copied on first access), undefined when absent. */
  readonly #subjectKeyIdT: TlvAt | undefined;
  readonly #authorityKeyIdT: TlvAt | undefined;
  #subjectKeyId: Buffer | undefined;
  #authorityKeyId: Buffer | undefined;
  /** The extensions as parsed (with their values), listed without them on first access. */
  readonly #parsedExtensions: readonly ParsedExtension[];
  #extensions: CertificateInfo['extensions'] | undefined;
  #spki: Buffer | undefined;
  #subjectDer: Buffer | undefined;
  #issuerDer: Buffer | undefined;

  /** `publicKey`: the key when it was already loaded (`loaded`), so it is not loaded twice. */
  constructor(
    f: Omit<CertificateInfo, 'publicKey' | LazyField>,
    tlvs: { serial: TlvAt; subject: TlvAt; issuer: TlvAt; spki: TlvAt; subjectKeyId: TlvAt | undefined; authorityKeyId: TlvAt | undefined },
    extensions: readonly ParsedExtension[],
    loaded: boolean,
    publicKey: crypto.KeyObject | undefined,
  ) {
    this.#serialT = tlvs.serial;
    this.#subjectT = tlvs.subject;
    this.#issuerT = tlvs.issuer;
    this.#spkiT = tlvs.spki;
    this.#subjectKeyIdT = tlvs.subjectKeyId;
    this.#authorityKeyIdT = tlvs.authorityKeyId;
    this.#parsedExtensions = extensions;
    this.der = f.der;
    this.version = f.version;
    this.serial = f.serial;
    this.subject = f.subject;
    this.subjectText = f.subjectText;
    this.issuer = f.issuer;
    this.issuerText = f.issuerText;
    this.notBefore = f.notBefore;
    this.notAfter = f.notAfter;
    this.keyAlgorithm = f.keyAlgorithm;
    this.keySize = f.keySize;
    this.curve = f.curve;
    this.signatureAlgorithm = f.signatureAlgorithm;
    this.sha256 = f.sha256;
    this.sha1 = f.sha1;
    this.isCA = f.isCA;
    this.pathLen = f.pathLen;
    this.keyUsage = f.keyUsage;
    this.extKeyUsage = f.extKeyUsage;
    this.subjectAltNames = f.subjectAltNames;
    this.#loaded = loaded;
    this.#publicKey = publicKey;
  }

  get serialHex(): string {
    const t = this.#serialT;
    return t.buf.toString('hex', t.contentStart, t.end).toUpperCase();
  }

  get subjectDer(): Buffer {
    return (this.#subjectDer ??= Buffer.from(this.#subjectT.bytes));
  }

  get issuerDer(): Buffer {
    return (this.#issuerDer ??= Buffer.from(this.#issuerT.bytes));
  }

  get extensions(): CertificateInfo['extensions'] {
    return (this.#extensions ??= this.#parsedExtensions.map(({ oid, critical }) => ({ oid, critical })));
  }

  get subjectKeyId(): Buffer | undefined {
    const t = this.#subjectKeyIdT;
    return t === undefined ? undefined : (this.#subjectKeyId ??= Buffer.from(t.content));
  }

  get authorityKeyId(): Buffer | undefined {
    const t = this.#authorityKeyIdT;
    return t === undefined ? undefined : (this.#authorityKeyId ??= Buffer.from(t.content));
  }

  get spki(): Buffer {
    return (this.#spki ??= Buffer.from(this.#spkiT.bytes));
  }

  /** The public key when node:crypto can load it (loaded on first access). */
  get publicKey(): crypto.KeyObject | undefined {
    if (!this.#loaded) {
      this.#loaded = true;
      this.#publicKey = loadSpki(this.spki);
    }
    return this.#publicKey;
  }
}

function loadSpki(spki: Buffer): crypto.KeyObject | undefined {
  try {
    return crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/**
 * The certificate `parseCertificate` is reading, as its errors name it. Set on entry and only read
 * while it runs (it is synchronous and calls nothing that parses another certificate), so the
 * fixed namers below make "certificate 2: validity" only when an error is thrown, without a
 * closure or a string per part per certificate.
 */
let naming = 'certificate';
const PART = {
  tbs: (): string => `${naming}: tbsCertificate`,
  signatureAlgorithm: (): string => `${naming}: signatureAlgorithm`,
  signatureValue: (): string => `${naming}: signatureValue`,
  version: (): string => `${naming}: version`,
  serialNumber: (): string => `${naming}: serialNumber`,
  signature: (): string => `${naming}: signature`,
  issuer: (): string => `${naming}: issuer`,
  validity: (): string => `${naming}: validity`,
  subject: (): string => `${naming}: subject`,
  spki: (): string => `${naming}: subjectPublicKeyInfo`,
  spkiAlgorithm: (): string => `${naming}: subjectPublicKeyInfo algorithm`,
  keyAlgorithm: (): string => `${naming}: key algorithm`,
  extensions: (): string => `${naming}: extensions`,
  notBefore: (): string => `${naming}: notBefore`,
  notAfter: (): string => `${naming}: notAfter`,
  /** "extension 2.5.29.19" (`namingExtension`), or "extension 3" (its place) while the list is read. */
  extension: (): string => `${naming}: extension ${namingExtension}`,
} as const;
let namingExtension: string | number = '';

/**
 * Parses an X.509 certificate (DER). Throws INVALID_INPUT naming `what` ("certificate",
 * "certificate 2") and the part that is wrong.
 */
export function parseCertificate(der: Uint8Array, what = 'certificate', options: ParseCertificateOptions = {}): CertificateInfo {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (options.reuseDerCheck !== true || !wasDerChecked(der)) checkDer(buf, what);
  // Read in place (TlvAt offsets); part names are made only when an error needs them.
  naming = what;
  const top = expect(readTlv(buf, 0, what), 0x30, what);
  const parts = childrenOf(top, what);
  if (parts.length !== 3) throw invalid(`${what}: expected 3 parts (tbsCertificate, signatureAlgorithm, signature), found ${parts.length}`);
  const tbs = expect(parts[0], 0x30, PART.tbs);
  const outerAlg = expect(parts[1], 0x30, PART.signatureAlgorithm);
  expect(parts[2], 0x03, PART.signatureValue);
  const f = childrenOf(tbs, PART.tbs);
  let i = 0;
  let version = 1;
  if (f[0]?.tag === 0xa0) {
    const v = expect(childrenOf(f[0], PART.version)[0], 0x02, PART.version);
    if (v.length !== 1 || v.at(0)! > 2) throw invalid(`${what}: unknown version`);
    version = v.at(0)! + 1;
    i++;
  }
  const serialT = expect(f[i++], 0x02, PART.serialNumber);
  if (serialT.length === 0) throw invalid(`${what}: serialNumber: empty INTEGER`);
  if (serialT.length > 1 && ((serialT.at(0) === 0 && serialT.at(1)! < 0x80) || (serialT.at(0) === 0xff && serialT.at(1)! >= 0x80))) {
    throw invalid(`${what}: serialNumber: non-minimal INTEGER`);
  }
  const innerAlg = expect(f[i++], 0x30, PART.signature);
  if (!innerAlg.sameBytes(outerAlg)) throw invalid(`${what}: signature algorithm inside and outside the TBSCertificate differ`);
  const issuerT = expect(f[i++], 0x30, PART.issuer);
  const validity = childrenOf(expect(f[i++], 0x30, PART.validity), PART.validity);
  if (validity.length !== 2) throw invalid(`${what}: validity: expected notBefore and notAfter`);
  const notBefore = parseTime(validity[0]!, PART.notBefore);
  const notAfter = parseTime(validity[1]!, PART.notAfter);
  const subjectT = expect(f[i++], 0x30, PART.subject);
  const spkiT = expect(f[i++], 0x30, PART.spki);
  while (f[i] !== undefined && (f[i]!.tag === 0x81 || f[i]!.tag === 0xa1 || f[i]!.tag === 0x82 || f[i]!.tag === 0xa2)) i++;
  let extensions: ParsedExtension[] = NO_EXTENSIONS;
  if (f[i]?.tag === 0xa3) {
    if (version !== 3) throw invalid(`${what}: extensions in a version ${version} certificate`);
    extensions = parseExtensions(f[i]!, what);
    i++;
  }
  if (i !== f.length) throw invalid(`${what}: unexpected fields at the end of tbsCertificate`);

  // OpenSSL must load it too (what the TLS stack will see), unless a read-only listing said not to.
  if (options.openssl !== false) {
    try {
      new crypto.X509Certificate(buf);
    } catch (e) {
      throw invalid(`${what}: OpenSSL rejects it`, { cause: e });
    }
  }

  // checkDer above walked the whole certificate, the Names included.
  const subject = decodeNameTlv(subjectT, `${what}: subject`);
  // A self-signed certificate (most of a truststore) names itself twice: decoded and printed once.
  const selfIssued = issuerT.sameBytes(subjectT);
  const issuer = selfIssued ? subject : decodeNameTlv(issuerT, `${what}: issuer`);

  const sigOidT = expect(childrenOf(outerAlg, PART.signatureAlgorithm)[0], 0x06, PART.signatureAlgorithm);
  const sigOid = decodeOidAt(buf, sigOidT.contentStart, sigOidT.end, what);
  const spkiParts = childrenOf(spkiT, PART.spki);
  const algParts = childrenOf(expect(spkiParts[0], 0x30, PART.spkiAlgorithm), what);
  const keyOidT = expect(algParts[0], 0x06, PART.keyAlgorithm);
  const keyOid = decodeOidAt(buf, keyOidT.contentStart, keyOidT.end, what);
  // The key object is made only when someone asks for it; size and curve come from the DER when
  // keyDetailsFromSpki knows the shape (exactly what node:crypto would say), else from node:crypto.
  let publicKey: crypto.KeyObject | undefined;
  let keySize: number | undefined;
  let curve: string | undefined;
  const fromDer = keyDetailsFromSpkiParts(spkiParts, algParts, keyOid);
  if (fromDer !== undefined) {
    ({ keySize, curve } = fromDer);
  } else {
    publicKey = loadSpki(Buffer.from(spkiT.bytes));
    const details = publicKey?.asymmetricKeyDetails;
    curve = details?.namedCurve === undefined ? undefined : (CURVE_NAMES[details.namedCurve] ?? details.namedCurve);
    keySize = details?.modulusLength ?? (curve === undefined ? undefined : CURVE_BITS[curve]);
  }

  let isCA = false;
  let pathLen: number | undefined;
  let keyUsage: KeyUsage[] | undefined;
  let extKeyUsage: string[] | undefined;
  let subjectAltNames: SubjectAltName[] = [];
  let subjectKeyId: TlvAt | undefined;
  let authorityKeyId: TlvAt | undefined;
  for (const ext of extensions) {
    namingExtension = ext.oid;
    const w = PART.extension;
    // The extension's value is read in place: its OCTET STRING contents are the whole buffer here.
    const v = readTlv(buf, ext.value.contentStart, w, ext.value.end);
    if (v.end !== ext.value.end) throw invalid(`${w()}: trailing bytes`);
    switch (ext.oid) {
      case '2.5.29.19': {
        const bc = childrenOf(expect(v, 0x30, w), w);
        let k = 0;
        if (bc[k]?.tag === 0x01) {
          isCA = bc[k]!.at(0) === 0xff;
          k++;
        }
        if (bc[k]?.tag === 0x02) {
          const n = bc[k]!;
          if (n.length === 0 || n.length > 4 || (n.at(0)! & 0x80) !== 0) throw invalid(`${w()}: bad pathLenConstraint`);
          pathLen = buf.readUIntBE(n.contentStart, n.length);
        }
        break;
      }
      case '2.5.29.15': {
        const bits = expect(v, 0x03, w).content;
        if (bits.length < 1 || bits[0]! > 7) throw invalid(`${w()}: bad BIT STRING`);
        keyUsage = KEY_USAGE_BITS.filter((_, n) => ((bits[1 + (n >> 3)] ?? 0) & (0x80 >> (n & 7))) !== 0);
        break;
      }
      case '2.5.29.37':
        extKeyUsage = childrenOf(expect(v, 0x30, w), w).map((o) => {
          expect(o, 0x06, w);
          const oid = decodeOidAt(buf, o.contentStart, o.end, w);
          return EKU_NAMES.get(oid) ?? oid;
        });
        break;
      case '2.5.29.17':
        subjectAltNames = decodeGeneralNames(expect(v, 0x30, w).content, w());
        break;
      case '2.5.29.14':
        subjectKeyId = expect(v, 0x04, w);
        break;
      case '2.5.29.35': {
        authorityKeyId = childrenOf(expect(v, 0x30, w), w).find((c) => c.tag === 0x80);
        break;
      }
      default:
        break;
    }
  }

  const subjectText = formatDname(subject);
  return new ParsedCertificate(
    {
      der: buf,
      version,
      serial: bigHex(serialT),
      subject,
      subjectText,
      issuer,
      issuerText: selfIssued ? subjectText : formatDname(issuer),
      notBefore,
      notAfter,
      keyAlgorithm: KEY_ALG_NAMES[keyOid] ?? keyOid,
      keySize,
      curve,
      signatureAlgorithm: SIGNATURE_OID_NAMES[sigOid] ?? sigOid,
      sha256: fingerprint(buf, 'sha256'),
      sha1: fingerprint(buf, 'sha1'),
      isCA,
      pathLen,
      keyUsage,
      extKeyUsage,
      subjectAltNames,
    },
    { serial: serialT, subject: subjectT, issuer: issuerT, spki: spkiT, subjectKeyId, authorityKeyId },
    extensions,
    fromDer === undefined,
    publicKey,
  );
}

/** One extension as `parseExtensions` reads it: its value is the OCTET STRING, in place. */
interface ParsedExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: TlvAt;
}

const NO_EXTENSIONS: ParsedExtension[] = [];

function parseExtensions(a3: TlvAt, what: string): ParsedExtension[] {
  const seq = childrenOf(a3, PART.extensions);
  if (seq.length !== 1) throw invalid(`${what}: extensions: expected one SEQUENCE`);
  const list = childrenOf(expect(seq[0], 0x30, PART.extensions), PART.extensions);
  if (list.length > 64) throw new CertkitError('LIMIT_EXCEEDED', `${what}: more than 64 extensions`);
  const out = new Array<ParsedExtension>(list.length);
  for (let n = 0; n < list.length; n++) {
    namingExtension = n + 1;
    const w = PART.extension;
    const p = childrenOf(expect(list[n], 0x30, w), w);
    const oidT = expect(p[0], 0x06, w);
    const oid = decodeOidAt(oidT.buf, oidT.contentStart, oidT.end, w);
    for (let m = 0; m < n; m++) if (out[m]!.oid === oid) throw invalid(`${w()}: ${oid} appears twice`);
    let k = 1;
    let critical = false;
    if (p[k]?.tag === 0x01) {
      critical = p[k]!.at(0) === 0xff;
      k++;
    }
    const value = expect(p[k], 0x04, w);
    if (k + 1 !== p.length) throw invalid(`${w()}: unexpected fields`);
    out[n] = { oid, critical, value };
  }
  return out;
}

/** True when `info` is valid at `now` (notBefore <= now <= notAfter). */
export function isValidAt(info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>, now: Date): boolean {
  return info.notBefore.getTime() <= now.getTime() && now.getTime() <= info.notAfter.getTime();
}
