/**
 * Writes PKCS#12 keystores that JDK keytool, the JDK KeyStore API and OpenSSL read.
 *
 * Profile `modern` (default) is what JDK 17 keytool writes (checked with `openssl pkcs12 -info`
 * on a keytool-made store): keys in pkcs8ShroudedKeyBags and certificates in an encryptedData
 * safe, both PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC with 10000 iterations and 20-byte salts;
 * MAC HMAC-SHA256, 10000 iterations, 20-byte salt. The safes come in keytool's order: the key
 * safe (data) first, then the certificate safe (encryptedData).
 *
 * Profile `legacy` is for Java 8 clients: pbeWithSHAAnd3-KeyTripleDES-CBC for the keys and the
 * certificates, SHA-1 MAC. The iteration counts mirror JDK's `-J-Dkeystore.pkcs12.legacy` output
 * (50000 for keys and certificates, 100000 for the MAC). JDK's legacy mode encrypts the
 * certificates with RC2-40; certkit uses 3DES for both, which every Java 8 reads, because RC2-40
 * protects nothing and would need our own RC2 encryptor in production code.
 *
 * Bag attributes as keytool writes them: friendlyName = alias (BMPString) on the key and its leaf
 * certificate; localKeyId on both = keytool's "Time <milliseconds>" from the entry's creation
 * date (default: `now()`), so keytool shows the entry's creation date and a JKS -> PKCS#12
 * conversion keeps it; if two keys share a millisecond the later one is moved on by 1 ms so ids
 * stay unique. CA certificates of a chain carry no attributes and are written once. Trusted
 * certificates carry friendlyName and Oracle's trusted-key-usage attribute (anyExtendedKeyUsage)
 * so keytool lists them as trustedCertEntry.
 *
 * Keys are encrypted with `keyPassword` when given (the JDK API can make such stores; keytool
 * cannot), else with the store password.
 */
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';
import { checkDer } from '../der-check.js';
import { CertkitError, invalid, withContext } from '../errors.js';
import { childrenOf, readTlv, type TlvAt } from '../x509/tlv.js';
import * as der from './der-write.js';
import { KdfBudget, kdfWork } from './kdf-budget.js';
import { PKCS12_LIMITS } from '../limits.js';
import type { KeyStoreEntry, WriteKeyStoreOptions } from './model.js';
import { MAX_PBE_ITERATIONS, pbeSpecWork, preparePbe, preparePbeAsync, type PbeCipher, type PbeEncryptSpec } from './pbe.js';
import { bmpPassword, pkcs12Kdf, pkcs12KdfAsync } from './pkcs12-kdf.js';
import { ANY_EXTENDED_KEY_USAGE, ATTRIBUTE, BAG, CERT_TYPE, CONTENT_TYPE, DIGEST_OID } from './pkcs12-oids.js';

export type Pkcs12Profile = 'modern' | 'legacy';

/** Options of `writePkcs12`. */
export interface WritePkcs12Options extends WriteKeyStoreOptions {
  /** `modern` (default): PBES2/AES-256 + HMAC-SHA256; `legacy`: 3DES + HMAC-SHA1 for Java 8. */
  readonly profile?: Pkcs12Profile;
  /** Iterations for key and certificate encryption (default 10000 modern, 50000 legacy). */
  readonly iterations?: number;
  /** Iterations for the MAC (default 10000 modern, 100000 legacy). */
  readonly macIterations?: number;
  /**
   * The ciphers and MAC key, derived ahead by `preparePkcs12` with these same options (the
   * random bytes were drawn then); without it they are derived here.
   */
  readonly prepared?: PreparedPkcs12;
}

/**
 * Everything password-derived in a PKCS#12 store, made before the entries are known (see
 * `preparePkcs12`): one cipher per private key, the certificate safe's cipher, the MAC salt and key.
 */
export interface PreparedPkcs12 {
  readonly storePassword: string;
  readonly keyPassword: string;
  readonly profile: Pkcs12Profile;
  readonly iterations: number;
  readonly macIterations: number;
  readonly keyCiphers: readonly PbeCipher[];
  /** Absent for a store without certificates (no entries). */
  readonly certCipher: PbeCipher | undefined;
  readonly macSalt: Buffer;
  readonly macKey: Buffer;
}

/** What `preparePkcs12` needs: the writer's options and the shape of the store to come. */
export interface PreparePkcs12Options extends Omit<WritePkcs12Options, 'prepared'> {
  /** How many private-key entries the store will hold. */
  readonly keyEntries: number;
  /** Whether it will hold certificates (false only for an empty store). Default true. */
  readonly withCertificates?: boolean;
}

