/**
 * Reads PKCS#12 (RFC 7292) files as JDK keytool and OpenSSL write them, into the KeyStore model.
 *
 * PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
 * MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 * AuthenticatedSafe ::= SEQUENCE OF ContentInfo   -- data, or encryptedData (password-encrypted)
 * SafeContents ::= SEQUENCE OF SafeBag
 * SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF Attribute OPTIONAL }
 *
 * - The MAC is always verified (HMAC with the PKCS#12 KDF, ID 3, or RFC 9579 PBMAC1 with
 *   PBKDF2), compared in constant time,
 *   before anything inside authSafe is decrypted. A file without a MAC is refused (INTEGRITY)
 *   unless `allowMissingMac` is set, or it is passwordless (nothing in it encrypted) and opened
 *   with the empty password, as keytool reads JDK 18+ cacerts; either way the store comes back
 *   marked `unprotected`. A wrong password is BAD_PASSWORD.
 * - No key derivation runs before the whole file's derivation work (MAC, encrypted safes, keys)
 *   is summed and found within KDF_LIMITS.maxWorkPerFile; a MAC's iterations have a lower cap of
 *   their own (PKCS12_LIMITS.maxMacIterations), as the MAC runs before the password is known good.
 * - Keys are paired with their certificate one way (`leafOf`), from the bags' attributes only, so
 *   that listing (keys not decrypted) and exporting see the same entries: by localKeyId and
 *   friendlyName as keytool does, never by public key. The chain is ordered leaf to root from the
 *   other certificates by issuer (node's X509Certificate).
 * - Alias = the bag's friendlyName, kept as written (keytool shows PKCS#12 aliases lowercased;
 *   certkit reports the stored name). Without a friendlyName, keytool's own rule: "1", "2", ...
 *   counting the unnamed entries, keys first (keytool lists `openssl pkcs12 -export` without
 *   `-name` as alias "1").
 * - Trusted certificates: bags with Oracle's trusted-key-usage attribute, as keytool. A
 *   certificate-only bag that belongs to no key's chain and lacks that attribute is also reported
 *   as a trusted-cert entry (keytool hides it and the store looks empty; certkit shows what is
 *   there, e.g. the CA certificates of `openssl pkcs12 -export -nokeys`).
 * - A secret bag is reported as a 'secret-key' entry (its algorithm when the key can be decrypted).
 * - `created` is set for key entries whose localKeyId is keytool's "Time <milliseconds>".
 */
