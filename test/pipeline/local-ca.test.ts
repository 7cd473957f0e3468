/**
 * The local CA: files and modes, the root's and the leaves' extensions (decoded, and as openssl
 * reads them), CSR signature checking, validity bounds, and loading errors.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { CA_CERT_FILE, CA_KEY_FILE, createLocalCaIssuer, initLocalCa, loadLocalCa, localCaState, openLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { exitStatusOf, formatError } from '../../src/errors.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { setBeforePublishHookForTests } from '../../src/sinks/directory.js';
import { exportPkcs8Pem } from '../../src/keys.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { buildCsr } from '../../src/x509/csr.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run, tool } from '../support/tools.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const rnd = (seed: string) => {
  let i = 0;
  return (n: number) => createHash('sha512').update(`${seed}${i++}`).digest().subarray(0, n);
};

describe('local CA', () => {
  const dir = tempDir('certkit-local-ca-');
  let ca: LocalCa;

  beforeAll(async () => {
    ca = await initLocalCa('ca', { cwd: dir, keyType: 'ec256', subject: 'CN=unit CA,O=certkit tests', now: () => NOW, randomBytes: rnd('ca') });
  });

  it('writes ca-key.pem (0600, PKCS#8) and ca.pem (0644): a self-signed CA, keyCertSign/cRLSign, SKI', () => {
    expect(statSync(join(dir, 'ca', CA_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'ca', CA_CERT_FILE)).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dir, 'ca', CA_KEY_FILE), 'utf8')).toBe(exportPkcs8Pem(ca.key));
    const c = parseCertificate(ca.cert);
    expect([c.subjectText, c.issuerText, c.isCA, c.pathLen]).toEqual(['CN=unit CA, O=certkit tests', 'CN=unit CA, O=certkit tests', true, 0]);
    expect(c.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(c.subjectKeyId?.length).toBe(20);
    expect(c.notBefore.toISOString()).toBe('2026-11-23T09:59:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2036-11-23T10:00:00.000Z');
    expect(c.signatureAlgorithm).toBe('SHA256withECDSA');
  });

  it('signs a clientAuth leaf from a CSR: subject kept, AKI = CA SKI, chain = [CA]', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const csrDer = buildCsr({ subject: 'CN=leaf,OU=unit', key });
    const issued = await createLocalCaIssuer(ca, { now: () => NOW, randomBytes: rnd('leaf') }).issue({ csrDer, validity: parseValidity('300d', NOW) });
    expect(issued.chain).toEqual([ca.cert]);
    expect(issued.certificateArn).toBeUndefined();
    const c = parseCertificate(issued.leaf);
    const caInfo = parseCertificate(ca.cert);
    expect(c.subjectText).toBe('CN=leaf, OU=unit');
    expect(c.issuerDer.equals(caInfo.subjectDer)).toBe(true);
    expect(c.isCA).toBe(false);
    expect(c.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.extKeyUsage).toEqual(['clientAuth']);
    expect(c.authorityKeyId!.equals(caInfo.subjectKeyId!)).toBe(true);
    expect(c.notAfter.toISOString()).toBe('2027-09-19T10:00:00.000Z');
    expect(c.serial).toMatch(/^[0-9a-f]{31,32}$/);
    if (haveTools('openssl')) {
      writeFileSync(join(dir, 'leaf.der'), issued.leaf);
      const text = run(tool('openssl')!, ['x509', '-inform', 'DER', '-in', join(dir, 'leaf.der'), '-noout', '-ext', 'keyUsage,extendedKeyUsage,basicConstraints']);
      expect(text).toBe('X509v3 Key Usage: critical\n    Digital Signature, Key Encipherment\nX509v3 Extended Key Usage: \n    TLS Web Client Authentication\n');
    }
  });

  it('refuses a CSR whose signature does not verify, and a validity past the CA', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const csrDer = Buffer.from(buildCsr({ subject: 'CN=tampered', key }));
    const at = csrDer.length - 5; // inside the signature
    csrDer.writeUInt8(csrDer.readUInt8(at) ^ 0x01, at);
    const issuer = createLocalCaIssuer(ca, { now: () => NOW });
    await expect(issuer.issue({ csrDer, validity: parseValidity('1d', NOW) })).rejects.toMatchObject({ code: 'VERIFY_FAILED' });
    const good = buildCsr({ subject: 'CN=long', key });
    await expect(issuer.issue({ csrDer: good, validity: parseValidity('11y', NOW) })).rejects.toMatchObject({
      code: 'USAGE',
      message: 'the requested validity ends after the local CA expires (2036-11-23T10:00:00.000Z)',
    });
  });

  it('loads what it wrote; refuses a missing or mismatched CA; init refuses to overwrite', async () => {
    const loaded = await loadLocalCa('ca', { cwd: dir });
    expect(loaded.cert.equals(ca.cert)).toBe(true);
    expect(loaded.dir).toBe(join(dir, 'ca'));
    await expect(loadLocalCa('nope', { cwd: dir })).rejects.toMatchObject({ code: 'READ_FAILED', file: 'nope/ca-key.pem' });
    await initLocalCa('other', { cwd: dir, keyType: 'ec256' });
    writeFileSync(join(dir, 'other', CA_KEY_FILE), exportPkcs8Pem(ca.key));
    await expect(loadLocalCa('other', { cwd: dir })).rejects.toMatchObject({ code: 'VERIFY_FAILED', message: 'ca-key.pem does not belong to ca.pem' });
    await expect(initLocalCa('ca', { cwd: dir, keyType: 'ec256' })).rejects.toMatchObject({ code: 'EXISTS', file: 'ca/ca-key.pem' });
  });

  it('openLocalCa: creates, loads, completes a key without its certificate, refuses a certificate without its key', async () => {
    expect(await localCaState('fresh', dir)).toBe('absent');
    const made = await openLocalCa('fresh', { cwd: dir, keyType: 'ec256', now: () => NOW });
    expect(made.how).toBe('created');
    expect(await localCaState('fresh', dir)).toBe('complete');
    const again = await openLocalCa('fresh', { cwd: dir });
    expect([again.how, again.ca.cert.equals(made.ca.cert)]).toEqual(['loaded', true]);
    // An unfinished CA (the state a kill between the two writes leaves): the key is kept, a root made for it.
    unlinkSync(join(dir, 'fresh', CA_CERT_FILE));
    expect(await localCaState('fresh', dir)).toBe('key-only');
    const keyPem = readFileSync(join(dir, 'fresh', CA_KEY_FILE), 'utf8');
    const done = await openLocalCa('fresh', { cwd: dir, now: () => NOW });
    expect(done.how).toBe('completed');
    expect(readFileSync(join(dir, 'fresh', CA_KEY_FILE), 'utf8')).toBe(keyPem);
    expect(statSync(join(dir, 'fresh', CA_CERT_FILE)).mode & 0o777).toBe(0o644);
    const x = new X509Certificate(readFileSync(join(dir, 'fresh', CA_CERT_FILE)));
    expect([x.subject, x.ca, x.validTo]).toEqual(['O=certkit\nCN=certkit local development CA', true, 'Nov 23 10:00:00 2036 GMT']);
    expect(x.checkPrivateKey(made.ca.key)).toBe(true);
    const reloaded = await loadLocalCa('fresh', { cwd: dir });
    expect(reloaded.cert.equals(done.ca.cert)).toBe(true);
    // A certificate without its key is not completed (that key is gone): the missing key is named.
    unlinkSync(join(dir, 'fresh', CA_KEY_FILE));
    expect(await localCaState('fresh', dir)).toBe('cert-only');
    await expect(openLocalCa('fresh', { cwd: dir })).rejects.toMatchObject({ code: 'READ_FAILED', message: 'no such file', file: 'fresh/ca-key.pem' });
    // A key that does not parse is refused, not replaced.
    mkdirSync(join(dir, 'junk'));
    writeFileSync(join(dir, 'junk', CA_KEY_FILE), 'not a key');
    await expect(openLocalCa('junk', { cwd: dir })).rejects.toMatchObject({ code: 'INVALID_INPUT', file: 'junk/ca-key.pem' });
    expect(readFileSync(join(dir, 'junk', CA_KEY_FILE), 'utf8')).toBe('not a key');
  });

  it.each([
    ['creating it', 'raced-new', async () => undefined],
    ['completing a key without its certificate', 'raced-key-only', async (name: string) => {
      await initLocalCa(name, { cwd: dir, keyType: 'ec256' });
      unlinkSync(join(dir, name, CA_CERT_FILE));
    }],
  ] as const)('two runs %s at once: the loser is told another run made it and to run again (not --force)', async (_what, name, prepare) => {
    await prepare(name);
    // The first run pauses before its first publication; the second runs to the end meanwhile.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let paused!: () => void;
    const isPaused = new Promise<void>((r) => (paused = r));
    let calls = 0;
    setBeforePublishHookForTests(async () => {
      if (++calls > 1) return;
      paused();
      await released;
    });
    try {
      const first = openLocalCa(name, { cwd: dir, keyType: 'ec256' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      await isPaused;
      const second = await openLocalCa(name, { cwd: dir, keyType: 'ec256' });
      expect(['created', 'completed']).toContain(second.how);
      release();
      const e = await first;
      expect([formatError(e), exitStatusOf(e)]).toEqual([
        `certkit: ${name}: another certkit run made the local CA here at the same time (run the command again: it will use that CA)`,
        6,
      ]);
    } finally {
      setBeforePublishHookForTests(undefined);
      release();
    }
    const again = await openLocalCa(name, { cwd: dir });
    expect(again.how).toBe('loaded');
    expect(readdirSync(join(dir, name)).sort()).toEqual([CA_CERT_FILE, CA_KEY_FILE].sort());
  });
});
