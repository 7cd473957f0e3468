/**
 * Key pairs: the key specs certkit offers, generation with node:crypto (OpenSSL in Node, on the
 * libuv thread pool: never pure-JS RSA), import of every private-key form the workflow meets, and
 * PKCS#8 export (plain, and encrypted with PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC).
 *
 * Imported keys are checked: structure with the bounded DER reader first, then node:crypto.
 * Only RSA and EC (P-256, P-384, P-521) keys are accepted; everything else is UNSUPPORTED.
 */
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import { parseDer, toDer } from './asn1.js';
import { CertkitError, errnoOf, invalid, unsupported } from './errors.js';
import { KDF_LIMITS } from './limits.js';
import { encodePem, looksLikePem, decodePemLenient, type PemBlock } from './pem.js';
import { quoteInput } from './quote.js';

export type KeyObject = crypto.KeyObject;

/** The key types `certkit keygen --key-type` / `client --key-type` take. */
export const KEY_SPECS = ['rsa2048', 'rsa3072', 'rsa4096', 'ec256', 'ec384'] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

/** ACM PCA's signing algorithm names; certkit uses them everywhere a signature algorithm is named. */
export const SIGNATURE_ALGORITHMS = [
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Limits for hostile encrypted keys. */
export const KEY_LIMITS = {
  /** Most PBKDF2 iterations certkit runs for one key (a hostile file could ask for 2^31): the JDK's cap. */
  maxPbkdf2Iterations: KDF_LIMITS.maxIterations,
} as const;

const SPEC_ALIASES: Readonly<Record<string, KeySpec>> = {
  rsa: 'rsa2048',
  rsa2048: 'rsa2048',
  rsa3072: 'rsa3072',
  rsa4096: 'rsa4096',
  ec: 'ec256',
  ec256: 'ec256',
  ecp256: 'ec256',
  p256: 'ec256',
  prime256v1: 'ec256',
  secp256r1: 'ec256',
  ec384: 'ec384',
  ecp384: 'ec384',
  p384: 'ec384',
  secp384r1: 'ec384',
};

/**
 * Parses a key spec as users type it: `rsa2048`, `RSA-2048`, `ec256`, `EC_P256`, `p384`, `rsa`
 * (2048), `ec` (P-256). Throws USAGE naming the accepted values.
 */
export function parseKeySpec(text: string): KeySpec {
  const k = text.trim().toLowerCase().replace(/[-_ ]/g, '');
  const spec = SPEC_ALIASES[k];
  if (spec === undefined) {
    throw new CertkitError('USAGE', `unknown key type "${quoteInput(text)}" (expected one of ${KEY_SPECS.join(', ')})`);
  }
  return spec;
}

const generate = promisify(crypto.generateKeyPair);

/** Generates a key pair for `spec` with node:crypto, off the main thread. */
export async function generateKeyPair(spec: KeySpec): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (spec) {
    case 'rsa2048':
    case 'rsa3072':
    case 'rsa4096':
      return generate('rsa', { modulusLength: Number(spec.slice(3)), publicExponent: 65537 });
    case 'ec256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'ec384':
      return generate('ec', { namedCurve: 'P-384' });
    default: {
      const never: never = spec;
      throw new CertkitError('USAGE', `unknown key type "${String(never)}"`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Import

const PRIVATE_KEY_LABELS = ['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'] as const;

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
} as const;

export interface ImportPrivateKeyOptions {
  /** For encrypted PKCS#8 and openssl's legacy encrypted PEM. Never appears in errors. */
  readonly passphrase?: string;
}

/**
 * Imports a private key from PEM (PKCS#8 `PRIVATE KEY`, encrypted PKCS#8 `ENCRYPTED PRIVATE KEY`,
 * traditional `RSA PRIVATE KEY` / `EC PRIVATE KEY`, including openssl's legacy `Proc-Type`/`DEK-Info`
 * encryption) or DER (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, told apart by shape).
 * PEM text may carry other blocks (certificates, `EC PARAMETERS`) and "Bag Attributes" lines.
 * Errors: INVALID_INPUT (malformed), UNSUPPORTED (not RSA/EC, unknown cipher), BAD_PASSWORD
 * (encrypted and the passphrase is missing or wrong), LIMIT_EXCEEDED (absurd PBKDF2 iterations).
 */
export function importPrivateKey(input: string | Uint8Array, options: ImportPrivateKeyOptions = {}): KeyObject {
  let block: PemBlock;
  if (looksLikePem(input)) {
    const keys = decodePemLenient(input).filter((b) => (PRIVATE_KEY_LABELS as readonly string[]).includes(b.label));
    if (keys.length === 0) throw invalid('no private key PEM block found (expected "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY")');
    if (keys.length > 1) throw invalid(`expected one private key, found ${keys.length} private key PEM blocks`);
    block = keys[0]!;
  } else {
    if (typeof input === 'string') throw invalid(input.trim() === '' ? 'empty input' : 'not a private key: no PEM block and not DER');
    if (input.length === 0) throw invalid('empty input');
    const der = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    block = { label: derKeyLabel(der), der };
  }
  const key = importBlock(block, options);
  checkKeyType(key);
  return key;
}

/** Tells PKCS#8, encrypted PKCS#8, PKCS#1 and SEC1 DER apart by their top-level shape. */
function derKeyLabel(der: Buffer): string {
  const top = parseDer(der, 'private key');
  if (!(top instanceof asn1js.Sequence)) throw invalid('private key: not a DER SEQUENCE');
  const items = top.valueBlock.value;
  const first = items[0];
  if (items.length === 2 && first instanceof asn1js.Sequence && items[1] instanceof asn1js.OctetString) {
    return 'ENCRYPTED PRIVATE KEY';
  }
  if (first instanceof asn1js.Integer) {
    if (items.length >= 9 && items.slice(0, 9).every((v) => v instanceof asn1js.Integer)) return 'RSA PRIVATE KEY';
    if (items[1] instanceof asn1js.Sequence) return 'PRIVATE KEY';
    if (items[1] instanceof asn1js.OctetString) return 'EC PRIVATE KEY';
  }
  throw invalid('private key: DER is none of PKCS#8, encrypted PKCS#8, PKCS#1 (RSA) or SEC1 (EC)');
}

function importBlock(block: PemBlock, options: ImportPrivateKeyOptions): KeyObject {
  const what = `private key (${block.label})`;
  const legacyEncrypted = block.headers?.some(([k, v]) => k.toLowerCase() === 'proc-type' && v.includes('ENCRYPTED')) ?? false;
  if (legacyEncrypted) {
    // The body is ciphertext (no DER to pre-check); OpenSSL's PEM decoder parses it after decryption.
    if (options.passphrase === undefined) throw new CertkitError('BAD_PASSWORD', `${what} is encrypted and no passphrase was given`);
    return nodeImport(what, true, () =>
      crypto.createPrivateKey({ key: encodePem(block.label, block.der, block.headers), format: 'pem', passphrase: options.passphrase }),
    );
  }
  switch (block.label) {
    case 'PRIVATE KEY':
      checkPkcs8(block.der);
      return nodeImport(what, false, () => crypto.createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8' }));
    case 'RSA PRIVATE KEY':
      checkVersion(parseDer(block.der, what), 0n, what);
      return nodeImport(what, false, () => crypto.createPrivateKey({ key: block.der, format: 'der', type: 'pkcs1' }));
    case 'EC PRIVATE KEY':
      checkVersion(parseDer(block.der, what), 1n, what);
      return nodeImport(what, false, () => crypto.createPrivateKey({ key: block.der, format: 'der', type: 'sec1' }));
    case 'ENCRYPTED PRIVATE KEY': {
      checkEncryptedPkcs8(block.der);
      if (options.passphrase === undefined) throw new CertkitError('BAD_PASSWORD', `${what} is encrypted and no passphrase was given`);
      const passphrase = options.passphrase;
      return nodeImport(what, true, () =>
        crypto.createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8', passphrase }),
      );
    }
    default:
      throw invalid(`"${block.label}" is not a private key`);
  }
}

/** Runs a node:crypto import, turning its errors into CertkitErrors by node's error code. */
function nodeImport(what: string, encrypted: boolean, fn: () => KeyObject): KeyObject {
  try {
    return fn();
  } catch (e) {
    const code = errnoOf(e) ?? '';
    if (code.includes('UNSUPPORTED') || code.includes('UNKNOWN_CIPHER') || code.includes('UNKNOWN_ALGORITHM')) {
      // OpenSSL 3's decoders say "unsupported" for any DER they cannot decode, not only for unknown algorithms.
      throw unsupported(`${what}: not a valid key, or one using an algorithm this Node/OpenSSL does not support`, { cause: e });
    }
    if (encrypted) {
      throw new CertkitError('BAD_PASSWORD', `${what}: wrong passphrase (or the encrypted key is corrupt)`, { cause: e });
    }
    throw invalid(`${what}: not a valid key`, { cause: e });
  }
}

function checkPkcs8(der: Buffer): void {
  const top = parseDer(der, 'private key (PKCS#8)');
  const items = top instanceof asn1js.Sequence ? top.valueBlock.value : [];
  if (items.length < 3 || !(items[0] instanceof asn1js.Integer) || !(items[1] instanceof asn1js.Sequence) || !(items[2] instanceof asn1js.OctetString)) {
    throw invalid('private key (PKCS#8): not a PrivateKeyInfo (version, algorithm, key)');
  }
  // v1 (0), or v2 (1) of RFC 5958's OneAsymmetricKey; OpenSSL ignores the version.
  if (items[0].valueBlock.valueHexView.length !== 1 || items[0].valueBlock.valueHexView[0]! > 1) {
    throw invalid('private key (PKCS#8): version is not 0 or 1');
  }
}

/** PKCS#1 (two-prime: 0) and SEC1 (1) keys start with a version OpenSSL does not check. */
function checkVersion(top: asn1js.AsnType, want: bigint, what: string): void {
  const v = top instanceof asn1js.Sequence ? top.valueBlock.value[0] : undefined;
  if (!(v instanceof asn1js.Integer) || v.valueBlock.valueHexView.length !== 1 || BigInt(v.valueBlock.valueHexView[0]!) !== want) {
    throw invalid(`${what}: version is not ${want}`);
  }
}

/**
 * Checks an EncryptedPrivateKeyInfo's shape and, for PBES2/PBKDF2, PBES1 and PKCS#12 PBE, that the
 * iteration count is within KEY_LIMITS before any key derivation runs.
 */
function checkEncryptedPkcs8(der: Buffer): void {
  const what = 'private key (encrypted PKCS#8)';
  const top = parseDer(der, what);
  const items = top instanceof asn1js.Sequence ? top.valueBlock.value : [];
  const alg = items[0];
  if (items.length !== 2 || !(alg instanceof asn1js.Sequence) || !(items[1] instanceof asn1js.OctetString)) {
    throw invalid(`${what}: not an EncryptedPrivateKeyInfo (algorithm, encrypted data)`);
  }
  const oid = alg.valueBlock.value[0];
  if (!(oid instanceof asn1js.ObjectIdentifier)) throw invalid(`${what}: algorithm identifier has no OID`);
  const algOid = oid.valueBlock.toString();
  const params = alg.valueBlock.value[1];
  const pbes1 = algOid.startsWith('1.2.840.113549.1.5.') || algOid.startsWith('1.2.840.113549.1.12.1.');
  if (pbes1 && algOid !== OID.pbes2) {
    // PBES1 and PKCS#12 PBE: PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER }
    const iter = params instanceof asn1js.Sequence ? params.valueBlock.value[1] : undefined;
    if (!(iter instanceof asn1js.Integer)) throw invalid(`${what}: PBE parameters have no iteration count`);
    checkIterations(iter, what);
    return;
  }
  if (algOid !== OID.pbes2) return; // other schemes: node decides
  const kdf = params instanceof asn1js.Sequence ? params.valueBlock.value[0] : undefined;
  const kdfItems = kdf instanceof asn1js.Sequence ? kdf.valueBlock.value : [];
  const kdfOid = kdfItems[0];
  const kdfParams = kdfItems[1];
  if (!(kdfOid instanceof asn1js.ObjectIdentifier) || !(kdfParams instanceof asn1js.Sequence)) {
    throw invalid(`${what}: PBES2 parameters are malformed`);
  }
  if (kdfOid.valueBlock.toString() !== OID.pbkdf2) return; // scrypt etc.: node decides
  const iter = kdfParams.valueBlock.value[1];
  if (!(iter instanceof asn1js.Integer)) throw invalid(`${what}: PBKDF2 parameters have no iteration count`);
  checkIterations(iter, what);
}

function checkIterations(iter: asn1js.Integer, what: string): void {
  const bytes = iter.valueBlock.valueHexView.length;
  const count = bytes > 6 ? Infinity : Number(iter.toBigInt());
  if (!(count >= 1)) throw invalid(`${what}: iteration count must be positive`);
  if (count > KEY_LIMITS.maxPbkdf2Iterations) {
    const shown = bytes > 8 ? `of ${bytes} bytes` : String(iter.toBigInt());
    throw new CertkitError('LIMIT_EXCEEDED', `${what}: iteration count ${shown} is more than the ${KEY_LIMITS.maxPbkdf2Iterations} limit`);
  }
}

function checkKeyType(key: KeyObject): void {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') {
    checkRsaPrivateKey(key);
    return;
  }
  if (t === 'ec') {
    checkEcPrivateKey(key);
    return;
  }
  throw unsupported(`${t ?? 'unknown'} keys are not supported (certkit handles RSA and EC P-256/P-384/P-521 keys)`);
}

/**
 * OpenSSL loads an RSAPrivateKey whatever its numbers are (a zero modulus, p = 1): a signature
 * made with the key must verify with its public half, or the key is refused here rather than
 * when it signs a CSR.
 */
function checkRsaPrivateKey(key: KeyObject): void {
  const probe = Buffer.from('certkit key check');
  let ok = false;
  try {
    ok = crypto.verify('sha256', probe, crypto.createPublicKey(key), crypto.sign('sha256', probe, key));
  } catch (e) {
    throw invalid('private key: not a valid RSA private key (its numbers do not fit together)', { cause: e });
  }
  if (!ok) throw invalid('private key: not a valid RSA private key (its numbers do not fit together)');
}

const ECDH_CURVE: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/**
 * Checks an imported EC private key before anything reads its details. OpenSSL 3 accepts a SEC1 or
 * PKCS#8 private value longer than the curve, and Node then aborts the whole process on
 * `asymmetricKeyDetails` (an assertion in crypto_ec.cc); such a key fails to re-encode, which is
 * checked first. Then the private value must be in range (1 .. n-1) and give the public key the
 * file carries, as keytool's and OpenSSL's key checks require.
 */
function checkEcPrivateKey(key: KeyObject): void {
  const bad = (cause: unknown) => invalid('private key: not a valid EC private key (the private value does not fit its curve)', { cause });
  try {
    key.export({ format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw bad(e);
  }
  const curve = curveName(key);
  const jwk = key.export({ format: 'jwk' });
  const ecdh = crypto.createECDH(ECDH_CURVE[curve]!);
  try {
    ecdh.setPrivateKey(Buffer.from(jwk.d ?? '', 'base64url'));
  } catch (e) {
    throw bad(e);
  }
  const pub = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  if (!ecdh.getPublicKey().equals(pub)) throw invalid('private key: the EC public key in the file does not belong to the private value');
}

// ---------------------------------------------------------------------------------------------
// Export

/** PKCS#8 PrivateKeyInfo, DER. */
export function exportPkcs8Der(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'pkcs8' });
}

/** PKCS#8 `PRIVATE KEY` PEM (64 columns, LF): what `private_key.pem` and the Redshift secret hold. */
export function exportPkcs8Pem(key: KeyObject): string {
  return encodePem('PRIVATE KEY', exportPkcs8Der(key));
}

export interface EncryptPkcs8Options {
  /** PBKDF2 iterations (default 10000, as JDK 17 keytool uses for PKCS#12). */
  readonly iterations?: number;
  /** Random source for salt and IV (tests inject one). */
  readonly randomBytes?: (n: number) => Buffer;
}

/**
 * Encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`) DER: PBES2 with PBKDF2-HMAC-SHA256 (16-byte salt)
 * and AES-256-CBC, as `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes it.
 */
export function exportEncryptedPkcs8Der(key: KeyObject, passphrase: string, options: EncryptPkcs8Options = {}): Buffer {
  const iterations = options.iterations ?? 10_000;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > KEY_LIMITS.maxPbkdf2Iterations) {
    throw new CertkitError('USAGE', `PBKDF2 iterations must be an integer from 1 to ${KEY_LIMITS.maxPbkdf2Iterations}`);
  }
  const rnd = options.randomBytes ?? crypto.randomBytes;
  const salt = rnd(16);
  const iv = rnd(16);
  const dk = crypto.pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = crypto.createCipheriv('aes-256-cbc', dk, iv);
  const enc = Buffer.concat([cipher.update(exportPkcs8Der(key)), cipher.final()]);
  const algId = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.pbes2 }),
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: OID.pbkdf2 }),
              new asn1js.Sequence({
                value: [
                  new asn1js.OctetString({ valueHex: salt }),
                  new asn1js.Integer({ value: iterations }),
                  new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.hmacWithSHA256 }), new asn1js.Null()] }),
                ],
              }),
            ],
          }),
          new asn1js.Sequence({
            value: [new asn1js.ObjectIdentifier({ value: OID.aes256cbc }), new asn1js.OctetString({ valueHex: iv })],
          }),
        ],
      }),
    ],
  });
  return toDer(new asn1js.Sequence({ value: [algId, new asn1js.OctetString({ valueHex: enc })] }));
}

