/**
 * Amazon Redshift streaming ingestion from MSK with mutual TLS: the Secrets Manager secret format
 * and the `CREATE EXTERNAL SCHEMA` statement that uses it.
 *
 * The secret is plain text JSON with exactly two keys, as the Redshift guide gives it:
 * `{"certificate":"<leaf + chain PEM>","privateKey":"<PKCS#8 PEM>"}`.
 */
import { X509Certificate } from 'node:crypto';

import { CertkitError, invalid } from './errors.js';
import { exportPkcs8Pem, importPrivateKey, type KeyObject } from './keys.js';
import { encodePemAll, readPemOrDerAll } from './pem.js';

/** The secret's JSON object: exactly these two keys, in this order. */
export interface RedshiftSecret {
  /** The leaf certificate then its chain, PEM. */
  readonly certificate: string;
  /** The private key, PKCS#8 `PRIVATE KEY` PEM. */
  readonly privateKey: string;
}

/** `leaf + chain` as PEM text (leaf first), each block 64 columns, LF. */
export function certificateChainPem(leaf: Buffer, chain: readonly Buffer[]): string {
  return encodePemAll([leaf, ...chain].map((der) => ({ label: 'CERTIFICATE', der })));
}

/** Builds the secret object from a key and the DER certificates (leaf first). */
export function redshiftSecret(key: KeyObject, leaf: Buffer, chain: readonly Buffer[]): RedshiftSecret {
  return { certificate: certificateChainPem(leaf, chain), privateKey: exportPkcs8Pem(key) };
}

/** The secret as the exact JSON text stored in Secrets Manager (compact, two keys). */
export function redshiftSecretJson(secret: RedshiftSecret): string {
  return JSON.stringify({ certificate: secret.certificate, privateKey: secret.privateKey });
}

export interface RedshiftSecretFromPemOptions {
  /** Passphrase of an encrypted private key. Never appears in errors. */
  readonly passphrase?: string;
}

/**
 * Makes the secret from existing files' contents (what `certkit redshift-secret` does): the
 * certificate chain (PEM, leaf first, or one DER certificate) and a private key in any form
 * `importPrivateKey` reads (PKCS#1, SEC1, PKCS#8, encrypted, with or without Bag Attributes),
 * normalised to PKCS#8. The first certificate must belong to the key (VERIFY_FAILED otherwise).
 */
export function redshiftSecretFromPem(
  certInput: string | Uint8Array,
  keyInput: string | Uint8Array,
  options: RedshiftSecretFromPemOptions = {},
): RedshiftSecret {
  const certs = readPemOrDerAll(certInput, 'CERTIFICATE').map((b) => b.der);
  const key = importPrivateKey(keyInput, options);
  const [leaf, ...chain] = certs;
  if (leaf === undefined) throw invalid('no certificate found');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(leaf);
  } catch (e) {
    throw invalid('the first certificate is not a valid X.509 certificate', { cause: e });
  }
  if (!x509.checkPrivateKey(key)) {
    throw new CertkitError('VERIFY_FAILED', `the private key does not belong to the certificate for ${x509.subject.replace(/\n/g, ', ')}`, {
      hint: 'give the key the certificate was issued for',
    });
  }
  return redshiftSecret(key, leaf, chain);
}

export interface ExternalSchemaOptions {
  /** The MSK bootstrap brokers (TLS, port 9094), comma separated. A placeholder when absent. */
  readonly mskUri?: string;
  /** The Secrets Manager secret's ARN. */
  readonly secretArn: string;
  /** The schema name (default `msk_schema`). */
  readonly schema?: string;
  /** The IAM role Redshift assumes (a placeholder when absent). */
  readonly iamRole?: string;
}

/** Quotes a value as an SQL string literal (single quotes doubled). */
function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The `CREATE EXTERNAL SCHEMA ... FROM MSK ... AUTHENTICATION mtls URI '...' SECRET_ARN '...'`
 * statement for the secret, as the Redshift guide writes it.
 */
export function createExternalSchemaSql(options: ExternalSchemaOptions): string {
  const schema = options.schema ?? 'msk_schema';
  const role = options.iamRole ?? 'arn:aws:iam::<account-id>:role/<redshift-streaming-role>';
  const uri = options.mskUri ?? '<bootstrap-broker-1>:9094,<bootstrap-broker-2>:9094';
  return (
    `CREATE EXTERNAL SCHEMA ${schema} FROM MSK IAM_ROLE ${sqlString(role)} ` +
    `AUTHENTICATION mtls URI ${sqlString(uri)} SECRET_ARN ${sqlString(options.secretArn)};`
  );
}