import { X509Certificate, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { checkDer, parseBer, parseDer } from '../asn1.js';
import { CertkitError, invalid, unsupported, withContext } from '../errors.js';
import { decryptsKey, type KeyStore, type KeyStoreEntry, type ReadKeyStoreOptions } from './model.js';
import {
  type Asn1Node,
  bmpString,
  explicit,
  implicitOctets,
  isNull,
  octets,
  oid,
  rawDer,
  sequence,
  setOf,
  shownInteger,
  unsignedInteger,
} from './der-read.js';
import { PKCS12_LIMITS } from '../limits.js';
import { quoteInput } from '../quote.js';
import { KdfBudget, kdfWork } from './kdf-budget.js';
import {
  checkIterations,
  decryptParsedPbe,
  hmacHashOf,
  MAC_ITERATIONS,
  MAX_SALT_BYTES,
  parsePbeAlgorithm,
  parsePbkdf2,
  type PbeParams,
  type Pbkdf2Prf,
  pbeWork,
} from './pbe.js';
import { bmpPassword, digestSize, pkcs12Kdf, type Pkcs12KdfHash } from './pkcs12-kdf.js';
import { ATTRIBUTE, BAG, CERT_TYPE, CONTENT_TYPE, DIGEST_BY_OID, PBMAC1 } from './pkcs12-oids.js';

/** Options of `readPkcs12`. */
export interface ReadPkcs12Options extends ReadKeyStoreOptions {
  /** Accept a PFX without macData (e.g. `openssl pkcs12 -nomac`). Off by default. */
  readonly allowMissingMac?: boolean;
}

/** Limits on hostile input beyond those of parseDer: PKCS12_LIMITS in src/limits.ts. */
const MAX_SAFES = PKCS12_LIMITS.maxSafes;
const MAX_BAGS = PKCS12_LIMITS.maxBags;
const MAX_ATTRIBUTES = PKCS12_LIMITS.maxAttributes;
const MAX_NESTED_SAFE_CONTENTS = PKCS12_LIMITS.maxNestedSafeContents;
const MIN_PBMAC1_KEY_BYTES = PKCS12_LIMITS.minPbmac1KeyBytes;

interface Attributes {
  friendlyName?: string;
  localKeyId?: Buffer;
  trusted: boolean;
}

interface KeyItem {
  order: number;
  attrs: Attributes;
  /** PKCS#8 PrivateKeyInfo DER, when read (keys !== false). */
  pkcs8?: Buffer;
}

interface CertItem {
  order: number;
  attrs: Attributes;
  der: Buffer;
  x509: X509Certificate;
}

interface SecretItem {
  order: number;
  attrs: Attributes;
  algorithm?: string;
}

interface Collected {
  keys: KeyItem[];
  certs: CertItem[];
  secrets: SecretItem[];
  order: number;
}

/** Whether to decrypt the key of a bag with this friendlyName (`ReadKeyStoreOptions.keys`). */
type ReadKey = (friendlyName: string | undefined) => boolean;

interface Context {
  storePassword: string;
  keyPassword: string;
  readKey: ReadKey;
  emptyAsNone: boolean;
}

/** What one encrypted part (a safe, a shrouded key, a secret) needs to be decrypted: parsed, not yet derived. */
interface Encrypted {
  readonly params: PbeParams;
  readonly ciphertext: Buffer;
}

/** A bag found by the walk, read once the MAC has been verified. */
interface FoundBag {
  /** Where it is, for messages: "bag 2", then "bag 1" for a bag inside a nested SafeContents. */
  readonly path: readonly string[];
  readonly id: string;
  readonly value: Asn1Node;
  readonly attrNode: Asn1Node | undefined;
  /** A shrouded key or an encrypted secret: protected by a password, read or not. */
  readonly ciphered: boolean;
  /** What decrypts it, when it is `ciphered` and keys are read. */
  readonly encrypted?: Encrypted;
}

/** A safe found by the walk: its bags (data), or what decrypts them (encryptedData). */
type FoundSafe = { readonly bags: readonly FoundBag[] } | { readonly encrypted: Encrypted };

/** The MAC's parameters, checked; nothing derived yet. */
type MacParams =
  | { kind: 'pkcs12'; hash: Pkcs12KdfHash; salt: Buffer; iterations: number; expected: Buffer }
  | { kind: 'pbmac1'; hash: Pbkdf2Prf; prf: Pbkdf2Prf; salt: Buffer; iterations: number; keyLength: number; expected: Buffer };

/** Runs `fn` with each of `path` added to its errors, outermost first. */
const inPath = <T>(path: readonly string[], fn: () => T): T => path.reduceRight<() => T>((f, c) => () => withContext(c, f), fn)();

/**
 * Reads a PKCS#12 keystore, decrypting only the keys `keys` asks for, in three steps so that no
 * key derivation runs before the whole
 * file's derivation work is known to be within KDF_LIMITS.maxWorkPerFile:
 *
 * 1. walk everything the file shows without decrypting (every safe, the bags of the plain ones,
 *    every PBE and MAC parameter), deriving nothing;
 * 2. add up the MAC's, every encrypted safe's and (unless `keys` is false) every shrouded key's
 *    derivation work and refuse the file if it is too much;
 * 3. verify the MAC with `storePassword`, then decrypt: safes with the store password, keys with
 *    `keyPassword` (default: the store password). An encrypted safe's own bags are seen only
 *    once it is decrypted: their work is added and checked before their keys are derived.
 */
export function readPkcs12(bytes: Uint8Array, opts: ReadKeyStoreOptions & { allowMissingMac?: boolean }): KeyStore {
  const pfx = parseBer(bytes, 'PKCS#12 PFX');
  const [versionNode, authSafe, macData] = sequence(pfx, 'PKCS#12 PFX', 2, 3);
  const version = unsignedInteger(versionNode!, 'PKCS#12 version');
  if (version !== 3n) {
    const shown = shownInteger(version);
    throw unsupported(`PKCS#12 version${shown === undefined ? '' : ` ${shown}`} is not supported (expected 3)`);
  }

  const authSafeBytes = withContext('PKCS#12 authSafe', () => {
    const [ctNode, content] = sequence(authSafe!, 'ContentInfo', 1, 2);
    const ct = oid(ctNode!, 'content type');
    if (ct === CONTENT_TYPE.signedData) {
      throw unsupported('public-key integrity mode (signedData) is not supported; only password integrity');
    }
    if (ct !== CONTENT_TYPE.data) throw unsupported(`content type ${ct} is not supported`);
    if (content === undefined) throw invalid('data without content');
    return octets(explicit(content, 0, 'content'), 'content');
  });

  // Without a MAC, a store opened with a password expected protection it does not have: refused
  // unless allowed. Opened without one (the empty password), it may be passwordless, as JDK 18+
  // cacerts and cert-manager write them: known once the walk has found nothing encrypted.
  const allowed = opts.allowMissingMac === true;
  if (macData === undefined && !allowed && opts.storePassword !== '') throw missingMac();
  const readKey: ReadKey = (name) => decryptsKey(opts.keys, name);

  // 1. The walk.
  const mac = macData === undefined ? undefined : withContext('PKCS#12 MAC', () => parseMac(macData));
  const safes = withContext('PKCS#12 AuthenticatedSafe', () =>
    sequence(parseBer(authSafeBytes, 'AuthenticatedSafe'), 'AuthenticatedSafe', 0, MAX_SAFES),
  );
  const found = safes.map((ci, i) => withContext(`PKCS#12 safe ${i + 1}`, () => walkSafe(ci, readKey)));
  if (macData === undefined && !allowed && found.some((s) => 'encrypted' in s || s.bags.some((b) => b.ciphered))) throw missingMac();

  // 2. The budget, before any derivation.
  const budget = new KdfBudget();
  if (mac !== undefined) budget.add('MAC', macWork(mac, opts.storePassword));
  for (const safe of found) {
    if ('encrypted' in safe) budget.add('encrypted safe', pbeWork(safe.encrypted.params));
    else addBags(budget, safe.bags);
  }
  budget.check();

  // 3. Integrity, then the contents.
  const emptyAsNone = mac === undefined ? false : withContext('PKCS#12 MAC', () => verifyMac(mac, authSafeBytes, opts.storePassword));
  const ctx: Context = { storePassword: opts.storePassword, keyPassword: opts.keyPassword ?? opts.storePassword, readKey, emptyAsNone };
  const collected: Collected = { keys: [], certs: [], secrets: [], order: 0 };
  found.forEach((safe, i) =>
    withContext(`PKCS#12 safe ${i + 1}`, () => {
      let bags = 'bags' in safe ? safe.bags : undefined;
      if ('encrypted' in safe) {
        const { params, ciphertext } = safe.encrypted;
        const plain = decryptParsedPbe(params, ciphertext, ctx.storePassword, 'encrypted safe', { emptyPasswordAsNone: emptyAsNone });
        bags = walkSafeContents(parseBer(plain, 'SafeContents'), readKey, 0, []);
        addBags(budget, bags);
        budget.check();
      }
      for (const bag of bags!) inPath(bag.path, () => readBag(bag, ctx, collected));
    }),
  );
  const entries = assemble(collected);
  return mac === undefined ? { type: 'pkcs12', entries, unprotected: true } : { type: 'pkcs12', entries };
}

/** The refusal of a store without a MAC (the CLI names its option in the hint). */
function missingMac(): CertkitError {
  return new CertkitError('INTEGRITY', 'PKCS#12 file has no integrity MAC', {
    hint: 'it cannot be checked against tampering; allow a missing MAC only if you trust its source',
  });
}

/** Parses and checks MacData (classic HMAC, or RFC 9579 PBMAC1); derives nothing. */
function parseMac(macData: Asn1Node): MacParams {
  const [digestInfo, saltNode, iterNode] = sequence(macData, 'MacData', 2, 3);
  const [algId, digestNode] = sequence(digestInfo!, 'DigestInfo', 2, 2);
  const [algOid, algParams] = sequence(algId!, 'MAC algorithm', 1, 2);
  const alg = oid(algOid!, 'MAC algorithm');
  if (alg === PBMAC1) return parsePbmac1(algParams, digestNode!);
  if (algParams !== undefined && !isNull(algParams)) throw invalid('MAC digest algorithm has unexpected parameters');
  const hash = DIGEST_BY_OID[alg];
  if (hash === undefined) throw unsupported(`MAC digest algorithm ${alg} is not supported`);
  const iterations = iterNode === undefined ? 1 : checkIterations(unsignedInteger(iterNode, 'iterations'), '', MAC_ITERATIONS);
  const salt = octets(saltNode!, 'MAC salt');
  if (salt.length > MAX_SALT_BYTES) throw new CertkitError('LIMIT_EXCEEDED', `MAC salt of ${salt.length} bytes is too long`);
  const expected = octets(digestNode!, 'MAC value');
  const size = digestSize(hash);
  if (expected.length !== size) throw invalid(`MAC value of ${expected.length} bytes, expected ${size} for ${hash}`);
  return { kind: 'pkcs12', hash, salt, iterations, expected };
}

/**
 * RFC 9579 PBMAC1: HMAC keyed by PBKDF2 over the UTF-8 password; MacData's own salt and
 * iteration count are not used (the RFC's examples set them to "NOT USED" and 1).
 *
 * PBMAC1-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier {{PBMAC1-KDFs}},
 *                              messageAuthScheme AlgorithmIdentifier {{PBMAC1-MACs}} }
 */
function parsePbmac1(params: Asn1Node | undefined, digestNode: Asn1Node): MacParams {
  if (params === undefined) throw invalid('PBMAC1 without parameters');
  const [kdf, macAlg] = sequence(params, 'PBMAC1 parameters', 2, 2);
  const { salt, iterations, keyLength, prf } = parsePbkdf2(kdf!, 'PBMAC1', 'PBMAC1', MAC_ITERATIONS);
  if (keyLength === undefined) throw invalid('PBMAC1: PBKDF2 key length is missing (RFC 9579 requires it)');
  // The file chooses the key length: a short key would let wrong passwords through (1 in 256 for 1 byte).
  if (keyLength < MIN_PBMAC1_KEY_BYTES) {
    throw invalid(`PBMAC1: PBKDF2 key length ${keyLength} is shorter than ${MIN_PBMAC1_KEY_BYTES} bytes (a short MAC key lets wrong passwords pass)`);
  }
  const [macOid, macParams] = sequence(macAlg!, 'PBMAC1 MAC algorithm', 1, 2);
  const macId = oid(macOid!, 'PBMAC1 MAC algorithm');
  const hash = hmacHashOf(macId);
  if (hash === undefined) throw unsupported(`PBMAC1 MAC algorithm ${macId} is not supported`);
  if (macParams !== undefined && !isNull(macParams)) throw invalid('PBMAC1 MAC algorithm has unexpected parameters');
  const expected = octets(digestNode, 'MAC value');
  const size = digestSize(hash);
  if (expected.length !== size) throw invalid(`MAC value of ${expected.length} bytes, expected ${size} for HMAC-${hash}`);
  return { kind: 'pbmac1', hash, prf, salt, iterations, keyLength, expected };
}

/** The MAC's derivation work: an empty password is tried both ways (see verifyMac), so twice. */
function macWork(mac: MacParams, password: string): number {
  if (mac.kind === 'pbmac1') return kdfWork(mac.iterations, mac.keyLength, digestSize(mac.prf));
  return kdfWork(mac.iterations, digestSize(mac.hash), digestSize(mac.hash)) * (password === '' ? 2 : 1);
}

/** Verifies the MAC; returns whether an empty password matched as "no bytes" (Java) rather than "\0\0". */
function verifyMac(mac: MacParams, data: Buffer, password: string): boolean {
  if (mac.kind === 'pbmac1') {
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), mac.salt, mac.iterations, mac.keyLength, mac.prf);
    if (timingSafeEqual(createHmac(mac.hash, key).update(data).digest(), mac.expected)) return false;
  } else {
    // OpenSSL's `pkcs12` tries an empty password both as "no password" and as "\0\0"; so do we.
    const encodings = password === '' ? [true, false] : [false];
    for (const emptyAsNone of encodings) {
      const key = pkcs12Kdf(mac.hash, bmpPassword(password, emptyAsNone), mac.salt, 3, mac.iterations, mac.expected.length);
      if (timingSafeEqual(createHmac(mac.hash, key).update(data).digest(), mac.expected)) return emptyAsNone;
    }
  }
  throw new CertkitError('BAD_PASSWORD', 'MAC check failed: wrong store password, or the file was altered');
}

