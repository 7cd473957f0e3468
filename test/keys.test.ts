import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defaultSignatureAlgorithm,
  describeKey,
  exportEncryptedPkcs8Der,
  exportEncryptedPkcs8Pem,
  exportPkcs8Der,
  exportPkcs8Pem,
  generateKeyPair,
  importPrivateKey,
  keyAlgorithmName,
  parseKeySpec,
  parseSignatureAlgorithm,
  spkiDer,
  KEY_LIMITS,
} from '../src/keys.js';
import { CertkitError } from '../src/errors.js';
import { decodePem, decodePemAll, encodePem, normalizePem } from '../src/pem.js';
import { haveTools, run, tool } from './support/tools.js';
import { tempDir } from './support/tmp.js';
import { errorOf } from './support/errors.js';


const ec256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

describe('key specs', () => {
  it('parses the specs and their common spellings', () => {
    expect(['rsa2048', 'RSA-2048', 'rsa', 'rsa3072', 'RSA_4096', 'ec256', 'EC', 'p256', 'prime256v1', 'ec384', 'secp384r1'].map(parseKeySpec)).toEqual([
      'rsa2048', 'rsa2048', 'rsa2048', 'rsa3072', 'rsa4096', 'ec256', 'ec256', 'ec256', 'ec256', 'ec384', 'ec384',
    ]);
    expect(errorOf(() => parseKeySpec('dsa1024'))).toBe(
      'USAGE: unknown key type "dsa1024" (expected one of rsa2048, rsa3072, rsa4096, ec256, ec384)',
    );
  });
  it('parses signature algorithm names', () => {
    expect(parseSignatureAlgorithm('sha256WithRSA')).toBe('SHA256WITHRSA');
    expect(parseSignatureAlgorithm('SHA384WITHECDSA')).toBe('SHA384WITHECDSA');
    expect(errorOf(() => parseSignatureAlgorithm('MD5WITHRSA'))).toMatch(/^USAGE: unknown signature algorithm "MD5WITHRSA"/);
  });
});

