/**
 * Hostile input for every parser of the key/PEM/X.509 layer: random bytes, random text and
 * mutations of valid structures must end in a value or a CertkitError with an input code and a
 * one-line message: never another exception, a hang or a secret in the message.
 */
import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CertkitError } from '../src/errors.js';
import { exportEncryptedPkcs8Der, exportPkcs8Der, importPrivateKey } from '../src/keys.js';
import { decodePemAll, encodePem, normalizePem } from '../src/pem.js';
import { buildCertificate } from '../src/x509/cert-builder.js';
import { parseCertificate } from '../src/x509/certificate.js';
import { orderChain } from '../src/x509/chain.js';
import { buildCsr } from '../src/x509/csr.js';
import { parseCsr } from '../src/x509/csr-parse.js';
import { decodeName, encodeName, parseDname } from '../src/x509/dn.js';

const INPUT_CODES = ['INVALID_INPUT', 'UNSUPPORTED', 'LIMIT_EXCEEDED'];
const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const cert = buildCertificate({
  subject: 'CN=glue-client, O=y, C=US',
  publicKey: key,
  signingKey: key,
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  subjectAltNames: [{ type: 'dns', value: 'a.example' }],
  extKeyUsage: ['clientAuth'],
});
const csr = buildCsr({ subject: 'CN=glue-client', key, subjectAltNames: [{ type: 'ip', value: '10.0.0.1' }] });
const name = encodeName(parseDname('CN=a + UID=b, O=c, C=US'));

/** Runs `fn`; a thrown value must be a CertkitError with one of `codes` and a one-line message. */
function survives(fn: () => unknown, codes: readonly string[] = INPUT_CODES): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CertkitError)) throw new Error(`not a CertkitError: ${String(e)}`, { cause: e });
    expect(codes).toContain(e.code);
    expect(e.message).not.toMatch(/\n/);
    expect(e.message.length).toBeGreaterThan(10);
  }
}

/** A valid structure with one random mutation: a byte set, a truncation, or an insertion. */
const mutated = (good: Buffer) =>
  fc.oneof(
    fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const b = Buffer.from(good);
      b[i] = v;
      return b;
    }),
    fc.nat(good.length - 1).map((n) => good.subarray(0, n)),
    fc.tuple(fc.nat(good.length), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, ins]) =>
      Buffer.concat([good.subarray(0, i), Buffer.from(ins), good.subarray(i)]),
    ),
  );

const RUNS = { numRuns: 300 };

describe('hostile input (property-based)', () => {
  it('PEM: random text and mutated PEM', () => {
    const good = encodePem('CERTIFICATE', cert);
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => survives(() => decodePemAll(s))), RUNS);
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.string({ minLength: 1, maxLength: 3 }), (i, ins) =>
        survives(() => normalizePem(good.slice(0, i) + ins + good.slice(i))),
      ),
      RUNS,
    );
  });
  it('keys: random bytes and mutated PKCS#8 / encrypted PKCS#8', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => survives(() => importPrivateKey(b))), RUNS);
    fc.assert(fc.property(mutated(exportPkcs8Der(key)), (b) => survives(() => importPrivateKey(b))), RUNS);
    const enc = exportEncryptedPkcs8Der(key, 'hunter2-secret', { iterations: 1 });
    fc.assert(
      fc.property(mutated(enc), (b) => {
        try {
          importPrivateKey(b, { passphrase: 'hunter2-secret' });
        } catch (e) {
          expect(e).toBeInstanceOf(CertkitError);
          expect([...INPUT_CODES, 'BAD_PASSWORD']).toContain((e as CertkitError).code);
          expect((e as CertkitError).message).not.toContain('hunter2');
        }
      }),
      { numRuns: 150 },
    );
  });
  it('distinguished names: random text, and random Name DER mutations', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (s) => survives(() => parseDname(s))), RUNS);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('CN', '=', ',', '+', '\\', '"', '#', 'a', ' ', '41', 'é', ';', 'OID.1.2', '0c01'), { maxLength: 40 }), (parts) =>
        survives(() => parseDname(parts.join(''))),
      ),
      RUNS,
    );
    fc.assert(fc.property(mutated(name), (b) => survives(() => decodeName(b))), RUNS);
  });
  it('certificates and CSRs: mutations', () => {
    fc.assert(fc.property(mutated(cert), (b) => survives(() => parseCertificate(b))), RUNS);
    fc.assert(fc.property(mutated(csr), (b) => survives(() => parseCsr(b), [...INPUT_CODES])), RUNS);
    fc.assert(fc.property(mutated(cert), (b) => survives(() => orderChain([cert, b]))), { numRuns: 100 });
  });
});

describe('hostile input (crafted)', () => {
  it('deep nesting and absurd lengths are refused before allocation', () => {
    const deep = Buffer.concat([Buffer.from(Array(40).fill([0x30, 0x80]).flat()), Buffer.alloc(80)]);
    expect(() => parseCertificate(deep)).toThrow(CertkitError);
    let nested: Buffer = Buffer.from([0x05, 0x00]);
    for (let i = 0; i < 40; i++) nested = Buffer.concat([Buffer.from([0x30, nested.length]), nested]).subarray(0, Math.min(nested.length + 2, 127));
    const e1 = (() => { try { parseCertificate(nested); } catch (e) { return e as CertkitError; } return undefined; })();
    expect(e1?.code).toBe('LIMIT_EXCEEDED');
    expect(e1?.message).toBe('certificate: nested more than 32 levels deep');
    const huge = Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00]);
    expect(() => parseCertificate(huge)).toThrow('certificate: length 2147483647 at byte 0 runs past the end (1 bytes left)');
    expect(() => parseCsr(huge)).toThrow('certificate request: length 2147483647 at byte 0 runs past the end (1 bytes left)');
    expect(() => importPrivateKey(huge)).toThrow('private key: length 2147483647 at byte 0 runs past the end (1 bytes left)');
  });
  it('a wrong passphrase never appears in the message', () => {
    const pem = encodePem('ENCRYPTED PRIVATE KEY', exportEncryptedPkcs8Der(key, 'right-one', { iterations: 1 }));
    try {
      importPrivateKey(pem, { passphrase: 'wrong-one-secret' });
      throw new Error('accepted a wrong passphrase');
    } catch (e) {
      expect((e as CertkitError).code).toBe('BAD_PASSWORD');
      expect(String((e as CertkitError).message)).not.toContain('wrong-one-secret');
      expect(String((e as CertkitError).message)).not.toContain('right-one');
    }
  });
});