/** `exportEncryptedPkcs8Der` as `ENCRYPTED PRIVATE KEY` PEM. */
export function exportEncryptedPkcs8Pem(key: KeyObject, passphrase: string, options: EncryptPkcs8Options = {}): string {
  return encodePem('ENCRYPTED PRIVATE KEY', exportEncryptedPkcs8Der(key, passphrase, options));
}

/** SubjectPublicKeyInfo DER of a private or public key: the basis of key/certificate matching. */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return pub.export({ format: 'der', type: 'spki' });
}

/** The public half of a private key. */
export function publicKeyOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? crypto.createPublicKey(key) : key;
}

// ---------------------------------------------------------------------------------------------
// Description

/** "RSA" or "EC", as keytool names key algorithms. Throws UNSUPPORTED for other keys. */
export function keyAlgorithmName(key: KeyObject): 'RSA' | 'EC' {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') return 'RSA';
  if (t === 'ec') return 'EC';
  throw unsupported(`${t ?? 'unknown'} keys are not supported`);
}

const CURVES: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = {
  prime256v1: 'P-256',
  secp256r1: 'P-256',
  'P-256': 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
};

/** The NIST name of an EC key's curve ("P-256", "P-384", "P-521"); UNSUPPORTED for others. */
export function curveName(key: KeyObject): 'P-256' | 'P-384' | 'P-521' {
  const c = key.asymmetricKeyDetails?.namedCurve;
  const name = c === undefined ? undefined : CURVES[c];
  if (name === undefined) throw unsupported(`EC curve ${c ?? '(unnamed)'} is not supported (P-256, P-384, P-521 are)`);
  return name;
}