describe('generateKeyPair', () => {
  it('generates each spec with the right algorithm, size and default signature', async () => {
    const got = [];
    for (const spec of ['rsa2048', 'ec256', 'ec384'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(spec);
      expect(spkiDer(privateKey).equals(spkiDer(publicKey))).toBe(true);
      got.push([spec, keyAlgorithmName(privateKey), describeKey(privateKey), defaultSignatureAlgorithm(privateKey)]);
    }
    expect(got).toEqual([
      ['rsa2048', 'RSA', 'RSA 2048', 'SHA256WITHRSA'],
      ['ec256', 'EC', 'EC P-256', 'SHA256WITHECDSA'],
      ['ec384', 'EC', 'EC P-384', 'SHA384WITHECDSA'],
    ]);
  });
});

describe('PKCS#8 export and import round trip', () => {
  it('plain PKCS#8 PEM and DER', () => {
    const pem = exportPkcs8Pem(ec256);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(exportPkcs8Der(importPrivateKey(pem)).equals(exportPkcs8Der(ec256))).toBe(true);
    expect(exportPkcs8Der(importPrivateKey(exportPkcs8Der(ec256))).equals(exportPkcs8Der(ec256))).toBe(true);
  });
  it('encrypted PKCS#8 with PBES2/PBKDF2-SHA256/AES-256-CBC, exact bytes with injected randomness', () => {
    const fixed = (n: number) => Buffer.alloc(n, 7);
    const der = exportEncryptedPkcs8Der(ec256, 'pässword', { randomBytes: fixed, iterations: 1000 });
    // Deterministic: same inputs, same bytes.
    expect(der.equals(exportEncryptedPkcs8Der(ec256, 'pässword', { randomBytes: fixed, iterations: 1000 }))).toBe(true);
    const key = importPrivateKey(der, { passphrase: 'pässword' });
    expect(exportPkcs8Der(key).equals(exportPkcs8Der(ec256))).toBe(true);
    const pem = exportEncryptedPkcs8Pem(ec256, 'secret');
    expect(decodePem(pem).label).toBe('ENCRYPTED PRIVATE KEY');
    expect(exportPkcs8Der(importPrivateKey(pem, { passphrase: 'secret' })).equals(exportPkcs8Der(ec256))).toBe(true);
    expect(errorOf(() => importPrivateKey(pem, { passphrase: 'wrong' }))).toBe(
      'BAD_PASSWORD: private key (ENCRYPTED PRIVATE KEY): wrong passphrase (or the encrypted key is corrupt)',
    );
    expect(errorOf(() => importPrivateKey(pem))).toBe(
      'BAD_PASSWORD: private key (ENCRYPTED PRIVATE KEY) is encrypted and no passphrase was given',
    );
  });
  it('refuses absurd PBKDF2 iteration counts before deriving anything', () => {
    const der = exportEncryptedPkcs8Der(ec256, 'x', { iterations: 1000 });
    // Rebuild the structure with 20,000,000 iterations in place of 1000.
    const top = asn1js.fromBER(der).result as asn1js.Sequence;
    const pbkdf2Params = (((top.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence).valueBlock
      .value[0] as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence;
    expect((pbkdf2Params.valueBlock.value[1] as asn1js.Integer).valueBlock.valueDec).toBe(1000);
    pbkdf2Params.valueBlock.value[1] = new asn1js.Integer({ value: 20_000_000 });
    const hostile = Buffer.from(top.toBER());
    expect(errorOf(() => importPrivateKey(hostile, { passphrase: 'x' }))).toBe(
      'LIMIT_EXCEEDED: private key (encrypted PKCS#8): iteration count 20000000 is more than the 5000000 limit',
    );
    expect(KEY_LIMITS.maxPbkdf2Iterations).toBe(5_000_000);
    // The same cap for PKCS#12 PBE (pbeWithSHAAnd3-KeyTripleDES-CBC): PBEParameter { salt, iterations }.
    const pbe = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.12.1.3' }),
            new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: new Uint8Array(8) }), new asn1js.Integer({ value: 2_000_000_000 })] }),
          ],
        }),
        new asn1js.OctetString({ valueHex: new Uint8Array(16) }),
      ],
    });
    expect(errorOf(() => importPrivateKey(Buffer.from(pbe.toBER()), { passphrase: 'x' }))).toBe(
      'LIMIT_EXCEEDED: private key (encrypted PKCS#8): iteration count 2000000000 is more than the 5000000 limit',
    );
  });
});

