/**
 * Java TLS interop: a JSSE client, configured as Kafka's Java client configures itself
 * (ssl.keystore.password for the store, ssl.key.password for the KeyManagerFactory), completes a
 * mutual-TLS handshake with a keystore certkit wrote, against a loopback server that requires a
 * client certificate from the test CA; and is refused by a server that trusts another CA.
 *
 * First the harness is proved with keytool-made keystores, on both servers (Node tls, openssl
 * s_server); then certkit's JKS (store password ≠ key password) and PKCS#12 (modern profile).
 * The CAs and certificates are made with openssl. Each Java run is one JVM start (~1 s): the
 * cases are few on purpose.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrivateKey, exportPkcs8Der } from '../../src/keys.js';
import { decodePemAll } from '../../src/pem.js';
import { writeKeyStore } from '../../src/keystore/keystore.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { haveTools, run, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { runJavaClient, startMtlsServer, type JavaClientOptions, type MtlsServer } from '../support/java-tls.js';

/**
 * Under TLS 1.3 (JSSE's default, as Kafka's) the client's handshake completes before the server
 * checks its certificate; the refusal reaches the client as an alert on its first read, or as a
 * reset when the server closed first. Either way the server's own record says why (asserted).
 */
const TLS13_REFUSAL = /^TLS_FAILED (handshake|first-exchange) (javax\.net\.ssl\.SSL\w*Exception|java\.net\.SocketException): /;

const ready = haveTools('java', 'keytool', 'openssl');

