/**
 * Terminal and log injection: aliases, subjects and paths that carry escape sequences, line breaks
 * and bidi overrides, through the built CLI (`bin/certkit`). Every one is shown escaped, so the
 * output has exactly the lines it would have with a plain name: no forged `SHA256:` line, no
 * retitled window (OSC 0), no cleared screen (CSI 2J), no text drawn right to left (U+202E).
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { exportPkcs8Der } from '../../src/keys.js';
import { readKeyStore, writeKeyStore } from '../../src/keystore/keystore.js';
import { encodePem } from '../../src/pem.js';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { buildCsrPem } from '../../src/x509/csr.js';
import { DN_OID, STRING_TAG } from '../../src/x509/dn.js';
import { runBin } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/** OSC 0 (window title) ended by BEL, CSI 2J (clear screen), CR LF and a forged line, U+202E. */
const HOSTILE = 'x\x1b]0;pwned\x07\x1b[2J\r\n\t SHA256: FORGED\u202etxt';
/** How certkit shows it. */
const SHOWN = 'x\\x1b]0;pwned\\x07\\x1b[2J\\r\\n\\t SHA256: FORGED\\u202etxt';
/** How keytool's name syntax prints a CN value with a line break: quoted. */
const SUBJECT_SHOWN = `CN="cn-${SHOWN}"`;

const dir = tempDir('certkit-injection-');
const env = { SP: 'changeit' };
const fingerprint = (der: Buffer, alg: string) => createHash(alg).update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
let cert: Buffer;

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // A self-signed CA without clientAuth: verify gets as far as the usage check, and names the subject.
  cert = buildCertificate({
    subject: [[{ oid: DN_OID.CN, value: `cn-${HOSTILE}`, tag: STRING_TAG.utf8 }]],
    publicKey,
    signingKey: privateKey,
    serial: Buffer.from([0x2a]),
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2049-01-01T00:00:00Z'),
    isCA: true,
  });
  writeFileSync(join(dir, 'hostile.pem'), encodePem('CERTIFICATE', cert));
  writeFileSync(join(dir, 'hostile.csr'), buildCsrPem({ subject: [[{ oid: DN_OID.CN, value: `cn-${HOSTILE}`, tag: STRING_TAG.utf8 }]], key: privateKey }));
  const entry = { kind: 'private-key', alias: `alias-${HOSTILE}`, key: exportPkcs8Der(privateKey), chain: [cert], created: new Date('2026-03-04T00:00:00Z') } as const;
  writeFileSync(join(dir, 'hostile.p12'), await writeKeyStore([entry], 'pkcs12', { storePassword: env.SP }));
});

