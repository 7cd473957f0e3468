/**
 * Every fixture under fixtures/ (made by keytool and openssl: see fixtures/README.md) read through
 * the library, asserted against fixtures/manifest.json — whose aliases, kinds, subjects and
 * fingerprints were parsed from the tools' own output by fixtures/make-fixtures.sh.
 *
 * Formats are detected by content: the manifest's `type` is never passed to a reader, and one
 * PKCS#12 file is named `.jks` on purpose.
 */
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CertkitError } from '../src/errors.js';
import { importPrivateKey, spkiDer } from '../src/keys.js';
import { decodePemAll, decodePemLenient, normalizePem } from '../src/pem.js';
import { detectKeyStoreType } from '../src/keystore/detect.js';
import { readJceks } from '../src/keystore/jceks.js';
import { readJks } from '../src/keystore/jks.js';
import { readKeyStore } from '../src/keystore/keystore.js';
import type { KeyStore, KeyStoreEntry, KeyStoreType } from '../src/keystore/model.js';
import { readPkcs12 } from '../src/keystore/pkcs12.js';
import { fingerprint, parseCertificate } from '../src/x509/certificate.js';

const root = new URL('../fixtures/', import.meta.url);
const fixtureBytes = (path: string): Buffer => readFileSync(new URL(path, root));

interface ManifestCert {
  subject: string;
  sha1: string;
  sha256: string;
}
interface ManifestEntry {
  alias: string;
  kind: KeyStoreEntry['kind'];
  chain: ManifestCert[];
  javaInventedAlias?: boolean;
}
interface StoreFixture {
  path: string;
  type: KeyStoreType;
  madeBy: 'keytool' | 'openssl';
  profile?: string;
  storePassword: string;
  keyPasswords: Record<string, string>;
  allowMissingMac?: boolean;
  entries: ManifestEntry[];
}
interface KeyFixture {
  path: string;
  type: 'pem-private-key';
  pemLabel: string;
  keyAlgorithm: 'rsa' | 'ec';
  password: string | null;
  publicKeySha256: string;
}
interface CsrFixture {
  path: string;
  type: 'csr';
  pemLabel: string;
  crlf: boolean;
  derSha256: string;
  publicKeySha256: string;
}
interface PemBundleFixture {
  path: string;
  type: 'pem-bundle';
  privateKeys: number;
  publicKeySha256: string;
  certificates: { sha256: string; sha1: string }[];
}
type Fixture = StoreFixture | KeyFixture | CsrFixture | PemBundleFixture;

const manifest = JSON.parse(fixtureBytes('manifest.json').toString('utf8')) as { fixtures: Fixture[] };
const stores = manifest.fixtures.filter((f): f is StoreFixture => ['jks', 'pkcs12', 'jceks'].includes(f.type));
const keys = manifest.fixtures.filter((f): f is KeyFixture => f.type === 'pem-private-key');
const csr = manifest.fixtures.find((f): f is CsrFixture => f.type === 'csr')!;
const bundle = manifest.fixtures.find((f): f is PemBundleFixture => f.type === 'pem-bundle')!;
const byPath = (path: string) => manifest.fixtures.find((f) => f.path === path) as StoreFixture;

/** What the manifest says an entry holds, in the same shape as what certkit read. */
function actual(entry: KeyStoreEntry): ManifestEntry {
  const chain = entry.kind === 'private-key' ? entry.chain : entry.kind === 'trusted-cert' ? [entry.cert] : [];
  return {
    alias: entry.alias,
    kind: entry.kind,
    chain: chain.map((der) => ({
      subject: parseCertificate(der).subjectText,
      sha1: fingerprint(der, 'sha1'),
      sha256: fingerprint(der, 'sha256'),
    })),
  };
}

const byAlias = <T extends { alias: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.alias < b.alias ? -1 : 1));
const expected = (f: StoreFixture) => byAlias(f.entries.map(({ javaInventedAlias: _, ...e }) => e));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e.code;
    throw e;
  }
  return 'no error';
}

/** SHA-256 of DER, formatted as keytool prints fingerprints. */
const sha256 = (der: Uint8Array) => fingerprint(der, 'sha256');

/** SubjectPublicKeyInfo DER of a certificate, via node's own X.509 parser (independent of certkit's). */
const certSpki = (der: Uint8Array) => new crypto.X509Certificate(der).publicKey.export({ format: 'der', type: 'spki' });

