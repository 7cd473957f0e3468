/**
 * `certkit probe` against a real broker, this time loading certkit's PKCS#12 keystore and
 * truststore (test/kafka/clients.test.ts has the JKS ones), and against plain TLS servers that
 * require a client certificate (node:tls, in this process). Each case checks the exit status,
 * the report's exact fields and the one line on stderr:
 * accepted (identity from --out, --keystore JKS and PKCS#12, --cert/--key), a certificate from a
 * CA the broker does not trust, an expired one, a key that is not the certificate's, the
 * plaintext port, the SASL port, nothing listening, a broker CA not given with --ca, several
 * brokers at once; and from the TLS servers: an answer that is not Kafka, an untrusted CA, no
 * answer at all (bounded by --timeout), a certificate for another host name.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadLocalCa } from '../../src/issuers/local-ca.js';
import { parseBrokerAddresses } from '../../src/kafka/probe.js';
import { exportPkcs8Pem, generateKeyPair } from '../../src/keys.js';
import { encodePem, readPemOrDerAll } from '../../src/pem.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { encodeOid, tlv } from '../../src/x509/tlv.js';
import { builtCliExists, runBin, runCli } from '../support/cli.js';
import {
  ALLOWED_PRINCIPAL,
  haveKafka,
  issueFromLocalCa,
  makeClientIdentities,
  runProcess,
  useCertkitKafka,
  type ClientIdentities,
} from '../support/kafka.js';
import { startMtlsServer } from '../support/java-tls.js';
import { freePort } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { tool } from '../support/tools.js';

const ready = haveKafka() && tool('kcat') !== undefined && builtCliExists();

/** What a certificate file's first certificate looks like in the report. */
function certView(file: string) {
  const c = parseCertificate(readPemOrDerAll(readFileSync(file), 'CERTIFICATE')[0]!.der);
  return { subject: c.subjectText, issuer: c.issuerText, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() };
}