describe('hostile key input', () => {
  const pkcs8 = exportPkcs8Der(ec256);
  it('empty, garbage, truncated and bit-flipped keys give INVALID_INPUT', () => {
    expect(errorOf(() => importPrivateKey(Buffer.alloc(0)))).toBe('INVALID_INPUT: empty input');
    expect(errorOf(() => importPrivateKey(''))).toBe('INVALID_INPUT: empty input');
    expect(errorOf(() => importPrivateKey(Buffer.from('not a key')))).toBe(
      'INVALID_INPUT: private key: length 111 at byte 0 runs past the end (7 bytes left)',
    );
    expect(errorOf(() => importPrivateKey(encodePem('CERTIFICATE', Buffer.from([0x30, 0]))))).toBe(
      'INVALID_INPUT: no private key PEM block found (expected "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY")',
    );
    expect(errorOf(() => importPrivateKey(pkcs8.subarray(0, 40)))).toBe(
      `INVALID_INPUT: private key: length ${pkcs8[2]} at byte 0 runs past the end (37 bytes left)`,
    );
    expect(errorOf(() => importPrivateKey(encodePem('PRIVATE KEY', Buffer.concat([pkcs8, Buffer.from([0])]))))).toBe(
      'INVALID_INPUT: private key (PKCS#8): 1 trailing bytes after the DER structure',
    );
    expect(errorOf(() => importPrivateKey(encodePem('PRIVATE KEY', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))))).toBe(
      'INVALID_INPUT: private key (PKCS#8): not a PrivateKeyInfo (version, algorithm, key)',
    );
    // Every truncation point and every single-bit flip: a CertkitError, never a crash.
    for (let n = 0; n < pkcs8.length; n++) {
      expect(() => importPrivateKey(pkcs8.subarray(0, n))).toThrow(CertkitError);
    }
    let accepted = 0;
    for (let bit = 0; bit < pkcs8.length * 8; bit += 3) {
      const flipped = Buffer.from(pkcs8);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      try {
        importPrivateKey(flipped);
        accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(CertkitError);
        expect(['INVALID_INPUT', 'UNSUPPORTED']).toContain((e as CertkitError).code);
      }
    }
    // Flips in the private scalar or public point bytes may still make a key; most must not.
    expect(accepted).toBeLessThan(pkcs8.length * 8 / 3);
  });
  it('rejects Ed25519 keys as UNSUPPORTED', () => {
    const ed = crypto.generateKeyPairSync('ed25519').privateKey;
    expect(errorOf(() => importPrivateKey(exportPkcs8Pem(ed)))).toBe(
      'UNSUPPORTED: ed25519 keys are not supported (certkit handles RSA and EC P-256/P-384/P-521 keys)',
    );
  });
  it('a corrupt encrypted key is BAD_PASSWORD (CBC padding cannot tell) and a malformed one INVALID_INPUT', () => {
    // A fixture key and fixed salt and IV: with a fresh key and random ones, the flipped byte left
    // valid CBC padding about once in 256 runs, and the garbage inside was then UNSUPPORTED.
    const fixture = importPrivateKey(readFileSync(fileURLToPath(new URL('../fixtures/keys/ec-traditional.pem', import.meta.url))));
    const der = exportEncryptedPkcs8Der(fixture, 'x', { iterations: 1000, randomBytes: (n) => Buffer.alloc(n, 7) });
    const bad = Buffer.from(der);
    bad[bad.length - 1]! ^= 0xff;
    expect(errorOf(() => importPrivateKey(bad, { passphrase: 'x' }))).toBe(
      'BAD_PASSWORD: private key (ENCRYPTED PRIVATE KEY): wrong passphrase (or the encrypted key is corrupt)',
    );
    expect(errorOf(() => importPrivateKey(encodePem('ENCRYPTED PRIVATE KEY', Buffer.from([0x30, 0x00])), { passphrase: 'x' }))).toBe(
      'INVALID_INPUT: private key (encrypted PKCS#8): not an EncryptedPrivateKeyInfo (algorithm, encrypted data)',
    );
  });
});

