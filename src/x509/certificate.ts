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
import { checkDer } from '../der-check.js';
import { CertkitError, invalid } from '../errors.js';
import { decodeCheckedName, formatDname, type DistinguishedName } from './dn.js';
import { decodeGeneralNames, type SubjectAltName } from './general-name.js';
import { keyDetailsFromSpki } from './spki.js';
import { children, decodeOid, readTlv, type Tlv } from './tlv.js';
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

/** Signature algorithm OIDs, named as keytool prints them ("SHA256withRSA"). */
export const SIGNATURE_OID_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'SHA1withRSA',
  '1.2.840.113549.1.1.11': 'SHA256withRSA',
  '1.2.840.113549.1.1.12': 'SHA384withRSA',
  '1.2.840.113549.1.1.13': 'SHA512withRSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'SHA1withECDSA',
  '1.2.840.10045.4.3.2': 'SHA256withECDSA',
  '1.2.840.10045.4.3.3': 'SHA384withECDSA',
  '1.2.840.10045.4.3.4': 'SHA512withECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'SHA1withDSA',
  '2.16.840.1.101.3.4.3.2': 'SHA256withDSA',
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
  /** RSA modulus bits or EC curve bits, as node:crypto reports them; undefined if unknown. */
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

/** Fingerprint of DER bytes as keytool prints it: upper-case hex pairs joined by ":". */
export function fingerprint(der: Uint8Array, algorithm: 'sha256' | 'sha1'): string {
  const hex = crypto.hash(algorithm, der, 'hex').toUpperCase();
  let out = hex.slice(0, 2);
  for (let i = 2; i < hex.length; i += 2) out += ':' + hex.slice(i, i + 2);
  return out;
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
}

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t === undefined) throw invalid(`${what}: missing`);
  if (t.tag !== tag) throw invalid(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** Parses a DER time (UTCTime or GeneralizedTime, "Z" form, seconds present) as RFC 5280 requires. */
export function parseTime(t: Tlv, what: string): Date {
  const s = t.content.toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (m === null) throw invalid(`${what}: bad UTCTime "${quoteInput(s)}"`);
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (t.tag === 0x18) {
    m = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (m === null) throw invalid(`${what}: bad GeneralizedTime "${quoteInput(s)}"`);
    year = Number(m[1]);
  } else {
    throw invalid(`${what}: not a UTCTime or GeneralizedTime`);
  }
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    throw invalid(`${what}: impossible date "${quoteInput(s)}"`);
  }
  return date;
}

function bigHex(content: Buffer): string {
  if (content.length === 0) return '0';
  const neg = (content[0]! & 0x80) !== 0;
  let v = BigInt('0x' + content.toString('hex'));
  if (neg) v -= 1n << BigInt(content.length * 8);
  return v.toString(16);
}

/**
 * Parses an X.509 certificate (DER). Throws INVALID_INPUT naming `what` ("certificate",
 * "certificate 2") and the part that is wrong.
 */