/** Adds the derivations of the shrouded keys and encrypted secrets among `bags`. */
function addBags(budget: KdfBudget, bags: readonly FoundBag[]): void {
  for (const b of bags) {
    if (b.encrypted !== undefined) budget.add(b.id === BAG.secretBag ? 'secret key' : 'key', pbeWork(b.encrypted.params));
  }
}

function walkSafe(ci: Asn1Node, readKey: ReadKey): FoundSafe {
  const [ctNode, content] = sequence(ci, 'ContentInfo', 1, 2);
  const ct = oid(ctNode!, 'content type');
  if (ct === CONTENT_TYPE.data) {
    if (content === undefined) throw invalid('data without content');
    return { bags: walkSafeContents(parseBer(octets(explicit(content, 0, 'content'), 'content'), 'SafeContents'), readKey, 0, []) };
  }
  if (ct === CONTENT_TYPE.encryptedData) {
    if (content === undefined) throw invalid('encryptedData without content');
    // EncryptedData ::= SEQUENCE { version, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL }
    const [verNode, eci] = sequence(explicit(content, 0, 'content'), 'EncryptedData', 2, 3);
    const ver = unsignedInteger(verNode!, 'EncryptedData version');
    if (ver > 2n) {
      const shown = shownInteger(ver);
      throw unsupported(shown === undefined ? 'EncryptedData version is not supported' : `EncryptedData version ${shown}`);
    }
    // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OPTIONAL }
    const [innerCt, alg, enc] = sequence(eci!, 'EncryptedContentInfo', 2, 3);
    const inner = oid(innerCt!, 'encrypted content type');
    if (inner !== CONTENT_TYPE.data) throw unsupported(`encrypted content type ${inner}`);
    // Absent content would drop whatever the safe held (a MAC recomputed over the altered file
    // still verifies): refused, never read as an empty safe.
    if (enc === undefined) throw invalid('encryptedData has no encrypted content');
    const ciphertext = implicitOctets(enc, 0, 'encrypted content');
    return { encrypted: { params: parsePbeAlgorithm(alg!, 'encrypted safe'), ciphertext } };
  }
  if (ct === CONTENT_TYPE.envelopedData) throw unsupported('public-key privacy mode (envelopedData) is not supported');
  throw unsupported(`content type ${ct} is not supported`);
}