/** A property of a certkit client.properties. */
function property(outDir: string, name: string): string {
  const line = readFileSync(join(outDir, 'client.properties'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`no ${name} in ${outDir}/client.properties`);
  return line.slice(name.length + 1);
}

interface Report {
  principal: string;
  ok: boolean;
  certificate: ReturnType<typeof certView>;
  brokers: { address: string; ok: boolean; tls: string; kafka: string; cause?: string; hint?: string; [k: string]: unknown }[];
}

const LOCAL_CA = 'CN=certkit local development CA, O=certkit';
const UPDATE_SECURITY_HINT =
  "add that CA to the brokers' truststore; on Amazon MSK: aws kafka update-security --cluster-arn CLUSTER_ARN --current-version VERSION " +
  "--client-authentication 'Tls={CertificateAuthorityArnList=[CA_ARN]}'";

describe.skipIf(!ready)('certkit probe against a broker with certkit PKCS#12 stores', () => {
  const dir = tempDir('certkit-kafka-probe-');
  const { broker, ids: identities } = useCertkitKafka(dir, 'pkcs12');
  let ids: ClientIdentities;
  beforeAll(() => {
    ids = identities();
  });

  /** Runs the built CLI's probe; the report parsed from --json. */
  const probe = (args: readonly string[], env: Record<string, string> = {}) => {
    const r = runBin(['probe', ...args, '--json'], { cwd: dir, env });
    return { ...r, report: JSON.parse(r.stdout) as Report };
  };

  it('accepts the identity certkit client wrote: TLS, ApiVersions, Metadata; prints the principal and the broker', () => {
    const b = broker();
    const r = probe([b.bootstrap, '--out', ids.allowed, '--ca', ids.caPem]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.report).toEqual({
      principal: ALLOWED_PRINCIPAL,
      certificate: certView(join(ids.allowed, 'client_cert.pem')),
      ok: true,
      brokers: [
        {
          address: b.bootstrap,
          ok: true,
          tls: 'ok',
          kafka: 'ok',
          tlsVersion: 'TLSv1.3',
          serverCertificate: certView(join(dir, 'broker-stores', 'broker.pem')),
          brokers: [{ nodeId: 1, host: 'localhost', port: b.sslPort, rack: null }],
          controllerId: 1,
        },
      ],
    });
    expect(r.report.certificate.subject).toBe('CN=orders-app, OU=Payments, O="Example, Inc.", C=US');
    expect(b.log()).toContain('ssl.keystore.type = PKCS12');
  });

  it('prints the same as text', async () => {
    const b = broker();
    const r = await runCli(['probe', b.bootstrap, '--out', ids.allowed, '--ca', ids.caPem], { cwd: dir });
    const c = certView(join(ids.allowed, 'client_cert.pem'));
    const s = certView(join(dir, 'broker-stores', 'broker.pem'));
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(
      [
        `identity   ${c.subject} (issuer ${LOCAL_CA}, expires ${c.notAfter})`,
        `principal  ${ALLOWED_PRINCIPAL}`,
        '',
        `${b.bootstrap}  ok`,
        '  tls      ok (TLSv1.3)',
        '  kafka    ok',
        `  server   CN=localhost (issuer ${LOCAL_CA}, expires ${s.notAfter})`,
        `  brokers  node 1 localhost:${b.sslPort} (controller)`,
        '',
      ].join('\n'),
    );
  });

  it('takes the identity from a JKS or PKCS#12 keystore, or from --cert and --key, with the same principal', () => {
    const b = broker();
    const env = { STOREPASS: property(ids.allowed, 'ssl.keystore.password'), KEYPASS: property(ids.allowed, 'ssl.key.password') };
    const ways = [
      ['--keystore', join(ids.allowed, 'kafka.client.keystore.jks'), '--storepass', 'env:STOREPASS', '--keypass', 'env:KEYPASS'],
      ['--keystore', join(ids.allowed, 'keystore.p12'), '--storepass', 'env:STOREPASS'],
      ['--cert', join(ids.allowed, 'client_cert.pem'), '--key', join(ids.allowed, 'private_key.pem')],
    ];
    for (const way of ways) {
      const r = probe([b.bootstrap, ...way, '--ca', ids.caPem], env);
      expect([way[1], r.status, r.stderr, r.report.ok, r.report.principal]).toEqual([way[1], 0, '', true, ALLOWED_PRINCIPAL]);
    }
  });

  it('the broker, on certkit’s PKCS#12 stores, serves records (kcat as the admin, a super user)', async () => {
    const b = broker();
    const args = ['-b', b.bootstrap, '-X', 'security.protocol=ssl', '-X', `ssl.certificate.location=${join(ids.admin, 'client_cert.pem')}`];
    args.push('-X', `ssl.key.location=${join(ids.admin, 'private_key.pem')}`, '-X', `ssl.ca.location=${ids.caPem}`, '-t', 'certkit-p12-broker');
    const p = await runProcess(tool('kcat')!, ['-P', ...args], { input: 'record through the PKCS#12 broker\n' });
    expect([p.status, p.stderr]).toEqual([0, '']);
    const c = await runProcess(tool('kcat')!, ['-C', ...args, '-o', 'beginning', '-c', '1', '-e', '-q']);
    expect([c.status, c.stdout]).toEqual([0, 'record through the PKCS#12 broker\n']);
  });

  it('a certificate from a CA the broker does not trust: exit 5, naming the CA, with the MSK update-security hint', () => {
    const b = broker();
    const r = probe([b.bootstrap, '--out', ids.otherCa, '--ca', ids.caPem]);
    const tlsText = "the broker does not trust the client certificate's CA (CN=another team CA, O=elsewhere): the broker sent TLS alert certificate_unknown";
    expect(r.status).toBe(5);
    expect(r.report.brokers[0]).toMatchObject({ ok: false, cause: 'untrusted-ca', tls: tlsText, kafka: 'not reached', hint: UPDATE_SECURITY_HINT });
    expect(r.stderr).toBe(`certkit: probe: ${b.bootstrap}: ${tlsText} (${UPDATE_SECURITY_HINT})\n`);
  });

  it('an expired certificate: exit 5, saying when it expired', () => {
    const b = broker();
    const r = probe([b.bootstrap, '--out', ids.expired, '--ca', ids.caPem]);
    const notAfter = certView(join(ids.expired, 'client_cert.pem')).notAfter;
    const tlsText = `the broker refused the client certificate: the client certificate expired on ${notAfter} (the broker sent TLS alert certificate_unknown)`;
    expect(r.status).toBe(5);
    expect(r.report.brokers[0]).toMatchObject({ ok: false, cause: 'certificate-expired', tls: tlsText });
    expect(r.stderr).toBe(`certkit: probe: ${b.bootstrap}: ${tlsText} (issue a new certificate: certkit client --out DIR --force)\n`);
  });

  it('a key that is not the certificate’s: exit 5 without connecting', () => {
    const b = broker();
    const r = probe([b.bootstrap, '--cert', join(ids.allowed, 'client_cert.pem'), '--key', join(ids.denied, 'private_key.pem'), '--ca', ids.caPem]);
    expect(r.status).toBe(5);
    expect(r.report.brokers).toEqual([
      {
        address: b.bootstrap,
        ok: false,
        tls: 'not attempted: the private key does not belong to the client certificate',
        kafka: 'not reached',
        cause: 'key-mismatch',
        hint: 'give the key the certificate was issued for (private_key.pem from the same certkit client run)',
      },
    ]);
  });

  it('the plaintext port: exit 5, "this is a plaintext Kafka port"', () => {
    const address = `127.0.0.1:${broker().plaintextPort}`;
    const r = probe([address, '--out', ids.allowed, '--ca', ids.caPem]);
    expect(r.status).toBe(5);
    expect(r.report.brokers[0]).toMatchObject({
      cause: 'plaintext-port',
      tls: `this is a plaintext Kafka port: ${address} answered Kafka without TLS`,
      hint: 'use the TLS listener: on Amazon MSK 9092 is plaintext, mutual TLS is 9094, or 9194 with public access',
    });
  });

  it('a SASL_SSL port: TLS works, Metadata is refused until SASL: exit 5, "this listener wants SASL"', () => {
    const b = broker();
    const r = probe([`localhost:${b.saslPort}`, '--out', ids.allowed, '--ca', ids.caPem]);
    expect(r.status).toBe(5);
    expect(r.report.brokers[0]).toMatchObject({
      cause: 'sasl-port',
      tls: 'ok',
      kafka: 'the broker answered ApiVersions but closed the connection at Metadata: this listener wants SASL authentication first',
      hint: 'use the mutual-TLS listener: on Amazon MSK 9096 is SASL/SCRAM and 9098 IAM, mutual TLS is 9094, or 9194 with public access',
    });
  });

  it('nothing listening: exit 5, connection refused', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const r = probe([address, '--out', ids.allowed, '--ca', ids.caPem]);
    expect(r.status).toBe(5);
    expect(r.report.brokers[0]).toMatchObject({ cause: 'refused', tls: `connection refused: nothing listens on ${address}`, kafka: 'not reached' });
    expect(r.stderr).toBe(
      `certkit: probe: ${address}: connection refused: nothing listens on ${address} (check the port: on Amazon MSK mutual TLS is 9094, or 9194 with public access)\n`,
    );
  });

  it("without --ca the broker's private CA is not trusted: exit 5, the broker's certificate shown", () => {
    const b = broker();
    const r = probe([b.bootstrap, '--out', ids.allowed]);
    expect(r.status).toBe(5);
    expect(r.report.brokers[0]).toMatchObject({
      cause: 'broker-untrusted',
      tls: `the broker's certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN; issuer ${LOCAL_CA})`,
      serverCertificate: certView(join(dir, 'broker-stores', 'broker.pem')),
    });
  });

  it('several brokers at once: each reported, exit 5 naming the first failure and the count', () => {
    const b = broker();
    const plaintext = `127.0.0.1:${b.plaintextPort}`;
    const r = probe([`${b.bootstrap},${plaintext}`, '--out', ids.allowed, '--ca', ids.caPem]);
    expect(r.status).toBe(5);
    expect(r.report.brokers.map((x) => [x.address, x.ok, x.cause])).toEqual([
      [b.bootstrap, true, undefined],
      [plaintext, false, 'plaintext-port'],
    ]);
    expect(r.stderr).toMatch(new RegExp(`^certkit: probe: ${plaintext}: this is a plaintext Kafka port: .* \\(1 of 2 brokers failed\\) \\(use the TLS listener: `));
  });
});

