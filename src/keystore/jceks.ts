/**
 * JCEKS, read only (com.sun.crypto.provider.JceKeyStore): the JKS container with magic CECECECE,
 * private keys protected with PBEWithMD5AndTripleDES, trusted certificates, and secret-key entries.
 *
 * A secret-key entry is a Java-serialized javax.crypto.SealedObject with no length prefix, so the
 * reader walks the serialization grammar (bounded, nothing instantiated; see java-serialization.ts)
 * to find where it ends. Its algorithm ("AES", "HmacSHA256") lives inside the sealed, encrypted
 * content: it is reported when the key password opens it, and left out otherwise (listing a
 * secret key never needs its password, as with keytool). A sealed key in a form the JDK cannot
 * read (`SealedKey`) is reported `unreadable`, with the reason: from its structure alone, or from
 * its content once the password opens it.
 *
 * Before any key is opened, the PBE work of every key the read will open is summed and checked
 * against KDF_LIMITS.maxWorkPerFile: a store of many keys at the JDK's cap of 5,000,000 iterations
 * each is refused at once, not after minutes of MD5.
 */
import { checkDerRecorded } from '../der-check.js';
import { invalid, isCertkitError, unsupported, withContext } from '../errors.js';
import { JavaDataReader } from './java-data.js';
import { EntryContext, JCEKS_MAGIC, readJavaKeyStoreFrame, type RawEntry } from './java-keystore-format.js';
import { readSerializedObject, type JavaValue } from './java-serialization.js';
import {
  JCEKS_KEY_PROTECTOR_OID,
  decryptPbeWithMd5AndTripleDes,
  jceksWork,
  parsePbeParameters,
  recoverJceksKey,
  type PbeParameters,
} from './jceks-key-protector.js';
import { KdfBudget } from './kdf-budget.js';
import { JKS_KEY_PROTECTOR_OID, parseEncryptedPrivateKeyInfo, recoverJksKey } from './jks-key-protector.js';
import { decryptsKey, type KeyStore, type KeyStoreEntry, type ReadKeyStoreOptions } from './model.js';
import { quoteInput } from '../quote.js';

/**
 * A secret-key entry's sealed object, as far as it can be read without a password. The JDK's
 * JceKeyStore reads only its own SealedObjectForKeyProtector (any other class makes it refuse the
 * whole store) and opens it with PBEWithMD5AndTripleDES under the PBE parameters the object
 * carries, whatever its sealAlg and paramsAlg fields name (checked against JDK 17); so does
 * certkit. A form it cannot open is `unreadable`, with the reason, for every password.
 */
type SealedKey =
  | { readonly unreadable: string }
  | { readonly params: PbeParameters; readonly encryptedContent: Buffer };

/** What the key password tells about a sealed key: its algorithm, why no password can open it, or nothing. */
type SecretKeyFacts = { readonly algorithm: string } | { readonly unreadable: string } | undefined;

/** The class JceKeyStore writes and the only one its loader accepts. */
const KEY_PROTECTOR_SEALED_OBJECT = 'com.sun.crypto.provider.SealedObjectForKeyProtector';
/** What the JDK lets a sealed key be (its jceks.key.serialFilter). */
const SEALED_KEY_CLASSES: ReadonlySet<string> = new Set(['javax.crypto.spec.SecretKeySpec', 'java.security.KeyRep']);

function field(v: JavaValue, name: string): JavaValue {
  return v !== null && typeof v === 'object' && v.kind === 'object' ? v.fields.get(name) : undefined;
}

function bytesOf(v: JavaValue): Buffer | undefined {
  return v !== null && typeof v === 'object' && v.kind === 'array' ? v.bytes : undefined;
}

/** `fn`'s result, or undefined when it throws a CertkitError. */
function unlessCertkitError<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (isCertkitError(e)) return undefined;
    throw e;
  }
}

function readSealedKey(r: JavaDataReader): SealedKey {
  const v = withContext('sealed secret key', () => readSerializedObject(r));
  if (v === null || typeof v !== 'object' || v.kind !== 'object') throw invalid('sealed secret key: not a serialized object');
  if (v.className !== KEY_PROTECTOR_SEALED_OBJECT) {
    return { unreadable: `sealed as a ${quoteInput(v.className)}, which keytool refuses (with the whole store: "Invalid secret key format")` };
  }
  const encodedParams = bytesOf(field(v, 'encodedParams'));
  if (encodedParams === undefined) return { unreadable: 'the sealed object has no PBE parameters' };
  const encryptedContent = bytesOf(field(v, 'encryptedContent'));
  if (encryptedContent === undefined) return { unreadable: 'the sealed object has no encrypted content' };
  if (encryptedContent.length === 0 || encryptedContent.length % 8 !== 0) {
    return { unreadable: `the encrypted content of ${encryptedContent.length} bytes is not a whole number of 3DES blocks` };
  }
  try {
    return { params: parsePbeParameters(encodedParams, 'PBE parameters'), encryptedContent };
  } catch (e) {
    // A salt that is not 8 bytes, an iteration count past the JDK's cap: keytool cannot open it either.
    if (isCertkitError(e)) return { unreadable: e.message };
    throw e;
  }
}