interface ProfileSpec {
  pbe: (iterations: number) => PbeEncryptSpec;
  iterations: number;
  macIterations: number;
  mac: 'sha256' | 'sha1';
}

const PROFILES: Record<Pkcs12Profile, ProfileSpec> = {
  modern: {
    pbe: (iterations) => ({ scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations }),
    iterations: 10_000,
    macIterations: 10_000,
    mac: 'sha256',
  },
  legacy: {
    pbe: (iterations) => ({ scheme: 'pkcs12-3des', iterations }),
    iterations: 50_000,
    macIterations: 100_000,
    mac: 'sha1',
  },
};

const SALT_LENGTH = 20;

// The safes are built as DER nodes (der-write.ts) and written once each: the certificate safe's
// plaintext (to encrypt it), the AuthenticatedSafe (to MAC it) and the PFX.
const SEQUENCE = 0x30;
const OCTET_STRING = 0x04;
const EXPLICIT_0 = 0xa0;
const IMPLICIT_0 = 0x80;

/** An Attribute, encoded (a SET OF member, sorted by its encoding). */
function attribute(oid: string, ...values: Buffer[]): Buffer {
  return der.encode(der.node(SEQUENCE, [der.oidNode(oid), der.setOf(...values)]));
}

function safeBag(bagId: string, value: der.DerPart, attributes: Buffer[]): der.DerNode {
  const parts: der.DerPart[] = [der.oidNode(bagId), der.node(EXPLICIT_0, [value])];
  if (attributes.length > 0) parts.push(der.setOf(...attributes));
  return der.node(SEQUENCE, parts);
}

function certBag(cert: Buffer, attributes: Buffer[]): der.DerNode {
  const value = der.node(SEQUENCE, [der.oidNode(CERT_TYPE.x509Certificate), der.node(EXPLICIT_0, [der.node(OCTET_STRING, [cert])])]);
  return safeBag(BAG.certBag, value, attributes);
}

function dataContentInfo(content: der.DerPart): der.DerNode {
  return der.node(SEQUENCE, [der.oidNode(CONTENT_TYPE.data), der.node(EXPLICIT_0, [der.node(OCTET_STRING, [content])])]);
}

function checkIterationOption(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PBE_ITERATIONS) {
    throw new CertkitError('USAGE', `${name} must be an integer from 1 to ${MAX_PBE_ITERATIONS}, not ${n}`);
  }
  return n;
}

