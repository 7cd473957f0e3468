/**
 * JCEKS, read only (com.sun.crypto.provider.JceKeyStore): the JKS container with magic CECECECE,
 * private keys protected with PBEWithMD5AndTripleDES, trusted certificates, and secret-key entries.
 *
 * A secret-key entry is a Java-serialized javax.crypto.SealedObject with no length prefix, so the
 * reader walks the serialization grammar (bounded, nothing instantiated; see java-serialization.ts)
 * to find where it ends. Its algorithm ("AES", "HmacSHA256") lives inside the sealed, encrypted
 * content: it is reported when the key password opens it, and left out otherwise (listing a
 * secret key never needs its password, as with keytool).
 */
import { checkDerRecorded } from '../der-check.js';
import { invalid, isCertkitError, unsupported, withContext } from '../errors.js';
import { JavaDataReader } from './java-data.js';
import { EntryContext, JCEKS_MAGIC, readJavaKeyStoreFrame } from './java-keystore-format.js';
import { readSerializedObject, type JavaValue } from './java-serialization.js';
import {
  JCEKS_KEY_PROTECTOR_OID,
  decryptPbeWithMd5AndTripleDes,
  parsePbeParameters,
  recoverJceksKey,
} from './jceks-key-protector.js';
import { JKS_KEY_PROTECTOR_OID, parseEncryptedPrivateKeyInfo, recoverJksKey } from './jks-key-protector.js';
import type { KeyStore, KeyStoreEntry, ReadKeyStoreOptions } from './model.js';

/** The fields of a SealedObject that matter here. */
interface SealedKey {
  readonly sealAlg: string | undefined;
  readonly encodedParams: Buffer | undefined;
  readonly encryptedContent: Buffer | undefined;
}

function field(v: JavaValue, name: string): JavaValue {
  return v !== null && typeof v === 'object' && v.kind === 'object' ? v.fields.get(name) : undefined;
}

function bytesOf(v: JavaValue): Buffer | undefined {
  return v !== null && typeof v === 'object' && v.kind === 'array' ? v.bytes : undefined;
}

function readSealedKey(r: JavaDataReader): SealedKey {
  const v = withContext('sealed secret key', () => readSerializedObject(r));
  if (v === null || typeof v !== 'object' || v.kind !== 'object') throw invalid('sealed secret key: not a serialized object');
  const sealAlg = field(v, 'sealAlg');
  return {
    sealAlg: typeof sealAlg === 'string' ? sealAlg : undefined,
    encodedParams: bytesOf(field(v, 'encodedParams')),
    encryptedContent: bytesOf(field(v, 'encryptedContent')),
  };
}

/** The algorithm of a sealed secret key, or undefined when the password does not open it. */
function secretKeyAlgorithm(sealed: SealedKey, password: string): string | undefined {
  if (sealed.sealAlg !== 'PBEWithMD5AndTripleDES' || sealed.encodedParams === undefined || sealed.encryptedContent === undefined) {
    return undefined;
  }
  try {
    const params = parsePbeParameters(sealed.encodedParams, 'sealed secret key: PBE parameters');
    const plain = decryptPbeWithMd5AndTripleDes(sealed.encryptedContent, password, params);
    const key = readSerializedObject(new JavaDataReader(plain));
    // javax.crypto.spec.SecretKeySpec { key, algorithm } or java.security.KeyRep { algorithm, ... }.
    const alg = field(key, 'algorithm');
    return typeof alg === 'string' ? alg : undefined;
  } catch (e) {
    if (isCertkitError(e)) return undefined;
    throw e;
  }
}

function recoverKey(protectedKey: Buffer, password: string): Buffer {
  const { algorithm } = parseEncryptedPrivateKeyInfo(protectedKey);
  if (algorithm === JCEKS_KEY_PROTECTOR_OID) return recoverJceksKey(protectedKey, password);
  if (algorithm === JKS_KEY_PROTECTOR_OID) return recoverJksKey(protectedKey, password);
  throw unsupported(`protected key: algorithm ${algorithm} is neither PBEWithMD5AndTripleDES nor JKS key protection`);
}

/**
 * Reads a JCEKS keystore. Verifies the integrity digest with `storePassword` (BAD_PASSWORD on
 * mismatch), recovers private keys with `keyPassword` (default: the store password) unless `keys`
 * is false, and reports secret-key entries (with their algorithm when the key password opens them,
 * which with `keys: false` it tries only if `secretKeyAlgorithms`).
 */
export function readJceks(bytes: Uint8Array, opts: ReadKeyStoreOptions): KeyStore {
  const frame = readJavaKeyStoreFrame<SealedKey>(bytes, {
    magic: JCEKS_MAGIC,
    format: 'JCEKS',
    storePassword: opts.storePassword,
    readSecret: readSealedKey,
  });
  const keyPassword = opts.keyPassword ?? opts.storePassword;
  const entries = frame.entries.map((raw, i): KeyStoreEntry => {
    const ctx = new EntryContext(i, raw.alias);
    return ctx.run((): KeyStoreEntry => {
      if (raw.tag === 2) {
        // Recorded as checked: the listing's parseCertificate need not walk the same array again.
        ctx.part('certificate', () => checkDerRecorded(raw.cert, 'X.509 DER'));
        return { kind: 'trusted-cert', alias: raw.alias, cert: raw.cert, created: raw.created };
      }
      if (raw.tag === 3) {
        const open = opts.keys !== false || opts.secretKeyAlgorithms === true;
        const algorithm = open ? secretKeyAlgorithm(raw.sealed, keyPassword) : undefined;
        return algorithm === undefined
          ? { kind: 'secret-key', alias: raw.alias, created: raw.created }
          : { kind: 'secret-key', alias: raw.alias, algorithm, created: raw.created };
      }
      raw.chain.forEach((c, n) => ctx.part(`certificate ${n + 1}`, () => checkDerRecorded(c, 'X.509 DER')));
      if (opts.keys === false) {
        parseEncryptedPrivateKeyInfo(raw.protectedKey);
        return { kind: 'private-key', alias: raw.alias, chain: raw.chain, created: raw.created };
      }
      const key = recoverKey(raw.protectedKey, keyPassword);
      return { kind: 'private-key', alias: raw.alias, key, chain: raw.chain, created: raw.created };
    });
  });
  return { type: 'jceks', entries };
}
