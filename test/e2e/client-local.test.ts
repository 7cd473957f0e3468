/**
 * End to end, on a fresh machine with no AWS: `certkit client` in an empty directory makes the
 * local CA, then every artifact. The real tools judge: keytool lists the JKS (a PrivateKeyEntry
 * whose chain ends at the local CA), openssl verifies client_cert.pem against ca.pem and matches
 * the key, a JSSE client (Kafka's keystore semantics: store password ≠ key password) completes
 * mutual TLS with the JKS against a loopback server that trusts only the local CA. A rerun without
 * --force exits 6 and touches nothing. Also `certkit verify`, `redshift-secret`, `sign`, `ca init`.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeKeyStore } from '../../src/keystore/keystore.js';
import { runJavaClient, startMtlsServer, type MtlsServer } from '../support/java-tls.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run, tool } from '../support/tools.js';
import { certkit, type CliRun } from './cli.js';

const FILES = [
  'ca.pem',
  'certkit.json',
  'client.properties',
  'client_cert.pem',
  'csr.pem',
  'kafka.client.keystore.jks',
  'keystore.p12',
  'private_key.pem',
  'redshift-secret.json',
];
const SECRET_FILES = ['client.properties', 'kafka.client.keystore.jks', 'keystore.p12', 'private_key.pem', 'redshift-secret.json'];

const pemCerts = (text: string) =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=\n]+)-----END CERTIFICATE-----\n/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\n/g, ''), 'base64'),
  );

interface Summary {
  files: string[];
  issuer: string;
  caDir: string;
  certificate: { subject: string; issuer: string; sha256: string; notAfter: string; serial: string };
  passwords: { storePassword: string; keyPassword: string };
  s3: string[];
  resumed: boolean;
}

describe.skipIf(!haveTools('keytool', 'openssl', 'java'))('certkit client with the local CA (no AWS)', () => {
  const cwd = tempDir('certkit-e2e-local-');
  const certs = (name: string) => join(cwd, 'certs', name);
  let first: CliRun;
  let summary: Summary;
  let openssl: string;

  beforeAll(() => {
    openssl = tool('openssl')!;
    first = certkit(['client', '--dname', 'CN=e2e local client,O=certkit e2e', '--validity', '30d', '--json'], { cwd });
  });

  it('succeeds, says it created the local CA (stderr), prints the JSON summary (stdout)', () => {
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toBe(
      'certkit: created a local development CA in certkit-ca (its certificate certkit-ca/ca.pem is what servers must trust)\n',
    );
    summary = JSON.parse(first.stdout) as Summary;
    expect(summary.issuer).toBe('local-ca');
    expect(summary.caDir).toBe(join(cwd, 'certkit-ca'));
    expect(summary.certificate.subject).toBe('CN=e2e local client, O=certkit e2e');
    expect(summary.certificate.issuer).toBe('CN=certkit local development CA, O=certkit');
    expect(summary.files).toEqual([
      'certs/kafka.client.keystore.jks',
      'certs/keystore.p12',
      'certs/client_cert.pem',
      'certs/private_key.pem',
      'certs/csr.pem',
      'certs/ca.pem',
      'certs/redshift-secret.json',
      'certs/client.properties',
      'certs/certkit.json',
    ]);
    expect(summary.passwords.storePassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(summary.passwords.keyPassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(summary.passwords.storePassword).not.toBe(summary.passwords.keyPassword);
    expect(summary.s3).toEqual([]);
    expect(summary.resumed).toBe(false);
  });

  it('writes every artifact and nothing else, secrets 0600, the CA key 0600', () => {
    expect(readdirSync(join(cwd, 'certs')).sort()).toEqual(FILES);
    for (const f of FILES) {
      expect([f, statSync(certs(f)).mode & 0o777]).toEqual([f, SECRET_FILES.includes(f) ? 0o600 : 0o644]);
    }
    expect(statSync(join(cwd, 'certs')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(cwd, 'certkit-ca')).sort()).toEqual(['ca-key.pem', 'ca.pem']);
    expect(statSync(join(cwd, 'certkit-ca', 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(certs('ca.pem'), 'utf8')).toBe(readFileSync(join(cwd, 'certkit-ca', 'ca.pem'), 'utf8'));
  });

  it('keytool lists the JKS: one PrivateKeyEntry, chain leaf -> local CA', () => {
    const out = run(tool('keytool')!, ['-list', '-v', '-keystore', certs('kafka.client.keystore.jks'), '-storepass', summary.passwords.storePassword]);
    expect(out).toContain('Keystore type: JKS');
    expect(out).toContain('Your keystore contains 1 entry');
    expect(out).toContain('Alias name: client');
    expect(out).toContain('Entry type: PrivateKeyEntry');
    expect(out).toContain('Certificate chain length: 2');
    const owners = [...out.matchAll(/^Owner: (.*)$/gm)].map((m) => m[1]);
    const issuers = [...out.matchAll(/^Issuer: (.*)$/gm)].map((m) => m[1]);
    expect(owners).toEqual(['CN=e2e local client, O=certkit e2e', 'CN=certkit local development CA, O=certkit']);
    expect(issuers).toEqual(['CN=certkit local development CA, O=certkit', 'CN=certkit local development CA, O=certkit']);
    expect(out).toContain(`SHA256: ${summary.certificate.sha256}`);
    expect(out).toMatch(/ExtendedKeyUsages \[\n\s+clientAuth\n/);
  });

  it('openssl verifies client_cert.pem against ca.pem for client use, and private_key.pem matches it', () => {
    expect(run(openssl, ['verify', '-purpose', 'sslclient', '-CAfile', certs('ca.pem'), certs('client_cert.pem')])).toBe(`${certs('client_cert.pem')}: OK\n`);
    const fromKey = run(openssl, ['pkey', '-in', certs('private_key.pem'), '-pubout']);
    const fromCert = run(openssl, ['x509', '-in', certs('client_cert.pem'), '-noout', '-pubkey']);
    expect(fromKey).toBe(fromCert);
    const keyText = readFileSync(certs('private_key.pem'), 'utf8');
    expect(keyText.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(keyText).not.toContain('Bag Attributes');
    const csr = readFileSync(certs('csr.pem'), 'utf8');
    expect(csr.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(run(openssl, ['req', '-in', certs('csr.pem'), '-noout', '-verify', '-subject'])).toBe('subject=O = certkit e2e, CN = e2e local client\n');
    // client_cert.pem: leaf then the CA.
    const chain = pemCerts(readFileSync(certs('client_cert.pem'), 'utf8'));
    expect(chain.length).toBe(2);
    expect(new X509Certificate(chain[0]!).fingerprint256).toBe(summary.certificate.sha256);
    expect(chain[1]!.equals(pemCerts(readFileSync(certs('ca.pem'), 'utf8'))[0]!)).toBe(true);
  });

  it('the PKCS#12 opens with the store password in openssl', () => {
    const out = run(openssl, ['pkcs12', '-in', certs('keystore.p12'), '-passin', `pass:${summary.passwords.storePassword}`, '-nokeys']);
    expect(pemCerts(out).length).toBe(2);
  });

  it('redshift-secret.json is exactly {certificate, privateKey} from the PEM files; client.properties points at the JKS', () => {
    const secret = JSON.parse(readFileSync(certs('redshift-secret.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(secret)).toEqual(['certificate', 'privateKey']);
    expect(secret.certificate).toBe(readFileSync(certs('client_cert.pem'), 'utf8'));
    expect(secret.privateKey).toBe(readFileSync(certs('private_key.pem'), 'utf8'));
    const props = readFileSync(certs('client.properties'), 'utf8');
    expect(props.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'security.protocol=SSL',
      `ssl.keystore.location=${certs('kafka.client.keystore.jks')}`,
      'ssl.keystore.type=JKS',
      `ssl.keystore.password=${summary.passwords.storePassword}`,
      `ssl.key.password=${summary.passwords.keyPassword}`,
      '',
    ]);
  });

  it('certkit.json records the run without any secret', () => {
    const text = readFileSync(certs('certkit.json'), 'utf8');
    const rec = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(rec)).toEqual(['version', 'createdAt', 'issuer', 'caDir', 'keyType', 'alias', 'certificate', 'chain', 'files']);
    expect(rec.certificate).toEqual(summary.certificate);
    expect(rec.keyType).toBe('rsa2048');
    expect(text).not.toContain(summary.passwords.storePassword);
    expect(text).not.toContain(summary.passwords.keyPassword);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('a rerun without --force exits 6 and leaves every file as it was', () => {
    const before = FILES.map((f) => [f, readFileSync(certs(f)).toString('base64'), statSync(certs(f)).mtimeMs]);
    const again = certkit(['client', '--dname', 'CN=e2e local client,O=certkit e2e'], { cwd });
    expect(again.status).toBe(6);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('certkit: certs/kafka.client.keystore.jks: refusing to overwrite an existing file (use --force to replace it)\n');
    expect(FILES.map((f) => [f, readFileSync(certs(f)).toString('base64'), statSync(certs(f)).mtimeMs])).toEqual(before);
    expect(readdirSync(join(cwd, 'certs')).sort()).toEqual(FILES);
  });

  describe('a JSSE client completes mutual TLS with the JKS', () => {
    let server: MtlsServer | undefined;
    let otherServer: MtlsServer | undefined;
    const p = (n: string) => join(cwd, 'tls', n);

    beforeAll(async () => {
      run('mkdir', ['-p', p('')]);
      // The server side: its own CA (the client trusts only that), a certificate for 127.0.0.1.
      run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-noenc', '-keyout', p('server-ca.key'), '-out', p('server-ca.pem'),
        '-subj', '/CN=e2e server CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
      run(openssl, ['req', '-new', '-newkey', 'rsa:2048', '-noenc', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
      writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
      run(openssl, ['x509', '-req', '-in', p('server.csr'), '-CA', p('server-ca.pem'), '-CAkey', p('server-ca.key'), '-days', '2',
        '-extfile', p('server.ext'), '-out', p('server.pem')]);
      run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-noenc', '-keyout', p('other-ca.key'), '-out', p('other-ca.pem'),
        '-subj', '/CN=e2e unrelated client CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE']);
      const serverCaDer = pemCerts(readFileSync(p('server-ca.pem'), 'utf8'))[0]!;
      writeFileSync(p('truststore.jks'), await writeKeyStore([{ kind: 'trusted-cert', alias: 'server-ca', cert: serverCaDer }], 'jks', { storePassword: 'trustpass' }));
      const serverCertPem = readFileSync(p('server.pem'), 'utf8') + readFileSync(p('server-ca.pem'), 'utf8');
      const serverKeyPem = readFileSync(p('server.key'), 'utf8');
      // The broker side trusts only the local CA certkit made.
      server = await startMtlsServer({ serverCertPem, serverKeyPem, clientCaPem: readFileSync(certs('ca.pem'), 'utf8') });
      otherServer = await startMtlsServer({ serverCertPem, serverKeyPem, clientCaPem: readFileSync(p('other-ca.pem'), 'utf8') });
    });

    afterAll(async () => {
      await server?.close();
      await otherServer?.close();
    });

    const javaClient = (port: number, protocol?: string) =>
      runJavaClient({
        java: tool('java')!,
        port,
        keystore: certs('kafka.client.keystore.jks'),
        storetype: 'JKS',
        storepass: summary.passwords.storePassword,
        keypass: summary.passwords.keyPassword,
        truststore: p('truststore.jks'),
        truststoretype: 'JKS',
        truststorepass: 'trustpass',
        ...(protocol === undefined ? {} : { protocol }),
      });

    it('handshakes; the server saw the certkit client certificate', async () => {
      const r = await javaClient(server!.port);
      expect(r.outcome, r.stdout + r.stderr).toBe('ok');
      expect(r.stdout).toContain('server HTTP/1.0 200 hello e2e local client');
      expect(server!.accepted.map((c) => c.fingerprint256)).toEqual([summary.certificate.sha256]);
    });

    it('is refused by a server trusting another CA', async () => {
      const r = await javaClient(otherServer!.port, 'TLSv1.2');
      expect(r.outcome, r.stdout + r.stderr).toBe('tls-failed');
      expect(otherServer!.accepted).toEqual([]);
    });
  });

  describe('the single-step commands on the same files', () => {
    it('certkit verify: OK with key and CA; exit 3 against another CA', () => {
      const ok = certkit(['verify', '--cert', 'certs/client_cert.pem', '--key', 'certs/private_key.pem', '--ca', 'certs/ca.pem', '--expiring-within', '7d'], { cwd });
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout.split('\n').slice(0, 2)).toEqual(['OK certs/client_cert.pem', '  subject:     CN=e2e local client, O=certkit e2e']);
      expect(ok.stdout).toContain('  key:         matches the certificate\n');
      const bad = certkit(['verify', '--cert', 'certs/client_cert.pem', '--ca', 'tls/other-ca.pem'], { cwd });
      expect(bad.status).toBe(3);
      expect(bad.stderr).toBe(
        'certkit: certs/client_cert.pem: the chain does not reach the given CA (it ends at CN=certkit local development CA, O=certkit, issued by CN=certkit local development CA, O=certkit)\n',
      );
      const soon = certkit(['verify', '--cert', 'certs/client_cert.pem', '--expiring-within', '60d'], { cwd });
      expect(soon.status).toBe(3);
      expect(soon.stderr).toMatch(/^certkit: certs\/client_cert\.pem: the certificate expires on .*, within 60 days \(renew it\)\n$/);
    });

    it('certkit redshift-secret prints the same JSON the pipeline wrote', () => {
      const r = certkit(['redshift-secret', '--cert', 'certs/client_cert.pem', '--key', 'certs/private_key.pem'], { cwd });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(readFileSync(certs('redshift-secret.json'), 'utf8') + '\n');
    });

    it('certkit sign signs an openssl CSR with the local CA for clientAuth', () => {
      run(openssl, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc', '-keyout', join(cwd, 'other.key'),
        '-out', join(cwd, 'other.csr'), '-subj', '/CN=signed by certkit']);
      const r = certkit(['sign', '--csr', 'other.csr', '--validity', '10d', '--out', 'other-chain.pem'], { cwd });
      expect(r.status, r.stderr).toBe(0);
      expect(run(openssl, ['verify', '-purpose', 'sslclient', '-CAfile', join(cwd, 'certkit-ca', 'ca.pem'), join(cwd, 'other-chain.pem')])).toBe(`${join(cwd, 'other-chain.pem')}: OK\n`);
      const leaf = new X509Certificate(pemCerts(readFileSync(join(cwd, 'other-chain.pem'), 'utf8'))[0]!);
      expect(leaf.subject).toBe('CN=signed by certkit');
      expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
      const text = run(openssl, ['x509', '-in', join(cwd, 'other-chain.pem'), '-noout', '-ext', 'keyUsage,basicConstraints']);
      expect(text).toContain('Digital Signature');
      expect(text).not.toContain('Key Encipherment'); // an EC key
      expect(Math.round((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 60_000)).toBe(10 * 24 * 60 + 1);
    });

    it('certkit ca init refuses to replace the CA without --force (exit 6)', () => {
      const r = certkit(['ca', 'init'], { cwd });
      expect(r.status).toBe(6);
      expect(r.stderr).toBe('certkit: certkit-ca/ca-key.pem: refusing to overwrite an existing file (use --force to replace it)\n');
    });
  });
});
