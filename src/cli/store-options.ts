/** Options and choices the keystore commands share: store types, PKCS#12 profiles. */
import { extname } from 'node:path';

import { CertkitError } from '../errors.js';

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
