/**
 * PKCS#12 secrets derived ahead (`preparePkcs12`, `preparePbeAsync`, `pkcs12KdfAsync`): the
 * same bytes as the one-step paths, which the interop suites check against keytool and openssl.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertkitError } from '../../src/errors.js';
import { encryptPbe, preparePbeAsync } from '../../src/keystore/pbe.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { bmpPassword, pkcs12KdfAsync } from '../../src/keystore/pkcs12-kdf.js';
import { preparePkcs12, writePkcs12 } from '../../src/keystore/pkcs12-write.js';

const hex = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');

/** A reproducible random source: SHA-256 of a seed and a counter. */
function seeded(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 32) createHash('sha256').update(`${seed}/${counter++}`).digest().copy(out, i);
    return out;
  };
}

// The fixture keytool made from the chain JKS: one key entry and its chain of 3.
const fixture = readPkcs12(readFileSync(new URL('../../fixtures/pkcs12/keytool-default-rsa2048.p12', import.meta.url)), {
  storePassword: 'p12-default-pass',
});
const NOW = new Date('2026-05-01T00:00:00Z');

describe('pkcs12KdfAsync', () => {
  // The vectors of test/keystore/pbe.test.ts, printed by OpenSSL 3.0 `openssl kdf ... PKCS12KDF`.
  it.each([
    ['sha1', 'changeit', '0102030405060708', 1, 2048, 24, 'A1:3A:1C:F3:5E:A9:E6:28:CD:82:C5:70:91:0A:DC:D5:48:1C:D9:78:FF:F8:89:65'],
    ['sha1', 'changeit', '0102030405060708', 2, 2048, 8, 'EF:00:9E:6F:45:89:AF:95'],
    ['sha256', 'changeit', '0102030405060708090a0b0c0d0e0f101112131415', 3, 10000, 32,
      '8A:F0:41:20:69:0A:43:A3:31:7F:D9:A8:56:6E:FD:F7:23:44:04:50:12:01:D3:5D:0D:6E:FF:D2:84:EE:5E:9D'],
    ['sha1', 'pässwörd', '0102030405060708', 1, 100, 24, 'CA:87:5E:8B:A9:6D:1E:8C:A2:87:09:5E:D4:04:7B:CE:F2:5C:F6:61:63:E7:65:D7'],
  ] as const)('%s %s id %i, %i iterations, %i bytes', async (hash, pw, salt, id, iter, len, expected) => {
    expect((await pkcs12KdfAsync(hash, bmpPassword(pw), hex(salt), id, iter, len)).toString('hex')).toBe(hex(expected).toString('hex'));
  });

  it('lets other work run between its slices', async () => {
    const order: string[] = [];
    const kdf = pkcs12KdfAsync('sha256', bmpPassword('changeit'), hex('0102030405060708'), 3, 10000, 32).then(() => order.push('kdf'));
    setImmediate(() => order.push('immediate'));
    await kdf;
    expect(order).toEqual(['immediate', 'kdf']);
  });
});

describe('preparePbeAsync', () => {
  it.each([
    { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 1000 },
    { scheme: 'pkcs12-3des', iterations: 1000 },
  ] as const)('encrypts to the bytes encryptPbe writes ($scheme)', async (spec) => {
    const plain = Buffer.from('a private key, PKCS#8');
    const one = encryptPbe(plain, 'pässwörd', spec, seeded('pbe'));
    const prepared = await preparePbeAsync('pässwörd', spec, seeded('pbe'));
    expect([prepared.algorithm.toString('hex'), prepared.encrypt(plain).toString('hex')]).toEqual([
      one.algorithm.toString('hex'),
      one.ciphertext.toString('hex'),
    ]);
  });
});

describe('preparePkcs12', () => {
  it.each([
    { profile: 'modern' as const },
    { profile: 'legacy' as const, iterations: 2048, macIterations: 2048 },
  ])('writes the same store as without it ($profile)', async (options) => {
    const opts = { storePassword: 'store-pass', keyPassword: 'key-pass', now: () => NOW, ...options };
    const plain = writePkcs12(fixture.entries, { ...opts, randomBytes: seeded('p12') });
    const prepared = await preparePkcs12({ ...opts, randomBytes: seeded('p12'), keyEntries: 1 });
    const ahead = writePkcs12(fixture.entries, { ...opts, prepared });
    expect(createHash('sha256').update(ahead).digest('hex')).toBe(createHash('sha256').update(plain).digest('hex'));
    // And the store opens with its passwords: MAC, key and chain as written.
    const back = readPkcs12(ahead, { storePassword: 'store-pass', keyPassword: 'key-pass' });
    const [entry] = back.entries;
    const [orig] = fixture.entries;
    expect(entry!.kind === 'private-key' && orig!.kind === 'private-key' && entry!.key!.equals(orig!.key!)).toBe(true);
    expect(entry!.kind === 'private-key' && entry!.chain.length).toBe(3);
  });

  it('refuses secrets prepared for other passwords or another number of keys (INTERNAL)', async () => {
    const prepared = await preparePkcs12({ storePassword: 'store-pass', keyEntries: 1, iterations: 1000, macIterations: 1000 });
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof CertkitError ? e.code : 'other';
      }
      return 'none';
    };
    expect([
      codeOf(() => writePkcs12(fixture.entries, { storePassword: 'other', iterations: 1000, macIterations: 1000, prepared })),
      codeOf(() => writePkcs12([], { storePassword: 'store-pass', iterations: 1000, macIterations: 1000, prepared })),
      codeOf(() => writePkcs12(fixture.entries, { storePassword: 'store-pass', prepared })),
      codeOf(() => writePkcs12(fixture.entries, { storePassword: 'store-pass', iterations: 1000, macIterations: 1000, prepared })),
    ]).toEqual(['INTERNAL', 'INTERNAL', 'INTERNAL', 'none']);
  });
});