describe('keystore fixtures made by keytool and openssl', () => {
  it('the manifest covers every kind of store the issue names', () => {
    expect(stores.map((f) => f.path).sort()).toEqual([
      'jceks/key-trusted-secret.jceks',
      'jks/ec256.jks',
      'jks/empty.jks',
      'jks/nonascii-passwords.jks',
      'jks/rsa2048-chain2-storepass-ne-keypass.jks',
      'jks/two-keys-and-trusted.jks',
      'jks/unicode-alias.jks',
      'pkcs12/keytool-default-rsa2048.p12',
      'pkcs12/keytool-legacy-rsa2048.p12',
      'pkcs12/keytool-pkcs12-named.jks',
      'pkcs12/keytool-trusted-only.p12',
      'pkcs12/openssl-default.p12',
      'pkcs12/openssl-legacy.p12',
      'pkcs12/openssl-nomac.p12',
      'pkcs12/openssl-noname.p12',
    ]);
  });

  describe.each(stores)('$path', (f) => {
    const bytes = fixtureBytes(f.path);
    const readOpts = { storePassword: f.storePassword, ...(f.allowMissingMac ? { allowMissingMac: true } : {}) };

    it(`is detected as ${f.type} by content`, () => {
      expect(detectKeyStoreType(bytes)).toBe(f.type);
    });

    it('lists the aliases, kinds, subjects and chain fingerprints keytool listed (dispatcher and format reader agree)', async () => {
      const store = await readKeyStore(bytes, { ...readOpts, keys: false });
      expect(store.type).toBe(f.type);
      expect(byAlias(store.entries.map(actual))).toEqual(expected(f));
      const direct: KeyStore =
        f.type === 'jks'
          ? readJks(bytes, { ...readOpts, keys: false })
          : f.type === 'jceks'
            ? readJceks(bytes, { ...readOpts, keys: false })
            : readPkcs12(bytes, { ...readOpts, keys: false });
      expect(direct).toEqual(store);
    });

    const keyAliases = f.entries.filter((e) => e.kind === 'private-key').map((e) => e.alias);
    const keyPasswords = [...new Set(keyAliases.map((a) => f.keyPasswords[a]!))];
    if (keyAliases.length > 0) it('decrypts every private key with its key password: each matches its certificate', async () => {
      expect(keyPasswords).toHaveLength(1); // one key password per fixture store: one read opens all keys
      const store = await readKeyStore(bytes, { ...readOpts, keyPassword: keyPasswords[0] });
      const keyEntries = store.entries.filter((e) => e.kind === 'private-key');
      expect(keyEntries.map((e) => e.alias).sort()).toEqual([...keyAliases].sort());
      for (const e of keyEntries) {
        const key = crypto.createPrivateKey({ key: e.key!, format: 'der', type: 'pkcs8' });
        const spki = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' });
        expect(spki.equals(certSpki(e.chain[0]!)), `key of '${e.alias}' matches its leaf certificate`).toBe(true);
      }
    });

    if (!f.allowMissingMac) it('a wrong store password is BAD_PASSWORD', async () => {
      expect(await codeOf(readKeyStore(bytes, { storePassword: `${f.storePassword}-wrong`, keys: false }))).toBe('BAD_PASSWORD');
    });
  });

  it('JKS: the store password does not open a key protected with a different key password', async () => {
    const f = byPath('jks/rsa2048-chain2-storepass-ne-keypass.jks');
    expect(f.keyPasswords.client).not.toBe(f.storePassword);
    expect(await codeOf(readKeyStore(fixtureBytes(f.path), { storePassword: f.storePassword }))).toBe('BAD_PASSWORD');
  });

  it('JKS: non-ASCII store and key passwords (UTF-16 code units, an emoji as a surrogate pair)', async () => {
    const f = byPath('jks/nonascii-passwords.jks');
    const store = await readKeyStore(fixtureBytes(f.path), { storePassword: 'pässwörd-€', keyPassword: 'schlüssel-🔑' });
    expect(store.entries.map((e) => [e.alias, e.kind])).toEqual([['client', 'private-key']]);
  });

  it('JKS: keytool stored "Clé-Ü" lower-cased and the emoji alias in modified UTF-8 (6 bytes)', () => {
    const bytes = fixtureBytes('jks/unicode-alias.jks');
    expect(bytes.includes(Buffer.from('clé-ü', 'utf8'))).toBe(true);
    // U+1F511 as a surrogate pair D83D DD11, each in three bytes: ED A0 BD ED B4 91.
    expect(bytes.includes(Buffer.from([...Buffer.from('trust-'), 0xed, 0xa0, 0xbd, 0xed, 0xb4, 0x91]))).toBe(true);
  });

  it('JCEKS: the AES secret key is reported, with its algorithm once the key password opens it', async () => {
    const f = byPath('jceks/key-trusted-secret.jceks');
    const store = await readKeyStore(fixtureBytes(f.path), { storePassword: f.storePassword, keyPassword: f.keyPasswords['aes-key'] });
    const secret = store.entries.find((e) => e.alias === 'aes-key');
    expect(secret).toMatchObject({ kind: 'secret-key', algorithm: 'AES' });
  });

  it('PKCS#12 without friendlyName: the alias keytool invents ("1")', async () => {
    const f = byPath('pkcs12/openssl-noname.p12');
    expect(f.entries.map((e) => [e.alias, e.javaInventedAlias])).toEqual([['1', true]]);
    const store = await readKeyStore(fixtureBytes(f.path), { storePassword: f.storePassword, keys: false });
    expect(store.entries.map((e) => e.alias)).toEqual(['1']);
  });

  it('PKCS#12 without a MAC is refused unless allowMissingMac is set', async () => {
    const f = byPath('pkcs12/openssl-nomac.p12');
    expect(await codeOf(readKeyStore(fixtureBytes(f.path), { storePassword: f.storePassword }))).toBe('INTEGRITY');
  });

  it('the JKS-to-PKCS#12 conversions keytool made hold the same chain as their source', () => {
    const jks = byPath('jks/rsa2048-chain2-storepass-ne-keypass.jks');
    for (const p of ['pkcs12/keytool-default-rsa2048.p12', 'pkcs12/keytool-legacy-rsa2048.p12']) {
      expect(byPath(p).entries).toEqual(jks.entries);
    }
  });
});

