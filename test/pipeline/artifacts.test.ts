/**
 * buildArtifacts: exact names and order, sensitivity, PEM contents and ordering, the Redshift
 * secret's exact keys, client.properties text, and keystores that read back (JKS with separate
 * store and key passwords). The identity is made by openssl so these tests judge only artifacts.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  ARTIFACT_FILES,
  ARTIFACT_FORMATS,
  buildArtifacts,
  clientProperties,
  escapePropertiesValue,
  parseFormats,
  type Identity,
} from '../../src/artifacts.js';
import { exportPkcs8Der, exportPkcs8Pem } from '../../src/keys.js';
import { readKeyStore } from '../../src/keystore/keystore.js';
import { haveTools, run, runStatus, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { makeOpensslCa, opensslSign } from './openssl-ca.js';

const pemBlocks = (text: string) =>
  [...text.matchAll(/-----BEGIN ([A-Z ]+)-----\n([A-Za-z0-9+/=\n]+)-----END \1-----\n/g)].map((m) => ({
    label: m[1]!,
    der: Buffer.from(m[2]!.replace(/\n/g, ''), 'base64'),
    lines: m[2]!.split('\n').filter((l) => l !== ''),
  }));

describe('parseFormats', () => {
  it('takes names, aliases and file names in any order and returns canonical order', () => {
    expect(parseFormats('pem,jks')).toEqual(['jks', 'cert']);
    expect(parseFormats(['key', 'redshift-secret.json,PKCS12'])).toEqual(['p12', 'key', 'secret']);
    expect(parseFormats('all')).toEqual([...ARTIFACT_FORMATS]);
  });
  it('rejects unknown and empty with USAGE', () => {
    expect(() => parseFormats('jks,zip')).toThrow(expect.objectContaining({ code: 'USAGE', message: 'unknown format "zip" in --formats' }));
    expect(() => parseFormats(' , ')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('client.properties', () => {
  it('escapes what Java Properties would misread', () => {
    expect(escapePropertiesValue('a\\b')).toBe('a\\\\b');
    expect(escapePropertiesValue('#x=y:z')).toBe('\\#x=y:z');
    expect(escapePropertiesValue(' lead')).toBe('\\ lead');
    expect(escapePropertiesValue('é')).toBe('\\u00e9');
  });
  it('is exactly the Kafka Java client SSL settings', () => {
    expect(clientProperties('/tmp/certs/kafka.client.keystore.jks', 'Store1', 'Key2')).toBe(
      '# Kafka Java client settings for mutual TLS with the keystore certkit wrote.\n' +
        '# Holds the keystore passwords: keep this file private (mode 0600).\n' +
        'security.protocol=SSL\n' +
        'ssl.keystore.location=/tmp/certs/kafka.client.keystore.jks\n' +
        'ssl.keystore.type=JKS\n' +
        'ssl.keystore.password=Store1\n' +
        'ssl.key.password=Key2\n',
    );
  });
});

describe.skipIf(!haveTools('openssl'))('buildArtifacts', () => {
  const dir = tempDir();
  let identity: Identity;

  beforeAll(() => {
    const openssl = tool('openssl')!;
    const ca = makeOpensslCa(openssl, dir);
    const keyPath = join(dir, 'leaf-key.pem');
    const csrPath = join(dir, 'leaf.csr');
    run(openssl, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', csrPath, '-outform', 'DER', '-subj', '/CN=artifact client']);
    const csrDer = readFileSync(csrPath);
    identity = {
      key: createPrivateKey(readFileSync(keyPath)),
      leaf: opensslSign(openssl, ca, csrDer, 'artifact'),
      chain: [ca.certDer],
      csrDer,
      caCert: ca.certDer,
    };
  });

  it('builds every artifact, named as the seed, in order, with sensitivity', async () => {
    const arts = await buildArtifacts(identity, { alias: 'client', storePassword: 'store-pw', keyPassword: 'key-pw' });
    expect(arts.map((a) => [a.name, a.sensitive])).toEqual([
      ['kafka.client.keystore.jks', true],
      ['keystore.p12', true],
      ['client_cert.pem', false],
      ['private_key.pem', true],
      ['csr.pem', false],
      ['ca.pem', false],
      ['redshift-secret.json', true],
      ['client.properties', true],
    ]);
    const by = Object.fromEntries(arts.map((a) => [a.name, a.data]));

    const chain = pemBlocks(by['client_cert.pem']!.toString('utf8'));
    expect(chain.map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    expect(chain[0]!.der.equals(identity.leaf)).toBe(true);
    expect(chain[1]!.der.equals(identity.caCert)).toBe(true);
    expect(chain.every((b) => b.lines.slice(0, -1).every((l) => l.length === 64))).toBe(true);

    const keyText = by['private_key.pem']!.toString('utf8');
    expect(keyText).toBe(exportPkcs8Pem(identity.key));
    expect(keyText.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(keyText).not.toContain('Bag Attributes');

    const csr = pemBlocks(by['csr.pem']!.toString('utf8'));
    expect(csr.map((b) => b.label)).toEqual(['CERTIFICATE REQUEST']);
    expect(csr[0]!.der.equals(identity.csrDer)).toBe(true);

    const ca = pemBlocks(by['ca.pem']!.toString('utf8'));
    expect(ca.length).toBe(1);
    expect(ca[0]!.der.equals(identity.caCert)).toBe(true);

    const secret = JSON.parse(by['redshift-secret.json']!.toString('utf8')) as Record<string, string>;
    expect(Object.keys(secret)).toEqual(['certificate', 'privateKey']);
    expect(secret.certificate).toBe(by['client_cert.pem']!.toString('utf8'));
    expect(secret.privateKey).toBe(keyText);

    expect(by['client.properties']!.toString('utf8')).toBe(clientProperties('kafka.client.keystore.jks', 'store-pw', 'key-pw'));
  });

  it('writes a JKS whose key opens only with the key password, chain leaf then CA', async () => {
    const [jks] = await buildArtifacts(identity, { alias: 'Client', storePassword: 'store-pw', keyPassword: 'key-pw', formats: ['jks'] });
    expect(jks!.name).toBe(ARTIFACT_FILES.jks);
    const store = await readKeyStore(jks!.data, { storePassword: 'store-pw', keyPassword: 'key-pw' });
    expect(store.type).toBe('jks');
    expect(store.entries.length).toBe(1);
    const e = store.entries[0]!;
    if (e.kind !== 'private-key') throw new Error(`expected a private key entry, got ${e.kind}`);
    expect(e.alias).toBe('client'); // JKS lower-cases aliases, as keytool does
    expect(e.key!.equals(exportPkcs8Der(identity.key))).toBe(true);
    expect(e.chain.map((c) => new X509Certificate(c).fingerprint256)).toEqual(
      [identity.leaf, identity.caCert].map((c) => new X509Certificate(c).fingerprint256),
    );
    await expect(readKeyStore(jks!.data, { storePassword: 'store-pw', keyPassword: 'store-pw' })).rejects.toMatchObject({ code: 'BAD_PASSWORD' });
  });

  it('writes a PKCS#12 that openssl opens with the store password', async () => {
    const openssl = tool('openssl')!;
    const [p12] = await buildArtifacts(identity, { alias: 'client', storePassword: 'store-pw', keyPassword: 'key-pw', formats: ['p12'] });
    const path = join(dir, 'built.p12');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, p12!.data);
    const out = run(openssl, ['pkcs12', '-in', path, '-passin', 'pass:store-pw', '-nodes', '-nocerts']);
    const keyDer = pemBlocks(out).find((b) => b.label === 'PRIVATE KEY')!.der;
    expect(keyDer.equals(exportPkcs8Der(identity.key))).toBe(true);
    const r = runStatus(openssl, ['pkcs12', '-in', path, '-passin', 'pass:store-pw', '-info', '-noout']);
    expect(r.status).toBe(0);
    const info = r.stdout + r.stderr; // openssl prints -info on stderr
    expect(info).toContain('PBES2, PBKDF2, AES-256-CBC');
    expect(info).toContain('MAC: sha256');
  });

  it('builds only the chosen subset', async () => {
    const arts = await buildArtifacts(identity, { alias: 'client', storePassword: 'a', keyPassword: 'b', formats: ['cert', 'secret'] });
    expect(arts.map((a) => a.name)).toEqual(['client_cert.pem', 'redshift-secret.json']);
  });
});
