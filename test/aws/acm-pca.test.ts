/**
 * The ACM PCA issuer through the real SDK against moto_server, with the fault proxy in front
 * for what moto does not emulate (idempotency, RequestInProgress, throttling, lost responses).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import {
  CLIENT_AUTH_TEMPLATE_ARN,
  createAcmPcaIssuer,
  idempotencyToken,
  type AcmPcaIssuer,
  type AcmPcaIssuerOptions,
} from '../../src/issuers/acm-pca.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { generateKeyPair } from '../../src/keys.js';
import { buildCsr } from '../../src/x509/csr.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { awsOptionsFor, createActivatedCa, useMoto, type ActivatedCa } from '../support/moto.js';
import { haveTools, run } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { deferred, until, withDeadline } from '../support/wait.js';
import { createAcmPcaClient } from '../../src/aws/config.js';

const now = new Date();
const validity300d = parseValidity('300d', now);

async function rejection(p: Promise<unknown>): Promise<CertkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const toPem = (der: Buffer) => new X509Certificate(der).toString();

describe.skipIf(!haveTools('moto_server', 'openssl'))('ACM PCA issuer against moto_server', () => {
  const moto = useMoto();
  const dir = tempDir();
  let proxy: FaultProxy;
  let ca: ActivatedCa;
  let csrDer: Buffer;
  let csrPublicKeyPem: string;
  const issuers: AcmPcaIssuer[] = [];

  const issuerFor = (extra: Partial<AcmPcaIssuerOptions> = {}) => {
    const i = createAcmPcaIssuer({
      caArn: ca.caArn,
      aws: awsOptionsFor(proxy.endpoint),
      maxWaitSeconds: 10,
      maxDelaySeconds: 1,
      ...extra,
    });
    issuers.push(i);
    return i;
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    ca = await createActivatedCa(moto().endpoint);
    run('openssl', [
      'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'client.key'),
      '-subj', '/CN=certkit-client/O=certkit tests', '-outform', 'DER', '-out', join(dir, 'client.csr.der'),
    ]);
    csrDer = readFileSync(join(dir, 'client.csr.der'));
    csrPublicKeyPem = run('openssl', ['req', '-inform', 'DER', '-in', join(dir, 'client.csr.der'), '-pubkey', '-noout']);
    writeFileSync(join(dir, 'root.pem'), ca.rootPem);
  });
  afterAll(async () => {
    for (const i of issuers) i.close();
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('issues a leaf with its chain; openssl verifies it and the key is the CSR\'s', async () => {
    const out = await issuerFor().issue({ csrDer, validity: validity300d });
    const leaf = new X509Certificate(out.leaf);
    expect(leaf.subject).toBe('CN=certkit-client\nO=certkit tests');
    expect(out.certificateArn).toMatch(new RegExp(`^${ca.caArn}/certificate/[0-9a-f]{32}$`));
    // moto's CA is a root: the chain is exactly the root we imported.
    expect(out.chain.map(toPem)).toEqual([new X509Certificate(ca.rootPem).toString()]);
    expect(leaf.publicKey.export({ type: 'spki', format: 'pem' })).toBe(csrPublicKeyPem);
    writeFileSync(join(dir, 'leaf.pem'), toPem(out.leaf));
    writeFileSync(join(dir, 'chain.pem'), out.chain.map(toPem).join(''));
    expect(
      run('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'leaf.pem')]),
    ).toBe(`${join(dir, 'leaf.pem')}: OK\n`);
  });

  it("issues for a CSR certkit's own buildCsr made (P-256 key), and openssl verifies the chain", async () => {
    const { privateKey, publicKey } = await generateKeyPair('ec256');
    const der = buildCsr({ subject: 'CN=glue-client, OU=data, O=Example', key: privateKey });
    const out = await issuerFor().issue({ csrDer: der, validity: parseValidity('30d', now), templateArn: 'client-auth' });
    const leaf = new X509Certificate(out.leaf);
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    // keytool -dname order is RFC 4514 (most specific first); DER, which X509Certificate prints, is the reverse.
    expect(leaf.subject).toBe('O=Example\nOU=data\nCN=glue-client');
    writeFileSync(join(dir, 'own-leaf.pem'), toPem(out.leaf));
    writeFileSync(join(dir, 'own-chain.pem'), out.chain.map(toPem).join(''));
    expect(
      run('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'own-chain.pem'), join(dir, 'own-leaf.pem')]),
    ).toBe(`${join(dir, 'own-leaf.pem')}: OK\n`);
  });

  it('asks for the algorithm of the CA key family, the validity, the template and a CSR-derived token', async () => {
    const validity = parseValidity('12m', now);
    const told: unknown[] = [];
    await issuerFor().issue({ csrDer, validity, templateArn: 'client-auth', beforeIssue: async (sending) => void told.push(sending) });
    const sent = proxy.forwarded({ target: 'IssueCertificate' });
    expect(sent).toHaveLength(1);
    const body = JSON.parse(sent[0]!.body.toString('utf8'));
    const token = idempotencyToken(ca.caArn, {
      csrDer, validityType: 'MONTHS', validityValue: 12, signingAlgorithm: 'SHA256WITHRSA', templateArn: CLIENT_AUTH_TEMPLATE_ARN,
    });
    expect(token).toMatch(/^[0-9a-f]{36}$/);
    // beforeIssue is told the token and PCA's 5-minute window, for the resume state to record.
    expect(told).toEqual([{ idempotencyToken: token, idempotencyWindowSeconds: 300 }]);
    expect({ ...body, Csr: undefined }).toEqual({
      CertificateAuthorityArn: ca.caArn,
      SigningAlgorithm: 'SHA256WITHRSA',
      Validity: { Type: 'MONTHS', Value: 12 },
      TemplateArn: 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1',
      IdempotencyToken: token,
      Csr: undefined,
    });
    // The CSR goes as PEM (base64 in the JSON): PCA reads PEM.
    const csrPem = Buffer.from(body.Csr, 'base64').toString('ascii');
    expect(csrPem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(csrPem.endsWith('\n-----END CERTIFICATE REQUEST-----\n')).toBe(true);
    const b64 = csrPem.split('\n').slice(1, -2);
    expect(b64.every((l) => l.length <= 64)).toBe(true);
    expect(Buffer.from(b64.join(''), 'base64').equals(csrDer)).toBe(true);
  });

  it('awaits beforeIssue after DescribeCertificateAuthority and before IssueCertificate; whileWaiting once it is sent', async () => {
    const events: string[] = [];
    const targets = () => proxy.seen({}).map((r) => r.target).join(',');
    let release: () => void = () => undefined;
    const issuing = issuerFor().issue({
      csrDer,
      validity: validity300d,
      beforeIssue: () => {
        events.push(`beforeIssue after [${targets()}]`);
        return new Promise<void>((r) => (release = r));
      },
      whileWaiting: () => events.push('whileWaiting'),
    });
    // Held in beforeIssue: nothing mints until it resolves.
    await until('beforeIssue to be called', () => events.length > 0);
    expect([events, targets()]).toEqual([['beforeIssue after [DescribeCertificateAuthority]'], 'DescribeCertificateAuthority']);
    release();
    await issuing;
    expect([events, targets()]).toEqual([
      ['beforeIssue after [DescribeCertificateAuthority]', 'whileWaiting'],
      'DescribeCertificateAuthority,IssueCertificate,GetCertificate',
    ]);
  });

  it('prepare() sends DescribeCertificateAuthority at once; the next issue() uses its answer, a later one asks again', async () => {
    const targets = () => proxy.seen({}).map((r) => r.target).join(',');
    const issuer = issuerFor();
    issuer.prepare();
    issuer.prepare(); // idempotent until the next issue()
    await until('the prepared DescribeCertificateAuthority to reach the proxy', () => proxy.seen({}).length > 0);
    expect(targets()).toBe('DescribeCertificateAuthority');
    const first = await issuer.issue({ csrDer, validity: parseValidity('11d', now) });
    expect(targets()).toBe('DescribeCertificateAuthority,IssueCertificate,GetCertificate');
    await issuer.issue({ csrDer, validity: parseValidity('12d', now) });
    expect(targets()).toBe(
      'DescribeCertificateAuthority,IssueCertificate,GetCertificate,DescribeCertificateAuthority,IssueCertificate,GetCertificate',
    );
    expect(new X509Certificate(first.leaf).publicKey.export({ type: 'spki', format: 'pem' })).toBe(csrPublicKeyPem);
  });

  it("a prepared DescribeCertificateAuthority that fails is issue()'s error, and nothing is issued", async () => {
    proxy.addRule({
      match: { target: 'DescribeCertificateAuthority' },
      fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform acm-pca:DescribeCertificateAuthority' },
    });
    // A client of the test's, so the test knows when the Describe's answer has been read: its
    // failure then arrives before anyone awaits it, and must not be an unhandled rejection.
    const client = await createAcmPcaClient(awsOptionsFor(proxy.endpoint));
    const answered = deferred();
    client.middlewareStack.add((next) => (args) => next(args).finally(() => answered.resolve()), { step: 'initialize' });
    const issuer = issuerFor({ client });
    issuer.prepare();
    await withDeadline(answered.promise, "the prepared DescribeCertificateAuthority's answer");
    await new Promise((r) => setImmediate(r)); // the promise jobs that carry its rejection to the issuer have all run
    const e = await rejection(issuer.issue({ csrDer, validity: parseValidity('13d', now) })).finally(() => client.destroy());
    expect([e.code, exitStatusOf(e), e.file]).toEqual(['AWS', 5, ca.caArn]);
    expect(e.message).toMatch(/^ACM PCA DescribeCertificateAuthority failed: AccessDeniedException: /);
    expect(proxy.seen({}).map((r) => r.target)).toEqual(['DescribeCertificateAuthority']);
  });

  it('a beforeIssue that fails stops the issuance with its error: no IssueCertificate', async () => {
    const failure = new CertkitError('WRITE_FAILED', 'cannot write the resume state');
    const e = await rejection(issuerFor().issue({ csrDer, validity: validity300d, beforeIssue: () => Promise.reject(failure) }));
    expect(e).toBe(failure);
    expect(proxy.seen({ target: 'IssueCertificate' })).toHaveLength(0);
  });

  it('refuses a signing algorithm that does not match the CA before IssueCertificate', async () => {
    const e = await rejection(issuerFor().issue({ csrDer, validity: validity300d, signingAlgorithm: 'SHA256WITHECDSA' }));
    expect([e.code, exitStatusOf(e), e.message]).toEqual([
      'USAGE', 2, "--signing-algorithm SHA256WITHECDSA does not match the CA's RSA_2048 key (use SHA256WITHRSA or SHA384WITHRSA or SHA512WITHRSA)",
    ]);
    expect(proxy.seen({ target: 'IssueCertificate' })).toHaveLength(0);
  });

  it('refuses an unknown signing algorithm and a bad template before any request', async () => {
    const e1 = await rejection(issuerFor().issue({ csrDer, validity: validity300d, signingAlgorithm: 'MD5WITHRSA' }));
    expect([e1.code, e1.message]).toEqual(['USAGE', "--signing-algorithm 'MD5WITHRSA' is not one ACM PCA knows"]);
    const e2 = await rejection(issuerFor().issue({ csrDer, validity: validity300d, templateArn: 'client' }));
    expect([e2.code, e2.message]).toEqual(['USAGE', "--template-arn 'client' is not an ACM PCA template ARN"]);
    const e3 = await rejection(issuerFor().issue({ csrDer: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]), validity: validity300d }));
    expect(e3.code).toBe('INVALID_INPUT');
    expect(proxy.requests).toHaveLength(0);
  });

  it('a lost IssueCertificate response and a retried run yield exactly one certificate', async () => {
    const validity = parseValidity('77d', now);
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'dropResponse' } });
    const arns: string[] = [];
    const first = await issuerFor({ onCertificateArn: (a) => void arns.push(a) }).issue({ csrDer, validity });
    // The SDK retried after the lost response; the proxy answered the retry with the first ARN.
    expect(proxy.seen({ target: 'IssueCertificate' }).map((r) => [r.fault, r.forwarded])).toEqual([
      ['dropResponse', true],
      ['idempotent-replay', false],
    ]);
    // A whole new run with the same CSR and options: same token, same certificate.
    const second = await issuerFor().issue({ csrDer, validity });
    expect(second.certificateArn).toBe(first.certificateArn);
    expect(second.leaf.equals(first.leaf)).toBe(true);
    expect(arns).toEqual([first.certificateArn]);
    expect(proxy.forwarded({ target: 'IssueCertificate' })).toHaveLength(1);
    // A different request (another validity) is a different certificate.
    const third = await issuerFor().issue({ csrDer, validity: parseValidity('78d', now) });
    expect(third.certificateArn).not.toBe(first.certificateArn);
    expect(proxy.forwarded({ target: 'IssueCertificate' })).toHaveLength(2);
  });

  it('waits through RequestInProgress for 3 polls and completes', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: 3 });
    const out = await issuerFor().issue({ csrDer, validity: parseValidity('5d', now) });
    expect(new X509Certificate(out.leaf).subject).toBe('CN=certkit-client\nO=certkit tests');
    expect(proxy.seen({ target: 'GetCertificate' }).map((r) => r.fault ?? 'ok')).toEqual([
      'requestInProgress', 'requestInProgress', 'requestInProgress', 'ok',
    ]);
  });

  it('gives up on a certificate that stays in progress, saying how to fetch it later (reaching AWS as this run did)', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: Infinity });
    let arn = '';
    // The profile and region as given (a region other than the CA's is carried; a name with a space quoted).
    const aws = awsOptionsFor(proxy.endpoint, { profile: 'ops team', region: 'eu-west-1' });
    const e = await rejection(
      issuerFor({ aws, maxWaitSeconds: 2, onCertificateArn: (a) => void (arn = a) }).issue({ csrDer, validity: parseValidity('6d', now) }),
    );
    expect([e.code, exitStatusOf(e), e.message, e.hint]).toEqual([
      'AWS', 5, `certificate ${arn} was still being issued after 2 s`,
      `fetch it later with: certkit pca fetch --ca-arn ${ca.caArn} --certificate-arn ${arn} --out client_cert.pem --endpoint-url ${proxy.endpoint} --profile 'ops team' --region eu-west-1`,
    ]);
    proxy.reset();
    const fetched = await issuerFor().fetchIssued(arn, csrDer);
    expect(fetched.certificateArn).toBe(arn);
    expect(new X509Certificate(fetched.leaf).publicKey.export({ type: 'spki', format: 'pem' })).toBe(csrPublicKeyPem);
    expect(proxy.forwarded({ target: 'IssueCertificate' })).toHaveLength(0);
  });

  it('retries throttling that clears', async () => {
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'throttle' }, times: 2 });
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'throttle' }, times: 1 });
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'unavailable' }, times: 1 });
    const out = await issuerFor().issue({ csrDer, validity: parseValidity('7d', now) });
    expect(out.chain).toHaveLength(1);
    expect(proxy.requests.map((r) => `${r.target}:${r.fault ?? 'ok'}`)).toEqual([
      'DescribeCertificateAuthority:throttle',
      'DescribeCertificateAuthority:throttle',
      'DescribeCertificateAuthority:ok',
      'IssueCertificate:throttle',
      'IssueCertificate:ok',
      'GetCertificate:unavailable',
      'GetCertificate:ok',
    ]);
  });

  it('throttling that does not clear fails with exit 5 after the bounded attempts', async () => {
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'throttle' }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer, validity: validity300d }));
    expect([e.code, exitStatusOf(e)]).toEqual(['AWS', 5]);
    expect(e.message).toMatch(/^ACM PCA DescribeCertificateAuthority failed: ThrottlingException: Rate exceeded \(request id certkit-fault-\d+\)$/);
    expect(proxy.seen({ target: 'DescribeCertificateAuthority' })).toHaveLength(3);
  });

  it('a connection reset that clears is retried; one that does not fails with exit 5', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'reset' } });
    const out = await issuerFor().issue({ csrDer, validity: parseValidity('10d', now) });
    expect(out.chain).toHaveLength(1);
    expect(proxy.seen({ target: 'IssueCertificate' }).map((r) => [r.fault ?? 'ok', r.forwarded])).toEqual([
      ['reset', false],
      ['ok', true],
    ]);
    proxy.reset();
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'reset' }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer, validity: parseValidity('11d', now) }));
    expect([e.code, exitStatusOf(e), e.file, e.hint]).toEqual([
      'AWS', 5, ca.caArn, 'could not reach the AWS endpoint: check the network, the region and --endpoint-url',
    ]);
    expect(e.message).toMatch(/^ACM PCA DescribeCertificateAuthority failed: ECONNRESET: socket hang up$/);
    expect(proxy.seen({ target: 'DescribeCertificateAuthority' })).toHaveLength(3);
  });

  it('AccessDenied is tried once and reported with its code and request id', async () => {
    proxy.addRule({
      match: { target: 'IssueCertificate' },
      fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform acm-pca:IssueCertificate' },
    });
    const e = await rejection(issuerFor().issue({ csrDer, validity: parseValidity('8d', now) }));
    expect([e.code, exitStatusOf(e), e.file, e.hint]).toEqual([
      'AWS', 5, ca.caArn, 'the credentials in use lack the permission this step needs',
    ]);
    expect(e.message).toMatch(
      /^ACM PCA IssueCertificate failed: AccessDeniedException: User is not authorized to perform acm-pca:IssueCertificate \(request id certkit-fault-\d+\)$/,
    );
    expect(proxy.seen({ target: 'IssueCertificate' })).toHaveLength(1);
    expect((e.cause as { name: string }).name).toBe('AccessDeniedException');
  });

  it('a non-retryable error while polling fails at once instead of waiting', async () => {
    proxy.addRule({
      match: { target: 'GetCertificate' },
      fault: { kind: 'error', status: 400, type: 'ResourceNotFoundException', message: 'Certificate not found' },
    });
    const e = await rejection(issuerFor({ maxWaitSeconds: 30 }).issue({ csrDer, validity: parseValidity('9d', now) }));
    expect(e.code).toBe('AWS');
    expect(e.message).toMatch(/^ACM PCA GetCertificate failed: ResourceNotFoundException: Certificate not found \(request id certkit-fault-\d+\)$/);
    expect(proxy.seen({ target: 'GetCertificate' })).toHaveLength(1);
  });

  it("moto's HTML error pages become one readable line", async () => {
    const e = await rejection(issuerFor().fetchIssued(`${ca.caArn}/certificate/${'0'.repeat(32)}`));
    expect([e.code, e.message]).toEqual([
      'AWS', "ACM PCA GetCertificate failed: UnreadableResponse: the service's answer was not AWS's format (HTTP 500)",
    ]);
  });

  it('chooses SHA256WITHECDSA for an EC P-256 CA', async () => {
    const ecCa = await createActivatedCa(moto().endpoint, { keyAlgorithm: 'EC_prime256v1', commonName: 'certkit ec root' });
    const out = await createAcmPcaIssuer({ caArn: ecCa.caArn, aws: awsOptionsFor(proxy.endpoint) }).issue({ csrDer, validity: validity300d });
    const body = JSON.parse(proxy.forwarded({ target: 'IssueCertificate' })[0]!.body.toString('utf8'));
    expect(body.SigningAlgorithm).toBe('SHA256WITHECDSA');
    expect(new X509Certificate(out.chain[0]!).subject).toBe('O=certkit tests\nCN=certkit ec root');
  });
});
