/**
 * The container format JKS and JCEKS share (sun.security.provider.JavaKeyStore,
 * com.sun.crypto.provider.JceKeyStore):
 *
 *   u4 magic (FEEDFEED JKS, CECECECE JCEKS) · u4 version (1 or 2) · u4 count · entries · 20-byte digest
 *   entry: u4 tag · UTF alias · u8 date (ms since 1970)
 *     tag 1 private key:  u4 length, EncryptedPrivateKeyInfo · u4 chain length · certificates
 *     tag 2 trusted cert: certificate
 *     tag 3 secret key (JCEKS only): a Java-serialized SealedObject (no length prefix)
 *   certificate: (version 2 only) UTF type "X.509" · u4 length · DER
 *   digest: SHA-1( password as UTF-16BE || "Mighty Aphrodite" || every byte before the digest )
 *
 * The reader frames the entries with a bounded reader (every count and length checked against the
 * bytes left before anything is allocated), then always verifies the digest over exactly the bytes
 * it framed, before anything else looks at the entries' contents.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { CertkitError, invalid, isCertkitError, unsupported } from '../errors.js';
import { JavaDataReader, JavaDataWriter } from './java-data.js';
import { javaPasswordBytes } from './jks-key-protector.js';
import { JAVA_KEYSTORE_LIMITS } from '../limits.js';
import { quoteInput } from '../quote.js';

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;

/** Limits on hostile input, beyond "fits in the bytes left" (src/limits.ts). */
export { JAVA_KEYSTORE_LIMITS };

const DIGEST_LEN = 20;
/** The smallest possible entry: tag 4 + alias length 2 + date 8 + 4 more bytes of any entry kind. */
const MIN_ENTRY = 18;

const framed = new WeakSet<object>();

/**
 * Error context for one entry: "entry 3 'client'" for the entry, and
 * "entry 3 'client' → certificate 2" for its parts.
 */
export class EntryContext {
  #alias: string | undefined;
  readonly #index: number;

  constructor(index: number, alias?: string) {
    this.#index = index;
    this.#alias = alias;
  }

  /** Names the entry by its alias once it is known. */
  setAlias(alias: string): void {
    this.#alias = alias;
  }

  /** "entry N 'alias'", made only when an error needs it (quoting every alias costs a listing). */
  get #label(): string {
    return this.#alias === undefined ? `entry ${this.#index + 1}` : `entry ${this.#index + 1} '${quoteInput(this.#alias)}'`;
  }

  /** Runs `fn` for a part of the entry ("certificate 2"), adding "entry N 'alias' → part" to its errors. */
  part<T>(sub: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!isCertkitError(e)) throw e;
      const x = e.withContext(`${this.#label} → ${sub}`);
      framed.add(x);
      throw x;
    }
  }

  /** Runs `fn` for the whole entry, adding "entry N 'alias'" to its errors (once). */
  run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (isCertkitError(e) && !framed.has(e)) throw e.withContext(this.#label);
      throw e;
    }
  }
}

export interface RawPrivateKeyEntry {
  readonly tag: 1;
  readonly alias: string;
  readonly created: Date;
  /** EncryptedPrivateKeyInfo DER, as stored. */
  readonly protectedKey: Buffer;
  readonly chain: Buffer[];
}

export interface RawTrustedCertEntry {
  readonly tag: 2;
  readonly alias: string;
  readonly created: Date;
  readonly cert: Buffer;
}

export interface RawSecretKeyEntry<S> {
  readonly tag: 3;
  readonly alias: string;
  readonly created: Date;
  readonly sealed: S;
}

export type RawEntry<S = never> = RawPrivateKeyEntry | RawTrustedCertEntry | RawSecretKeyEntry<S>;

export interface FrameReadOptions<S> {
  readonly magic: number;
  /** "JKS" or "JCEKS", for messages. */
  readonly format: string;
  readonly storePassword: string;
  /** Reads a tag-3 entry's body; absent when the format has no secret-key entries. */
  readonly readSecret?: (r: JavaDataReader) => S;
}

/** The integrity digest over `data` with `password`. */
export function keystoreDigest(password: string, data: Uint8Array): Buffer {
  return createHash('sha1')
    .update(javaPasswordBytes(password))
    .update(Buffer.from('Mighty Aphrodite', 'utf8'))
    .update(data)
    .digest();
}

function readDate(r: JavaDataReader): Date {
  const ms = r.i64Small('creation date');
  if (ms < -8_640_000_000_000_000 || ms > 8_640_000_000_000_000) throw invalid(`creation date ${ms} ms is out of range`);
  return new Date(Number(ms));
}

function readCert(r: JavaDataReader, version: number): Buffer {
  if (version === 2) {
    const type = r.utf('certificate type');
    if (type !== 'X.509') throw unsupported(`certificate type '${quoteInput(type)}' (only X.509 is supported)`);
  }
  const len = r.length('certificate length');
  if (len === 0) throw invalid('empty certificate');
  return r.bytes(len, 'certificate');
}

/**
 * Frames a JKS/JCEKS store and verifies its integrity digest. Structural damage → INVALID_INPUT
 * (with context such as "entry 3 'client' → certificate 2"); digest mismatch → BAD_PASSWORD.
 */