export function parseCertificate(der: Uint8Array, what = 'certificate', options: ParseCertificateOptions = {}): CertificateInfo {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  checkDer(buf, what);
  const top = expect(readTlv(buf, 0, what), 0x30, what);
  const parts = children(top.content, what);
  if (parts.length !== 3) throw invalid(`${what}: expected 3 parts (tbsCertificate, signatureAlgorithm, signature), found ${parts.length}`);
  const tbs = expect(parts[0], 0x30, `${what}: tbsCertificate`);
  const outerAlg = expect(parts[1], 0x30, `${what}: signatureAlgorithm`);
  expect(parts[2], 0x03, `${what}: signatureValue`);
  const f = children(tbs.content, `${what}: tbsCertificate`);
  let i = 0;
  let version = 1;
  if (f[0]?.tag === 0xa0) {
    const v = expect(children(f[0].content, `${what}: version`)[0], 0x02, `${what}: version`);
    if (v.content.length !== 1 || v.content[0]! > 2) throw invalid(`${what}: unknown version`);
    version = v.content[0]! + 1;
    i++;
  }
  const serialT = expect(f[i++], 0x02, `${what}: serialNumber`);
  if (serialT.content.length === 0) throw invalid(`${what}: serialNumber: empty INTEGER`);
  if (serialT.content.length > 1 && ((serialT.content[0] === 0 && serialT.content[1]! < 0x80) || (serialT.content[0] === 0xff && serialT.content[1]! >= 0x80))) {
    throw invalid(`${what}: serialNumber: non-minimal INTEGER`);
  }
  const innerAlg = expect(f[i++], 0x30, `${what}: signature`);
  if (!innerAlg.bytes.equals(outerAlg.bytes)) throw invalid(`${what}: signature algorithm inside and outside the TBSCertificate differ`);
  const issuerT = expect(f[i++], 0x30, `${what}: issuer`);
  const validity = children(expect(f[i++], 0x30, `${what}: validity`).content, `${what}: validity`);
  if (validity.length !== 2) throw invalid(`${what}: validity: expected notBefore and notAfter`);
  const notBefore = parseTime(validity[0]!, `${what}: notBefore`);
  const notAfter = parseTime(validity[1]!, `${what}: notAfter`);
  const subjectT = expect(f[i++], 0x30, `${what}: subject`);
  const spkiT = expect(f[i++], 0x30, `${what}: subjectPublicKeyInfo`);
  while (f[i] !== undefined && (f[i]!.tag === 0x81 || f[i]!.tag === 0xa1 || f[i]!.tag === 0x82 || f[i]!.tag === 0xa2)) i++;
  let extensions: { oid: string; critical: boolean; value: Buffer }[] = [];
  if (f[i]?.tag === 0xa3) {
    if (version !== 3) throw invalid(`${what}: extensions in a version ${version} certificate`);
    extensions = parseExtensions(f[i]!.content, what);
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
  const subject = decodeCheckedName(subjectT.bytes, `${what}: subject`);
  const issuer = decodeCheckedName(issuerT.bytes, `${what}: issuer`);

  const sigOid = decodeOid(expect(children(outerAlg.content, `${what}: signatureAlgorithm`)[0], 0x06, `${what}: signatureAlgorithm`).content, what);
  const spkiParts = children(spkiT.content, `${what}: subjectPublicKeyInfo`);
  const algParts = children(expect(spkiParts[0], 0x30, `${what}: subjectPublicKeyInfo algorithm`).content, what);
  const keyOid = decodeOid(expect(algParts[0], 0x06, `${what}: key algorithm`).content, what);
  const spki = Buffer.from(spkiT.bytes);
  // The key object is made only when someone asks for it; size and curve come from the DER when
  // keyDetailsFromSpki knows the shape (exactly what node:crypto would say), else from node:crypto.
  let loaded = false;
  let publicKey: crypto.KeyObject | undefined;
  const loadPublicKey = (): crypto.KeyObject | undefined => {
    if (!loaded) {
      loaded = true;
      try {
        publicKey = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
      } catch {
        publicKey = undefined;
      }
    }
    return publicKey;
  };
  let keySize: number | undefined;
  let curve: string | undefined;
  const fromDer = keyDetailsFromSpki(spki);
  if (fromDer !== undefined) {
    ({ keySize, curve } = fromDer);
  } else {
    const details = loadPublicKey()?.asymmetricKeyDetails;
    curve = details?.namedCurve === undefined ? undefined : (CURVE_NAMES[details.namedCurve] ?? details.namedCurve);
    keySize = details?.modulusLength ?? (curve === 'P-256' ? 256 : curve === 'P-384' ? 384 : curve === 'P-521' ? 521 : undefined);
  }

  let isCA = false;
  let pathLen: number | undefined;
  let keyUsage: KeyUsage[] | undefined;
  let extKeyUsage: string[] | undefined;
  let subjectAltNames: SubjectAltName[] = [];
  let subjectKeyId: Buffer | undefined;
  let authorityKeyId: Buffer | undefined;
  for (const ext of extensions) {
    const w = `${what}: extension ${ext.oid}`;
    const v = readTlv(ext.value, 0, w);
    if (v.end !== ext.value.length) throw invalid(`${w}: trailing bytes`);
    switch (ext.oid) {
      case '2.5.29.19': {
        const bc = children(expect(v, 0x30, w).content, w);
        let k = 0;
        if (bc[k]?.tag === 0x01) {
          isCA = bc[k]!.content[0] === 0xff;
          k++;
        }
        if (bc[k]?.tag === 0x02) {
          const n = bc[k]!.content;
          if (n.length > 4 || (n[0]! & 0x80) !== 0) throw invalid(`${w}: bad pathLenConstraint`);
          pathLen = n.readUIntBE(0, n.length);
        }
        break;
      }
      case '2.5.29.15': {
        const bits = expect(v, 0x03, w).content;
        if (bits.length < 1 || bits[0]! > 7) throw invalid(`${w}: bad BIT STRING`);
        keyUsage = KEY_USAGE_BITS.filter((_, n) => ((bits[1 + (n >> 3)] ?? 0) & (0x80 >> (n & 7))) !== 0);
        break;
      }
      case '2.5.29.37':
        extKeyUsage = children(expect(v, 0x30, w).content, w).map((o) => {
          const oid = decodeOid(expect(o, 0x06, w).content, w);
          return EKU_NAMES.get(oid) ?? oid;
        });
        break;
      case '2.5.29.17':
        subjectAltNames = decodeGeneralNames(expect(v, 0x30, w).content, w);
        break;
      case '2.5.29.14':
        subjectKeyId = Buffer.from(expect(v, 0x04, w).content);
        break;
      case '2.5.29.35': {
        const kid = children(expect(v, 0x30, w).content, w).find((c) => c.tag === 0x80);
        authorityKeyId = kid === undefined ? undefined : Buffer.from(kid.content);
        break;
      }
      default:
        break;
    }
  }

  return {
    der: buf,
    version,
    serial: bigHex(serialT.content),
    serialHex: serialT.content.toString('hex').toUpperCase(),
    subject,
    subjectText: formatDname(subject),
    subjectDer: Buffer.from(subjectT.bytes),
    issuer,
    issuerText: formatDname(issuer),
    issuerDer: Buffer.from(issuerT.bytes),
    notBefore,
    notAfter,
    spki,
    get publicKey() {
      return loadPublicKey();
    },
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
    subjectKeyId,
    authorityKeyId,
    extensions: extensions.map(({ oid, critical }) => ({ oid, critical })),
  };
}

function parseExtensions(content: Buffer, what: string): { oid: string; critical: boolean; value: Buffer }[] {
  const seq = children(content, `${what}: extensions`);
  if (seq.length !== 1) throw invalid(`${what}: extensions: expected one SEQUENCE`);
  const list = children(expect(seq[0], 0x30, `${what}: extensions`).content, `${what}: extensions`);
  if (list.length > 64) throw new CertkitError('LIMIT_EXCEEDED', `${what}: more than 64 extensions`);
  const seen = new Set<string>();
  return list.map((e, n) => {
    const w = `${what}: extension ${n + 1}`;
    const p = children(expect(e, 0x30, w).content, w);
    const oid = decodeOid(expect(p[0], 0x06, w).content, w);
    if (seen.has(oid)) throw invalid(`${w}: ${oid} appears twice`);
    seen.add(oid);
    let k = 1;
    let critical = false;
    if (p[k]?.tag === 0x01) {
      critical = p[k]!.content[0] === 0xff;
      k++;
    }
    const value = expect(p[k], 0x04, w).content;
    if (k + 1 !== p.length) throw invalid(`${w}: unexpected fields`);
    return { oid, critical, value: Buffer.from(value) };
  });
}

/** True when `info` is valid at `now` (notBefore <= now <= notAfter). */
export function isValidAt(info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>, now: Date): boolean {
  return info.notBefore.getTime() <= now.getTime() && now.getTime() <= info.notAfter.getTime();
}