/** The bags of a SafeContents, nested SafeContents flattened in place; `path` is where `node` is. */
function walkSafeContents(node: Asn1Node, readKey: ReadKey, depth: number, path: readonly string[]): FoundBag[] {
  const out: FoundBag[] = [];
  sequence(node, 'SafeContents', 0, MAX_BAGS).forEach((bag, j) =>
    withContext(`bag ${j + 1}`, () => {
      const here = [...path, `bag ${j + 1}`];
      const [idNode, valueNode, attrNode] = sequence(bag, 'SafeBag', 2, 3);
      const id = oid(idNode!, 'bag type');
      const value = explicit(valueNode!, 0, 'bag value');
      if (id !== BAG.safeContentsBag) {
        // Only the keys `keys` asks for are decrypted: other entries may have other key passwords.
        const { ciphered, encrypted } = encryptedPart(id, value, readKey(readAttributes(attrNode).friendlyName));
        out.push({ path: here, id, value, attrNode, ciphered, ...(encrypted === undefined ? {} : { encrypted }) });
        return;
      }
      readAttributes(attrNode);
      if (depth >= MAX_NESTED_SAFE_CONTENTS) {
        throw new CertkitError('LIMIT_EXCEEDED', `SafeContents nested more than ${MAX_NESTED_SAFE_CONTENTS} deep`);
      }
      out.push(...walkSafeContents(value, readKey, depth + 1, here));
    }),
  );
  return out;
}