describe.skipIf(!haveTools('openssl'))('keys made by openssl', () => {
  const dir = tempDir();
  const openssl = tool('openssl') ?? 'openssl';
  const f = (n: string) => join(dir, n);
  const spki = (file: string, pass?: string) =>
    Buffer.from(
      run('sh', ['-c', `"${openssl}" pkey -in "${file}" ${pass ? `-passin pass:${pass}` : ''} -pubout -outform DER | base64 -w0`]),
      'base64',
    );
  beforeAll(() => {
    run(openssl, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f('rsa.p8.pem')]);
    run(openssl, ['rsa', '-in', f('rsa.p8.pem'), '-traditional', '-out', f('rsa.trad.pem')]);
    run(openssl, ['rsa', '-in', f('rsa.p8.pem'), '-traditional', '-outform', 'DER', '-out', f('rsa.trad.der')]);
    run(openssl, ['rsa', '-in', f('rsa.p8.pem'), '-traditional', '-aes256', '-passout', 'pass:legacy', '-out', f('rsa.trad.enc.pem')]);
    run(openssl, ['pkcs8', '-topk8', '-in', f('rsa.p8.pem'), '-v2', 'aes-256-cbc', '-passout', 'pass:p8pass', '-out', f('rsa.p8.enc.pem')]);
    run(openssl, ['pkcs8', '-topk8', '-in', f('rsa.p8.pem'), '-v1', 'PBE-SHA1-3DES', '-passout', 'pass:v1pass', '-out', f('rsa.p8.pbe1.pem')]);
    run(openssl, ['ecparam', '-name', 'secp384r1', '-genkey', '-out', f('ec.params+sec1.pem')]);
    run(openssl, ['ec', '-in', f('ec.params+sec1.pem'), '-out', f('ec.sec1.pem')]);
    run(openssl, ['pkcs8', '-topk8', '-nocrypt', '-in', f('ec.sec1.pem'), '-outform', 'DER', '-out', f('ec.p8.der')]);
  });
  it('imports PKCS#8, PKCS#1, SEC1 (with EC PARAMETERS), DER, encrypted PKCS#8 and legacy encrypted PEM', () => {
    const rsaSpki = spki(f('rsa.p8.pem'));
    const ecSpki = spki(f('ec.sec1.pem'));
    const read = (n: string, passphrase?: string) => spkiDer(importPrivateKey(readFileSync(f(n)), passphrase ? { passphrase } : {}));
    expect(read('rsa.p8.pem').equals(rsaSpki)).toBe(true);
    expect(read('rsa.trad.pem').equals(rsaSpki)).toBe(true);
    expect(read('rsa.trad.der').equals(rsaSpki)).toBe(true);
    expect(read('rsa.trad.enc.pem', 'legacy').equals(rsaSpki)).toBe(true);
    expect(read('rsa.p8.enc.pem', 'p8pass').equals(rsaSpki)).toBe(true);
    expect(read('rsa.p8.pbe1.pem', 'v1pass').equals(rsaSpki)).toBe(true);
    expect(read('ec.params+sec1.pem').equals(ecSpki)).toBe(true);
    expect(read('ec.p8.der').equals(ecSpki)).toBe(true);
    expect(describeKey(importPrivateKey(readFileSync(f('ec.sec1.pem'))))).toBe('EC P-384');
    expect(errorOf(() => importPrivateKey(readFileSync(f('rsa.trad.enc.pem')), { passphrase: 'nope' }))).toBe(
      'BAD_PASSWORD: private key (RSA PRIVATE KEY): wrong passphrase (or the encrypted key is corrupt)',
    );
    expect(errorOf(() => importPrivateKey(readFileSync(f('rsa.trad.enc.pem'))))).toBe(
      'BAD_PASSWORD: private key (RSA PRIVATE KEY) is encrypted and no passphrase was given',
    );
  });
  it('reads openssl pkcs12 -nodes output (Bag Attributes, subject=/issuer= lines) as the seed workflow makes it', () => {
    run(openssl, ['req', '-x509', '-key', f('rsa.p8.pem'), '-subj', '/CN=glue-client', '-days', '1', '-out', f('cert.pem')]);
    run(openssl, ['pkcs12', '-export', '-inkey', f('rsa.p8.pem'), '-in', f('cert.pem'), '-name', 'client', '-passout', 'pass:storepass', '-out', f('ks.p12')]);
    const text = run(openssl, ['pkcs12', '-in', f('ks.p12'), '-nodes', '-passin', 'pass:storepass']);
    expect(text).toContain('Bag Attributes');
    expect(text).toContain('friendlyName: client');
    expect(text).toMatch(/^subject=/m);
    const normalized = normalizePem(text);
    expect(decodePemAll(normalized).map((b) => b.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(normalized).not.toContain('Bag Attributes');
    expect(decodePem(normalized, { label: 'CERTIFICATE' }).der.equals(decodePem(readFileSync(f('cert.pem'))).der)).toBe(true);
    expect(spkiDer(importPrivateKey(text)).equals(spki(f('rsa.p8.pem')))).toBe(true);
  });
  it('openssl reads what certkit exports, plain and encrypted', () => {
    const key = importPrivateKey(readFileSync(f('rsa.p8.pem')));
    writeFileSync(f('out.p8.pem'), exportPkcs8Pem(key));
    writeFileSync(f('out.p8.enc.pem'), exportEncryptedPkcs8Pem(key, 'out-pass'));
    expect(spki(f('out.p8.pem')).equals(spkiDer(key))).toBe(true);
    expect(spki(f('out.p8.enc.pem'), 'out-pass').equals(spkiDer(key))).toBe(true);
    const asn1 = run(openssl, ['asn1parse', '-in', f('out.p8.enc.pem')]);
    expect(asn1).toContain(':PBES2');
    expect(asn1).toContain(':PBKDF2');
    expect(asn1).toContain(':hmacWithSHA256');
    expect(asn1).toContain(':aes-256-cbc');
    expect(asn1).toContain('INTEGER           :2710'); // 10000 iterations
  });
});