/** Key size in bits: the RSA modulus length, or the EC curve's size. */
export function keySize(key: KeyObject): number {
  if (keyAlgorithmName(key) === 'RSA') return key.asymmetricKeyDetails?.modulusLength ?? 0;
  return { 'P-256': 256, 'P-384': 384, 'P-521': 521 }[curveName(key)];
}

/** "RSA 2048", "EC P-256". */
export function describeKey(key: KeyObject): string {
  return keyAlgorithmName(key) === 'RSA' ? `RSA ${keySize(key)}` : `EC ${curveName(key)}`;
}

/**
 * The signature algorithm a key signs with by default: SHA256WITHRSA for RSA, SHA256WITHECDSA for
 * P-256, SHA384WITHECDSA for P-384, SHA512WITHECDSA for P-521 (hash strength matching the curve).
 */
export function defaultSignatureAlgorithm(key: KeyObject): SignatureAlgorithm {
  if (keyAlgorithmName(key) === 'RSA') return 'SHA256WITHRSA';
  switch (curveName(key)) {
    case 'P-256':
      return 'SHA256WITHECDSA';
    case 'P-384':
      return 'SHA384WITHECDSA';
    case 'P-521':
      return 'SHA512WITHECDSA';
  }
}

/** Parses a signature algorithm name case-insensitively (`sha256WithRSA`, `SHA256WITHECDSA`). */
export function parseSignatureAlgorithm(text: string): SignatureAlgorithm {
  const up = text.trim().toUpperCase().replace(/[-_ ]/g, '');
  const found = SIGNATURE_ALGORITHMS.find((a) => a === up);
  if (found === undefined) {
    throw new CertkitError('USAGE', `unknown signature algorithm "${quoteInput(text)}" (expected one of ${SIGNATURE_ALGORITHMS.join(', ')})`);
  }
  return found;
}

/** Checks a signature algorithm fits a key (RSA with RSA, ECDSA with EC); USAGE if not. */
export function checkSignatureAlgorithmForKey(alg: SignatureAlgorithm, key: KeyObject): void {
  const wantsRsa = alg.endsWith('WITHRSA');
  if (wantsRsa !== (keyAlgorithmName(key) === 'RSA')) {
    throw new CertkitError('USAGE', `signature algorithm ${alg} does not fit a ${describeKey(key)} key`);
  }
}