/**
 * Checks the shape of a shrouded key bag or a secret bag and, when its key is wanted and it is
 * encrypted, parses what decrypts it (deriving nothing).
 */
function encryptedPart(id: string, value: Asn1Node, wanted: boolean): { ciphered: boolean; encrypted?: Encrypted } {
  if (id === BAG.pkcs8ShroudedKeyBag) {
    const [alg, data] = sequence(value, 'EncryptedPrivateKeyInfo', 2, 2);
    const ciphertext = octets(data!, 'encrypted key');
    return wanted ? { ciphered: true, encrypted: { params: parsePbeAlgorithm(alg!, 'private key'), ciphertext } } : { ciphered: true };
  }
  if (id !== BAG.secretBag) return { ciphered: false };
  const [typeNode, secretValue] = sequence(value, 'SecretBag', 2, 2);
  const type = oid(typeNode!, 'secret type');
  if (type !== BAG.pkcs8ShroudedKeyBag) return { ciphered: false };
  if (!wanted) return { ciphered: true };
  // JDK: secretValue [0] EXPLICIT OCTET STRING holding an EncryptedPrivateKeyInfo whose
  // plaintext is a PrivateKeyInfo naming the secret key's algorithm.
  const epki = parseDer(octets(explicit(secretValue!, 0, 'secret value'), 'secret value'), 'secret key');
  const [alg, data] = sequence(epki, 'EncryptedPrivateKeyInfo', 2, 2);
  return { ciphered: true, encrypted: { params: parsePbeAlgorithm(alg!, 'secret key'), ciphertext: octets(data!, 'encrypted secret') } };
}

