/**
 * The keystore model every codec (JKS, JCEKS, PKCS#12) reads into and writes from.
 *
 * Keys and certificates are kept as the DER bytes they were read as (PKCS#8 PrivateKeyInfo,
 * X.509 Certificate), so a read-then-write keeps them byte for byte and the codecs do not
 * depend on how the rest of certkit models certificates.
 */

export type KeyStoreType = 'jks' | 'pkcs12' | 'jceks';

/** A private key with its certificate chain (keytool's PrivateKeyEntry). */
export interface PrivateKeyEntry {
  readonly kind: 'private-key';
  readonly alias: string;
  /** PKCS#8 PrivateKeyInfo, DER. Absent when the reader was not asked for it (`ReadKeyStoreOptions.keys`). */
  readonly key?: Buffer;
  /** X.509 certificates, DER, leaf first. */
  readonly chain: readonly Buffer[];
  /** Creation date as the store records it (JKS, JCEKS); absent for PKCS#12. */
  readonly created?: Date;
}

/** A trusted certificate (keytool's trustedCertEntry). */
export interface TrustedCertEntry {
  readonly kind: 'trusted-cert';
  readonly alias: string;
  /** X.509 certificate, DER. */
  readonly cert: Buffer;
  readonly created?: Date;
}

/** A secret (symmetric) key: reported when read, never decrypted or written by certkit. */
export interface SecretKeyEntry {
  readonly kind: 'secret-key';
  readonly alias: string;
  /** The key's algorithm when the store says (JCEKS sealed objects, PKCS#12 secret bags). */
  readonly algorithm?: string;
  /**
   * Why no password opens the key: a JCEKS sealed object in a form keytool cannot read either
   * (another class, no PBE parameters, a salt or iteration count the JDK refuses, content that is
   * not a SecretKeySpec or KeyRep). Known from the structure alone, or once the key password opens
   * the content; `algorithm` is then absent.
   */
  readonly unreadable?: string;
  readonly created?: Date;
}

export type KeyStoreEntry = PrivateKeyEntry | TrustedCertEntry | SecretKeyEntry;

export interface KeyStore {
  readonly type: KeyStoreType;
  readonly entries: readonly KeyStoreEntry[];
  /**
   * True when nothing protected the store's integrity as it was read: a PKCS#12 without a MAC
   * (passwordless, or read with allowMissingMac). Absent otherwise.
   */
  readonly unprotected?: true;
}

/** Options every keystore reader takes. */
export interface ReadKeyStoreOptions {
  /**
   * The store password. The integrity check (JKS digest, PKCS#12 MAC) is always verified with it.
   * Empty for a passwordless PKCS#12 (no MAC, nothing encrypted), which is then read as keytool
   * reads it, marked `unprotected`.
   */
  readonly storePassword: string;
  /**
   * The key password (JKS/JCEKS); defaults to the store password. PKCS#12 uses the store password
   * for keys too, as keytool does, unless this is given.
   */
  readonly keyPassword?: string;
  /**
   * Which private keys to decrypt: all (true, the default), none (false: entries are listed
   * without needing key passwords), or those whose alias, as stored, the function accepts (as
   * `keytool -importkeystore -srcalias A -srckeypass P`: other entries' key passwords are not
   * needed). A PKCS#12 key bag without a friendlyName gets its alias only once the bags are
   * paired, so it is decrypted whenever the function is given.
   */
  readonly keys?: boolean | ((alias: string) => boolean);
  /**
   * Also open the JCEKS secret-key entries `keys` does not ask for, with the key password, to
   * report their algorithm (default false). Each costs the PBE the JDK sealed it with: 200,000
   * iterations by default, about a second here.
   */
  readonly secretKeyAlgorithms?: boolean;
}

/** Whether a reader decrypts the key stored under `alias` (`name` undefined: an alias not known yet). */
export function decryptsKey(keys: ReadKeyStoreOptions['keys'], name: string | undefined): boolean {
  if (typeof keys !== 'function') return keys !== false;
  return name === undefined || keys(name);
}

/** Whether two aliases name the same entry: every store certkit reads compares them ignoring case, as Java does. */
export function sameAlias(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Options every keystore writer takes. */
export interface WriteKeyStoreOptions {
  readonly storePassword: string;
  /** The key password (JKS); defaults to the store password. */
  readonly keyPassword?: string;
  /** Random bytes source; injected by tests for reproducible output. Defaults to crypto.randomBytes. */
  readonly randomBytes?: (n: number) => Buffer;
  /** Clock for JKS creation dates of entries that carry none. Defaults to `() => new Date()`. */
  readonly now?: () => Date;
}
