/**
 * verifyCredential / checkIssuedChain / the Redshift secret from files, judged on certificates
 * openssl made: success reports exact fields; each failed check is VERIFY_FAILED with its reason.
 */
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { exportPkcs8Pem } from '../../src/keys.js';
import { createExternalSchemaSql, redshiftSecretFromPem, redshiftSecretJson } from '../../src/redshift.js';
import { checkCredential, checkIssuedChain, parseDuration, verifyCredential } from '../../src/verify.js';
import { runCli } from '../support/cli.js';
import { haveTools, run, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { makeOpensslCa, opensslSign, type OpensslCa } from './openssl-ca.js';

const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

describe('parseDuration', () => {
  it('reads days, hours, weeks; a bare number is days', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('7')).toBe(7 * 86_400_000);
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('createExternalSchemaSql', () => {
  it('writes the statement the Redshift guide gives, quoting values', () => {
    expect(createExternalSchemaSql({ secretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', mskUri: 'b-1:9094,b-2:9094', iamRole: "arn:aws:iam::1:role/r'x" })).toBe(
      "CREATE EXTERNAL SCHEMA msk_schema FROM MSK IAM_ROLE 'arn:aws:iam::1:role/r''x' AUTHENTICATION mtls URI 'b-1:9094,b-2:9094' SECRET_ARN 'arn:aws:secretsmanager:us-east-1:1:secret:x';",
    );
  });
});

describe.skipIf(!haveTools('openssl'))('credential checks', () => {
  const dir = tempDir();
  let openssl: string;
  let ca: OpensslCa;
  let otherCa: OpensslCa;
  let leaf: Buffer;
  let keyPath: string;
  let serverOnly: Buffer;

  beforeAll(() => {
    openssl = tool('openssl')!;
    ca = makeOpensslCa(openssl, dir, 'verify root');
    const otherDir = join(dir, 'other');
    run('mkdir', ['-p', otherDir]);
    otherCa = makeOpensslCa(openssl, otherDir, 'other root');
    keyPath = join(dir, 'v-key.pem');
    const csrPath = join(dir, 'v.csr');
    run(openssl, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', csrPath, '-outform', 'DER', '-subj', '/CN=verify client']);
    leaf = opensslSign(openssl, ca, readFileSync(csrPath), 'v');
    // The same key signed for serverAuth only.
    const extPath = join(dir, 'server.ext');
    writeFileSync(extPath, 'extendedKeyUsage=serverAuth\n');
    run(openssl, ['x509', '-req', '-inform', 'DER', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', '7', '-days', '30', '-extfile', extPath, '-out', join(dir, 'server.crt')]);
    serverOnly = Buffer.from(new X509Certificate(readFileSync(join(dir, 'server.crt'))).raw);
  });

  it('accepts a good credential and reports it', () => {
    const key = createPrivateKey(readFileSync(keyPath));
    const x = new X509Certificate(leaf);
    const now = new Date(Date.parse(x.validFrom) + 86_400_000);
    const report = verifyCredential({ cert: pem(leaf) + pem(ca.certDer), key, ca: pem(ca.certDer), now, expiringWithinMs: 30 * 86_400_000 });
    expect(report).toEqual({
      subject: 'CN=verify client',
      issuer: 'CN=verify root, O=certkit tests',
      notAfter: new Date(x.validTo).toISOString(),
      daysLeft: 299,
      sha256: x.fingerprint256,
      path: ['CN=verify client', 'CN=verify root, O=certkit tests'],
      anchor: 'CN=verify root, O=certkit tests',
      anchorTrusted: true,
      keyMatches: true,
      clientAuth: true,
    });
    // The leaf alone, with --ca: the CA completes the path.
    expect(verifyCredential({ cert: pem(leaf), ca: pem(ca.certDer), now }).path).toEqual(['CN=verify client', 'CN=verify root, O=certkit tests']);
    // No --ca: the chain's own self-signed root is the (untrusted) anchor.
    expect(verifyCredential({ cert: pem(leaf) + pem(ca.certDer), now }).anchorTrusted).toBe(false);
  });

  it('names each failed check', () => {
    const now = new Date(Date.parse(new X509Certificate(leaf).validFrom) + 86_400_000);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const fails = (input: Parameters<typeof verifyCredential>[0]) => {
      try {
        verifyCredential(input);
      } catch (e) {
        return [(e as { code: string }).code, (e as Error).message];
      }
      return ['passed'];
    };
    expect(fails({ cert: pem(leaf), key: other, now })).toEqual(['VERIFY_FAILED', 'the private key does not belong to the certificate (CN=verify client)']);
    expect(fails({ cert: pem(leaf), ca: pem(otherCa.certDer), now })).toEqual([
      'VERIFY_FAILED',
      'the chain does not reach the given CA (it ends at CN=verify client, issued by CN=verify root, O=certkit tests)',
    ]);
    expect(fails({ cert: pem(leaf), now })).toEqual(['VERIFY_FAILED', 'the chain ends at CN=verify client, which is not a self-signed root']);
    expect(fails({ cert: pem(leaf) + pem(otherCa.certDer), now })[1]).toBe(
      'certificate 1 (CN=verify client) is not signed by the next in the file (CN=other root, O=certkit tests)',
    );
    expect(fails({ cert: pem(serverOnly), ca: pem(ca.certDer), now })[1]).toBe(
      'the certificate (CN=verify client) is not for TLS client authentication (no clientAuth extended key usage)',
    );
    const notAfter = new Date(new X509Certificate(leaf).validTo);
    expect(fails({ cert: pem(leaf), ca: pem(ca.certDer), now: new Date(notAfter.getTime() + 1000) })[1]).toBe(
      `the certificate expired on ${notAfter.toISOString()}`,
    );
    expect(fails({ cert: pem(leaf), ca: pem(ca.certDer), now: new Date(notAfter.getTime() - 10 * 86_400_000), expiringWithinMs: 30 * 86_400_000 })[1]).toBe(
      `the certificate expires on ${notAfter.toISOString()}, within 30 days`,
    );
  });

  it('checkCredential runs every check: a wrong key, a foreign CA, serverAuth only and expired are all named', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const notAfter = new Date(new X509Certificate(serverOnly).validTo);
    const r = checkCredential({ cert: pem(serverOnly), key: other, ca: pem(otherCa.certDer), now: new Date(notAfter.getTime() + 1000) });
    expect([r.ok, r.problems, r.anchor, r.anchorTrusted, r.keyMatches, r.clientAuth]).toEqual([
      false,
      [
        { message: 'the private key does not belong to the certificate (CN=verify client)' },
        { message: 'the chain does not reach the given CA (it ends at CN=verify client, issued by CN=verify root, O=certkit tests)' },
        { message: 'the certificate (CN=verify client) is not for TLS client authentication (no clientAuth extended key usage)' },
        { message: `the certificate expired on ${notAfter.toISOString()}` },
      ],
      null,
      false,
      false,
      false,
    ]);
  });

  it('certkit verify: one line per failed check (exit 3); --json always {"ok", "problems", ...}', async () => {
    writeFileSync(join(dir, 'server.pem'), pem(serverOnly));
    writeFileSync(join(dir, 'other-ca.pem'), pem(otherCa.certDer));
    writeFileSync(join(dir, 'ca.pem'), pem(ca.certDer));
    writeFileSync(join(dir, 'leaf.pem'), pem(leaf));
    const text = await runCli(['verify', '--cert', 'server.pem', '--ca', 'other-ca.pem'], { cwd: dir });
    expect([text.status, text.stdout, text.stderr]).toEqual([
      3,
      '',
      'certkit: server.pem: the chain does not reach the given CA (it ends at CN=verify client, issued by CN=verify root, O=certkit tests)\n' +
        'certkit: server.pem: the certificate (CN=verify client) is not for TLS client authentication (no clientAuth extended key usage)\n',
    ]);
    const failed = await runCli(['verify', '--cert', 'server.pem', '--json'], { cwd: dir });
    expect([failed.status, failed.stderr]).toEqual([3, '']);
    const doc = JSON.parse(failed.stdout) as Record<string, unknown>;
    expect([Object.keys(doc).slice(0, 2), doc.ok, doc.problems, doc.anchor]).toEqual([
      ['ok', 'problems'],
      false,
      [
        'the chain ends at CN=verify client, which is not a self-signed root (give the CA certificate with --ca)',
        'the certificate (CN=verify client) is not for TLS client authentication (no clientAuth extended key usage)',
      ],
      null,
    ]);
    const good = await runCli(['verify', '--cert', 'leaf.pem', '--ca', 'ca.pem', '--json'], { cwd: dir });
    expect([good.status, good.stderr]).toEqual([0, '']);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, problems: [], anchor: 'CN=verify root, O=certkit tests', anchorTrusted: true, clientAuth: true });
  });

  it('checkIssuedChain returns the root and refuses a foreign key or a missing chain', () => {
    const key = createPrivateKey(readFileSync(keyPath));
    expect(checkIssuedChain(key, leaf, [ca.certDer]).equals(ca.certDer)).toBe(true);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => checkIssuedChain(other, leaf, [ca.certDer])).toThrow(expect.objectContaining({ code: 'VERIFY_FAILED' }));
    expect(() => checkIssuedChain(key, leaf, [])).toThrow(expect.objectContaining({ code: 'VERIFY_FAILED', message: 'the issuer returned no certificate chain' }));
    expect(() => checkIssuedChain(key, leaf, [otherCa.certDer])).toThrow(expect.objectContaining({ code: 'VERIFY_FAILED' }));
  });

  it('redshiftSecretFromPem normalises a traditional key with Bag Attributes to PKCS#8', () => {
    const tradPath = join(dir, 'trad.pem');
    run(openssl, ['pkey', '-in', keyPath, '-traditional', '-out', tradPath]);
    const trad = 'Bag Attributes\n    friendlyName: client\n' + readFileSync(tradPath, 'utf8');
    expect(trad).toContain('BEGIN RSA PRIVATE KEY');
    const secret = redshiftSecretFromPem(pem(leaf) + pem(ca.certDer), trad);
    expect(JSON.parse(redshiftSecretJson(secret))).toEqual({
      certificate: pem(leaf) + pem(ca.certDer),
      privateKey: exportPkcs8Pem(createPrivateKey(readFileSync(keyPath))),
    });
    expect(Object.keys(JSON.parse(redshiftSecretJson(secret)) as object)).toEqual(['certificate', 'privateKey']);
    const other = exportPkcs8Pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expect(() => redshiftSecretFromPem(pem(leaf), other)).toThrow(expect.objectContaining({ code: 'VERIFY_FAILED' }));
  });
});