/** Opens a sealed key with `password`: a wrong password tells nothing; a key the JDK would not accept is unreadable. */
function openSealedKey(sealed: SealedKey, password: string): SecretKeyFacts {
  if ('unreadable' in sealed) return sealed;
  const plain = unlessCertkitError(() => decryptPbeWithMd5AndTripleDes(sealed.encryptedContent, password, sealed.params));
  // Garbage that happens to end in valid padding is the wrong password too.
  const key = plain === undefined ? undefined : unlessCertkitError(() => readSerializedObject(new JavaDataReader(plain)));
  if (key === undefined) return undefined;
  if (key === null || typeof key !== 'object' || key.kind !== 'object') return { unreadable: 'the sealed content is not a key object' };
  if (!SEALED_KEY_CLASSES.has(key.className)) {
    return { unreadable: `the sealed content is a ${quoteInput(key.className)}, not a SecretKeySpec or KeyRep` };
  }
  // javax.crypto.spec.SecretKeySpec { key, algorithm } or java.security.KeyRep { algorithm, ... }.
  const algorithm = field(key, 'algorithm');
  return typeof algorithm === 'string' ? { algorithm } : { unreadable: `the sealed ${key.className} names no algorithm` };
}

/**
 * Sums the PBE work of every private key and sealed secret key the read will open, refusing the
 * store (KDF_LIMITS.maxWorkPerFile) before any of it runs. JKS-protected keys derive nothing.
 */
/** Whether the read opens this entry's key: the private keys `keys` asks for, and their secret keys or all with `secretKeyAlgorithms`. */
function opensKey(raw: RawEntry<SealedKey>, opts: ReadKeyStoreOptions): boolean {
  return decryptsKey(opts.keys, raw.alias) || (raw.tag === 3 && opts.secretKeyAlgorithms === true);
}

function checkKdfWork(entries: readonly RawEntry<SealedKey>[], opts: ReadKeyStoreOptions): void {
  const budget = new KdfBudget();
  entries.forEach((raw, i) =>
    new EntryContext(i, raw.alias).run(() => {
      if (!opensKey(raw, opts)) return;
      if (raw.tag === 1) {
        const { algorithm, parameters } = parseEncryptedPrivateKeyInfo(raw.protectedKey);
        if (algorithm === JCEKS_KEY_PROTECTOR_OID) budget.add('key', jceksWork(parsePbeParameters(parameters, 'protected key: PBE parameters')));
      } else if (raw.tag === 3 && 'params' in raw.sealed) {
        budget.add('secret key', jceksWork(raw.sealed.params));
      }
    }),
  );
  budget.check();
}

function recoverKey(protectedKey: Buffer, password: string): Buffer {
  const { algorithm } = parseEncryptedPrivateKeyInfo(protectedKey);
  if (algorithm === JCEKS_KEY_PROTECTOR_OID) return recoverJceksKey(protectedKey, password);
  if (algorithm === JKS_KEY_PROTECTOR_OID) return recoverJksKey(protectedKey, password);
  throw unsupported(`protected key: algorithm ${algorithm} is neither PBEWithMD5AndTripleDES nor JKS key protection`);
}

/**
 * Reads a JCEKS keystore. Verifies the integrity digest with `storePassword` (BAD_PASSWORD on
 * mismatch), recovers the private keys `keys` asks for with `keyPassword` (default: the store
 * password), and reports secret-key entries (with their algorithm when the key password opens them,
 * which for a key `keys` does not ask for it tries only if `secretKeyAlgorithms`).
 */
export function readJceks(bytes: Uint8Array, opts: ReadKeyStoreOptions): KeyStore {
  const frame = readJavaKeyStoreFrame<SealedKey>(bytes, {
    magic: JCEKS_MAGIC,
    format: 'JCEKS',
    storePassword: opts.storePassword,
    readSecret: readSealedKey,
  });
  const keyPassword = opts.keyPassword ?? opts.storePassword;
  checkKdfWork(frame.entries, opts);
  const entries = frame.entries.map((raw, i): KeyStoreEntry => {
    const ctx = new EntryContext(i, raw.alias);
    return ctx.run((): KeyStoreEntry => {
      if (raw.tag === 2) {
        // Recorded as checked: the listing's parseCertificate need not walk the same array again.
        ctx.part('certificate', () => checkDerRecorded(raw.cert, 'X.509 DER'));
        return { kind: 'trusted-cert', alias: raw.alias, cert: raw.cert, created: raw.created };
      }
      if (raw.tag === 3) {
        const facts = 'unreadable' in raw.sealed ? raw.sealed : opensKey(raw, opts) ? openSealedKey(raw.sealed, keyPassword) : undefined;
        return { kind: 'secret-key', alias: raw.alias, ...facts, created: raw.created };
      }
      raw.chain.forEach((c, n) => ctx.part(`certificate ${n + 1}`, () => checkDerRecorded(c, 'X.509 DER')));
      if (!decryptsKey(opts.keys, raw.alias)) {
        parseEncryptedPrivateKeyInfo(raw.protectedKey);
        return { kind: 'private-key', alias: raw.alias, chain: raw.chain, created: raw.created };
      }
      const key = recoverKey(raw.protectedKey, keyPassword);
      return { kind: 'private-key', alias: raw.alias, key, chain: raw.chain, created: raw.created };
    });
  });
  return { type: 'jceks', entries };
}
