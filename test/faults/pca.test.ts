/**
 * Cloud faults, ACM Private CA: the issuer through the real SDK against moto_server, behind the
 * fault proxy (which also emulates PCA's idempotency tokens, RequestInProgress and its
 * signing-algorithm check, none of which moto has). Every scenario asserts the exact outcome:
 * the CertkitError code and exit status, the one-line message with the AWS error name and the
 * request id, and how many requests were seen by the proxy and how many reached moto.
 *
 * | id  | scenario                                                                  |
 * |-----|---------------------------------------------------------------------------|
 * | P01 | IssueCertificate response lost once: the SDK retry gets the same ARN       |
 * | P02 | IssueCertificate response lost on every attempt; a rerun gets the same ARN |
 * | P03 | IssueCertificate throttled twice, then succeeds                           |
 * | P04 | IssueCertificate throttled on every attempt: exit 5 after 3 attempts       |
 * | P05 | GetCertificate 503 once, then succeeds                                    |
 * | P06 | DescribeCertificateAuthority 503 on every attempt: exit 5, 3 attempts      |
 * | P07 | IssueCertificate connection reset twice, then succeeds                    |
 * | P08 | GetCertificate connection reset on every attempt: exit 5, 3 attempts       |
 * | P09 | GetCertificate RequestInProgress for 2 polls, then the certificate         |
 * | P10 | GetCertificate RequestInProgress forever: bounded wait, `pca fetch` hint   |
 * | P11 | IssueCertificate AccessDeniedException: tried once                         |
 * | P12 | IssueCertificate MalformedCSRException: tried once                         |
 * | P13 | IssueCertificate InvalidStateException: tried once                         |
 * | P14 | DescribeCertificateAuthority ResourceNotFoundException: tried once        |
 * | P15 | DescribeCertificateAuthority ExpiredTokenException: tried once, hint       |
 * | P16 | GetCertificate AccessDeniedException while polling: no waiting            |
 * | P17 | a CA ARN moto does not know: its own ResourceNotFoundException, once       |
 * | P18 | signing algorithm of the wrong family: refused before IssueCertificate    |
 * | P19 | the local check bypassed: PCA's own refusal (emulated), exit 5, once       |
 * | P20 | the CA is DISABLED: refused after Describe, nothing issued                |
 * | P21 | GetCertificate HTTP 500 with an HTML page: one readable line              |
 * | P22 | GetCertificate HTTP 500 HTML once, then succeeds                          |
 * | P23 | GetCertificate connection dropped mid-answer once: retried, succeeds      |
 * | P24 | IssueCertificate answers another CA's ARN: refused, no GetCertificate     |
 * | P25 | DescribeCertificateAuthority throttled once, then succeeds                |
 * | P26 | GetCertificate answer cut off half-way (connection broken mid-body), once |
 * | P27 | GetCertificate answer cut off half-way on every attempt: exit 5, 3 tries  |
 * | P28 | the bounded wait's hint, run as printed (bin/certkit): writes the chain   |
 * | P29 | GetCertificate throttled on every attempt while polling: exit 5, no wait  |
 * | P30 | the endpoint refuses connections: exit 5, ECONNREFUSED, network hint      |
 * | P31 | DescribeCertificateAuthority never answered: bounded, exit 5, 3 attempts   |
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAcmPcaIssuer, type AcmPcaIssuer, type AcmPcaIssuerOptions } from '../../src/issuers/acm-pca.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { generateKeyPair, type KeyObject } from '../../src/keys.js';
import { buildCsr } from '../../src/x509/csr.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { createActivatedCa, freePort, useMoto, type ActivatedCa } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools } from '../support/tools.js';
import { certkitAsync } from '../e2e/cli.js';
import { ATTEMPTS, FAULT_ID, outcome, rejection, viaProxy } from './harness.js';

const validity = parseValidity('30d', new Date());

describe.skipIf(!haveTools('moto_server'))('cloud faults: ACM PCA (moto_server behind the fault proxy)', () => {
  const moto = useMoto();
  let proxy: FaultProxy;
  let ca: ActivatedCa;
  let key: KeyObject;
  const issuers: AcmPcaIssuer[] = [];

  /** A CSR of its own per scenario, so idempotency tokens never collide across scenarios. */
  const csrFor = (id: string) => buildCsr({ subject: `CN=fault-${id},O=certkit tests`, key });
  const issuerFor = (extra: Partial<AcmPcaIssuerOptions> = {}) => {
    const i = createAcmPcaIssuer({
      caArn: ca.caArn,
      aws: viaProxy(proxy.endpoint),
      maxWaitSeconds: 3,
      minDelaySeconds: 1,
      maxDelaySeconds: 1,
      ...extra,
    });
    issuers.push(i);
    return i;
  };
  const count = (target: string) => ({
    seen: proxy.seen({ target }).length,
    forwarded: proxy.forwarded({ target }).length,
  });
  let certArnPattern = /^$/;

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    ca = await createActivatedCa(moto().endpoint, { commonName: 'certkit faults root' });
    key = (await generateKeyPair('ec256')).privateKey;
    certArnPattern = new RegExp(`^${ca.caArn}/certificate/[0-9a-f]{32}$`);
  });
  afterAll(async () => {
    for (const i of issuers) i.close();
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('P01 IssueCertificate response lost once: the SDK retry gets the same ARN, one certificate', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'dropResponse' } });
    const out = await issuerFor().issue({ csrDer: csrFor('P01'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(count('IssueCertificate')).toEqual({ seen: 2, forwarded: 1 });
    expect(proxy.seen({ target: 'IssueCertificate' }).map((r) => r.fault)).toEqual(['dropResponse', 'idempotent-replay']);
    // Both attempts carried the same token.
    const tokens = proxy.seen({ target: 'IssueCertificate' }).map((r) => JSON.parse(r.body.toString('utf8')).IdempotencyToken);
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('P02 IssueCertificate response lost on every attempt: exit 5; a rerun gets the same ARN, one certificate', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'dropResponse' }, times: ATTEMPTS });
    const csrDer = csrFor('P02');
    const e = await rejection(issuerFor().issue({ csrDer, validity }));
    expect(outcome(e)).toEqual({
      code: 'AWS',
      exit: 5,
      message: 'ACM PCA IssueCertificate failed: ECONNRESET: socket hang up',
      oneLine: true,
    });
    expect(count('IssueCertificate')).toEqual({ seen: ATTEMPTS, forwarded: 1 });
    const out = await issuerFor().issue({ csrDer, validity });
    expect(count('IssueCertificate')).toEqual({ seen: ATTEMPTS + 1, forwarded: 1 });
    const replayed = proxy.seen({ target: 'IssueCertificate' }).at(-1)!;
    expect(replayed.fault).toBe('idempotent-replay');
    expect(out.certificateArn).toMatch(certArnPattern);
  });

  it('P03 IssueCertificate throttled twice, then succeeds with one certificate', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'throttle' }, times: 2 });
    const out = await issuerFor().issue({ csrDer: csrFor('P03'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(count('IssueCertificate')).toEqual({ seen: 3, forwarded: 1 });
  });

  it('P04 IssueCertificate throttled on every attempt: exit 5 after exactly 3 attempts, nothing issued', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'throttle' }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P04'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(/^ACM PCA IssueCertificate failed: ThrottlingException: Rate exceeded \(request id certkit-fault-[0-9]+\)$/);
    expect(count('IssueCertificate')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
    expect(count('GetCertificate')).toEqual({ seen: 0, forwarded: 0 });
  });

  it('P05 GetCertificate 503 once, then succeeds', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'unavailable' } });
    const out = await issuerFor().issue({ csrDer: csrFor('P05'), validity });
    expect(new X509Certificate(out.leaf).subject).toBe('O=certkit tests\nCN=fault-P05');
    expect(count('GetCertificate')).toEqual({ seen: 2, forwarded: 1 });
    expect(count('IssueCertificate')).toEqual({ seen: 1, forwarded: 1 });
  });

  it('P06 DescribeCertificateAuthority 503 on every attempt: exit 5 after 3 attempts, no IssueCertificate', async () => {
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'unavailable' }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P06'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(
      /^ACM PCA DescribeCertificateAuthority failed: ServiceUnavailable: Service is unavailable \(request id certkit-fault-[0-9]+\)$/,
    );
    expect(e.file).toBe(ca.caArn);
    expect(count('DescribeCertificateAuthority')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
    expect(count('IssueCertificate').seen).toBe(0);
  });

  it('P07 IssueCertificate connection reset twice before forwarding, then succeeds', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'reset' }, times: 2 });
    const out = await issuerFor().issue({ csrDer: csrFor('P07'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(count('IssueCertificate')).toEqual({ seen: 3, forwarded: 1 });
  });

  it('P08 GetCertificate connection reset on every attempt: exit 5 after 3 attempts naming the certificate', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'reset' }, times: Infinity });
    let arn = '';
    const e = await rejection(issuerFor({ onCertificateArn: (a) => void (arn = a) }).issue({ csrDer: csrFor('P08'), validity }));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: 'ACM PCA GetCertificate failed: ECONNRESET: socket hang up', oneLine: true });
    expect(e.file).toBe(arn);
    expect(arn).toMatch(certArnPattern);
    expect(e.hint).toBe('could not reach the AWS endpoint: check the network, the region and --endpoint-url');
    expect(count('GetCertificate')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
    expect(count('IssueCertificate')).toEqual({ seen: 1, forwarded: 1 });
  });

  it('P09 GetCertificate RequestInProgress for 2 polls, then the certificate', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: 2 });
    const out = await issuerFor().issue({ csrDer: csrFor('P09'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(proxy.seen({ target: 'GetCertificate' }).map((r) => r.fault)).toEqual(['requestInProgress', 'requestInProgress', undefined]);
    expect(count('IssueCertificate')).toEqual({ seen: 1, forwarded: 1 });
  });

  it('P10 GetCertificate RequestInProgress forever: bounded wait, then `certkit pca fetch` gets it', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: Infinity });
    let arn = '';
    const csrDer = csrFor('P10');
    const e = await rejection(issuerFor({ maxWaitSeconds: 2, onCertificateArn: (a) => void (arn = a) }).issue({ csrDer, validity }));
    expect(arn).toMatch(certArnPattern);
    expect(outcome(e)).toEqual({
      code: 'AWS',
      exit: 5,
      message: `certificate ${arn} was still being issued after 2 s`,
      oneLine: true,
    });
    expect(e.hint).toBe(`fetch it later with: certkit pca fetch --ca-arn ${ca.caArn} --certificate-arn ${arn} --out client_cert.pem --endpoint-url ${proxy.endpoint}`);
    const polls = count('GetCertificate');
    expect([polls.forwarded, polls.seen >= 2 && polls.seen <= 4]).toEqual([0, true]);
    // Later, when PCA has finished: the ARN is all that is needed, and nothing is issued again.
    proxy.reset();
    const out = await issuerFor().fetchIssued(arn, csrDer);
    expect(out.certificateArn).toBe(arn);
    expect(count('GetCertificate')).toEqual({ seen: 1, forwarded: 1 });
    expect(count('IssueCertificate').seen).toBe(0);
  });

  const nonRetryable = [
    { id: 'P11', target: 'IssueCertificate', type: 'AccessDeniedException', status: 400, hint: 'the credentials in use lack the permission this step needs' },
    { id: 'P12', target: 'IssueCertificate', type: 'MalformedCSRException', status: 400, hint: 'check the arguments' },
    { id: 'P13', target: 'IssueCertificate', type: 'InvalidStateException', status: 400, hint: undefined },
    { id: 'P14', target: 'DescribeCertificateAuthority', type: 'ResourceNotFoundException', status: 400, hint: 'check the ARN or name, its region, and the account of the credentials' },
    {
      id: 'P15',
      target: 'DescribeCertificateAuthority',
      type: 'ExpiredTokenException',
      status: 400,
      hint: 'AWS credentials are missing or expired: refresh them (aws sso login, new session token) or pass --profile',
    },
  ] as const;
  it.each(nonRetryable)('$id $target $type: tried exactly once, exit 5 with the code and request id', async (s) => {
    proxy.addRule({ match: { target: s.target }, fault: { kind: 'error', status: s.status, type: s.type, message: `injected ${s.id}` }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor(s.id), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(new RegExp(`^ACM PCA ${s.target} failed: ${s.type}: injected ${s.id} \\(request id certkit-fault-[0-9]+\\)$`));
    expect(e.hint).toBe(s.hint);
    expect(count(s.target)).toEqual({ seen: 1, forwarded: 0 });
    expect(count('IssueCertificate').forwarded).toBe(0);
  });

  it('P16 GetCertificate AccessDeniedException while polling: fails at once, no waiting, one request', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'no acm-pca:GetCertificate' }, times: Infinity });
    const e = await rejection(issuerFor({ maxWaitSeconds: 30 }).issue({ csrDer: csrFor('P16'), validity }));
    expect(e.message).toMatch(/^ACM PCA GetCertificate failed: AccessDeniedException: no acm-pca:GetCertificate \(request id certkit-fault-[0-9]+\)$/);
    expect(count('GetCertificate')).toEqual({ seen: 1, forwarded: 0 });
  });

  it("P17 a CA ARN moto does not know: moto's own ResourceNotFoundException, tried once", async () => {
    const missing = ca.caArn.replace(/[0-9a-f]{12}$/, '000000000000');
    const e = await rejection(issuerFor({ caArn: missing }).issue({ csrDer: csrFor('P17'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(/^ACM PCA DescribeCertificateAuthority failed: ResourceNotFoundException: .+ \(request id [A-Za-z0-9-]+\)$/);
    expect(e.file).toBe(missing);
    expect(count('DescribeCertificateAuthority')).toEqual({ seen: 1, forwarded: 1 });
  });

  it("P18 a signing algorithm of the wrong family is refused before IssueCertificate (exit 2)", async () => {
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P18'), validity, signingAlgorithm: 'SHA256WITHECDSA' }));
    expect(outcome(e)).toEqual({
      code: 'USAGE',
      exit: 2,
      message: "--signing-algorithm SHA256WITHECDSA does not match the CA's RSA_2048 key (use SHA256WITHRSA or SHA384WITHRSA or SHA512WITHRSA)",
      oneLine: true,
    });
    expect(count('DescribeCertificateAuthority')).toEqual({ seen: 1, forwarded: 1 });
    expect(count('IssueCertificate').seen).toBe(0);
  });

  it("P19 the local check bypassed (Describe answer says EC): PCA's own refusal, exit 5, tried once", async () => {
    proxy.addRule({
      match: { target: 'DescribeCertificateAuthority' },
      fault: {
        kind: 'rewriteJson',
        edit: (a) => {
          const c = a.CertificateAuthority as { CertificateAuthorityConfiguration: Record<string, unknown> };
          c.CertificateAuthorityConfiguration.KeyAlgorithm = 'EC_prime256v1';
          return a;
        },
      },
    });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P19'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(
      /^ACM PCA IssueCertificate failed: InvalidArgsException: The signing algorithm SHA256WITHECDSA is not compatible with the key algorithm RSA_2048 of the CA\. \(request id certkit-fault-[0-9]+\)$/,
    );
    expect(proxy.seen({ target: 'IssueCertificate' }).map((r) => [r.fault, r.forwarded])).toEqual([['signing-algorithm-refused', false]]);
  });

  it('P20 the CA is DISABLED: refused after Describe, nothing issued', async () => {
    proxy.addRule({
      match: { target: 'DescribeCertificateAuthority' },
      fault: { kind: 'rewriteJson', edit: (a) => ({ ...a, CertificateAuthority: { ...(a.CertificateAuthority as object), Status: 'DISABLED' } }) },
    });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P20'), validity }));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: 'the CA is DISABLED, not ACTIVE: it cannot issue certificates', oneLine: true });
    expect(e.file).toBe(ca.caArn);
    expect(count('IssueCertificate').seen).toBe(0);
  });

  it("P21 GetCertificate HTTP 500 with moto's HTML page on every attempt: one readable line, 3 attempts", async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'html', status: 500 }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P21'), validity }));
    expect(outcome(e)).toEqual({
      code: 'AWS',
      exit: 5,
      message: "ACM PCA GetCertificate failed: UnreadableResponse: the service's answer was not AWS's format (HTTP 500)",
      oneLine: true,
    });
    expect(count('GetCertificate')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
  });

  it('P22 GetCertificate HTTP 500 HTML once, then succeeds', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'html', status: 500 } });
    const out = await issuerFor().issue({ csrDer: csrFor('P22'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(count('GetCertificate')).toEqual({ seen: 2, forwarded: 1 });
  });

  it('P23 GetCertificate connection dropped after moto answered, once: retried, succeeds', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'dropResponse' } });
    const out = await issuerFor().issue({ csrDer: csrFor('P23'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(count('GetCertificate')).toEqual({ seen: 2, forwarded: 2 });
    expect(count('IssueCertificate')).toEqual({ seen: 1, forwarded: 1 });
  });

  it("P24 IssueCertificate answers another CA's certificate ARN: refused, never fetched", async () => {
    const other = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555/certificate/00';
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'rewriteJson', edit: () => ({ CertificateArn: other }) } });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P24'), validity }));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: `IssueCertificate returned an unexpected certificate ARN '${other}'`, oneLine: true });
    expect(count('GetCertificate').seen).toBe(0);
  });

  it('P25 DescribeCertificateAuthority throttled once, then succeeds', async () => {
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'throttle' } });
    const out = await issuerFor().issue({ csrDer: csrFor('P25'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(count('DescribeCertificateAuthority')).toEqual({ seen: 2, forwarded: 1 });
    expect(count('IssueCertificate')).toEqual({ seen: 1, forwarded: 1 });
  });

  it('P26 GetCertificate answer cut off half-way through its body, once: retried, succeeds', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'truncateResponse' } });
    const out = await issuerFor().issue({ csrDer: csrFor('P26'), validity });
    expect(out.certificateArn).toMatch(certArnPattern);
    expect(proxy.seen({ target: 'GetCertificate' }).map((r) => [r.fault ?? 'ok', r.forwarded])).toEqual([
      ['truncateResponse', true],
      ['ok', true],
    ]);
  });

  it('P27 GetCertificate answer cut off half-way on every attempt: exit 5 after 3 attempts, one line', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'truncateResponse' }, times: Infinity });
    const e = await rejection(issuerFor().issue({ csrDer: csrFor('P27'), validity }));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: 'ACM PCA GetCertificate failed: ECONNRESET: aborted', oneLine: true });
    expect(count('GetCertificate')).toEqual({ seen: ATTEMPTS, forwarded: ATTEMPTS });
  });

  it("P28 the bounded wait's hint, run as printed: `certkit pca fetch` writes the certificate and its chain", async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: Infinity });
    const e = await rejection(issuerFor({ maxWaitSeconds: 2 }).issue({ csrDer: csrFor('P28'), validity }));
    const printed = /^fetch it later with: (certkit pca fetch .*)$/.exec(e.hint ?? '')?.[1];
    expect(printed).toMatch(/^certkit pca fetch --ca-arn \S+ --certificate-arn \S+ --out client_cert\.pem --endpoint-url http:\/\/\S+$/);
    proxy.reset();
    const cwd = tempDir('certkit-faults-fetch-');
    const r = await certkitAsync(printed!.split(' ').slice(1), {
      cwd,
      // The endpoint comes from the printed --endpoint-url.
      env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    });
    expect(r.status, r.stderr).toBe(0);
    const pem = readFileSync(join(cwd, 'client_cert.pem'), 'utf8');
    const certs = pem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    expect(certs).toHaveLength(2);
    expect(new X509Certificate(pem).subject).toBe('O=certkit tests\nCN=fault-P28');
    expect([count('GetCertificate').forwarded, count('IssueCertificate').seen]).toEqual([1, 0]);
  });

  it('P29 GetCertificate throttled on every attempt while polling: exit 5 after 3 attempts, not a wait', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'throttle' }, times: Infinity });
    const e = await rejection(issuerFor({ maxWaitSeconds: 30 }).issue({ csrDer: csrFor('P29'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(/^ACM PCA GetCertificate failed: ThrottlingException: Rate exceeded \(request id certkit-fault-[0-9]+\)$/);
    expect(count('GetCertificate')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
  });

  it('P30 the endpoint refuses connections: exit 5 naming ECONNREFUSED, with the network hint', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const e = await rejection(issuerFor({ aws: viaProxy(closed) }).issue({ csrDer: csrFor('P30'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(/^ACM PCA DescribeCertificateAuthority failed: ECONNREFUSED: .*127\.0\.0\.1:[0-9]+.*$/);
    expect(e.hint).toBe('could not reach the AWS endpoint: check the network, the region and --endpoint-url');
    expect((e.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(ATTEMPTS);
  });

  it('P31 DescribeCertificateAuthority never answered: each attempt times out, exit 5 after 3, nothing issued', async () => {
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'hang' }, times: Infinity });
    const e = await rejection(issuerFor({ aws: viaProxy(proxy.endpoint, { requestTimeoutMs: 300 }) }).issue({ csrDer: csrFor('P31'), validity }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    // The older SDK generation (client-acm-pca 3.523) words it as an idle socket timeout.
    expect(e.message).toBe('ACM PCA DescribeCertificateAuthority failed: TimeoutError: Connection timed out after 300 ms');
    expect(e.hint).toBe('could not reach the AWS endpoint: check the network, the region and --endpoint-url');
    expect(count('DescribeCertificateAuthority')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
    expect(count('IssueCertificate').seen).toBe(0);
  });
});
