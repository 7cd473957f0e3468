/**
 * `certkit.json`: what a `certkit client` run made, without secrets, for a rerun or a renewal to
 * read (certificate ARN, fingerprints, expiry, S3 URIs, secret ARN). Never holds a password or a
 * private key; the file is public (0644) like the certificates it describes.
 */
import { CertkitError, invalid } from './errors.js';
import { parseCertificate } from './x509/certificate.js';

/** The record's file name inside `--out`. */
export const RECORD_FILE = 'certkit.json';
/** The record's format version. */
export const RECORD_VERSION = 1;

/** One certificate as the record describes it. */
export interface RecordCertificate {
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, hex, as keytool prints it (lower case, no leading zeros). */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 fingerprint, upper-case hex, colon separated (keytool's form). */
  readonly sha256: string;
}

export interface CertkitRecord {
  readonly version: typeof RECORD_VERSION;
  /** When the run finished, ISO 8601. */
  readonly createdAt: string;
  /** `acm-pca` or `local-ca`. */
  readonly issuer: string;
  /** The ACM PCA CA ARN (absent for the local CA). */
  readonly caArn?: string;
  /** The local CA directory (absent for ACM PCA). */
  readonly caDir?: string;
  /** The issued certificate's ARN (ACM PCA). */
  readonly certificateArn?: string;
  /** Key type, e.g. `rsa2048`. */
  readonly keyType: string;
  /** The keystore alias. */
  readonly alias: string;
  readonly certificate: RecordCertificate;
  /** The chain above the leaf, issuer first. */
  readonly chain: readonly RecordCertificate[];
  /** Files written in the output directory (names). */
  readonly files: readonly string[];
  /** S3 objects uploaded. */
  readonly s3?: readonly string[];
  /** The Secrets Manager secret's ARN. */
  readonly secretArn?: string;
}

/** Describes a DER certificate for the record (names and serial as keytool prints them). */
export function describeCertificate(der: Buffer): RecordCertificate {
  const c = parseCertificate(der);
  return {
    subject: c.subjectText,
    issuer: c.issuerText,
    serial: c.serial,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.sha256,
  };
}

/** What `buildRecord` needs: the record's own fields, with the certificates as DER to describe. */
export type BuildRecordInput = Omit<CertkitRecord, 'version' | 'createdAt' | 'certificate' | 'chain'> & {
  readonly now: Date;
  readonly leaf: Buffer;
  readonly chain: readonly Buffer[];
};

/** Builds the record (pure). Optional fields absent in the input are absent in the JSON. */
export function buildRecord(input: BuildRecordInput): CertkitRecord {
  return {
    version: RECORD_VERSION,
    createdAt: input.now.toISOString(),
    issuer: input.issuer,
    ...(input.caArn === undefined ? {} : { caArn: input.caArn }),
    ...(input.caDir === undefined ? {} : { caDir: input.caDir }),
    ...(input.certificateArn === undefined ? {} : { certificateArn: input.certificateArn }),
    keyType: input.keyType,
    alias: input.alias,
    certificate: describeCertificate(input.leaf),
    chain: input.chain.map(describeCertificate),
    files: [...input.files],
    ...(input.s3 === undefined || input.s3.length === 0 ? {} : { s3: [...input.s3] }),
    ...(input.secretArn === undefined ? {} : { secretArn: input.secretArn }),
  };
}

/** The record as the file's bytes (pretty JSON, final newline). */
export function serializeRecord(record: CertkitRecord): Buffer {
  return Buffer.from(JSON.stringify(record, null, 2) + '\n', 'utf8');
}

/** Parses a record file's contents; INVALID_INPUT if it is not a certkit record of a known version. */
export function parseRecord(text: string | Uint8Array): CertkitRecord {
  let v: unknown;
  try {
    v = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch (e) {
    throw invalid(`${RECORD_FILE} is not valid JSON`, { cause: e });
  }
  if (typeof v !== 'object' || v === null || (v as { version?: unknown }).version === undefined) {
    throw invalid(`${RECORD_FILE} is not a certkit record`);
  }
  if ((v as { version: unknown }).version !== RECORD_VERSION) {
    throw new CertkitError('UNSUPPORTED', `${RECORD_FILE} has version ${String((v as { version: unknown }).version)}; this certkit reads version ${RECORD_VERSION}`);
  }
  return v as CertkitRecord;
}
