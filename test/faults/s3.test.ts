/**
 * Cloud faults, S3 (the Glue upload): `uploadArtifacts` through the real SDK against
 * moto_server behind the fault proxy. Every upload is read back and compared, so a body
 * corrupted on the way in or out is caught (exit 4); retryable faults that clear succeed, the
 * ones that do not stop after the bounded attempts (exit 5) with the S3 error code and request id.
 *
 * | id  | scenario                                                                |
 * |-----|-------------------------------------------------------------------------|
 * | S01 | object already present, no force: exit 6, the object untouched           |
 * | S02 | object already present, force: replaced, read back equal                 |
 * | S03 | PutObject body corrupted in transit: caught by the read-back, exit 4     |
 * | S04 | GetObject (read-back) body corrupted in transit: exit 4                  |
 * | S05 | PutObject 503 once, then succeeds                                       |
 * | S06 | PutObject 503 on every attempt: exit 5 after 3 attempts                  |
 * | S07 | PutObject SlowDown (throttling) on every attempt: exit 5, 3 attempts     |
 * | S08 | GetObject (read-back) connection reset once: retried, succeeds          |
 * | S09 | GetObject HTTP 500 HTML page on every attempt: one line, 3 attempts      |
 * | S10 | PutObject AccessDenied (403): tried once, exit 5 with the hint           |
 * | S11 | GetObject response dropped once: retried, succeeds                      |
 * | S12 | PutObject response lost once (object stored): the retry's 412 is ours    |
 * | S13 | PutObject ExpiredToken: tried once, exit 5 with the credentials hint     |
 * | S14 | PutObject 503, then the retry's 412 on someone else's object: exit 6     |
 * | S15 | GetObject never answered once: that attempt times out, the retry succeeds |
 * | S16 | PutObject never answered at all: exit 5 (ETIMEDOUT) after 3 attempts    |
 * | S17 | the read-back names another SHA-256 than the one sent: exit 4            |
 * | S18 | the read-back names another encryption than the one asked for: exit 4    |
 * | S19 | preflight: the objects that exist, in order; one HeadBucket beside them   |
 * | S20 | preflight, no such bucket (moto's bare 404, as for an absent object): exit 3 |
 * | S21 | preflight, the bucket is in eu-west-1 (moto: 200 naming its region): exit 5 |
 * | S22 | preflight, HeadBucket 301 naming the region (emulated by the proxy): exit 5 |
 * | S23 | preflight, HeadBucket 301 naming no region (emulated): exit 5             |
 * | S24 | preflight, HeadBucket 403 (emulated; moto grants all): exit 5, tried once  |
 * | S25 | preflight, HeadObject 403 in a bucket that is there (emulated): exit 5     |
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/aws/config.js';
import { checkS3Destination, uploadArtifacts } from '../../src/sinks/s3.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { awsOptionsFor, useMoto } from '../support/moto.js';
import { haveTools } from '../support/tools.js';
import { ATTEMPTS, outcome, rejection, viaProxy } from './harness.js';

const BUCKET = 'certkit-faults';
/** HeadBucket's path (path-style: the bucket and a slash), not its objects'. */
const BUCKET_HEAD = new RegExp(`^/${BUCKET}/(\\?|$)`);
const jks = randomBytes(2100);
const b64sha = (data: Buffer) => createHash('sha256').update(data).digest('base64');
const one = (data: Buffer = jks) => [{ name: 'kafka.client.keystore.jks', data, sensitive: true }];

