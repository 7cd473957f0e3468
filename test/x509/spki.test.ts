/**
 * keyDetailsFromSpki must say exactly what node:crypto says (createPublicKey's
 * asymmetricKeyDetails, as parseCertificate reported it before), or nothing.
 */
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readKeyStore } from '../../src/keystore/keystore.js';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { keyDetailsFromSpki } from '../../src/x509/spki.js';
import { tlv } from '../../src/x509/tlv.js';

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

/** What node:crypto says of an SPKI, in parseCertificate's terms; `null` when it cannot load it. */
function nodeSays(spki: Buffer): { keySize: number | undefined; curve: string | undefined } | null {
  let d: crypto.AsymmetricKeyDetails | undefined;
  try {
    d = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyDetails;
  } catch {
    return null;
  }
  const curve = d?.namedCurve === undefined ? undefined : (CURVE_NAMES[d.namedCurve] ?? d.namedCurve);
  return { keySize: d?.modulusLength ?? (curve === undefined ? undefined : CURVE_BITS[curve]), curve };
}

const spkiOf = (k: crypto.KeyObject) => k.export({ type: 'spki', format: 'der' });
const RSA_ALG = tlv(0x30, Buffer.from('06092a864886f70d010101', 'hex'), Buffer.from('0500', 'hex'));
const P256_ALG = Buffer.from('301306072a8648ce3d020106082a8648ce3d030107', 'hex');
const rsaSpki = (modulus: Buffer, exponent = Buffer.from([1, 0, 1]), alg = RSA_ALG) =>
  tlv(0x30, alg, tlv(0x03, Buffer.from([0]), tlv(0x30, tlv(0x02, modulus), tlv(0x02, exponent))));

