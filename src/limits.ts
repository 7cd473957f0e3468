/**
 * Every limit certkit enforces on untrusted input, in one place. The README's "Security and
 * reliability" section cites this file; the parsers import their limits from here. Each limit is
 * checked before the work it bounds (allocation, recursion, key derivation), and crossing one is a
 * `LIMIT_EXCEEDED` CertkitError (exit 3). Each is tested at N and N+1 in test/hostile/limits.test.ts.
 */

/** DER (certificates, CSRs, keys, PKCS#12), enforced by `checkDer` in src/asn1.ts. */
export const DER_LIMITS = {
  /** Largest DER structure certkit will decode (a keystore of thousands of entries fits). */
  maxBytes: 16 * 1024 * 1024,
  /** Deepest nesting of constructed values. Real PKI structures stay below 20. */
  maxDepth: 32,
  /** Most TLVs in one structure. */
  maxNodes: 200_000,
} as const;

/** PEM text, enforced in src/pem.ts. */
export const PEM_LIMITS = {
  /** Largest PEM text accepted, in characters. */
  maxChars: 24 * 1024 * 1024,
  /** Most blocks in one text (a CA bundle has a few hundred). */
  maxBlocks: 1000,
  /**
   * Most lines between one block's BEGIN and END lines: a DER of DER_LIMITS.maxBytes, base64 in
   * RFC 7468's 64-column lines, is 349,526. Bounds a block's work and memory however short its lines.
   */
  maxLinesPerBlock: 350_000,
} as const;

/**
 * Password-based key derivation read from files (PBKDF2, the PKCS#12 KDF, JCEKS's PBE), checked
 * before any derivation runs, so a small file claiming 2^31 iterations is refused at once.
 */
export const KDF_LIMITS = {
  /** Most iterations of any KDF or PBE certkit runs: the JDK's own cap (jdk.*.iterationCount). */
  maxIterations: 5_000_000,
  /** Largest salt accepted when reading (real files use 8 to 20 bytes). */
  maxSaltBytes: 1024,
  /**
   * Most key-derivation work one keystore file may ask for, summed over every derivation a read
   * runs (a PKCS#12's MAC, encrypted safes and keys; a JCEKS's keys), in hash computations
   * (iterations × output blocks; src/keystore/kdf-budget.ts) and checked before the first runs.
   * Without it a 227-byte PKCS#12 with two 3DES safes at 5,000,000 iterations took 38 s.
   * 3,000,000 computations take about 2 s in the slowest derivation (the PKCS#12 KDF and
   * JCEKS's MD5, hashed in JS: ~0.7 µs each on a 2-core machine; PBKDF2 runs in OpenSSL, ~0.25 µs)
   * and hold what the tools write: JDK 17 keytool (10,000 per key) ~290 keys with the MAC and
   * certificate safe, OpenSSL 3 (2,048) ~1,400, a JCEKS at the JDK's 200,000 (twice: two
   * MD5 chains) 7 keys. Listing decrypts no key, so it needs only the MAC and the safes.
   */
  maxWorkPerFile: 3_000_000,
} as const;

/** JKS and JCEKS containers, enforced in src/keystore/java-keystore-format.ts. */
export const JAVA_KEYSTORE_LIMITS = {
  /** Largest JKS/JCEKS file read (the CLI's input limit). */
  maxBytes: 64 * 1024 * 1024,
  /** Most entries in one store. */
  maxEntries: 100_000,
  /** Longest certificate chain in one private-key entry (real chains have 2-4). */
  maxChain: 64,
} as const;

/** Java serialization streams inside JCEKS secret-key entries (src/keystore/java-serialization.ts). */
export const SERIALIZATION_LIMITS = {
  /** Deepest nesting of objects. */
  maxDepth: 24,
  /** Most back-reference handles in one stream. */
  maxHandles: 10_000,
} as const;

/** PKCS#12 structure, beyond DER_LIMITS (src/keystore/pkcs12-read.ts). */
export const PKCS12_LIMITS = {
  /** Most ContentInfos in an AuthenticatedSafe. */
  maxSafes: 1000,
  /** Most SafeBags in one SafeContents. */
  maxBags: 10_000,
  /** Most attributes on one bag, and values of one attribute. */
  maxAttributes: 64,
  /** Deepest safeContentsBag nesting. */
  maxNestedSafeContents: 2,
  /**
   * Shortest PBMAC1 HMAC key accepted, in bytes: a floor, not a cap, so a shorter key is refused as
   * INVALID_INPUT rather than LIMIT_EXCEEDED (tested at 19 and 20). The key length is the
   * file's to choose, and a 1-byte key lets one wrong password in 256 pass the MAC check:
   * RFC 9579 recommends refusing keys shorter than 20 bytes, and go-pkcs12 does.
   */
  minPbmac1KeyBytes: 20,
  /**
   * Most iterations of a MAC's derivation (classic MacData or PBMAC1), below KDF_LIMITS's 5,000,000:
   * the MAC runs first, before the password is known to be right, so a wrong one must fail fast.
   * Real files use about 100,000 at most (BouncyCastle 1.78 writes 102,400, JDK 17 10,000,
   * OpenSSL 3 2,048); 1,000,000 is about
   * 0.7 s of the PKCS#12 KDF (1.4 s for an empty password, which is tried both ways).
   */
  maxMacIterations: 1_000_000,
} as const;

/** Longest certificate chain certkit orders or verifies (src/x509/chain.ts). */
export const MAX_CHAIN_LENGTH = 16;

/** Distinguished names in keytool -dname syntax (src/x509/dn.ts). */
export const DN_LIMITS = { maxChars: 64 * 1024, maxRdns: 64, maxAvasPerRdn: 16 } as const;

/** Longest S3 object key (S3's own limit; src/sinks/s3-uri.ts). */
export const MAX_S3_KEY_BYTES = 1024;

/** Longest `--validity` accepted, in years (src/issuers/validity.ts). */
export const MAX_VALIDITY_YEARS = 100;

/**
 * Command-line inputs. Enforced in src/cli/files.ts (MAX_INPUT_BYTES, checked with stat before
 * reading) and src/cli/passwords.ts (MAX_PASSWORD_LINE, MAX_PASSWORD_FILE); the hostile-input
 * limits suite checks those constants equal these.
 */
export const INPUT_LIMITS = {
  /** Largest input file a command reads. */
  maxInputBytes: 64 * 1024 * 1024,
  /** Longest password line (stdin or a file:), in bytes. */
  maxPasswordLine: 64 * 1024,
  /** Largest password file. */
  maxPasswordFileBytes: 1024 * 1024,
} as const;

/**
 * Kafka responses `certkit probe` reads (src/kafka/wire.ts). An ApiVersions answer is under 1 KiB
 * and a Metadata answer for no topics a few dozen bytes per broker; the size prefix is checked
 * before a byte of the response is buffered.
 */
export const KAFKA_LIMITS = {
  /** Largest response accepted, size prefix excluded. */
  maxResponseBytes: 1024 * 1024,
} as const;

/**
 * Files certkit wrote itself and reads back on a later run, which someone else may have replaced
 * (src/resume-state.ts, src/issuers/local-ca.ts); read with the bounded reader, and refused when
 * not a regular file, so a planted device or FIFO is neither read forever nor waited on.
 */
export const OWN_FILE_LIMITS = {
  /** Largest resume state read (a key and a CSR: a few KiB). */
  maxResumeStateBytes: 64 * 1024,
  /** Largest local CA file read (`ca-key.pem`, `ca.pem`: a few KiB). */
  maxLocalCaFileBytes: 1024 * 1024,
} as const;
