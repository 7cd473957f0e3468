/**
 * Format detection by content and the keystore dispatcher, over the committed fixtures that
 * keytool and openssl made (fixtures/manifest.json records what the tools listed): every keystore
 * fixture is detected as its type (a PKCS#12 named `.jks` included) and read through
 * `readKeyStore` with the aliases, kinds and fingerprints the manifest records.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectKeyStoreType } from '../../src/keystore/detect.js';
import { readKeyStore, writeKeyStore } from '../../src/keystore/keystore.js';
import type { KeyStoreEntry, KeyStoreType } from '../../src/keystore/model.js';
import { catchCertkit } from './keytool-list.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

interface ManifestStore {
  path: string;
  type: KeyStoreType;
  storePassword: string;
  allowMissingMac?: boolean;
  entries: { alias: string; kind: string; chain: { sha256: string }[] }[];
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { fixtures: { type: string }[] };
const stores = manifest.fixtures.filter((f): f is ManifestStore => ['jks', 'jceks', 'pkcs12'].includes(f.type));

/** DER of the OIDs that tell the PKCS#12 profiles apart. */
const AES_256_CBC_OID = Buffer.from('060960864801650304012a', 'hex'); // 2.16.840.1.101.3.4.1.42
const TRIPLE_DES_PBE_OID = Buffer.from('060a2a864886f70d010c0103', 'hex'); // pbeWithSHAAnd3-KeyTripleDES-CBC

const fp = (der: Uint8Array) => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
const certsOf = (e: KeyStoreEntry) => (e.kind === 'private-key' ? e.chain : e.kind === 'trusted-cert' ? [e.cert] : []);

async function expectInvalid(bytes: Uint8Array): Promise<void> {
  const e = catchCertkit(() => detectKeyStoreType(bytes));
  expect([e.code, e.message]).toEqual(['INVALID_INPUT', 'not a JKS, JCEKS or PKCS#12 keystore']);
  await expect(readKeyStore(bytes, { storePassword: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
}

describe('detectKeyStoreType', () => {
  it('covers every kind of keystore fixture', () => {
    expect(new Set(stores.map((s) => s.type))).toEqual(new Set(['jks', 'jceks', 'pkcs12']));
    expect(stores.map((s) => s.path)).toContain('pkcs12/keytool-pkcs12-named.jks');
  });

  it.each(stores.map((s) => [s.path, s.type] as const))('detects %s as %s by content', (path, type) => {
    expect(detectKeyStoreType(readFileSync(join(FIXTURES, path)))).toBe(type);
  });

  it('refuses empty, short, random, PEM and non-PFX DER input', async () => {
    await expectInvalid(Buffer.alloc(0));
    await expectInvalid(Buffer.from([0xfe, 0xed, 0xfe]));
    let seed = 7;
    await expectInvalid(Buffer.alloc(1024).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff));
    await expectInvalid(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'));
    // SEQUENCE { INTEGER 2 }: not PFX version 3.
    await expectInvalid(Buffer.from('3003020102', 'hex'));
    // A certificate: SEQUENCE whose first element is a SEQUENCE.
    await expectInvalid(Buffer.from('30823000308200', 'hex'));
  });
});

describe('readKeyStore over the fixtures', () => {
  it.each(stores.map((s) => [s.path, s] as const))('reads %s with the aliases, kinds and fingerprints the tools listed', async (_path, s) => {
    const store = await readKeyStore(readFileSync(join(FIXTURES, s.path)), {
      storePassword: s.storePassword,
      keys: false,
      ...(s.allowMissingMac ? { allowMissingMac: true } : {}),
    });
    expect(store.type).toBe(s.type);
    const mine = store.entries.map((e) => ({ alias: e.alias, kind: e.kind, sha256: certsOf(e).map(fp) }));
    const theirs = s.entries.map((e) => ({ alias: e.alias, kind: e.kind, sha256: e.chain.map((c) => c.sha256) }));
    const byAlias = (a: { alias: string }, b: { alias: string }) => a.alias.localeCompare(b.alias);
    expect(mine.sort(byAlias)).toEqual(theirs.sort(byAlias));
  });

  it('honours a forced type (a JKS read as PKCS#12 is invalid input)', async () => {
    const jks = readFileSync(join(FIXTURES, 'jks/ec256.jks'));
    await expect(readKeyStore(jks, { storePassword: 'ec256-pass', type: 'pkcs12' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readKeyStore(jks, { storePassword: 'ec256-pass', type: 'jceks' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'not a JCEKS keystore (magic feedfeed)',
    });
  });
});

describe('writeKeyStore', () => {
  it('writes JKS and PKCS#12 (passing the profile on) that read back with the same keys and certificates', async () => {
    const jks = readFileSync(join(FIXTURES, 'jks/rsa2048-chain2-storepass-ne-keypass.jks'));
    const src = await readKeyStore(jks, { storePassword: 'chain-storepass', keyPassword: 'chain-keypass' });
    const asJks = await writeKeyStore(src, 'jks', { storePassword: 'new-store', keyPassword: 'new-key' });
    expect(detectKeyStoreType(asJks)).toBe('jks');
    expect(await readKeyStore(asJks, { storePassword: 'new-store', keyPassword: 'new-key' })).toEqual(src);

    const asP12 = await writeKeyStore(src.entries, 'pkcs12', { storePassword: 'p12-store', profile: 'modern' });
    expect(detectKeyStoreType(asP12)).toBe('pkcs12');
    expect(asP12.includes(AES_256_CBC_OID)).toBe(true);
    const back = await readKeyStore(asP12, { storePassword: 'p12-store' });
    expect(back.type).toBe('pkcs12');
    expect(back.entries.map((e) => (e.kind === 'private-key' ? [e.alias, e.key, e.chain] : e.kind))).toEqual(
      src.entries.map((e) => (e.kind === 'private-key' ? [e.alias, e.key, e.chain] : e.kind)),
    );
    const legacy = await writeKeyStore(src, 'pkcs12', { storePassword: 'p12-store', profile: 'legacy' });
    expect([legacy.includes(TRIPLE_DES_PBE_OID), legacy.includes(AES_256_CBC_OID)]).toEqual([true, false]);
  });

  it('refuses to write JCEKS', async () => {
    await expect(writeKeyStore([], 'jceks' as 'jks', { storePassword: 'x' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
