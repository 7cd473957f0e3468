import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertkitError } from '../../src/errors.js';
import { exportPkcs8Pem, spkiDer } from '../../src/keys.js';
import { decodePem, encodePem } from '../../src/pem.js';
import { buildCsr, buildCsrPem } from '../../src/x509/csr.js';
import { fixCsrPem, parseCsr } from '../../src/x509/csr-parse.js';
import { encodeName, parseDname } from '../../src/x509/dn.js';
import { haveTools, run, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { errorOf } from '../support/errors.js';

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;


describe('buildCsr / parseCsr', () => {
  it('always writes the empty attributes [0] field, and the signature matches the key', () => {
    const der = buildCsr({ subject: 'CN=glue-client', key: rsa });
    // ... SubjectPublicKeyInfo then a0 00 (empty attributes), then sha256WithRSAEncryption with NULL.
    const hex = der.toString('hex');
    expect(hex).toContain(spkiDer(rsa).toString('hex') + 'a000300d06092a864886f70d01010b0500');
    const csr = parseCsr(der);
    expect([csr.subjectText, csr.signatureAlgorithm, csr.signatureValid, csr.attributes, csr.subjectAltNames]).toEqual([
      'CN=glue-client', 'SHA256withRSA', true, [], [],
    ]);
    expect(csr.subjectDer.equals(encodeName(parseDname('CN=glue-client')))).toBe(true);
    expect(csr.spki.equals(spkiDer(rsa))).toBe(true);
    expect(csr.der.equals(der)).toBe(true);
    // RSA PKCS#1 v1.5 signatures are deterministic: the same inputs give the same bytes.
    expect(buildCsr({ subject: 'CN=glue-client', key: rsa }).equals(der)).toBe(true);
  });
  it('requests SANs in an extensionRequest and signs P-384 keys with ecdsa-with-SHA384', () => {
    const pem = buildCsrPem({ subject: 'CN=a, O=b', key: ec384, subjectAltNames: [{ type: 'dns', value: 'a.example' }, { type: 'ip', value: '10.1.2.3' }] });
    expect(pem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    const csr = parseCsr(pem);
    expect([csr.subjectText, csr.signatureAlgorithm, csr.signatureValid, csr.attributes, csr.subjectAltNames]).toEqual([
      'CN=a, O=b', 'SHA384withECDSA', true, ['1.2.840.113549.1.9.14'], [{ type: 'dns', value: 'a.example' }, { type: 'ip', value: '10.1.2.3' }],
    ]);
  });
  it('refuses a public key or a mismatched signature algorithm', () => {
    expect(errorOf(() => buildCsr({ subject: 'CN=a', key: crypto.createPublicKey(rsa) }))).toBe('USAGE: a CSR must be signed with a private key');
    expect(errorOf(() => buildCsr({ subject: 'CN=a', key: rsa, signatureAlgorithm: 'SHA256WITHECDSA' }))).toBe(
      'USAGE: signature algorithm SHA256WITHECDSA does not fit a RSA 2048 key',
    );
  });
  it('reports a broken signature, and fixCsrPem refuses it', () => {
    const der = buildCsr({ subject: 'CN=glue-client', key: rsa });
    const bad = Buffer.from(der);
    bad[bad.length - 5]! ^= 0x01;
    expect(parseCsr(bad).signatureValid).toBe(false);
    expect(errorOf(() => fixCsrPem(encodePem('CERTIFICATE REQUEST', bad)))).toBe(
      'VERIFY_FAILED: certificate request: signature does not verify with its own public key',
    );
  });
  it('hostile input: empty, garbage, truncations, bit flips, wrong label', () => {
    const der = buildCsr({ subject: 'CN=glue-client', key: ec384 });
    expect(errorOf(() => parseCsr(Buffer.alloc(0)))).toBe('INVALID_INPUT: empty input');
    expect(errorOf(() => parseCsr('hello'))).toBe('INVALID_INPUT: expected CERTIFICATE REQUEST as PEM or DER, found text without a PEM block');
    expect(errorOf(() => parseCsr(encodePem('CERTIFICATE', der)))).toBe('INVALID_INPUT: expected a "CERTIFICATE REQUEST" PEM block, found "CERTIFICATE"');
    expect(errorOf(() => parseCsr(Buffer.concat([der, Buffer.from([0, 0])])))).toBe('INVALID_INPUT: certificate request: 2 trailing bytes after the DER structure');
    // Without the attributes field (what moto rejects) certkit rejects it too.
    const noAttrs = Buffer.from(der.toString('hex').replace(/a000(30..06)/, '$1'), 'hex');
    expect(errorOf(() => parseCsr(noAttrs))).toMatch(/^INVALID_INPUT: certificate request: /);
    for (let n = 0; n < der.length; n += 5) {
      expect(errorOf(() => parseCsr(der.subarray(0, n)))).toMatch(n === 0 ? /^INVALID_INPUT: empty input$/ : /^INVALID_INPUT: certificate request: /);
    }
    for (let bit = 0; bit < der.length * 8; bit += 11) {
      const flipped = Buffer.from(der);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      try {
        expect(parseCsr(flipped).signatureValid).toBe(false);
      } catch (e) {
        expect(e).toBeInstanceOf(CertkitError);
        expect(['INVALID_INPUT', 'UNSUPPORTED', 'LIMIT_EXCEEDED']).toContain((e as CertkitError).code);
      }
    }
  });
});

describe.skipIf(!haveTools('openssl', 'keytool'))('CSRs vs openssl and keytool', () => {
  const dir = tempDir();
  const f = (n: string) => join(dir, n);
  let keytoolCsr: string;
  let keytoolCertSpki: Buffer;
  beforeAll(() => {
    const kt = tool('keytool')!;
    const ks = f('kt.jks');
    execFileSync(kt, ['-genkeypair', '-keystore', ks, '-storetype', 'JKS', '-storepass', 'changeit', '-keypass', 'changeit', '-alias', 'client', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=glue-client, OU=x, O=y, C=US'], { stdio: 'pipe' });
    execFileSync(kt, ['-certreq', '-keystore', ks, '-storepass', 'changeit', '-alias', 'client', '-file', f('kt.csr')], { stdio: 'pipe' });
    execFileSync(kt, ['-exportcert', '-keystore', ks, '-storepass', 'changeit', '-alias', 'client', '-file', f('kt.cer')], { stdio: 'pipe' });
    keytoolCsr = readFileSync(f('kt.csr'), 'latin1');
    keytoolCertSpki = Buffer.from(
      run('sh', ['-c', `"${tool('openssl')}" x509 -inform DER -in "${f('kt.cer')}" -noout -pubkey | "${tool('openssl')}" pkey -pubin -outform DER | base64 -w0`]),
      'base64',
    );
  });
  it('keytool -certreq output has the NEW header and CRLF; certkit reads and fixes it', () => {
    // keytool writes the BEGIN line with LF, then 64-column base64 lines ending in CRLF.
    expect(keytoolCsr.startsWith('-----BEGIN NEW CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(keytoolCsr.split('\n')[1]).toMatch(/^[A-Za-z0-9+/]{64}\r$/);
    const csr = parseCsr(keytoolCsr);
    expect([csr.subjectText, csr.signatureAlgorithm, csr.signatureValid]).toEqual(['CN=glue-client, OU=x, O=y, C=US', 'SHA256withRSA', true]);
    expect(csr.spki.equals(keytoolCertSpki)).toBe(true);
    // keytool requests its SubjectKeyIdentifier in an extensionRequest; no SANs.
    expect([csr.attributes, csr.subjectAltNames]).toEqual([['1.2.840.113549.1.9.14'], []]);
    const fixed = fixCsrPem(keytoolCsr);
    expect(fixed.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(fixed).not.toContain('\r');
    expect(decodePem(fixed).der.equals(csr.der)).toBe(true);
    writeFileSync(f('fixed.csr'), fixed);
    expect(run(tool('openssl')!, ['req', '-in', f('fixed.csr'), '-noout', '-verify', '-subject', '-nameopt', 'RFC2253'])).toBe('subject=CN=glue-client,OU=x,O=y,C=US\n');
  });
  it('openssl req -verify accepts certkit CSRs, RSA and EC with SANs', () => {
    writeFileSync(f('rsa.csr'), buildCsrPem({ subject: 'CN=glue-client, O=Example Corp, C=US', key: rsa }));
    writeFileSync(f('ec.csr'), buildCsrPem({ subject: 'CN=ec-client', key: ec384, subjectAltNames: [{ type: 'dns', value: 'c.example' }] }));
    const openssl = tool('openssl')!;
    const r = run('sh', ['-c', `"${openssl}" req -in "${f('rsa.csr')}" -noout -verify -subject 2>&1`]);
    expect(r).toBe('Certificate request self-signature verify OK\nsubject=C = US, O = Example Corp, CN = glue-client\n');
    const e = run('sh', ['-c', `"${openssl}" req -in "${f('ec.csr')}" -noout -verify -text 2>&1`]);
    expect(e).toContain('Certificate request self-signature verify OK');
    expect(e).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(e).toContain('DNS:c.example');
  });
  it('certkit reads openssl req CSRs', () => {
    writeFileSync(f('k.pem'), exportPkcs8Pem(ec384));
    run(tool('openssl')!, ['req', '-new', '-key', f('k.pem'), '-subj', '/C=DE/O=Org/CN=from-openssl', '-addext', 'subjectAltName=DNS:o.example,email:a@b.c', '-out', f('o.csr')]);
    const csr = parseCsr(readFileSync(f('o.csr')));
    expect([csr.subjectText, csr.signatureAlgorithm, csr.signatureValid, csr.subjectAltNames]).toEqual([
      'CN=from-openssl, O=Org, C=DE', 'SHA256withECDSA', true, [{ type: 'dns', value: 'o.example' }, { type: 'email', value: 'a@b.c' }],
    ]);
    expect(csr.spki.equals(spkiDer(ec384))).toBe(true);
  });
});
