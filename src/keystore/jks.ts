/**
 * JKS, read and write, byte-compatible with JDK keytool (sun.security.provider.JavaKeyStore).
 *
 * - The integrity digest is always verified with the store password (BAD_PASSWORD on mismatch).
 * - Private keys are protected with Sun's JKS key protection under the key password, which may
 *   differ from the store password (`keyPassword`, defaulting to the store password).
 * - Aliases are Java modified UTF-8 and case-insensitive: keytool lower-cases them when it writes,
 *   and a JKS whose aliases carry upper case makes `keytool -list` fail, so `writeJks` lower-cases
 *   them too; two aliases that differ only in case are refused.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { checkDer, checkDerRecorded } from '../der-check.js';
import { CertkitError, invalid, unsupported } from '../errors.js';
import {
  EntryContext,
  JKS_MAGIC,
  readJavaKeyStoreFrame,
  writeJavaKeyStoreFrame,
  type RawPrivateKeyEntry,
  type RawTrustedCertEntry,
} from './java-keystore-format.js';
import { parseEncryptedPrivateKeyInfo, protectJksKey, recoverJksKey } from './jks-key-protector.js';
import { decryptsKey, type KeyStore, type KeyStoreEntry, type ReadKeyStoreOptions, type WriteKeyStoreOptions } from './model.js';

/**
 * Reads a JKS keystore. Verifies the integrity digest with `storePassword`, then recovers each
 * private key `keys` asks for with `keyPassword` (default: the store password).
 * Corrupt or truncated input → INVALID_INPUT; wrong store or key password → BAD_PASSWORD.
 */
export function readJks(bytes: Uint8Array, opts: ReadKeyStoreOptions): KeyStore {
  const frame = readJavaKeyStoreFrame(bytes, { magic: JKS_MAGIC, format: 'JKS', storePassword: opts.storePassword });
  const keyPassword = opts.keyPassword ?? opts.storePassword;
  const entries = frame.entries.map((raw, i): KeyStoreEntry => {
    const ctx = new EntryContext(i, raw.alias);
    return ctx.run((): KeyStoreEntry => {
      if (raw.tag === 2) {
        // Recorded as checked: the listing's parseCertificate need not walk the same array again.
        ctx.part('certificate', () => checkDerRecorded(raw.cert, 'X.509 DER'));
        return { kind: 'trusted-cert', alias: raw.alias, cert: raw.cert, created: raw.created };
      }
      if (raw.tag !== 1) throw new CertkitError('INTERNAL', 'JKS frame returned a secret-key entry');
      raw.chain.forEach((c, n) => ctx.part(`certificate ${n + 1}`, () => checkDerRecorded(c, 'X.509 DER')));
      if (!decryptsKey(opts.keys, raw.alias)) {
        parseEncryptedPrivateKeyInfo(raw.protectedKey);
        return { kind: 'private-key', alias: raw.alias, chain: raw.chain, created: raw.created };
      }
      const key = recoverJksKey(raw.protectedKey, keyPassword);
      return { kind: 'private-key', alias: raw.alias, key, chain: raw.chain, created: raw.created };
    });
  });
  return { type: 'jks', entries };
}

/** The alias keytool would store: lower case (Java's `toLowerCase(Locale.ENGLISH)`). */
export function jksAlias(alias: string): string {
  return alias.toLowerCase();
}

/**
 * Writes a JKS keystore that JDK keytool reads: version 2, aliases lower-cased, private keys
 * protected with `keyPassword` (default: the store password), integrity digest under
 * `storePassword`. Entries keep their creation dates; entries without one get `now()`.
 * Secret-key entries and private-key entries without a key or chain → UNSUPPORTED / INVALID_INPUT.
 */
export function writeJks(entries: readonly KeyStoreEntry[], opts: WriteKeyStoreOptions): Buffer {
  const random = opts.randomBytes ?? nodeRandomBytes;
  const now = opts.now ?? (() => new Date());
  const keyPassword = opts.keyPassword ?? opts.storePassword;
  const seen = new Map<string, number>();
  const raws = entries.map((e, i): RawPrivateKeyEntry | RawTrustedCertEntry => {
    const ctx = new EntryContext(i, e.alias);
    return ctx.run((): RawPrivateKeyEntry | RawTrustedCertEntry => {
      const alias = jksAlias(e.alias);
      const prior = seen.get(alias);
      if (prior !== undefined) {
        throw invalid(`duplicate alias: entry ${prior} has the same alias once lower-cased, as JKS stores aliases`);
      }
      seen.set(alias, i + 1);
      const created = e.created ?? now();
      if (e.kind === 'secret-key') {
        throw unsupported('a JKS keystore cannot hold secret keys (use PKCS#12)');
      }
      if (e.kind === 'trusted-cert') {
        ctx.part('certificate', () => checkDer(e.cert, 'X.509 DER'));
        return { tag: 2, alias, created, cert: Buffer.from(e.cert) };
      }
      if (e.key === undefined) throw invalid('private-key entry has no key (was it read with keys: false?)');
      if (e.chain.length === 0) throw invalid('private-key entry has no certificate chain (Java requires one)');
      checkDer(e.key, 'private key (PKCS#8)');
      e.chain.forEach((c, n) => ctx.part(`certificate ${n + 1}`, () => checkDer(c, 'X.509 DER')));
      const salt = random(20);
      return {
        tag: 1,
        alias,
        created,
        protectedKey: protectJksKey(e.key, keyPassword, salt),
        chain: e.chain.map((c) => Buffer.from(c)),
      };
    });
  });
  return writeJavaKeyStoreFrame(JKS_MAGIC, raws, opts.storePassword);
}