describe.skipIf(!builtCliExists())('certkit probe against plain TLS servers that require a client certificate', () => {
  const dir = tempDir('certkit-probe-tls-');
  let ids: ClientIdentities;
  const servers: tls.Server[] = [];
  const sockets = new Set<Socket>();
  let serverKey: string;
  let serverCert: (sans: readonly string[]) => string;

  beforeAll(async () => {
    ids = await makeClientIdentities(join(dir, 'identities'));
    const ca = await loadLocalCa(ids.caDir);
    const { privateKey, publicKey } = await generateKeyPair('ec256');
    serverKey = exportPkcs8Pem(privateKey);
    serverCert = (sans) =>
      encodePem(
        'CERTIFICATE',
        issueFromLocalCa(ca, {
          subject: 'CN=tls-server',
          publicKey,
          extKeyUsage: ['serverAuth'],
          subjectAltNames: sans.map((value) => ({ type: 'dns' as const, value })),
        }),
      );
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  /** A TLS server on loopback requiring a client certificate from `clientCa`; `onData` answers. */
  async function serve(o: { clientCa: string; sans?: readonly string[]; onData?: (s: tls.TLSSocket) => void }): Promise<string> {
    const server = tls.createServer({
      key: serverKey,
      cert: serverCert(o.sans ?? ['localhost']),
      ca: readFileSync(o.clientCa),
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('secureConnection', (s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('data', () => o.onData?.(s));
    });
    server.on('tlsClientError', () => undefined);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `localhost:${(server.address() as AddressInfo).port}`;
  }

  const probe = async (address: string, extra: readonly string[] = []) => {
    const r = await runCli(['probe', address, '--out', ids.allowed, '--ca', ids.caPem, '--json', ...extra], { cwd: dir });
    return { ...r, broker: (JSON.parse(r.stdout) as Report).brokers[0]! };
  };

  it('a TLS server that answers in HTTP: TLS ok (it accepted the certificate), "not a Kafka response"', async () => {
    const address = await serve({ clientCa: ids.caPem, onData: (s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n') });
    const r = await probe(address);
    expect(r.status).toBe(5);
    expect(r.broker).toMatchObject({
      ok: false,
      tls: 'ok',
      cause: 'not-kafka',
      kafka:
        'the server accepted the TLS connection but not a Kafka response: its size prefix says 1213486160 bytes (a Kafka response has 4 to 1048576) (the server answered in HTTP: it is not a Kafka broker)',
    });
  });

  it('a TLS server that trusts another CA and closes without an alert (as Node servers do): "closed after the handshake"', async () => {
    const address = await serve({ clientCa: join(dir, 'identities', 'other-ca', 'ca.pem') });
    const r = await probe(address);
    expect(r.status).toBe(5);
    expect(r.broker).toMatchObject({
      cause: 'closed',
      tls: 'the server closed the connection after the TLS handshake without answering',
      kafka: 'not reached',
      hint: 'a broker that refused the client certificate, or a TLS server that is not Kafka; see the broker log',
    });
  });

  it.skipIf(tool('openssl') === undefined)('openssl s_server trusting another CA sends unknown_ca: "does not trust the client certificate\'s CA"', async () => {
    const server = await startMtlsServer({
      impl: 'openssl',
      serverCertPem: serverCert(['localhost']),
      serverKeyPem: serverKey,
      clientCaPem: readFileSync(join(dir, 'identities', 'other-ca', 'ca.pem'), 'utf8'),
    });
    try {
      const r = await probe(`localhost:${server.port}`);
      expect(r.status).toBe(5);
      expect(r.broker).toMatchObject({
        cause: 'untrusted-ca',
        tls: `the broker does not trust the client certificate's CA (${LOCAL_CA}): the broker sent TLS alert unknown_ca`,
        hint: UPDATE_SECURITY_HINT,
      });
    } finally {
      await server.close();
    }
  });

  it('a TLS server that never answers: bounded by --timeout', async () => {
    const address = await serve({ clientCa: ids.caPem });
    const started = Date.now();
    const r = await probe(address, ['--timeout', '1']);
    expect(r.status).toBe(5);
    expect(r.broker).toMatchObject({
      cause: 'timeout',
      tls: 'ok',
      kafka: 'no answer within 1 s waiting for the answer to ApiVersions: is this a Kafka broker?',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a server certificate for another host name: "not for localhost"', async () => {
    const address = await serve({ clientCa: ids.caPem, sans: ['kafka.example.com'] });
    const r = await probe(address);
    expect(r.status).toBe(5);
    expect(r.broker).toMatchObject({
      cause: 'hostname-mismatch',
      tls: "the broker's certificate is not for localhost: Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:kafka.example.com",
    });
  });

  it('a subject with a BMPString: the principal for the JDK 17 brokers, and the one JDK 25 brokers derive', async () => {
    const ca = await loadLocalCa(ids.caDir);
    const { privateKey, publicKey } = await generateKeyPair('ec256');
    const bmpName = tlv(0x30, tlv(0x31, tlv(0x30, encodeOid('2.5.4.3'), tlv(0x1e, Buffer.from('bmp', 'utf16le').swap16()))));
    const cert = issueFromLocalCa(ca, { subject: bmpName, publicKey, extKeyUsage: ['clientAuth'] });
    writeFileSync(join(dir, 'bmp-cert.pem'), encodePem('CERTIFICATE', cert));
    writeFileSync(join(dir, 'bmp-key.pem'), exportPkcs8Pem(privateKey));
    const address = await serve({ clientCa: ids.caPem, onData: (s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n') });
    const r = await runCli(['probe', address, '--cert', 'bmp-cert.pem', '--key', 'bmp-key.pem', '--ca', ids.caPem, '--json'], { cwd: dir });
    const report = JSON.parse(r.stdout) as Report & { principalNewerJdk?: string };
    expect([report.principal, report.principalNewerJdk]).toEqual(['User:CN=\\00b\\00m\\00p', 'User:CN=bmp']);
  });

  it('usage: one identity, HOST:PORT addresses, a sane --timeout (exit 2)', async () => {
    const cases: [string[], string][] = [
      [['probe', 'localhost:9094'], 'certkit: give the identity one way: --out DIR, --keystore FILE --storepass P, or --cert FILE --key FILE'],
      [['probe', 'localhost', '--out', ids.allowed], "certkit: 'localhost' is not HOST:PORT (for example b-1.mycluster.abc123.c2.kafka.us-east-1.amazonaws.com:9094)"],
      [['probe', 'localhost:9094', '--out', ids.allowed, '--timeout', '0'], 'certkit: --timeout must be a number of seconds above 0 and at most 600'],
      [['probe', 'localhost:9094', '--out', ids.allowed, '--cert', 'c.pem'], 'certkit: give the identity one way: --out DIR, --keystore FILE --storepass P, or --cert FILE --key FILE'],
    ];
    for (const [argv, line] of cases) {
      const r = await runCli(argv, { cwd: dir });
      expect([argv.join(' '), r.status, r.stderr]).toEqual([argv.join(' '), 2, `${line}\n`]);
    }
  });
});

describe('parseBrokerAddresses', () => {
  it('splits bootstrap strings, takes bracketed IPv6 literals, and refuses what is not HOST:PORT', () => {
    expect(parseBrokerAddresses(['b-1.example:9094,b-2.example:9094', ' [::1]:9194 ,', '10.0.0.1:1'])).toEqual([
      { host: 'b-1.example', port: 9094, text: 'b-1.example:9094' },
      { host: 'b-2.example', port: 9094, text: 'b-2.example:9094' },
      { host: '::1', port: 9194, text: '[::1]:9194' },
      { host: '10.0.0.1', port: 1, text: '10.0.0.1:1' },
    ]);
    for (const bad of ['b-1.example', 'b-1.example:0', 'b-1.example:65536', '::1:9094', 'a b:1', 'host:port']) {
      expect(() => parseBrokerAddresses([bad])).toThrow(`'${bad}' is not HOST:PORT`);
    }
    expect(() => parseBrokerAddresses([' , '])).toThrow('no broker address given (HOST:PORT[,HOST:PORT…])');
  });
});
