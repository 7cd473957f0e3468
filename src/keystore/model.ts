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
  /** PKCS#8 PrivateKeyInfo, DER. Absent when the store was read with `keys: false`. */
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
  readonly created?: Date;
}

export type KeyStoreEntry = PrivateKeyEntry | TrustedCertEntry | SecretKeyEntry;

export interface KeyStore {
  readonly type: KeyStoreType;
  readonly entries: readonly KeyStoreEntry[];
}

/** Options every keystore reader takes. */
export interface ReadKeyStoreOptions {
  /** The store password. The integrity check (JKS digest, PKCS#12 MAC) is always verified with it. */
  readonly storePassword: string;
  /**
   * The key password (JKS/JCEKS); defaults to the store password. PKCS#12 uses the store password
   * for keys too, as keytool does, unless this is given.
   */
  readonly keyPassword?: string;
  /** Decrypt private keys (default true). `false` lists entries without needing key passwords. */
  readonly keys?: boolean;
  /**
   * With `keys: false`: still open JCEKS secret-key entries with the key password, to report their
   * algorithm (default false). Each costs the PBE the JDK sealed it with: 200,000 iterations by
   * default, about a second here.
   */
  readonly secretKeyAlgorithms?: boolean;
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