describe.skipIf(!ready)('JSSE mutual TLS with keystores (Kafka client semantics)', () => {
  const dir = tempDir('certkit-java-tls-');
  const p = (name: string) => join(dir, name);
  const servers: MtlsServer[] = [];
  let openssl: string;
  let keytool: string;
  let java: string;
  /** keytool-style SHA-256 fingerprint of the client certificate, from openssl. */
  let clientFingerprint: string;
  let trustsTestCa: MtlsServer;
  let trustsOtherCa: MtlsServer;
  let opensslTrustsTestCa: MtlsServer;
  let opensslTrustsOtherCa: MtlsServer;

  const TRUSTPASS = 'trust-pass';
  const truststore = () => ({ truststore: p('truststore.p12'), truststoretype: 'PKCS12', truststorepass: TRUSTPASS });

  beforeAll(async () => {
    openssl = tool('openssl')!;
    keytool = tool('keytool')!;
    java = tool('java')!;
    const ossl = (...args: string[]) => run(openssl, args);
    const ca = (name: string, cn: string) =>
      ossl('req', '-x509', '-newkey', 'rsa:2048', '-noenc', '-keyout', p(`${name}.key`), '-out', p(`${name}.pem`),
        '-subj', `/O=certkit test/CN=${cn}`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    ca('test-ca', 'certkit test CA');
    ca('other-ca', 'certkit other CA');
    const issue = (name: string, cn: string, ext: string) => {
      ossl('req', '-new', '-newkey', 'rsa:2048', '-noenc', '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`);
      writeFileSync(p(`${name}.ext`), ext);
      ossl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('test-ca.pem'), '-CAkey', p('test-ca.key'), '-days', '2',
        '-extfile', p(`${name}.ext`), '-out', p(`${name}.pem`));
    };
    // The client verifies the server's host name as Kafka does (endpoint identification HTTPS).
    issue('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    issue('client', 'certkit test client', 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
    writeFileSync(p('client-chain.pem'), readFileSync(p('client.pem'), 'utf8') + readFileSync(p('test-ca.pem'), 'utf8'));
    clientFingerprint = ossl('x509', '-in', p('client.pem'), '-noout', '-fingerprint', '-sha256').trim().replace(/^.*=/, '');

    // keytool-made stores: the truststore, and the client's JKS with its own key password.
    ossl('pkcs12', '-export', '-inkey', p('client.key'), '-in', p('client-chain.pem'), '-name', 'client',
      '-passout', 'pass:p12-pass', '-out', p('openssl-client.p12'));
    run(keytool, ['-importcert', '-noprompt', '-keystore', p('truststore.p12'), '-storetype', 'pkcs12',
      '-storepass', TRUSTPASS, '-alias', 'test-ca', '-file', p('test-ca.pem')]);
    run(keytool, ['-importkeystore', '-noprompt', '-srckeystore', p('openssl-client.p12'), '-srcstoretype', 'pkcs12',
      '-srcstorepass', 'p12-pass', '-destkeystore', p('keytool-client.jks'), '-deststoretype', 'jks',
      '-deststorepass', 'kt-storepass', '-destkeypass', 'kt-keypass']);

    const serverCertPem = readFileSync(p('server.pem'), 'utf8') + readFileSync(p('test-ca.pem'), 'utf8');
    const serverKeyPem = readFileSync(p('server.key'), 'utf8');
    const start = async (clientCaPem: string, impl: 'node' | 'openssl') => {
      const s = await startMtlsServer({ serverCertPem, serverKeyPem, clientCaPem, impl, openssl });
      servers.push(s);
      return s;
    };
    trustsTestCa = await start(readFileSync(p('test-ca.pem'), 'utf8'), 'node');
    trustsOtherCa = await start(readFileSync(p('other-ca.pem'), 'utf8'), 'node');
    opensslTrustsTestCa = await start(readFileSync(p('test-ca.pem'), 'utf8'), 'openssl');
    opensslTrustsOtherCa = await start(readFileSync(p('other-ca.pem'), 'utf8'), 'openssl');
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const client = (server: MtlsServer, store: Omit<JavaClientOptions, 'java' | 'port' | 'truststore' | 'truststoretype' | 'truststorepass'>) =>
    runJavaClient({ java, port: server.port, ...truststore(), ...store });

  /** The certkit identity: the client's key and chain read from PEM, as entries for certkit's writers. */
  const certkitEntries = (): KeyStoreEntry[] => [
    {
      kind: 'private-key',
      alias: 'client',
      key: exportPkcs8Der(importPrivateKey(readFileSync(p('client.key')))),
      chain: decodePemAll(readFileSync(p('client-chain.pem'), 'utf8')).map((b) => b.der),
    },
  ];

  describe('harness, with a keytool-made JKS (store password ≠ key password)', () => {
    const store = { keystore: '', storetype: 'JKS', storepass: 'kt-storepass', keypass: 'kt-keypass' };
    beforeAll(() => {
      store.keystore = p('keytool-client.jks');
    });

    it('handshakes with the Node server trusting the test CA, which sees the client certificate', async () => {
      const r = await client(trustsTestCa, store);
      expect(r.outcome, r.stdout + r.stderr).toBe('ok');
      expect(r.stdout.split('\n')[0]).toBe('OK CN=localhost');
      expect(r.stdout).toContain('server HTTP/1.0 200 hello certkit test client');
      expect(trustsTestCa.accepted.map((c) => c.fingerprint256)).toContain(clientFingerprint);
    });

    it('is refused by the Node server trusting another CA (TLS 1.2): a handshake failure, seen by both sides', async () => {
      // TLS 1.2: the server refuses before the client's Finished, so the client's handshake throws.
      const r = await client(trustsOtherCa, { ...store, protocol: 'TLSv1.2' });
      expect(r.outcome, r.stdout + r.stderr).toBe('tls-failed');
      expect(r.stdout).toMatch(/^TLS_FAILED handshake (javax\.net\.ssl\.SSLHandshakeException|java\.net\.SocketException): /);
      // The Java client sent no certificate (the server's CA list does not cover it); Node refused.
      expect(trustsOtherCa.refused).toContain('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
      expect(trustsOtherCa.accepted).toEqual([]);
    });

    it('handshakes with openssl s_server -Verify 1 -verify_return_error trusting the test CA', async () => {
      const r = await client(opensslTrustsTestCa, store);
      expect(r.outcome, r.stdout + r.stderr).toBe('ok');
      expect(r.stdout.split('\n')[0]).toBe('OK CN=localhost');
      expect(r.stdout).toContain('server HTTP/1.0 200 ok');
    });

    it('is refused by openssl s_server trusting another CA', async () => {
      const r = await client(opensslTrustsOtherCa, store);
      expect(r.outcome, r.stdout + r.stderr).toBe('tls-failed');
      expect(r.stdout).toMatch(TLS13_REFUSAL);
      expect(opensslTrustsOtherCa.output()).toMatch(/peer did not return a certificate/);
    });
  });

  describe('certkit-written keystores', () => {
    beforeAll(async () => {
      const entries = certkitEntries();
      writeFileSync(p('certkit-client.jks'), await writeKeyStore(entries, 'jks', { storePassword: 'ck-storepass', keyPassword: 'ck-keypass' }));
      writeFileSync(p('certkit-client.p12'), await writeKeyStore(entries, 'pkcs12', { storePassword: 'ck-p12-pass', profile: 'modern' }));
    });

    it('JKS with store password ≠ key password: handshake OK; refused by the other CA', async () => {
      const store = { keystore: p('certkit-client.jks'), storetype: 'JKS', storepass: 'ck-storepass', keypass: 'ck-keypass' };
      const acceptedBefore = trustsTestCa.accepted.length;
      const refusedBefore = trustsOtherCa.refused.length;
      const [ok, refused] = await Promise.all([client(trustsTestCa, store), client(trustsOtherCa, store)]);
      expect(ok.outcome, ok.stdout + ok.stderr).toBe('ok');
      expect(ok.stdout.split('\n')[0]).toBe('OK CN=localhost');
      expect(trustsTestCa.accepted.slice(acceptedBefore).map((c) => c.fingerprint256)).toEqual([clientFingerprint]);
      expect(refused.outcome, refused.stdout + refused.stderr).toBe('tls-failed');
      expect(refused.stdout).toMatch(TLS13_REFUSAL);
      expect(trustsOtherCa.accepted).toEqual([]);
      expect(trustsOtherCa.refused.slice(refusedBefore)).toEqual(['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE']);
    });

    it('JKS: the key password really is separate (the store password does not unlock the key)', async () => {
      const r = await client(trustsTestCa, {
        keystore: p('certkit-client.jks'),
        storetype: 'JKS',
        storepass: 'ck-storepass',
        keypass: 'ck-storepass',
      });
      expect(r.outcome).toBe('error');
      expect(r.stdout).toMatch(/^ERROR loading stores: java\.security\.UnrecoverableKeyException/);
    });

    it('PKCS#12 (modern profile): handshake OK; refused by the other CA', async () => {
      const store = { keystore: p('certkit-client.p12'), storetype: 'PKCS12', storepass: 'ck-p12-pass', keypass: 'ck-p12-pass' };
      const refusals = () => opensslTrustsOtherCa.output().match(/peer did not return a certificate/g)?.length ?? 0;
      const refusedBefore = refusals();
      const acceptedBefore = trustsTestCa.accepted.length;
      const [ok, refused] = await Promise.all([client(trustsTestCa, store), client(opensslTrustsOtherCa, store)]);
      expect(ok.outcome, ok.stdout + ok.stderr).toBe('ok');
      expect(ok.stdout.split('\n')[0]).toBe('OK CN=localhost');
      expect(refused.outcome, refused.stdout + refused.stderr).toBe('tls-failed');
      expect(refused.stdout).toMatch(TLS13_REFUSAL);
      expect(refusals() - refusedBefore).toBe(1);
      expect(trustsTestCa.accepted.slice(acceptedBefore).map((c) => c.fingerprint256)).toEqual([clientFingerprint]);
    });
  });
});