export function readJavaKeyStoreFrame<S = never>(bytes: Uint8Array, opts: FrameReadOptions<S>): { version: number; entries: RawEntry<S>[] } {
  if (bytes.length > JAVA_KEYSTORE_LIMITS.maxBytes) {
    throw new CertkitError('LIMIT_EXCEEDED', `${opts.format} keystore of ${bytes.length} bytes is more than the ${JAVA_KEYSTORE_LIMITS.maxBytes}-byte limit`);
  }
  const r = new JavaDataReader(bytes);
  if (bytes.length < 12 + DIGEST_LEN) {
    throw invalid(`not a ${opts.format} keystore: ${bytes.length} bytes is too short`);
  }
  const magic = r.i32('magic') >>> 0;
  if (magic !== opts.magic) throw invalid(`not a ${opts.format} keystore (magic ${magic.toString(16).padStart(8, '0')})`);
  const version = r.i32('version');
  if (version !== 1 && version !== 2) throw unsupported(`${opts.format} keystore version ${version} (only 1 and 2 exist)`);
  const count = r.i32('entry count');
  if (count < 0) throw invalid(`entry count ${count} is negative`);
  if (count * MIN_ENTRY > r.remaining - DIGEST_LEN) {
    throw invalid(`entry count ${count} cannot fit in the ${r.remaining} bytes that follow (truncated or corrupt)`);
  }
  if (count > JAVA_KEYSTORE_LIMITS.maxEntries) {
    throw new CertkitError('LIMIT_EXCEEDED', `entry count ${count} is more than the ${JAVA_KEYSTORE_LIMITS.maxEntries} certkit reads`);
  }
  const entries: RawEntry<S>[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const ctx = new EntryContext(i);
    ctx.run(() => {
      const tag = r.i32('tag');
      const alias = r.utf('alias');
      ctx.setAlias(alias);
      const folded = alias.toLowerCase();
      const prior = seen.get(folded);
      if (prior !== undefined) {
        throw invalid(`duplicate alias (entry ${prior} has the same alias; ${opts.format} aliases are case-insensitive)`);
      }
      seen.set(folded, i + 1);
      const created = readDate(r);
      if (tag === 1) {
        const keyLen = r.length('protected key length');
        const protectedKey = r.bytes(keyLen, 'protected key');
        const n = r.length('chain length', version === 2 ? 6 : 4);
        if (n > JAVA_KEYSTORE_LIMITS.maxChain) {
          throw new CertkitError('LIMIT_EXCEEDED', `chain of ${n} certificates is more than the ${JAVA_KEYSTORE_LIMITS.maxChain} certkit reads`);
        }
        const chain: Buffer[] = [];
        for (let c = 0; c < n; c++) chain.push(ctx.part(`certificate ${c + 1}`, () => readCert(r, version)));
        entries.push({ tag: 1, alias, created, protectedKey, chain });
      } else if (tag === 2) {
        const cert = ctx.part('certificate', () => readCert(r, version));
        entries.push({ tag: 2, alias, created, cert });
      } else if (tag === 3 && opts.readSecret !== undefined) {
        const sealed = opts.readSecret(r);
        entries.push({ tag: 3, alias, created, sealed });
      } else if (tag === 3) {
        throw invalid(`secret-key entry (tag 3): a ${opts.format} keystore cannot hold secret keys`);
      } else {
        throw invalid(`unknown entry tag ${tag}`);
      }
    });
  }
  const digestAt = r.position;
  const stored = r.bytes(DIGEST_LEN, 'integrity digest');
  if (r.remaining !== 0) throw invalid(`${r.remaining} trailing bytes after the integrity digest`);
  const computed = keystoreDigest(opts.storePassword, r.slice(0, digestAt));
  if (!timingSafeEqual(computed, stored)) {
    throw new CertkitError('BAD_PASSWORD', 'keystore password was incorrect, or the file is corrupt (integrity digest does not match)');
  }
  return { version, entries };
}

function writeDate(w: JavaDataWriter, d: Date, what: string): void {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw invalid(`${what}: creation date is not a valid date`);
  w.i64(BigInt(ms));
}

/** Writes a version-2 JKS/JCEKS container (private-key and trusted-cert entries) with its digest. */
export function writeJavaKeyStoreFrame(
  magic: number,
  entries: readonly (RawPrivateKeyEntry | RawTrustedCertEntry)[],
  storePassword: string,
): Buffer {
  const w = new JavaDataWriter();
  w.i32(magic | 0).i32(2).i32(entries.length);
  entries.forEach((e, i) => {
    const what = `entry ${i + 1} '${quoteInput(e.alias)}'`;
    w.i32(e.tag).utf(e.alias, `${what} alias`);
    writeDate(w, e.created, what);
    if (e.tag === 1) {
      w.i32(e.protectedKey.length).bytes(e.protectedKey).i32(e.chain.length);
      for (const c of e.chain) w.utf('X.509', 'type').i32(c.length).bytes(c);
    } else {
      w.utf('X.509', 'type').i32(e.cert.length).bytes(e.cert);
    }
  });
  const body = w.toBuffer();
  return Buffer.concat([body, keystoreDigest(storePassword, body)]);
}
