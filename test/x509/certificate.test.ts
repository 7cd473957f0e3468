import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertkitError } from '../../src/errors.js';
import { decodePem } from '../../src/pem.js';
import { fingerprint, parseCertificate, parseTime } from '../../src/x509/certificate.js';
import { haveTools, run, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { errorOf } from '../support/errors.js';


describe('parseTime', () => {
  it('reads UTCTime (50-year window) and GeneralizedTime, rejects the rest', () => {
    const t = (tag: number, s: string) => ({ tag, bytes: Buffer.alloc(0), content: Buffer.from(s) });
    expect(parseTime(t(0x17, '491231235959Z'), 'x').toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(parseTime(t(0x17, '500101000000Z'), 'x').toISOString()).toBe('1950-01-01T00:00:00.000Z');
    expect(parseTime(t(0x18, '20500101000000Z'), 'x').toISOString()).toBe('2050-01-01T00:00:00.000Z');
    expect(errorOf(() => parseTime(t(0x17, '4912312359Z'), 'notAfter'))).toBe('INVALID_INPUT: notAfter: bad UTCTime "4912312359Z"');
    expect(errorOf(() => parseTime(t(0x17, '490231000000Z'), 'notAfter'))).toBe('INVALID_INPUT: notAfter: impossible date "490231000000Z"');
    expect(errorOf(() => parseTime(t(0x18, '20500101000000+0100'), 'notAfter'))).toBe('INVALID_INPUT: notAfter: bad GeneralizedTime "20500101000000+0100"');
  });
});

describe.skipIf(!haveTools('openssl'))('certificates made by openssl', () => {
  const dir = tempDir();
  const openssl = tool('openssl') ?? 'openssl';
  let der: Buffer;
  let printed: Record<string, string>;
  beforeAll(() => {
    run(openssl, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '30',
      '-subj', '/C=US/O=Org/CN=leaf',
      '-addext', 'subjectAltName=DNS:a.example,IP:10.0.0.1,IP:2001:db8::1,email:x@y.z,URI:spiffe://t/x',
      '-addext', 'extendedKeyUsage=clientAuth,serverAuth',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', 'basicConstraints=critical,CA:true,pathlen:2',
    ]);
    der = decodePem(readFileSync(join(dir, 'c.pem'))).der;
    const out = run(openssl, ['x509', '-in', join(dir, 'c.pem'), '-noout', '-serial', '-fingerprint', '-sha256', '-dates']);
    const sha1 = run(openssl, ['x509', '-in', join(dir, 'c.pem'), '-noout', '-fingerprint', '-sha1']);
    printed = Object.fromEntries([...out.split('\n'), ...sha1.split('\n')].filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  });
  it('reads every field as openssl prints it', () => {
    const c = parseCertificate(der);
    expect(c.der.equals(der)).toBe(true);
    expect(c.serialHex).toBe(printed['serial']);
    expect(c.serial).toBe(BigInt('0x' + printed['serial']!).toString(16));
    expect(c.sha256).toBe(printed['sha256 Fingerprint']);
    expect(c.sha1).toBe(printed['sha1 Fingerprint']);
    expect(c.notBefore.getTime()).toBe(new Date(printed['notBefore']!).getTime());
    expect(c.notAfter.getTime()).toBe(new Date(printed['notAfter']!).getTime());
    expect(c.subjectText).toBe('CN=leaf, O=Org, C=US');
    expect(c.issuerText).toBe('CN=leaf, O=Org, C=US');
    expect([c.version, c.keyAlgorithm, c.keySize, c.curve, c.signatureAlgorithm]).toEqual([3, 'RSA', 2048, undefined, 'SHA256withRSA']);
    expect([c.isCA, c.pathLen]).toEqual([true, 2]);
    expect(c.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.extKeyUsage).toEqual(['clientAuth', 'serverAuth']);
    expect(c.subjectAltNames).toEqual([
      { type: 'dns', value: 'a.example' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'ip', value: '2001:db8:0:0:0:0:0:1' },
      { type: 'email', value: 'x@y.z' },
      { type: 'uri', value: 'spiffe://t/x' },
    ]);
    expect(c.subjectKeyId?.equals(c.authorityKeyId!)).toBe(true);
    expect(c.spki.equals(c.publicKey!.export({ format: 'der', type: 'spki' }))).toBe(true);
    expect(fingerprint(der, 'sha256')).toBe(printed['sha256 Fingerprint']);
  });

  it('hostile input: empty, garbage, trailing bytes, every truncation and bit flips give CertkitErrors', () => {
    expect(errorOf(() => parseCertificate(Buffer.alloc(0)))).toBe('INVALID_INPUT: certificate: empty input');
    expect(errorOf(() => parseCertificate(Buffer.from('hello world')))).toBe(
      'INVALID_INPUT: certificate: length 101 at byte 0 runs past the end (9 bytes left)',
    );
    expect(errorOf(() => parseCertificate(Buffer.concat([der, Buffer.from([0])]), 'certificate 2'))).toBe(
      'INVALID_INPUT: certificate 2: 1 trailing bytes after the DER structure',
    );
    expect(errorOf(() => parseCertificate(Buffer.from('3003020101', 'hex')))).toBe(
      'INVALID_INPUT: certificate: expected 3 parts (tbsCertificate, signatureAlgorithm, signature), found 1',
    );
    for (let n = 0; n < der.length; n += 7) {
      expect(errorOf(() => parseCertificate(der.subarray(0, n)))).toMatch(/^INVALID_INPUT: certificate: /);
    }
    let accepted = 0;
    for (let bit = 0; bit < der.length * 8; bit += 13) {
      const flipped = Buffer.from(der);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      try {
        parseCertificate(flipped);
        accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(CertkitError);
        expect(['INVALID_INPUT', 'LIMIT_EXCEEDED']).toContain((e as CertkitError).code);
      }
    }
    // Flips inside key, signature and string bytes still parse (signatures are chain.ts's job).
    expect(accepted).toBeGreaterThan(0);
  });
  it('rejects a certificate whose inner and outer signature algorithms differ', () => {
    // Swap sha256WithRSAEncryption (…01 01 0b) for sha384 (…01 01 0c) in the outer AlgorithmIdentifier only.
    const hex = der.toString('hex');
    const at = hex.lastIndexOf('2a864886f70d01010b');
    const bad = Buffer.from(hex.slice(0, at) + '2a864886f70d01010c' + hex.slice(at + 18), 'hex');
    expect(errorOf(() => parseCertificate(bad))).toBe(
      'INVALID_INPUT: certificate: signature algorithm inside and outside the TBSCertificate differ',
    );
  });
});