function readAttributes(node: Asn1Node | undefined): Attributes {
  const attrs: Attributes = { trusted: false };
  if (node === undefined) return attrs;
  for (const a of setOf(node, 'bag attributes', MAX_ATTRIBUTES)) {
    const [idNode, valuesNode] = sequence(a, 'attribute', 2, 2);
    const id = oid(idNode!, 'attribute type');
    const values = setOf(valuesNode!, `attribute ${id} values`, MAX_ATTRIBUTES);
    if (id === ATTRIBUTE.friendlyName) {
      if (values.length !== 1) throw invalid(`friendlyName with ${values.length} values`);
      attrs.friendlyName = bmpString(values[0]!, 'friendlyName');
    } else if (id === ATTRIBUTE.localKeyId) {
      if (values.length !== 1) throw invalid(`localKeyId with ${values.length} values`);
      attrs.localKeyId = octets(values[0]!, 'localKeyId');
    } else if (id === ATTRIBUTE.oracleTrustedKeyUsage) {
      values.forEach((v) => oid(v, 'trusted key usage'));
      attrs.trusted = true;
    }
  }
  return attrs;
}

function readBag(bag: FoundBag, ctx: Context, found: Collected): void {
  const { id, value, encrypted } = bag;
  const attrs = readAttributes(bag.attrNode);
  const order = found.order++;
  const decrypt = (e: Encrypted, what: string) =>
    decryptParsedPbe(e.params, e.ciphertext, ctx.keyPassword, what, { emptyPasswordAsNone: ctx.emptyAsNone });
  switch (id) {
    case BAG.keyBag: {
      // The bags may be BER, the key they carry may not: its bytes are exported as they are.
      const pkcs8 = rawDer(value);
      checkDer(pkcs8, 'PrivateKeyInfo');
      sequence(value, 'PrivateKeyInfo', 3, 5);
      found.keys.push(ctx.readKey(attrs.friendlyName) ? { order, attrs, pkcs8 } : { order, attrs });
      return;
    }
    case BAG.pkcs8ShroudedKeyBag: {
      found.keys.push(encrypted === undefined ? { order, attrs } : { order, attrs, pkcs8: checkPkcs8(decrypt(encrypted, 'private key'), ctx) });
      return;
    }
    case BAG.certBag: {
      const [typeNode, certValue] = sequence(value, 'CertBag', 2, 2);
      const type = oid(typeNode!, 'certificate type');
      if (type !== CERT_TYPE.x509Certificate) throw unsupported(`certificate type ${type} is not supported (only X.509)`);
      const der = octets(explicit(certValue!, 0, 'certificate value'), 'certificate');
      checkDer(der, 'certificate');
      let x509: X509Certificate;
      try {
        x509 = new X509Certificate(der);
      } catch (e) {
        throw invalid('not a valid X.509 certificate', { cause: e });
      }
      found.certs.push({ order, attrs, der, x509 });
      return;
    }
    case BAG.secretBag: {
      const algorithm = encrypted === undefined ? undefined : secretAlgorithm(checkPkcs8(decrypt(encrypted, 'secret key'), ctx));
      found.secrets.push(algorithm === undefined ? { order, attrs } : { order, attrs, algorithm });
      return;
    }
    case BAG.crlBag:
      return;
    default:
      throw unsupported(`bag type ${id} is not supported`);
  }
}

