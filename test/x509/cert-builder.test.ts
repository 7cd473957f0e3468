import * as crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePem } from '../../src/pem.js';
import { buildCertificate, encodeTime, randomSerial, unsignedInteger } from '../../src/x509/cert-builder.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { haveTools, run, runStatus, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { errorOf } from '../support/errors.js';

const rootKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const interKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const leafKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const notBefore = new Date('2026-01-01T00:00:00.987Z');
const notAfter = new Date('2036-01-01T00:00:00Z');


function makeChain() {
  const root = buildCertificate({
    subject: 'CN=certkit test root, O=certkit',
    publicKey: rootKey,
    signingKey: rootKey,
    notBefore,
    notAfter,
    isCA: true,
    pathLen: 1,
  });
  const inter = buildCertificate({
    subject: 'CN=certkit test intermediate, O=certkit',
    issuerCertificate: root,
    publicKey: interKey,
    signingKey: rootKey,
    notBefore,
    notAfter,
    isCA: true,
    pathLen: 0,
  });
  const leaf = buildCertificate({
    subject: 'CN=glue-client, OU=x, O=y, C=US',
    issuerCertificate: inter,
    publicKey: leafKey,
    signingKey: interKey,
    notBefore,
    notAfter,
    extKeyUsage: ['clientAuth'],
    subjectAltNames: [{ type: 'dns', value: 'client.example' }],
    serial: Buffer.from('00ff01', 'hex'),
  });
  return { root, inter, leaf };
}

describe('buildCertificate', () => {
  const { root, inter, leaf } = makeChain();
  it('writes the fields asked for', () => {
    const r = parseCertificate(root);
    const i = parseCertificate(inter);
    const l = parseCertificate(leaf);
    expect([r.subjectText, r.issuerText, r.isCA, r.pathLen, r.keyUsage, r.signatureAlgorithm]).toEqual([
      'CN=certkit test root, O=certkit', 'CN=certkit test root, O=certkit', true, 1, ['digitalSignature', 'keyCertSign', 'cRLSign'], 'SHA384withECDSA',
    ]);
    expect([i.issuerText, i.isCA, i.pathLen, i.signatureAlgorithm, i.keyAlgorithm, i.keySize]).toEqual([
      'CN=certkit test root, O=certkit', true, 0, 'SHA384withECDSA', 'RSA', 2048,
    ]);
    expect(i.issuerDer.equals(r.subjectDer)).toBe(true);
    expect(i.authorityKeyId!.equals(r.subjectKeyId!)).toBe(true);
    expect(l.authorityKeyId!.equals(i.subjectKeyId!)).toBe(true);
    expect([l.subjectText, l.issuerText, l.isCA, l.pathLen, l.keyUsage, l.extKeyUsage, l.subjectAltNames, l.serial, l.serialHex, l.signatureAlgorithm]).toEqual([
      'CN=glue-client, OU=x, O=y, C=US', 'CN=certkit test intermediate, O=certkit', false, undefined, ['digitalSignature'], ['clientAuth'],
      [{ type: 'dns', value: 'client.example' }], 'ff01', '00FF01', 'SHA256withRSA',
    ]);
    // Times are whole seconds.
    expect([l.notBefore.toISOString(), l.notAfter.toISOString()]).toEqual(['2026-01-01T00:00:00.000Z', '2036-01-01T00:00:00.000Z']);
    expect(l.extensions.map((e) => `${e.oid}${e.critical ? '!' : ''}`)).toEqual(['2.5.29.15!', '2.5.29.37', '2.5.29.17', '2.5.29.14', '2.5.29.35']);
  });
  it('is deterministic for RSA signatures with an injected random source', () => {
    const fixed = (n: number) => Buffer.alloc(n, 0xab);
    const opts = { subject: 'CN=a', publicKey: leafKey, signingKey: interKey, notBefore, notAfter, randomBytes: fixed } as const;
    const a = buildCertificate(opts);
    expect(a.equals(buildCertificate(opts))).toBe(true);
    expect(parseCertificate(a).serialHex).toBe('6B' + 'AB'.repeat(15));
  });
  it('encodes times, serials and refuses inconsistent options', () => {
    expect(encodeTime(new Date('2049-12-31T23:59:59Z')).toString('latin1').slice(2)).toBe('491231235959Z');
    expect(encodeTime(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(unsignedInteger(Buffer.from('000080', 'hex')).toString('hex')).toBe('02020080');
    expect(randomSerial(() => Buffer.alloc(16, 0))[0]).toBe(0x40);
    expect(errorOf(() => unsignedInteger(Buffer.from('0000', 'hex')))).toBe('INVALID_INPUT: serial number must be positive');
    expect(errorOf(() => buildCertificate({ subject: 'CN=a', publicKey: leafKey, signingKey: leafKey, notBefore: notAfter, notAfter: notBefore }))).toBe(
      'USAGE: certificate notAfter is before notBefore',
    );
    expect(errorOf(() => buildCertificate({ subject: 'CN=a', publicKey: leafKey, signingKey: leafKey, notBefore, notAfter, signatureAlgorithm: 'SHA256WITHRSA' }))).toBe(
      'USAGE: signature algorithm SHA256WITHRSA does not fit a EC P-256 key',
    );
    expect(errorOf(() => buildCertificate({ subject: 'CN=a', issuerCertificate: root, publicKey: leafKey, signingKey: leafKey, notBefore, notAfter }))).toBe(
      'USAGE: the signing key does not belong to the issuer certificate',
    );
  });

  describe.skipIf(!haveTools('openssl', 'keytool'))('judged by openssl and keytool', () => {
    const dir = tempDir();
    it('openssl verify accepts the chain for clientAuth and keytool prints the same fingerprints', () => {
      writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', root));
      writeFileSync(join(dir, 'inter.pem'), encodePem('CERTIFICATE', inter));
      writeFileSync(join(dir, 'leaf.pem'), encodePem('CERTIFICATE', leaf));
      const openssl = tool('openssl')!;
      const ok = run(openssl, ['verify', '-x509_strict', '-purpose', 'sslclient', '-attime', String(Date.parse('2027-01-01') / 1000), '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'inter.pem'), join(dir, 'leaf.pem')]);
      expect(ok.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);
      // Without the intermediate the chain cannot be built.
      const bad = runStatus(openssl, ['verify', '-attime', String(Date.parse('2027-01-01') / 1000), '-CAfile', join(dir, 'root.pem'), join(dir, 'leaf.pem')]);
      expect(bad.status).toBe(2);
      // serverAuth is not allowed for this leaf.
      const purpose = runStatus(openssl, ['verify', '-purpose', 'sslserver', '-attime', String(Date.parse('2027-01-01') / 1000), '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'inter.pem'), join(dir, 'leaf.pem')]);
      expect(purpose.status).toBe(2);
      const printed = run(tool('keytool')!, ['-printcert', '-file', join(dir, 'leaf.pem')]);
      const l = parseCertificate(leaf);
      expect(printed).toContain(`Owner: ${l.subjectText}\n`);
      expect(printed).toContain(`Issuer: ${l.issuerText}\n`);
      expect(printed).toContain(`Serial number: ${l.serial}\n`);
      expect(printed).toContain(`SHA1: ${l.sha1}\n`);
      expect(printed).toContain(`SHA256: ${l.sha256}\n`);
      const x509 = run(openssl, ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-fingerprint', '-sha256']);
      expect(x509.trim()).toBe(`sha256 Fingerprint=${l.sha256}`);
    });
  });
});