/** A certificate (signed by P-256, not re-signed: parsing does not verify) whose SubjectPublicKeyInfo is `spki`. */
function certificateWithSpki(spki: Buffer): Buffer {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const good = buildCertificate({ subject: 'CN=inf', publicKey, signingKey: privateKey, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') });
  expect(good.subarray(0, 6).toString('hex').slice(0, 2) + good.subarray(4, 6).toString('hex')).toBe('303082'); // long-form lengths
  const tbsLen = good.readUInt16BE(6);
  const tbs = good.subarray(8, 8 + tbsLen);
  const old = spkiOf(publicKey);
  const at = tbs.indexOf(old);
  return tlv(0x30, tlv(0x30, tbs.subarray(0, at), spki, tbs.subarray(at + old.length)), good.subarray(8 + tbsLen));
}

describe('keyDetailsFromSpki', () => {
  it.each([
    ['RSA 1024', () => crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, { keySize: 1024, curve: undefined }],
    ['RSA 2048', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, { keySize: 2048, curve: undefined }],
    ['RSA 3072', () => crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey, { keySize: 3072, curve: undefined }],
    ['RSA 4096', () => crypto.generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey, { keySize: 4096, curve: undefined }],
    ['RSA 2047, e=3', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2047, publicExponent: 3 }).publicKey, { keySize: 2047, curve: undefined }],
    ['EC P-256', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, { keySize: 256, curve: 'P-256' }],
    ['EC P-384', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, { keySize: 384, curve: 'P-384' }],
    ['EC P-521', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey, { keySize: 521, curve: 'P-521' }],
    ['Ed25519', () => crypto.generateKeyPairSync('ed25519').publicKey, { keySize: undefined, curve: undefined }],
    ['Ed448', () => crypto.generateKeyPairSync('ed448').publicKey, { keySize: undefined, curve: undefined }],
  ] as const)('%s: read from the DER, equal to node:crypto', (name, make, want) => {
    for (let i = 0; i < (name.startsWith('RSA') ? 1 : 3); i++) {
      const spki = spkiOf(make());
      expect(keyDetailsFromSpki(spki)).toEqual(want);
      expect(nodeSays(spki)).toEqual(want);
    }
  });

  it('leaves other keys to node:crypto (secp256k1, DSA, RSASSA-PSS, compressed points)', () => {
    const k1 = spkiOf(crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey);
    expect([keyDetailsFromSpki(k1), nodeSays(k1)]).toEqual([undefined, { keySize: undefined, curve: 'secp256k1' }]);
    const dsa = spkiOf(crypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey);
    expect([keyDetailsFromSpki(dsa), nodeSays(dsa)]).toEqual([undefined, { keySize: 1024, curve: undefined }]);
    const pss = spkiOf(crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' }).publicKey);
    expect([keyDetailsFromSpki(pss), nodeSays(pss)]).toEqual([undefined, { keySize: 2048, curve: undefined }]);
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const compressed = tlv(0x30, P256_ALG, tlv(0x03, Buffer.from([0]), ecdh.getPublicKey(undefined, 'compressed')));
    expect([keyDetailsFromSpki(compressed), nodeSays(compressed)]).toEqual([undefined, { keySize: 256, curve: 'P-256' }]);
  });

  it('RSA moduli of every length around the byte boundaries, with and without the leading zero octet', () => {
    for (const bits of [8, 9, 15, 16, 17, 511, 512, 513, 1023, 1024, 1025, 2046, 2047, 2048, 2049, 3071, 3072, 4095, 4096, 4097, 8192, 16384]) {
      const bytes = crypto.randomBytes(Math.ceil(bits / 8));
      const top = bits % 8 === 0 ? 8 : bits % 8;
      bytes[0] = (bytes[0]! & ((1 << top) - 1)) | (1 << (top - 1));
      bytes[bytes.length - 1]! |= 1;
      const modulus = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
      const spki = rsaSpki(modulus);
      expect([bits, keyDetailsFromSpki(spki)]).toEqual([bits, { keySize: bits, curve: undefined }]);
      expect([bits, nodeSays(spki)]).toEqual([bits, { keySize: bits, curve: undefined }]);
    }
  });

  it('odd RSA encodings: answers undefined exactly where node:crypto refuses, and agrees where it loads', () => {
    const m = Buffer.concat([Buffer.from([0x00, 0xc5]), crypto.randomBytes(255)]);
    const cases: Record<string, Buffer> = {
      'non-minimal modulus (two leading zero octets)': rsaSpki(Buffer.concat([Buffer.from([0]), m])),
      'non-minimal exponent': rsaSpki(m, Buffer.from([0, 1, 0, 1])),
      'negative modulus': rsaSpki(m.subarray(1)),
      'zero modulus': rsaSpki(Buffer.from([0])),
      'empty modulus': rsaSpki(Buffer.alloc(0)),
      'negative exponent': rsaSpki(m, Buffer.from([0xff])),
      'zero exponent': rsaSpki(m, Buffer.from([0])),
      'parameters absent': rsaSpki(m, undefined, tlv(0x30, Buffer.from('06092a864886f70d010101', 'hex'))),
      'trailing byte in the key': tlv(0x30, RSA_ALG, tlv(0x03, Buffer.from([0]), tlv(0x30, tlv(0x02, m), tlv(0x02, Buffer.from([1, 0, 1]))), Buffer.from([0]))),
      'unused bits in the BIT STRING': tlv(0x30, RSA_ALG, tlv(0x03, Buffer.from([1]), tlv(0x30, tlv(0x02, m), tlv(0x02, Buffer.from([1, 0, 1]))))),
      'a third INTEGER': tlv(0x30, RSA_ALG, tlv(0x03, Buffer.from([0]), tlv(0x30, tlv(0x02, m), tlv(0x02, Buffer.from([3])), tlv(0x02, Buffer.from([3]))))),
    };
    for (const [name, spki] of Object.entries(cases)) {
      const fast = keyDetailsFromSpki(spki);
      const node = nodeSays(spki);
      if (node === null) expect([name, fast]).toEqual([name, undefined]);
      else if (fast !== undefined) expect([name, fast]).toEqual([name, node]);
    }
    // The ones certkit does not answer for itself: the caller falls back to node:crypto.
    expect(Object.entries(cases).filter(([, s]) => keyDetailsFromSpki(s) !== undefined).map(([n]) => n)).toEqual([]);
  });

  it('EC points off the curve, at infinity, of the wrong length or with coordinates >= p are left to node:crypto, which refuses them', () => {
    const good = spkiOf(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const point = good.subarray(good.length - 65);
    const withPoint = (p: Buffer) => tlv(0x30, P256_ALG, tlv(0x03, Buffer.from([0]), p));
    const offCurve = Buffer.from(point);
    offCurve[64]! ^= 1;
    const p = Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex');
    const xTooBig = Buffer.concat([Buffer.from([4]), p, point.subarray(33)]);
    for (const bad of [offCurve, point.subarray(0, 64), Buffer.concat([point, Buffer.from([0])]), xTooBig]) {
      expect(keyDetailsFromSpki(withPoint(bad))).toBeUndefined();
      expect(nodeSays(withPoint(bad))).toBeNull();
    }
    expect(keyDetailsFromSpki(withPoint(point))).toEqual({ keySize: 256, curve: 'P-256' });
  });

  it('the EC point at infinity: no size and no curve, without asking node:crypto (Node 20 aborts the process on its details)', () => {
    const infinity = tlv(0x30, P256_ALG, tlv(0x03, Buffer.from([0, 0])));
    expect(keyDetailsFromSpki(infinity)).toEqual({ keySize: undefined, curve: undefined });
    const explicitParams = tlv(0x30, tlv(0x30, Buffer.from('06072a8648ce3d0201', 'hex'), tlv(0x30, Buffer.from('020101', 'hex'))), tlv(0x03, Buffer.from([0, 0])));
    expect(keyDetailsFromSpki(explicitParams)).toEqual({ keySize: undefined, curve: undefined });
    // A whole certificate with that key: OpenSSL accepts it; parseCertificate answers, it does not crash.
    const cert = certificateWithSpki(infinity);
    for (const openssl of [true, false]) {
      const c = parseCertificate(cert, 'certificate', { openssl });
      expect([c.keyAlgorithm, c.keySize, c.curve, c.subjectText]).toEqual(['EC', undefined, undefined, 'CN=inf']);
    }
  });

  it('every fixture certificate: parseCertificate reports what node:crypto says, read from the DER', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../fixtures/manifest.json', import.meta.url), 'utf8')) as {
      fixtures: { path: string; type?: string; storePassword?: string; allowMissingMac?: boolean }[];
    };
    const seen: string[] = [];
    for (const f of manifest.fixtures.filter((x) => x.storePassword !== undefined)) {
      const bytes = readFileSync(new URL(`../../fixtures/${f.path}`, import.meta.url));
      const store = await readKeyStore(bytes, { storePassword: f.storePassword!, keys: false, allowMissingMac: f.allowMissingMac ?? false });
      for (const e of store.entries) {
        for (const der of e.kind === 'private-key' ? e.chain : e.kind === 'trusted-cert' ? [e.cert] : []) {
          const c = parseCertificate(der);
          const fast = keyDetailsFromSpki(c.spki);
          expect(fast).toBeDefined();
          expect({ keySize: c.keySize, curve: c.curve }).toEqual(nodeSays(c.spki));
          expect(c.spki.equals(spkiOf(c.publicKey!))).toBe(true);
          seen.push(`${c.keyAlgorithm} ${c.keySize}`);
        }
      }
    }
    expect([...new Set(seen)].sort()).toEqual(['EC 256', 'EC 384', 'RSA 2048']);
  });

  it('parseCertificate: a certificate with a secp256k1 key gets its curve from node:crypto, and the curve its size', () => {
    const c = parseCertificate(certificateWithSpki(spkiOf(crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey)));
    expect([c.keyAlgorithm, c.keySize, c.curve, c.publicKey?.asymmetricKeyType]).toEqual(['EC', 256, 'secp256k1', 'ec']);
  });
});