/** A decrypted PrivateKeyInfo must be one DER SEQUENCE; if not, the key password was wrong. */
function checkPkcs8(plain: Buffer, ctx: Context): Buffer {
  try {
    sequence(parseDer(plain, 'PrivateKeyInfo'), 'PrivateKeyInfo', 3, 5);
    return plain;
  } catch (e) {
    if (ctx.keyPassword !== ctx.storePassword) {
      throw new CertkitError('BAD_PASSWORD', 'decrypted key is not a PKCS#8 structure: wrong key password', { cause: e });
    }
    throw e;
  }
}

const SECRET_ALGORITHMS: Record<string, string> = {
  '2.16.840.1.101.3.4.1': 'AES',
  '1.2.840.113549.3.7': 'DESede',
  '1.3.14.3.2.7': 'DES',
  '1.2.840.113549.2.7': 'HmacSHA1',
  '1.2.840.113549.2.8': 'HmacSHA224',
  '1.2.840.113549.2.9': 'HmacSHA256',
  '1.2.840.113549.2.10': 'HmacSHA384',
  '1.2.840.113549.2.11': 'HmacSHA512',
};

function secretAlgorithm(pkcs8: Buffer): string {
  const [, algId] = sequence(parseDer(pkcs8, 'secret key'), 'secret key', 3, 5);
  const [algOid] = sequence(algId!, 'secret key algorithm', 1, 2);
  const o = oid(algOid!, 'secret key algorithm');
  return SECRET_ALGORITHMS[o] ?? o;
}

const sameName = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The certificate a key belongs to: the one way keys are paired, for every command and whether or
 * not the keys were decrypted (so from attributes only, never from the key itself). keytool's rule
 * (PKCS12KeyStore.findMatchedCertificate): among the certificates with the key's localKeyId, the
 * one with its friendlyName too, else the last of them; else the last with its friendlyName
 * (compared case-insensitively, as Java compares aliases). Then keytool's fallback for a store of
 * one key: its one end-entity certificate that is neither trusted nor another key's.
 */
function leafOf(key: KeyItem, keys: readonly KeyItem[], certs: readonly CertItem[]): CertItem | undefined {
  const { localKeyId: id, friendlyName: name } = key.attrs;
  const byId = id === undefined ? [] : certs.filter((c) => c.attrs.localKeyId?.equals(id) === true);
  const leaf = byId.find((c) => sameName(c.attrs.friendlyName, name)) ?? byId.at(-1) ?? certs.findLast((c) => sameName(c.attrs.friendlyName, name));
  if (leaf !== undefined || keys.length !== 1) return leaf;
  const loose = certs.filter((c) => !c.attrs.trusted && c.attrs.localKeyId === undefined);
  const ends = loose.filter((c) => !loose.some((o) => o !== c && !issuedBy(c, c) && issuedBy(o, c)));
  return ends.length === 1 ? ends[0] : undefined;
}

function issuedBy(child: CertItem, issuer: CertItem): boolean {
  return child.x509.checkIssued(issuer.x509);
}

