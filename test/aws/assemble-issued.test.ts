/**
 * assembleIssued: what GetCertificate returned, checked and put in order. Certificates made by
 * openssl: root → intermediate → leaf (from a CSR), plus an unrelated root.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertkitError } from '../../src/errors.js';
import { assembleIssued } from '../../src/issuers/acm-pca.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run } from '../support/tools.js';

const ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555/certificate/0123456789abcdef0123456789abcdef';

function caught(fn: () => unknown): CertkitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe.skipIf(!haveTools('openssl'))('assembleIssued', () => {
  const dir = tempDir();
  const p = (f: string) => join(dir, f);
  const pem: Record<string, string> = {};
  let csrDer: Buffer;
  let otherCsrDer: Buffer;

  beforeAll(() => {
    writeFileSync(p('ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n');
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('root.key'), '-subj', '/CN=Root', '-days', '10', '-out', p('root.pem')]);
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('other.key'), '-subj', '/CN=Other', '-days', '10', '-out', p('other.pem')]);
    run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('int.key'), '-subj', '/CN=Intermediate', '-out', p('int.csr')]);
    run('openssl', ['x509', '-req', '-in', p('int.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-CAcreateserial', '-days', '5', '-extfile', p('ca.ext'), '-out', p('int.pem')]);
    run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('leaf.key'), '-subj', '/CN=leaf', '-outform', 'DER', '-out', p('leaf.csr')]);
    run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('x.key'), '-subj', '/CN=x', '-outform', 'DER', '-out', p('x.csr')]);
    run('openssl', ['x509', '-req', '-inform', 'DER', '-in', p('leaf.csr'), '-CA', p('int.pem'), '-CAkey', p('int.key'), '-CAcreateserial', '-days', '2', '-out', p('leaf.pem')]);
    for (const n of ['root', 'other', 'int', 'leaf']) pem[n] = readFileSync(p(`${n}.pem`), 'utf8');
    csrDer = readFileSync(p('leaf.csr'));
    otherCsrDer = readFileSync(p('x.csr'));
  });

  const der = (name: string) => Buffer.from(pem[name]!.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');

  it('orders the chain issuer first up to the root, whatever order it came in', () => {
    for (const chain of [pem.int! + pem.root!, pem.root! + pem.int!]) {
      const out = assembleIssued(pem.leaf!, chain, csrDer, ARN);
      expect(out.leaf.equals(der('leaf'))).toBe(true);
      expect(out.chain.map((c) => c.toString('hex'))).toEqual([der('int').toString('hex'), der('root').toString('hex')]);
      expect(out.certificateArn).toBe(ARN);
    }
  });

  it('refuses a leaf whose key is not the CSR\'s', () => {
    const e = caught(() => assembleIssued(pem.leaf!, pem.int! + pem.root!, otherCsrDer, ARN));
    expect([e.code, e.message]).toEqual(['VERIFY_FAILED', `certificate ${ARN}: its public key is not the CSR's`]);
  });

  it('refuses a chain without the leaf\'s issuer, or with a certificate off the path', () => {
    const a = caught(() => assembleIssued(pem.leaf!, pem.root!, csrDer, ARN));
    expect([a.code, a.message]).toEqual(['VERIFY_FAILED', `certificate ${ARN}: the chain ACM PCA returned does not contain its issuer`]);
    const b = caught(() => assembleIssued(pem.leaf!, pem.int! + pem.root! + pem.other!, csrDer, ARN));
    expect([b.code, b.message]).toEqual(['VERIFY_FAILED', `certificate ${ARN}: the chain ACM PCA returned holds 1 certificate(s) off the path to the root`]);
  });

  it('an empty chain means the CA is not activated', () => {
    const e = caught(() => assembleIssued(pem.leaf!, undefined, csrDer, ARN));
    expect([e.code, e.message, e.hint]).toEqual(['AWS', `certificate ${ARN} came without a certificate chain`, 'is the CA activated (its CA certificate imported)?']);
  });

  it('refuses two leaves, a non-certificate block and garbage', () => {
    expect(caught(() => assembleIssued(pem.leaf! + pem.int!, pem.root!, csrDer, ARN)).message).toBe(
      `certificate ${ARN}: expected one certificate, got 2`,
    );
    const keyBlock = readFileSync(p('leaf.key'), 'utf8');
    const k = caught(() => assembleIssued(pem.leaf!, pem.int! + keyBlock, csrDer, ARN));
    expect([k.code, k.message]).toEqual(['INVALID_INPUT', `chain of certificate ${ARN}: a "PRIVATE KEY" PEM block where a certificate belongs`]);
    const g = caught(() => assembleIssued('not pem at all', pem.root!, csrDer, ARN));
    expect(g.code).toBe('INVALID_INPUT');
    expect(g.message.startsWith(`certificate ${ARN}: `)).toBe(true);
  });
});