describe('key fixtures made by openssl', () => {
  it.each(keys)('$path ($pemLabel) imports to the key openssl described', (f) => {
    const text = fixtureBytes(f.path).toString('utf8');
    expect(decodePemAll(text).map((b) => b.label)).toEqual([f.pemLabel]);
    const key = importPrivateKey(text, f.password === null ? {} : { passphrase: f.password });
    expect(key.asymmetricKeyType).toBe(f.keyAlgorithm);
    expect(sha256(spkiDer(key))).toBe(f.publicKeySha256);
  });

  it('the traditional, PKCS#8 and encrypted PKCS#8 RSA files hold one key', () => {
    const rsa = keys.filter((k) => k.keyAlgorithm === 'rsa').map((k) => k.publicKeySha256);
    expect(rsa).toHaveLength(3);
    expect(new Set(rsa).size).toBe(1);
  });

  it('the encrypted PKCS#8 key with a wrong passphrase is BAD_PASSWORD', async () => {
    const f = keys.find((k) => k.password !== null)!;
    const text = fixtureBytes(f.path).toString('utf8');
    expect(await codeOf(Promise.resolve().then(() => importPrivateKey(text, { passphrase: `${f.password}-wrong` })))).toBe('BAD_PASSWORD');
  });
});

describe('PEM as the workflow meets it', () => {
  it('keytool -certreq: "NEW CERTIFICATE REQUEST" with CRLF, normalised to CERTIFICATE REQUEST, same DER', () => {
    const raw = fixtureBytes(csr.path).toString('latin1');
    expect(raw.startsWith(`-----BEGIN ${csr.pemLabel}-----`)).toBe(true);
    expect(raw.includes('\r\n')).toBe(csr.crlf);
    const normal = normalizePem(raw);
    expect(normal.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(normal.includes('\r')).toBe(false);
    expect(normal.includes('NEW')).toBe(false);
    const blocks = decodePemAll(normal);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE REQUEST']);
    expect(sha256(blocks[0]!.der)).toBe(csr.derSha256);
  });

  it('keytool -certreq: the CSR is for the key of the chain JKS leaf', async () => {
    const f = byPath('jks/rsa2048-chain2-storepass-ne-keypass.jks');
    const store = await readKeyStore(fixtureBytes(f.path), { storePassword: f.storePassword, keys: false });
    const entry = store.entries[0]!;
    expect(entry.kind).toBe('private-key');
    const leaf = entry.kind === 'private-key' ? entry.chain[0]! : Buffer.alloc(0);
    expect(sha256(certSpki(leaf))).toBe(csr.publicKeySha256);
  });

  it('openssl pkcs12 -nodes output: Bag Attributes dropped, the key and the 3 certificates kept', () => {
    const raw = fixtureBytes(bundle.path).toString('utf8');
    expect(raw).toMatch(/^Bag Attributes\n/);
    const normal = normalizePem(raw);
    expect(normal).not.toMatch(/Bag Attributes|Key Attributes|friendlyName|subject=|issuer=/);
    const blocks = decodePemAll(normal);
    expect(blocks.map((b) => b.label)).toEqual(['PRIVATE KEY', 'CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE']);
    expect(blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => [sha256(b.der), fingerprint(b.der, 'sha1')])).toEqual(
      bundle.certificates.map((c) => [c.sha256, c.sha1]),
    );
    expect(sha256(spkiDer(importPrivateKey(raw)))).toBe(bundle.publicKeySha256);
    expect(bundle.privateKeys).toBe(1);
  });

  it('openssl pkcs12 -nodes output holds the chain keytool put in the PKCS#12 it came from', () => {
    const chain = byPath('pkcs12/keytool-default-rsa2048.p12').entries[0]!.chain.map((c) => c.sha256);
    expect(bundle.certificates.map((c) => c.sha256)).toEqual(chain);
  });
});
