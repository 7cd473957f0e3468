/** Options and choices the keystore commands share: store types, PKCS#12 profiles, reading a store. */
import { extname } from 'node:path';

import { CertkitError, isCertkitError } from '../errors.js';
import type { KeyStore } from '../keystore/model.js';
import type { CliContext } from './command.js';
import { about } from './files.js';

/** Store types certkit writes. */
export const WRITABLE_STORE_TYPES = ['jks', 'pkcs12'] as const;
export type WritableStoreType = (typeof WRITABLE_STORE_TYPES)[number];

/** PKCS#12 protection profiles (DESIGN.md): modern as JDK 17 / OpenSSL 3 write, legacy for Java 8. */
export const PKCS12_PROFILES = ['modern', 'legacy'] as const;
export type Pkcs12Profile = (typeof PKCS12_PROFILES)[number];

/** The store type a file name implies: .p12/.pfx → pkcs12, .jks → jks; otherwise undefined. */
export function storeTypeFromName(path: string): WritableStoreType | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.p12' || ext === '.pfx') return 'pkcs12';
  if (ext === '.jks') return 'jks';
  return undefined;
}

/**
 * The output store type: the option if given, else implied by the name, else `fallback`; USAGE
 * (naming `option`) if none applies.
 */
export function chooseStoreType(
  given: string | undefined,
  path: string,
  option: string,
  fallback?: WritableStoreType,
): WritableStoreType {
  if (given !== undefined) return given as WritableStoreType;
  const implied = storeTypeFromName(path) ?? fallback;
  if (implied === undefined) {
    throw new CertkitError('USAGE', `cannot tell the keystore type from the name '${path}'; give ${option} jks or pkcs12`);
  }
  return implied;
}

/**
 * The warning to print when a PKCS#12 key gets its own password: keytool and openssl use the
 * store password for keys, so only the Java KeyStore API (Kafka's ssl.key.password) reads it.
 */
export function pkcs12KeyPasswordWarning(
  type: WritableStoreType,
  storePassword: string,
  keyPassword: string | undefined,
  option: string,
): string | undefined {
  if (type !== 'pkcs12' || keyPassword === undefined || keyPassword === storePassword) return undefined;
  return (
    `certkit: warning: ${option} differs from the store password; in PKCS#12 only the Java KeyStore API reads such a key ` +
    '(keytool and openssl use the store password)'
  );
}

/** How a command was given the password of the store it reads, to explain a refusal in its own terms. */
export interface StorePasswordGiven {
  /** The option ('--storepass', '--srcstorepass'). */
  readonly option: string;
  /** False when it was left out: the store is opened with the empty password (a passwordless PKCS#12). */
  readonly given: boolean;
}

/**
 * Runs `read` (a `readKeyStore` call) for `file`, saying in the command's options what the library
 * says without them: a missing MAC names --allow-missing-mac, a wrong password that was never
 * given names the password option. A store nothing protects (no MAC) gets a note on stderr.
 */
export async function readStore(ctx: CliContext, file: string, password: StorePasswordGiven, read: () => Promise<KeyStore>): Promise<KeyStore> {
  const store = await about(file, async () => {
    try {
      return await read();
    } catch (e) {
      throw inOptionTerms(e, password);
    }
  });
  if (store.unprotected === true) {
    const { quotePath } = await import('../quote.js');
    ctx.warn(`certkit: note: ${quotePath(file)} has no integrity MAC: nothing protects it against tampering`);
  }
  return store;
}

function inOptionTerms(e: unknown, password: StorePasswordGiven): unknown {
  if (!isCertkitError(e)) return e;
  // A keystore read raises INTEGRITY for one thing only: a PKCS#12 without a MAC (pkcs12-read.ts).
  if (e.code === 'INTEGRITY') {
    return new CertkitError('INTEGRITY', e.message, {
      cause: e,
      hint: 'it cannot be checked against tampering; --allow-missing-mac reads it anyway, only if you trust its source',
    });
  }
  if (e.code === 'BAD_PASSWORD' && !password.given) {
    return new CertkitError('BAD_PASSWORD', e.message, { cause: e, hint: `${password.option} was not given: this store has a password` });
  }
  return e;
}