describe.skipIf(!haveTools('moto_server'))('cloud faults: S3 (moto_server behind the fault proxy)', () => {
  const moto = useMoto();
  let proxy: FaultProxy;
  let getObject: (key: string) => Promise<Buffer | undefined>;
  let destroy: () => void;

  const upload = (prefix: string, extra: { force?: boolean; data?: Buffer; requestTimeoutMs?: number } = {}) =>
    uploadArtifacts({
      uri: `s3://${BUCKET}/${prefix}/`,
      artifacts: one(extra.data),
      clientConfig: viaProxy(proxy.endpoint, extra.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: extra.requestTimeoutMs }),
      ...(extra.force === undefined ? {} : { force: extra.force }),
    });
  const count = (method: string) => ({ seen: proxy.seen({ method }).length, forwarded: proxy.forwarded({ method }).length });

  /** checkS3Destination through the proxy, with a client of its own. */
  const check = async (uri: string, names: readonly string[]) => {
    const client = await createS3Client(viaProxy(proxy.endpoint));
    try {
      return await checkS3Destination({ uri, names, client });
    } finally {
      client.destroy();
    }
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    const s3 = await import('@aws-sdk/client-s3');
    const direct = await createS3Client(awsOptionsFor(moto().endpoint));
    await direct.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    const eu = await createS3Client(awsOptionsFor(moto().endpoint, { region: 'eu-west-1' }));
    await eu.send(new s3.CreateBucketCommand({ Bucket: `${BUCKET}-eu`, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    eu.destroy();
    getObject = async (key) => {
      try {
        const r = await direct.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: key }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
        throw e;
      }
    };
    destroy = () => direct.destroy();
  });
  afterAll(async () => {
    destroy?.();
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('S01 object already present, no force: exit 6 naming the object, which is untouched', async () => {
    await upload('s01');
    proxy.reset();
    const e = await rejection(upload('s01', { data: Buffer.from('other bytes\n') }));
    expect(outcome(e)).toEqual({ code: 'EXISTS', exit: 6, message: 'the S3 object already exists', oneLine: true });
    expect(e.file).toBe(`s3://${BUCKET}/s01/kafka.client.keystore.jks`);
    expect(proxy.seen({ method: 'PUT' }).map((r) => r.headers['if-none-match'])).toEqual(['*']);
    expect(count('GET')).toEqual({ seen: 0, forwarded: 0 });
    expect((await getObject('s01/kafka.client.keystore.jks'))?.equals(jks)).toBe(true);
  });

  it('S02 object already present, force: replaced without If-None-Match, read back equal', async () => {
    await upload('s02');
    proxy.reset();
    const next = randomBytes(300);
    expect(await upload('s02', { force: true, data: next })).toEqual([`s3://${BUCKET}/s02/kafka.client.keystore.jks`]);
    expect(proxy.seen({ method: 'PUT' }).map((r) => r.headers['if-none-match'])).toEqual([undefined]);
    expect((await getObject('s02/kafka.client.keystore.jks'))?.equals(next)).toBe(true);
  });

  it('S03 PutObject body corrupted in transit: caught by the read-back, exit 4', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'corruptBody' } });
    const e = await rejection(upload('s03'));
    expect(outcome(e)).toEqual({ code: 'INTEGRITY', exit: 4, message: 'the object read back differs from the bytes uploaded', oneLine: true });
    expect(e.file).toBe(`s3://${BUCKET}/s03/kafka.client.keystore.jks`);
    expect([count('PUT'), count('HEAD'), count('GET')]).toEqual([
      { seen: 1, forwarded: 1 },
      { seen: 0, forwarded: 0 },
      { seen: 1, forwarded: 1 },
    ]);
  });

  it('S04 GetObject (the read-back) corrupted in transit: exit 4', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'corruptResponse' } });
    const e = await rejection(upload('s04'));
    expect(outcome(e)).toEqual({ code: 'INTEGRITY', exit: 4, message: 'the object read back differs from the bytes uploaded', oneLine: true });
    expect(e.file).toBe(`s3://${BUCKET}/s04/kafka.client.keystore.jks`);
    expect((await getObject('s04/kafka.client.keystore.jks'))?.equals(jks)).toBe(true);
  });

  it('S05 PutObject 503 once, then succeeds', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'unavailable' } });
    expect(await upload('s05')).toEqual([`s3://${BUCKET}/s05/kafka.client.keystore.jks`]);
    expect(count('PUT')).toEqual({ seen: 2, forwarded: 1 });
    expect((await getObject('s05/kafka.client.keystore.jks'))?.equals(jks)).toBe(true);
  });

  it('S06 PutObject 503 on every attempt: exit 5 after 3 attempts, with the code and request id', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'unavailable' }, times: Infinity });
    const e = await rejection(upload('s06'));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect(e.message).toMatch(/^S3 PutObject failed: ServiceUnavailable: Service is unavailable \(request id certkit-fault-[0-9]+\)$/);
    expect(e.file).toBe(`s3://${BUCKET}/s06/kafka.client.keystore.jks`);
    expect(count('PUT')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
    expect(await getObject('s06/kafka.client.keystore.jks')).toBeUndefined();
  });

  it('S07 PutObject SlowDown on every attempt: exit 5 after 3 attempts', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'throttle' }, times: Infinity });
    const e = await rejection(upload('s07'));
    expect(e.message).toMatch(/^S3 PutObject failed: SlowDown: Please reduce your request rate\. \(request id certkit-fault-[0-9]+\)$/);
    expect([e.code, outcome(e).exit]).toEqual(['AWS', 5]);
    expect(count('PUT')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
  });

  it('S08 GetObject (the read-back) connection reset once: retried, succeeds', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'reset' } });
    expect(await upload('s08')).toEqual([`s3://${BUCKET}/s08/kafka.client.keystore.jks`]);
    expect([count('PUT'), count('GET')]).toEqual([
      { seen: 1, forwarded: 1 },
      { seen: 2, forwarded: 1 },
    ]);
  });

  it('S15 GetObject never answered once: that attempt times out, the retry succeeds', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'hang' } });
    expect(await upload('s15', { requestTimeoutMs: 300 })).toEqual([`s3://${BUCKET}/s15/kafka.client.keystore.jks`]);
    expect(proxy.seen({ method: 'GET' }).map((r) => r.fault)).toEqual(['hang', undefined]);
    expect(await getObject('s15/kafka.client.keystore.jks')).toEqual(jks);
  });

  it('S16 PutObject never answered at all: exit 5 with ETIMEDOUT after 3 attempts, not a wait forever', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'hang' }, times: Infinity });
    const e = await rejection(upload('s16', { requestTimeoutMs: 300 }));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect([e.message, e.hint]).toEqual([
      'S3 PutObject failed: ETIMEDOUT: a request has exceeded the configured 300 ms requestTimeout.',
      'could not reach the AWS endpoint: check the network, the region and --endpoint-url',
    ]);
    expect(count('PUT')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
    expect(await getObject('s16/kafka.client.keystore.jks')).toBe(undefined);
  });

  it('S17 the read-back names another SHA-256 than the one sent: exit 4', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'rewriteHeaders', edit: (h) => ({ ...h, 'x-amz-checksum-sha256': b64sha(Buffer.from('other')) }) } });
    const e = await rejection(upload('s17'));
    expect(outcome(e)).toEqual({ code: 'INTEGRITY', exit: 4, message: 'S3 recorded a different SHA-256 than the one sent', oneLine: true });
    expect(e.file).toBe(`s3://${BUCKET}/s17/kafka.client.keystore.jks`);
    expect(proxy.seen({ method: 'GET' }).map((r) => r.headers['x-amz-checksum-mode'])).toEqual(['ENABLED']);
  });

  it('S18 the read-back names another encryption than the one asked for: exit 4', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'rewriteHeaders', edit: (h) => ({ ...h, 'x-amz-server-side-encryption': 'aws:kms' }) } });
    const e = await rejection(upload('s18'));
    expect(outcome(e)).toEqual({ code: 'INTEGRITY', exit: 4, message: 'the object is stored with aws:kms encryption, not AES256', oneLine: true });
    expect(e.file).toBe(`s3://${BUCKET}/s18/kafka.client.keystore.jks`);
  });

  it('S09 GetObject HTTP 500 with an HTML page on every attempt: one readable line, 3 attempts', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'html', status: 500 }, times: Infinity });
    const e = await rejection(upload('s09'));
    expect(outcome(e)).toEqual({
      code: 'AWS',
      exit: 5,
      message: "S3 GetObject failed: UnreadableResponse: the service's answer was not AWS's format (HTTP 500)",
      oneLine: true,
    });
    expect(count('GET')).toEqual({ seen: ATTEMPTS, forwarded: 0 });
  });

  it('S10 PutObject AccessDenied (403): tried once, exit 5 with the permission hint', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'error', status: 403, type: 'AccessDenied', message: 'Access Denied' }, times: Infinity });
    const e = await rejection(upload('s10'));
    expect(e.message).toMatch(/^S3 PutObject failed: AccessDenied: Access Denied \(request id certkit-fault-[0-9]+\)$/);
    expect([e.code, outcome(e).exit, e.hint]).toEqual(['AWS', 5, 'the credentials in use lack the permission this step needs']);
    expect(count('PUT')).toEqual({ seen: 1, forwarded: 0 });
  });

  it('S11 GetObject response dropped once: retried, succeeds', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'dropResponse' } });
    expect(await upload('s11')).toEqual([`s3://${BUCKET}/s11/kafka.client.keystore.jks`]);
    expect(count('GET')).toEqual({ seen: 2, forwarded: 2 });
  });

  it("S12 PutObject response lost once after S3 stored it: the retry's 412 is our own object, not EXISTS", async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'dropResponse' } });
    expect(await upload('s12')).toEqual([`s3://${BUCKET}/s12/kafka.client.keystore.jks`]);
    expect(proxy.seen({ method: 'PUT' }).map((r) => [r.fault ?? 'ok', r.forwarded, r.headers['if-none-match']])).toEqual([
      ['dropResponse', true, '*'],
      ['ok', true, '*'],
    ]);
    expect((await getObject('s12/kafka.client.keystore.jks'))?.equals(jks)).toBe(true);
  });

  it('S13 PutObject ExpiredToken: tried once, exit 5 with the credentials hint', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'error', status: 400, type: 'ExpiredToken', message: 'The provided token has expired.' }, times: Infinity });
    const e = await rejection(upload('s13'));
    expect(e.message).toMatch(/^S3 PutObject failed: ExpiredToken: The provided token has expired\. \(request id certkit-fault-[0-9]+\)$/);
    expect([e.code, outcome(e).exit, e.hint]).toEqual([
      'AWS', 5, 'AWS credentials are missing or expired: refresh them (aws sso login, new session token) or pass --profile',
    ]);
    expect(count('PUT')).toEqual({ seen: 1, forwarded: 0 });
  });

  it("S14 PutObject 503, then the retry's 412 on someone else's object: still exit 6, the object untouched", async () => {
    await upload('s14', { data: Buffer.from('theirs\n') });
    proxy.reset();
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'unavailable' } });
    const e = await rejection(upload('s14'));
    expect(outcome(e)).toEqual({ code: 'EXISTS', exit: 6, message: 'the S3 object already exists', oneLine: true });
    expect(proxy.seen({ method: 'PUT' }).map((r) => [r.fault ?? 'ok', r.forwarded])).toEqual([
      ['unavailable', false],
      ['ok', true],
    ]);
    expect(count('GET')).toEqual({ seen: 1, forwarded: 1 });
    expect((await getObject('s14/kafka.client.keystore.jks'))?.toString()).toBe('theirs\n');
  });
  it('S19 preflight: the objects that exist, in order; one HeadBucket beside the HeadObjects', async () => {
    await upload('s19');
    proxy.reset();
    expect(await check(`s3://${BUCKET}/s19/`, ['client_cert.pem', 'kafka.client.keystore.jks', 'private_key.pem'])).toEqual([
      `s3://${BUCKET}/s19/kafka.client.keystore.jks`,
    ]);
    expect(proxy.seen({ method: 'HEAD' }).map((r) => r.path.replace(/\?.*$/, '')).sort()).toEqual([
      `/${BUCKET}/`, `/${BUCKET}/s19/client_cert.pem`, `/${BUCKET}/s19/kafka.client.keystore.jks`, `/${BUCKET}/s19/private_key.pem`,
    ]);
  });

  it("S20 preflight, no such bucket (moto's bare 404, as HeadObject gives for an absent object): exit 3 naming it", async () => {
    const e = await rejection(check('s3://certkit-no-such-bucket/certs/', ['kafka.client.keystore.jks']));
    expect(outcome(e)).toEqual({ code: 'INVALID_INPUT', exit: 3, message: 'the S3 bucket does not exist', oneLine: true });
    expect([e.file, e.hint]).toEqual([
      's3://certkit-no-such-bucket/',
      'check the bucket name in --s3, or create the bucket first (aws s3 mb s3://certkit-no-such-bucket/ --region us-east-1)',
    ]);
    // The object's own answer is the same bare 404: only HeadBucket tells.
    expect(proxy.forwarded({ method: 'HEAD' }).map((r) => r.path.replace(/\?.*$/, '')).sort()).toEqual([
      '/certkit-no-such-bucket/', '/certkit-no-such-bucket/certs/kafka.client.keystore.jks',
    ]);
  });

  it('S21 preflight, the bucket is in eu-west-1 (moto answers 200 naming its region): exit 5, pass --region', async () => {
    const e = await rejection(check(`s3://${BUCKET}-eu/certs/`, ['kafka.client.keystore.jks']));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: 'the S3 bucket is in eu-west-1, not us-east-1', oneLine: true });
    expect([e.file, e.hint]).toEqual([`s3://${BUCKET}-eu/`, 'pass --region eu-west-1, or use a bucket in us-east-1']);
  });

  it('S22 preflight, HeadBucket 301 naming the region (emulated by the proxy: moto never redirects): exit 5', async () => {
    proxy.addRule({ match: { method: 'HEAD', path: BUCKET_HEAD }, fault: { kind: 'bare', status: 301, headers: { 'x-amz-bucket-region': 'ap-south-1' } } });
    const e = await rejection(check(`s3://${BUCKET}/s22/`, ['kafka.client.keystore.jks']));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: 'the S3 bucket is in ap-south-1, not us-east-1', oneLine: true });
    expect([e.file, e.hint]).toEqual([`s3://${BUCKET}/`, 'pass --region ap-south-1, or use a bucket in us-east-1']);
    expect(proxy.seen({ method: 'HEAD' }).map((r) => r.fault ?? 'ok').sort()).toEqual(['bare', 'ok']);
  });

  it('S23 preflight, HeadBucket 301 naming no region (emulated): exit 5', async () => {
    proxy.addRule({ match: { method: 'HEAD', path: BUCKET_HEAD }, fault: { kind: 'bare', status: 301, headers: {} } });
    const e = await rejection(check(`s3://${BUCKET}/s23/`, []));
    expect(outcome(e)).toEqual({ code: 'AWS', exit: 5, message: 'the S3 bucket is in another region, not us-east-1', oneLine: true });
    expect(e.hint).toBe("pass --region with the bucket's region, or use a bucket in us-east-1");
  });

  it('S24 preflight, HeadBucket 403 (emulated: moto grants everything): tried once, exit 5 saying what to check', async () => {
    proxy.addRule({ match: { method: 'HEAD', path: BUCKET_HEAD }, fault: { kind: 'error', status: 403, type: 'AccessDenied', message: 'Access Denied' }, times: Infinity });
    const e = await rejection(check(`s3://${BUCKET}/s24/`, ['kafka.client.keystore.jks']));
    expect(outcome(e)).toMatchObject({ code: 'AWS', exit: 5, oneLine: true });
    expect([e.message.replace(/certkit-fault-[0-9]+/, 'ID'), e.file, e.hint]).toEqual([
      'S3 HeadBucket failed: Forbidden: HTTP 403 (request id ID)',
      `s3://${BUCKET}/`,
      'the bucket belongs to another account, or these credentials lack s3:ListBucket on it: check the name in --s3 and the IAM policy',
    ]);
    expect(proxy.seen({ method: 'HEAD' }).filter((r) => r.fault === 'error')).toHaveLength(1);
  });

  it('S25 preflight, HeadObject 403 in a bucket that is there (emulated): exit 5 naming the object', async () => {
    proxy.addRule({ match: { method: 'HEAD', path: /\/s25\// }, fault: { kind: 'error', status: 403, type: 'AccessDenied', message: 'Access Denied' }, times: Infinity });
    const e = await rejection(check(`s3://${BUCKET}/s25/`, ['kafka.client.keystore.jks']));
    expect([e.code, outcome(e).exit, e.message.replace(/certkit-fault-[0-9]+/, 'ID'), e.file]).toEqual([
      'AWS', 5, 'S3 HeadObject failed: Forbidden: HTTP 403 (request id ID)', `s3://${BUCKET}/s25/kafka.client.keystore.jks`,
    ]);
  });
});