describe('names from files are shown escaped', () => {
  it('keystore list: the alias and the subject, each on its own line', () => {
    const r = runBin(['keystore', 'list', 'hostile.p12', '--storepass', 'env:SP'], { cwd: dir, env });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')).toEqual([
      'Keystore type: PKCS12',
      '',
      'Your keystore contains 1 entry',
      '',
      `Alias name: alias-${SHOWN}`,
      'Creation date: Mar 4, 2026',
      'Entry type: PrivateKeyEntry',
      'Certificate chain length: 1',
      'Certificate[1]:',
      `Owner: ${SUBJECT_SHOWN}`,
      `Issuer: ${SUBJECT_SHOWN}`,
      'Serial number: 2a',
      'Valid from: Wed Jan 01 00:00:00 UTC 2025 until: Fri Jan 01 00:00:00 UTC 2049',
      'Certificate fingerprints:',
      `\t SHA1: ${fingerprint(cert, 'sha1')}`,
      `\t SHA256: ${fingerprint(cert, 'sha256')}`,
      'Signature algorithm name: SHA256withECDSA',
      'Subject Public Key Algorithm: 256-bit EC (secp256r1) key',
      'Version: 3',
      '',
      '',
      '*******************************************',
      '*******************************************',
      '',
    ]);
  });

  it('keystore list --json keeps the exact values (JSON-escaped)', () => {
    const r = runBin(['keystore', 'list', 'hostile.p12', '--storepass', 'env:SP', '--json'], { cwd: dir, env });
    const doc = JSON.parse(r.stdout) as { entries: { alias: string; chain: { subject: string }[] }[] };
    expect([r.status, doc.entries[0]!.alias, doc.entries[0]!.chain[0]!.subject]).toEqual([0, `alias-${HOSTILE}`, `CN="cn-${HOSTILE}"`]);
  });

  it("verify: the failure naming the subject is one line", () => {
    const r = runBin(['verify', '--cert', 'hostile.pem'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([
      3,
      '',
      `certkit: hostile.pem: the certificate (${SUBJECT_SHOWN}) is not for TLS client authentication (no clientAuth extended key usage)\n`,
    ]);
  });

  it('verify --debug: the stack trace keeps its lines but sends no control sequence', () => {
    const r = runBin(['verify', '--cert', 'hostile.pem', '--debug'], { cwd: dir });
    const lines = r.stderr.split('\n');
    expect([r.status, lines[1]]).toEqual([3, `CertkitError: the certificate (${SUBJECT_SHOWN}) is not for TLS client authentication (no clientAuth extended key usage)`]);
    expect(r.stderr.match(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/g)).toBe(null);
  });

  it('keystore export: the alias in the line that names what was written', () => {
    const r = runBin(['keystore', 'export', 'hostile.p12', '--storepass', 'env:SP', '--cert-out', 'chain.pem'], { cwd: dir, env });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', `certkit: wrote chain.pem (entry 'alias-${SHOWN}', chain of 1)\n`]);
  });

  it("sign: the subject, taken from someone else's CSR, in the line that names what was written", () => {
    expect(runBin(['ca', 'init', '--ca-dir', 'ca'], { cwd: dir }).status).toBe(0);
    const r = runBin(['sign', '--csr', 'hostile.csr', '--ca-dir', 'ca', '--validity', '2030-01-01', '--out', 'leaf.pem'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', `certkit: wrote leaf.pem (${SUBJECT_SHOWN}, expires 2030-01-01T23:59:59.000Z)\n`]);
  });

  it('truststore create: the alias made from the CN has no control characters, and is shown as stored', async () => {
    const r = runBin(['truststore', 'create', '--cert', 'hostile.pem', '--out', 'trust.p12', '--storepass', 'env:SP'], { cwd: dir, env });
    const alias = 'cn-x ]0;pwned [2J  SHA256: FORGED txt';
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', `certkit: wrote trust.p12 (PKCS12, 1 trusted certificate: '${alias}')\n`]);
    const store = await readKeyStore(readFileSync(join(dir, 'trust.p12')), { storePassword: env.SP });
    expect(store.entries.map((e) => e.alias)).toEqual([alias]);
  });
});

describe('paths are quoted as ls quotes them', () => {
  it('an error naming a path with a newline stays one line, pasteable into a shell', () => {
    const r = runBin(['keystore', 'list', 'no\nsuch.p12', '--storepass', 'env:SP'], { cwd: dir, env });
    expect([r.status, r.stdout, r.stderr]).toEqual([3, '', "certkit: 'no'$'\\n''such.p12': cannot read: no such file\n"]);
  });

  it('a path with a space is quoted, in errors and in the line that names what was written', () => {
    const missing = runBin(['verify', '--cert', 'my cert.pem'], { cwd: dir });
    expect([missing.status, missing.stderr]).toEqual([3, "certkit: 'my cert.pem': cannot read: no such file\n"]);
    const r = runBin(['truststore', 'create', '--cert', 'hostile.pem', '--out', "it's a store.p12", '--storepass', 'env:SP'], { cwd: dir, env });
    expect([r.status, r.stderr]).toEqual([0, "certkit: wrote 'it'\\''s a store.p12' (PKCS12, 1 trusted certificate: 'cn-x ]0;pwned [2J  SHA256: FORGED txt')\n"]);
  });
});