/** Universal tag names, as der-read.ts gives them in messages. */
const UNIVERSAL_NAMES: Readonly<Record<number, string>> = { 2: 'INTEGER', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER', 16: 'SEQUENCE', 17: 'SET', 30: 'BMPString' };

/** A TLV's type for a message, as der-read.ts describes asn1js values ("SET", "[0]"). */
function describeTag(tag: number): string {
  const n = tag & 0x1f;
  const cls = tag >> 6;
  if (cls === 0) return UNIVERSAL_NAMES[n] ?? `universal tag ${n}`;
  if (cls === 2) return `[${n}]`;
  return `tag class ${cls + 1} number ${n}`;
}

/** Checks that `t` is the universal type `n` in the given form (der-read.ts's messages). */
function expectUniversal(t: TlvAt, n: number, constructed: boolean, what: string): void {
  const name = UNIVERSAL_NAMES[n]!;
  if ((t.tag & 0xdf) !== n) throw invalid(`${what}: expected ${name}, found ${describeTag(t.tag)}`);
  const form = (c: boolean) => (c ? 'constructed' : 'primitive');
  if (((t.tag & 0x20) !== 0) !== constructed) throw invalid(`${what}: expected ${form(constructed)} ${name}, found ${form(!constructed)} ${name}`);
}

/** The children of a SEQUENCE, between `min` and `max` of them. */
function sequenceOf(t: TlvAt, what: string, min: number, max: number): TlvAt[] {
  expectUniversal(t, 16, true, what);
  const c = childrenOf(t, what);
  if (c.length < min || c.length > max) throw invalid(`${what}: expected ${min === max ? `${min}` : `${min} to ${max}`} items, found ${c.length}`);
  return c;
}

/**
 * Refuses a key that is not a PKCS#8 PrivateKeyInfo (e.g. a traditional SEC1 or PKCS#1 key):
 * strict DER (`checkDer`), then its shape read in place: a SEQUENCE of 3 to 5, a non-negative
 * minimal INTEGER version, an AlgorithmIdentifier SEQUENCE of 1 or 2. (Without asn1js, which
 * this check alone made every conversion to PKCS#12 load.)
 */
function checkPkcs8(key: Buffer, where: string): void {
  const what = `${where}: private key`;
  withContext(what, () => {
    checkDer(key, 'PrivateKeyInfo');
    const [version, algorithm] = sequenceOf(readTlv(key, 0, 'PrivateKeyInfo'), 'PrivateKeyInfo', 3, 5);
    expectUniversal(version!, 2, false, 'version');
    const v = version!;
    if (v.length === 0) throw invalid('version: empty INTEGER');
    if ((v.at(0)! & 0x80) !== 0) throw invalid('version: negative INTEGER');
    if (v.length > 1 && v.at(0) === 0 && (v.at(1)! & 0x80) === 0) throw invalid('version: non-minimal INTEGER');
    sequenceOf(algorithm!, 'algorithm', 1, 2);
  });
}

function settingsOf(opts: Omit<WritePkcs12Options, 'prepared'>) {
  const profileName = opts.profile ?? 'modern';
  const profile = PROFILES[profileName];
  if (profile === undefined) throw new CertkitError('USAGE', `unknown PKCS#12 profile ${String(opts.profile)}`);
  const iterations = checkIterationOption('iterations', opts.iterations ?? profile.iterations);
  const macIterations = checkIterationOption('MAC iterations', opts.macIterations ?? profile.macIterations);
  return { profileName, profile, iterations, macIterations, pbe: profile.pbe(iterations), keyPassword: opts.keyPassword ?? opts.storePassword };
}

/**
 * Derives what `writePkcs12` would derive for a store of `keyEntries` keys, drawing the random
 * bytes in the order it does (each key's salt and IV, the certificate safe's, the MAC salt), so
 * `writePkcs12(entries, { ...opts, prepared })` writes the same bytes it would have without.
 * PBKDF2 runs on libuv's thread pool and the MAC's PKCS#12 KDF in slices: the main thread stays
 * free for I/O (the pipeline runs this while the certificate is being issued).
 */
export async function preparePkcs12(opts: PreparePkcs12Options): Promise<PreparedPkcs12> {
  const st = settingsOf(opts);
  if (!Number.isSafeInteger(opts.keyEntries) || opts.keyEntries < 0) throw new CertkitError('INTERNAL', `keyEntries ${opts.keyEntries}`);
  const random = opts.randomBytes ?? nodeRandomBytes;
  const spec = { ...st.pbe, saltLength: SALT_LENGTH };
  const keyCiphers = Array.from({ length: opts.keyEntries }, () => preparePbeAsync(st.keyPassword, spec, random));
  const certCipher = opts.withCertificates === false ? undefined : preparePbeAsync(opts.storePassword, spec, random);
  const macSalt = random(SALT_LENGTH);
  const macKey = pkcs12KdfAsync(st.profile.mac, bmpPassword(opts.storePassword, true), macSalt, 3, st.macIterations, macSize(st.profile));
  return preparedOf(opts.storePassword, st, await Promise.all(keyCiphers), await certCipher, macSalt, await macKey);
}

/** The prepared set from its parts (shared by the thread-pool and the at-once forms). */
function preparedOf(
  storePassword: string,
  st: ReturnType<typeof settingsOf>,
  keyCiphers: PreparedPkcs12['keyCiphers'],
  certCipher: PreparedPkcs12['certCipher'],
  macSalt: Buffer,
  macKey: Buffer,
): PreparedPkcs12 {
  return {
    storePassword,
    keyPassword: st.keyPassword,
    profile: st.profileName,
    iterations: st.iterations,
    macIterations: st.macIterations,
    keyCiphers,
    certCipher,
    macSalt,
    macKey,
  };
}

function macSize(profile: ProfileSpec): number {
  return profile.mac === 'sha256' ? 32 : 20;
}

/** The same as `preparePkcs12`, at once on this thread (what `writePkcs12` does without one). */
function prepareNow(opts: Omit<WritePkcs12Options, 'prepared'>, keyEntries: number, withCertificates: boolean): PreparedPkcs12 {
  const st = settingsOf(opts);
  const random = opts.randomBytes ?? nodeRandomBytes;
  const spec = { ...st.pbe, saltLength: SALT_LENGTH };
  const keyCiphers = Array.from({ length: keyEntries }, () => preparePbe(st.keyPassword, spec, random));
  const certCipher = withCertificates ? preparePbe(opts.storePassword, spec, random) : undefined;
  const macSalt = random(SALT_LENGTH);
  // Java's encoding of an empty password (no bytes); OpenSSL's reader tries it too.
  const macKey = pkcs12Kdf(st.profile.mac, bmpPassword(opts.storePassword, true), macSalt, 3, st.macIterations, macSize(st.profile));
  return preparedOf(opts.storePassword, st, keyCiphers, certCipher, macSalt, macKey);
}

/** A prepared set made for other options or another store shape is a programming error. */
function checkPrepared(p: PreparedPkcs12, opts: Omit<WritePkcs12Options, 'prepared'>, keyEntries: number, withCertificates: boolean): void {
  const st = settingsOf(opts);
  const fits =
    p.storePassword === opts.storePassword &&
    p.keyPassword === st.keyPassword &&
    p.profile === st.profileName &&
    p.iterations === st.iterations &&
    p.macIterations === st.macIterations &&
    p.keyCiphers.length === keyEntries &&
    (p.certCipher !== undefined) === withCertificates;
  if (!fits) throw new CertkitError('INTERNAL', 'the prepared PKCS#12 secrets do not fit this store or its options');
}

/** A store certkit's own reader (src/keystore/pkcs12-read.ts) would refuse is not written. */
function unreadable(why: string): CertkitError {
  return new CertkitError('LIMIT_EXCEEDED', `a PKCS#12 of ${why}: certkit would not read it back; use JKS, or split the store`);
}

/** Refuses, before any derivation, a store whose key derivations a reader's budget refuses (KDF_LIMITS.maxWorkPerFile). */
function checkReadable(st: ReturnType<typeof settingsOf>, storePassword: string, keyEntries: number, withCertificates: boolean): void {
  const budget = new KdfBudget();
  const macBlock = macSize(st.profile);
  budget.add('MAC', kdfWork(st.macIterations, macBlock, macBlock) * (storePassword === '' ? 2 : 1));
  if (withCertificates) budget.add('encrypted safe', pbeSpecWork(st.pbe));
  for (let i = 0; i < keyEntries; i++) budget.add('key', pbeSpecWork(st.pbe));
  try {
    budget.check();
  } catch (e) {
    throw unreadable(`${keyEntries} keys at ${st.iterations} iterations (${(e as Error).message})`);
  }
}

/**
 * Writes `entries` as a PKCS#12 keystore (DER). Private-key entries need their key and at least
 * the leaf certificate; secret-key entries cannot be written (certkit never holds their bytes).
 * Aliases must be unique ignoring case, since Java looks PKCS#12 aliases up case-insensitively.
 */
export function writePkcs12(
  entries: readonly KeyStoreEntry[],
  opts: WriteKeyStoreOptions & { profile?: 'modern' | 'legacy'; iterations?: number; macIterations?: number; prepared?: PreparedPkcs12 },
): Buffer {
  const { profile } = settingsOf(opts);
  const now = opts.now ?? (() => new Date());
  // Checked here, before anything is derived; each entry is checked in full below.
  const keyEntries = entries.filter((e) => e.kind === 'private-key').length;
  const withCertificates = entries.some((e) => e.kind === 'private-key' || e.kind === 'trusted-cert');
  checkReadable(settingsOf(opts), opts.storePassword, keyEntries, withCertificates);
  let secrets: PreparedPkcs12 | undefined = opts.prepared;
  if (secrets !== undefined) checkPrepared(secrets, opts, keyEntries, withCertificates);
  const derived = (): PreparedPkcs12 => (secrets ??= prepareNow(opts, keyEntries, withCertificates));
  let nextKey = 0;

  const seen = new Set<string>();
  const usedIds = new Set<number>();
  const keyBags: der.DerNode[] = [];
  const certBags: der.DerNode[] = [];
  // The same for every trusted certificate: made once.
  let trustedUsage: Buffer | undefined;
  // CA certificates already in the certificate safe; a trusted entry's certificate counts as
  // written, since readers (Java, OpenSSL, certkit) build chains from every certificate bag.
  const written: Buffer[] = entries.flatMap((e) => (e.kind === 'trusted-cert' ? [e.cert] : []));

  entries.forEach((entry, i) => {
    const where = `entry ${i + 1} '${entry.alias}'`;
    const folded = entry.alias.toLowerCase();
    if (seen.has(folded)) throw new CertkitError('INVALID_INPUT', `${where}: duplicate alias (PKCS#12 aliases are case-insensitive in Java)`);
    seen.add(folded);
    const friendlyName = attribute(ATTRIBUTE.friendlyName, der.bmpString(entry.alias));
    switch (entry.kind) {
      case 'private-key': {
        if (entry.key === undefined) throw new CertkitError('INVALID_INPUT', `${where}: the private key was not read, so it cannot be written`);
        const [leaf, ...cas] = entry.chain;
        if (leaf === undefined) throw new CertkitError('INVALID_INPUT', `${where}: a private-key entry needs its certificate chain`);
        checkPkcs8(entry.key, where);
        let ms = (entry.created ?? now()).getTime();
        while (usedIds.has(ms)) ms++;
        usedIds.add(ms);
        const localKeyId = attribute(ATTRIBUTE.localKeyId, der.octetString(Buffer.from(`Time ${ms}`, 'latin1')));
        const cipher = derived().keyCiphers[nextKey++]!;
        const epki = der.node(SEQUENCE, [cipher.algorithm, der.node(OCTET_STRING, [cipher.encrypt(entry.key)])]);
        keyBags.push(safeBag(BAG.pkcs8ShroudedKeyBag, epki, [friendlyName, localKeyId]));
        certBags.push(certBag(leaf, [friendlyName, localKeyId]));
        for (const ca of cas) {
          if (written.some((w) => w.equals(ca))) continue;
          written.push(ca);
          certBags.push(certBag(ca, []));
        }
        return;
      }
      case 'trusted-cert': {
        trustedUsage ??= attribute(ATTRIBUTE.oracleTrustedKeyUsage, der.objectIdentifier(ANY_EXTENDED_KEY_USAGE));
        certBags.push(certBag(entry.cert, [friendlyName, trustedUsage]));
        return;
      }
      case 'secret-key':
        throw new CertkitError('UNSUPPORTED', `${where}: secret-key entries cannot be written (certkit does not hold secret keys)`);
    }
  });

  for (const [bags, what] of [[keyBags, 'keys'], [certBags, 'certificates']] as const) {
    if (bags.length > PKCS12_LIMITS.maxBags) throw unreadable(`${bags.length} ${what} in one safe, more than the ${PKCS12_LIMITS.maxBags} a reader takes`);
  }
  const safes: der.DerNode[] = [];
  if (keyBags.length > 0) safes.push(dataContentInfo(der.node(SEQUENCE, keyBags)));
  if (certBags.length > 0) {
    const cipher = derived().certCipher!;
    const plaintext = der.encode(der.node(SEQUENCE, certBags));
    const encryptedData = der.node(SEQUENCE, [
      der.integer(0),
      der.node(SEQUENCE, [der.oidNode(CONTENT_TYPE.data), cipher.algorithm, der.node(IMPLICIT_0, [cipher.encrypt(plaintext)])]),
    ]);
    safes.push(der.node(SEQUENCE, [der.oidNode(CONTENT_TYPE.encryptedData), der.node(EXPLICIT_0, [encryptedData])]));
  }
  const authSafe = der.encode(der.node(SEQUENCE, safes));

  const { macSalt, macKey, macIterations } = derived();
  const mac = createHmac(profile.mac, macKey).update(authSafe).digest();
  const macData = der.node(SEQUENCE, [
    der.sequence(der.algorithmIdentifier(DIGEST_OID[profile.mac], der.nullValue()), der.octetString(mac)),
    der.octetString(macSalt),
    der.integer(macIterations),
  ]);
  return der.encode(der.node(SEQUENCE, [der.integer(3), dataContentInfo(authSafe), macData]));
}

/**
 * `writePkcs12`, the same bytes, with the password-derived secrets made first by
 * `preparePkcs12` (unless `opts.prepared` brings them): PBKDF2 for the key and certificate safes
 * runs on libuv's thread pool while the MAC key's PKCS#12 KDF runs here, side by side instead of
 * one after the other (a conversion to PKCS#12 spent about 35 ms on them in series).
 */
export async function writePkcs12Async(
  entries: readonly KeyStoreEntry[],
  opts: WriteKeyStoreOptions & { profile?: 'modern' | 'legacy'; iterations?: number; macIterations?: number; prepared?: PreparedPkcs12 },
): Promise<Buffer> {
  if (opts.prepared !== undefined) return writePkcs12(entries, opts);
  const keyEntries = entries.filter((e) => e.kind === 'private-key').length;
  const withCertificates = entries.some((e) => e.kind === 'private-key' || e.kind === 'trusted-cert');
  const prepared = await preparePkcs12({ ...opts, keyEntries, withCertificates });
  return writePkcs12(entries, { ...opts, prepared });
}
