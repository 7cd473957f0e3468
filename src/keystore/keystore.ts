/**
 * The keystore dispatcher: read any of JKS, JCEKS and PKCS#12 (detected by content unless a type
 * is given), write JKS or PKCS#12. PKCS#12 and JCEKS (and asn1js behind them) are loaded only when
 * such a store is read or written, so JKS-only commands do not pay for them.
 */
import { unsupported } from '../errors.js';
import { detectKeyStoreType } from './detect.js';
import { readJks, writeJks } from './jks.js';
import type { KeyStore, KeyStoreEntry, KeyStoreType, ReadKeyStoreOptions, WriteKeyStoreOptions } from './model.js';

/** What `readKeyStore` takes: the common options, an optional forced type, PKCS#12's no-MAC switch. */
export interface ReadAnyKeyStoreOptions extends ReadKeyStoreOptions {
  /** Read as this type instead of detecting it from the content. */
  readonly type?: KeyStoreType;
  /** PKCS#12 only: accept a store without a MAC (integrity cannot then be checked). */
  readonly allowMissingMac?: boolean;
}

/** What `writeKeyStore` takes: the common options and, for PKCS#12, the profile. */
export interface WriteAnyKeyStoreOptions extends WriteKeyStoreOptions {
  /** PKCS#12 only: 'modern' (PBES2/AES-256, HMAC-SHA256; default) or 'legacy' (3DES, SHA-1 MAC). */
  readonly profile?: 'modern' | 'legacy';
}

/** The keystore types certkit writes. */
export type WritableKeyStoreType = 'jks' | 'pkcs12';


/**
 * Reads a keystore of any supported type. The type comes from the content (`detectKeyStoreType`)
 * unless `opts.type` forces one. Errors as the format readers give them: INVALID_INPUT for
 * corrupt input, BAD_PASSWORD for a wrong store or key password.
 */
export async function readKeyStore(bytes: Uint8Array, opts: ReadAnyKeyStoreOptions): Promise<KeyStore> {
  const type = opts.type ?? detectKeyStoreType(bytes);
  switch (type) {
    case 'jks':
      return readJks(bytes, opts);
    case 'jceks':
      return (await import('./jceks.js')).readJceks(bytes, opts);
    case 'pkcs12':
      return (await import('./pkcs12-read.js')).readPkcs12(bytes, opts);
    default:
      throw unsupported(`keystore type '${String(type)}' (certkit reads jks, jceks and pkcs12)`);
  }
}

/**
 * Writes a keystore (a KeyStore or its entries) as JKS or PKCS#12. JCEKS is read-only: asking to
 * write it → UNSUPPORTED.
 */
export async function writeKeyStore(
  store: KeyStore | readonly KeyStoreEntry[],
  type: WritableKeyStoreType,
  opts: WriteAnyKeyStoreOptions,
): Promise<Buffer> {
  const entries = Array.isArray(store) ? (store as readonly KeyStoreEntry[]) : (store as KeyStore).entries;
  switch (type) {
    case 'jks':
      return writeJks(entries, opts);
    case 'pkcs12':
      // The writer alone: the reader (and asn1js behind it) is not loaded to write.
      return (await import('./pkcs12-write.js')).writePkcs12Async(entries, opts);
    default:
      throw unsupported(`writing keystore type '${String(type)}' (certkit writes jks and pkcs12)`);
  }
}
