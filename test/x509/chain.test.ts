import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { certificateMatchesKey, MAX_CHAIN_LENGTH, orderChain, verifyChain } from '../../src/x509/chain.js';
import { errorOf } from '../support/errors.js';

const key = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rootKey = key();
const interKey = key();
const leafKey = key();
const otherKey = key();
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2027-01-01T00:00:00Z');
const base = { notBefore, notAfter } as const;

const root = buildCertificate({ ...base, subject: 'CN=Root', publicKey: rootKey, signingKey: rootKey, isCA: true });
const inter = buildCertificate({ ...base, subject: 'CN=Inter', issuerCertificate: root, publicKey: interKey, signingKey: rootKey, isCA: true });
const leaf = buildCertificate({ ...base, subject: 'CN=Leaf', issuerCertificate: inter, publicKey: leafKey, signingKey: interKey, extKeyUsage: ['clientAuth'] });
const otherRoot = buildCertificate({ ...base, subject: 'CN=Other', publicKey: otherKey, signingKey: otherKey, isCA: true });

const subjects = (certs: Buffer[]) => certs.map((c) => parseCertificate(c).subjectText);


describe('orderChain', () => {
  it('orders any permutation leaf → root and drops exact duplicates', () => {
    const perms = [
      [leaf, inter, root],
      [root, inter, leaf],
      [inter, root, leaf],
      [root, leaf, inter, leaf, root],
    ];
    for (const p of perms) expect(subjects(orderChain(p))).toEqual(['CN=Leaf', 'CN=Inter', 'CN=Root']);
    expect(subjects(orderChain([inter, leaf]))).toEqual(['CN=Leaf', 'CN=Inter']);
    expect(subjects(orderChain([root]))).toEqual(['CN=Root']);
  });
  it('rejects two leaves, strays, cycles, empty and oversized sets', () => {
    expect(errorOf(() => orderChain([leaf, inter, root, otherRoot]))).toBe(
      'INVALID_INPUT: the certificates are not one chain: certificate 1 (CN=Leaf) and certificate 4 (CN=Other) are both leaves',
    );
    expect(errorOf(() => orderChain([leaf, root]))).toBe(
      'INVALID_INPUT: the certificates are not one chain: certificate 1 (CN=Leaf) and certificate 2 (CN=Root) are both leaves',
    );
    // A issued by B and B issued by A: every certificate is someone's issuer.
    const aKey = key();
    const bKey = key();
    const a = buildCertificate({ ...base, subject: 'CN=A', issuer: 'CN=B', publicKey: aKey, signingKey: bKey, isCA: true });
    const b = buildCertificate({ ...base, subject: 'CN=B', issuer: 'CN=A', publicKey: bKey, signingKey: aKey, isCA: true });
    expect(errorOf(() => orderChain([a, b]))).toBe('INVALID_INPUT: the certificates form a cycle: every one issues another, so none is the leaf');
    // A leaf hanging off the cycle.
    const l = buildCertificate({ ...base, subject: 'CN=L', issuer: 'CN=A', publicKey: leafKey, signingKey: aKey });
    expect(errorOf(() => orderChain([l, a, b]))).toBe('INVALID_INPUT: the certificates form a cycle at certificate 2 (CN=A)');
    expect(errorOf(() => orderChain([]))).toBe('INVALID_INPUT: no certificates given');
    expect(errorOf(() => orderChain(Array(MAX_CHAIN_LENGTH + 1).fill(root)))).toBe(
      'LIMIT_EXCEEDED: 17 certificates is more than the 16 a chain may hold',
    );
    expect(errorOf(() => orderChain([leaf, Buffer.from('3000', 'hex')]))).toBe(
      'INVALID_INPUT: certificate 2: expected 3 parts (tbsCertificate, signatureAlgorithm, signature), found 0',
    );
  });
  it('uses the signature to choose between two issuers with the same name', () => {
    // Same name "CN=Inter", different key and no AKI match possible: only one signed the leaf.
    const impostorKey = key();
    const impostor = buildCertificate({ ...base, subject: 'CN=Inter', publicKey: impostorKey, signingKey: impostorKey, isCA: true });
    const leafNoAki = leaf; // carries the real intermediate's AKI, so the impostor is excluded by key id
    expect(subjects(orderChain([inter, leafNoAki, root]))).toEqual(['CN=Leaf', 'CN=Inter', 'CN=Root']);
    expect(errorOf(() => orderChain([impostor, leaf, inter, root]))).toBe(
      'INVALID_INPUT: the certificates are not one chain: certificate 1 (CN=Inter) and certificate 2 (CN=Leaf) are both leaves',
    );
  });
});