function verifies(child: CertItem, issuer: CertItem): boolean {
  try {
    return child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** Orders a chain leaf to root from `pool` by issuer name and key identifiers, preferring a verifying issuer. */
function buildChain(leaf: CertItem, pool: readonly CertItem[]): CertItem[] {
  const chain = [leaf];
  for (let cur = leaf; chain.length <= pool.length; ) {
    if (issuedBy(cur, cur)) break; // self-issued: the root
    const candidates = pool.filter((c) => !chain.some((x) => x.der.equals(c.der)) && issuedBy(cur, c));
    const next = candidates.find((c) => verifies(cur, c)) ?? candidates[0];
    if (next === undefined) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}

const TIME_ID = /^Time ([0-9]{1,15})$/;

function createdFromKeyId(id: Buffer | undefined): Date | undefined {
  if (id === undefined) return undefined;
  const m = TIME_ID.exec(id.toString('latin1'));
  return m === null ? undefined : new Date(Number(m[1]));
}

function assemble(found: Collected): KeyStoreEntry[] {
  const { keys, certs, secrets } = found;
  const inChains = new Set<CertItem>();
  const out: { order: number; make: (alias: string) => KeyStoreEntry; name: string | undefined; rank: number }[] = [];

  for (const key of keys) {
    const leaf = leafOf(key, keys, certs);
    const id = key.attrs.localKeyId;
    const chain = leaf === undefined ? [] : buildChain(leaf, certs);
    chain.forEach((c) => inChains.add(c));
    const created = createdFromKeyId(id);
    out.push({
      order: key.order,
      rank: 0,
      name: key.attrs.friendlyName ?? leaf?.attrs.friendlyName,
      make: (alias) => ({
        kind: 'private-key',
        alias,
        ...(key.pkcs8 === undefined ? {} : { key: key.pkcs8 }),
        chain: chain.map((c) => c.der),
        ...(created === undefined ? {} : { created }),
      }),
    });
  }
  const chainDer = [...inChains].map((c) => c.der);
  const reported: Buffer[] = [];
  for (const c of certs) {
    const partOfKey = inChains.has(c) || chainDer.some((d) => d.equals(c.der));
    if (!c.attrs.trusted && partOfKey) continue;
    if (!c.attrs.trusted && c.attrs.localKeyId !== undefined && keys.some((k) => k.attrs.localKeyId?.equals(c.attrs.localKeyId!))) continue;
    if (!c.attrs.trusted && reported.some((d) => d.equals(c.der))) continue;
    reported.push(c.der);
    out.push({ order: c.order, rank: 1, name: c.attrs.friendlyName, make: (alias) => ({ kind: 'trusted-cert', alias, cert: c.der }) });
  }
  for (const s of secrets) {
    const algorithm = s.algorithm;
    out.push({
      order: s.order,
      rank: 2,
      name: s.attrs.friendlyName,
      make: (alias) => ({ kind: 'secret-key', alias, ...(algorithm === undefined ? {} : { algorithm }) }),
    });
  }
  // keytool names unnamed entries "1", "2", ...: keys first, then certificates, then secrets.
  let counter = 0;
  const aliases = new Map<(typeof out)[number], string>();
  for (const rank of [0, 1, 2]) {
    for (const e of out.filter((x) => x.rank === rank)) aliases.set(e, e.name ?? String(++counter));
  }
  const sorted = out.sort((a, b) => a.order - b.order);
  // Two entries under one alias (Java compares PKCS#12 aliases case-insensitively, as JKS ones)
  // cannot both be used or converted: refused, as the JKS and JCEKS readers do.
  const seen = new Map<string, number>();
  sorted.forEach((e, i) => {
    const alias = aliases.get(e)!;
    const folded = alias.toLowerCase();
    const prior = seen.get(folded);
    if (prior !== undefined) {
      throw invalid(`entry ${i + 1} '${quoteInput(alias)}': duplicate alias (entry ${prior} has the same alias; PKCS#12 aliases are case-insensitive in Java)`);
    }
    seen.set(folded, i + 1);
  });
  return sorted.map((e) => e.make(aliases.get(e)!));
}