describe('verifyChain', () => {
  it('accepts a good chain, with and without trust anchors', () => {
    expect(() => verifyChain([leaf, inter, root])).not.toThrow();
    expect(() => verifyChain([leaf, inter], [root])).not.toThrow();
    expect(() => verifyChain([leaf, inter, root], [root], { now: new Date('2026-06-01T00:00:00Z') })).not.toThrow();
  });
  it('names the failing link', () => {
    expect(errorOf(() => verifyChain([leaf, root]))).toBe(
      'VERIFY_FAILED: certificate 1 (CN=Leaf) names issuer "CN=Inter", but the next certificate is certificate 2 (CN=Root)',
    );
    expect(errorOf(() => verifyChain([leaf, inter], [otherRoot]))).toBe(
      'VERIFY_FAILED: certificate 2 (CN=Inter) is not issued by any trusted CA (no trusted certificate has its issuer\'s name "CN=Root" and key identifier)',
    );
    expect(errorOf(() => verifyChain([leaf, inter, root], undefined, { now: new Date('2027-06-01T00:00:00Z') }))).toBe(
      'VERIFY_FAILED: certificate 1 (CN=Leaf) expired at 2027-01-01T00:00:00.000Z',
    );
    // A non-CA "issuer".
    const fakeLeaf = buildCertificate({ ...base, subject: 'CN=Under', issuerCertificate: leaf, publicKey: otherKey, signingKey: leafKey });
    expect(errorOf(() => verifyChain([fakeLeaf, leaf]))).toBe(
      'VERIFY_FAILED: certificate 2 (CN=Leaf) issues certificate 1 (CN=Under) but is not a CA (basicConstraints)',
    );
    // Right name, wrong key: signed by an impostor "CN=Root".
    const impostorRoot = buildCertificate({ ...base, subject: 'CN=Root', publicKey: otherKey, signingKey: otherKey, isCA: true });
    const forged = buildCertificate({ ...base, subject: 'CN=Inter', issuer: 'CN=Root', publicKey: interKey, signingKey: otherKey, isCA: true });
    expect(errorOf(() => verifyChain([forged, root]))).toBe(
      'VERIFY_FAILED: certificate 1 (CN=Inter): signature does not verify with the key of certificate 2 (CN=Root)',
    );
    // Same name as the real root but another key: excluded by the key identifier.
    expect(errorOf(() => verifyChain([leaf, inter], [impostorRoot]))).toBe(
      'VERIFY_FAILED: certificate 2 (CN=Inter) is not issued by any trusted CA (no trusted certificate has its issuer\'s name "CN=Root" and key identifier)',
    );
    // A forged intermediate (right issuer name, signed by another key) does not chain to the root.
    expect(errorOf(() => verifyChain([forged], [root]))).toBe(
      'VERIFY_FAILED: certificate 1 (CN=Inter) is not issued by any trusted CA (no trusted certificate has its issuer\'s name "CN=Root" and key identifier)',
    );
  });
});

describe('certificateMatchesKey', () => {
  it('compares the certified key with the private key', () => {
    expect(certificateMatchesKey(leaf, leafKey)).toBe(true);
    expect(certificateMatchesKey(leaf, interKey)).toBe(false);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(certificateMatchesKey(leaf, rsa)).toBe(false);
  });
});
