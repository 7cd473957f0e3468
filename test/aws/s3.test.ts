/** The S3 sink through the real SDK against moto_server, the fault proxy in front. */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import { uploadArtifacts } from '../../src/sinks/s3.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { awsOptionsFor, useMoto } from '../support/moto.js';
import { createS3Client } from '../../src/aws/config.js';
import { haveTools } from '../support/tools.js';

async function rejection(p: Promise<unknown>): Promise<CertkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const BUCKET = 'certkit-glue-test';
const jks = randomBytes(2100);
const certPem = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const keyPem = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
const artifacts = [
  { name: 'kafka.client.keystore.jks', data: jks, sensitive: true },
  { name: 'client_cert.pem', data: certPem, sensitive: false, contentType: 'application/x-pem-file' },
  { name: 'private_key.pem', data: keyPem, sensitive: true, contentType: 'application/x-pem-file' },
];
const b64sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

describe.skipIf(!haveTools('moto_server'))('S3 sink against moto_server', () => {
  const moto = useMoto();
  let proxy: FaultProxy;
  let getObject: (key: string) => Promise<{ body: Buffer; sse: string | undefined }>;
  let destroy: () => void;

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    const s3 = await import('@aws-sdk/client-s3');
    const direct = await createS3Client(awsOptionsFor(moto().endpoint));
    await direct.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    getObject = async (key) => {
      const r = await direct.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return { body: Buffer.from(await r.Body!.transformToByteArray()), sse: r.ServerSideEncryption };
    };
    destroy = () => direct.destroy();
  });
  afterAll(async () => {
    destroy?.();
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('uploads every artifact with SSE and a SHA-256 checksum, and the objects equal the bytes', async () => {
    const uris = await uploadArtifacts({ uri: `s3://${BUCKET}/glue/certs`, artifacts, clientConfig: awsOptionsFor(proxy.endpoint) });
    expect(uris).toEqual([
      `s3://${BUCKET}/glue/certs/kafka.client.keystore.jks`,
      `s3://${BUCKET}/glue/certs/client_cert.pem`,
      `s3://${BUCKET}/glue/certs/private_key.pem`,
    ]);
    for (const a of artifacts) {
      const o = await getObject(`glue/certs/${a.name}`);
      expect(o.body.equals(a.data)).toBe(true);
      expect(o.sse).toBe('AES256');
    }
    // The objects go up at the same time, so the proxy sees them in any order: per object, the
    // PUT (SSE, checksum, If-None-Match), then one GET that reads it back with its checksum.
    const pathOf = (r: { path: string }) => r.path.split('?')[0]!;
    const perObject = artifacts.map((a) =>
      proxy.requests
        .filter((r) => pathOf(r) === `/${BUCKET}/glue/certs/${a.name}`)
        .map((r) =>
          r.method === 'PUT'
            ? ['PUT', r.headers['x-amz-server-side-encryption'], r.headers['x-amz-checksum-sha256'], r.headers['if-none-match']]
            : [r.method, r.headers['x-amz-checksum-mode']],
        ),
    );
    expect(perObject).toEqual(artifacts.map((a) => [['PUT', 'AES256', b64sha(a.data), '*'], ['GET', 'ENABLED']]));
    expect(proxy.requests).toHaveLength(6);
  });

  it('a failed object does not stop the others; the first failure in upload order is reported', async () => {
    // The first object's PUT is refused (403, not retried): the other two still go up and are
    // read back, since every object's pipeline runs to its end.
    proxy.addRule({ match: { method: 'PUT', path: /kafka\.client\.keystore\.jks/ }, fault: { kind: 'error', status: 403, type: 'AccessDenied', message: 'Access Denied' } });
    proxy.addRule({ match: { method: 'GET', path: /private_key\.pem/ }, fault: { kind: 'corruptResponse' }, times: Infinity });
    const e = await rejection(uploadArtifacts({ uri: `s3://${BUCKET}/partial/`, artifacts, clientConfig: awsOptionsFor(proxy.endpoint) }));
    expect([e.code, exitStatusOf(e), e.file]).toEqual(['AWS', 5, `s3://${BUCKET}/partial/kafka.client.keystore.jks`]);
    const seen = (method: string) => proxy.seen({ method }).map((r) => r.path.split('?')[0]!.split('/').pop()).sort();
    expect([seen('PUT'), seen('HEAD'), seen('GET')]).toEqual([
      ['client_cert.pem', 'kafka.client.keystore.jks', 'private_key.pem'],
      [],
      ['client_cert.pem', 'private_key.pem'],
    ]);
    expect((await getObject('partial/client_cert.pem')).body.equals(certPem)).toBe(true);
  });

  it('asks for SSE-KMS with the named key', async () => {
    await uploadArtifacts({
      uri: `s3://${BUCKET}/kms/`,
      artifacts: artifacts.slice(0, 1),
      kmsKeyId: 'alias/certkit',
      clientConfig: awsOptionsFor(proxy.endpoint),
    });
    const [put] = proxy.seen({ method: 'PUT' });
    expect([put!.headers['x-amz-server-side-encryption'], put!.headers['x-amz-server-side-encryption-aws-kms-key-id']]).toEqual([
      'aws:kms',
      'alias/certkit',
    ]);
  });

  it('refuses to replace an existing object without force, and replaces it with force', async () => {
    const one = [{ name: 'x.pem', data: Buffer.from('first\n'), sensitive: false }];
    await uploadArtifacts({ uri: `s3://${BUCKET}/exists/`, artifacts: one, clientConfig: awsOptionsFor(proxy.endpoint) });
    const two = [{ name: 'x.pem', data: Buffer.from('second\n'), sensitive: false }];
    const e = await rejection(uploadArtifacts({ uri: `s3://${BUCKET}/exists/`, artifacts: two, clientConfig: awsOptionsFor(proxy.endpoint) }));
    expect([e.code, exitStatusOf(e), e.file, e.message]).toEqual(['EXISTS', 6, `s3://${BUCKET}/exists/x.pem`, 'the S3 object already exists']);
    expect((await getObject('exists/x.pem')).body.toString()).toBe('first\n');
    await uploadArtifacts({ uri: `s3://${BUCKET}/exists/`, artifacts: two, force: true, clientConfig: awsOptionsFor(proxy.endpoint) });
    expect((await getObject('exists/x.pem')).body.toString()).toBe('second\n');
  });

  it('catches a request body corrupted in transit', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'corruptBody' }, times: Infinity });
    const e = await rejection(
      uploadArtifacts({ uri: `s3://${BUCKET}/corrupt-up/`, artifacts: artifacts.slice(0, 1), clientConfig: awsOptionsFor(proxy.endpoint) }),
    );
    // moto stores the body without checking x-amz-checksum-sha256 (real S3 answers BadDigest):
    // the read-back catches it.
    expect([e.code, exitStatusOf(e), e.file, e.message]).toEqual([
      'INTEGRITY', 4, `s3://${BUCKET}/corrupt-up/kafka.client.keystore.jks`, 'the object read back differs from the bytes uploaded',
    ]);
    expect(proxy.seen({ method: 'PUT' }).map((r) => r.headers['x-amz-checksum-sha256'])).toEqual([b64sha(jks)]);
  });

  it('catches a download corrupted in transit', async () => {
    proxy.addRule({ match: { method: 'GET' }, fault: { kind: 'corruptResponse' }, times: Infinity });
    const e = await rejection(
      uploadArtifacts({ uri: `s3://${BUCKET}/corrupt-down/`, artifacts: artifacts.slice(0, 1), clientConfig: awsOptionsFor(proxy.endpoint) }),
    );
    expect([e.code, exitStatusOf(e), e.file, e.message]).toEqual([
      'INTEGRITY', 4, `s3://${BUCKET}/corrupt-down/kafka.client.keystore.jks`, 'the object read back differs from the bytes uploaded',
    ]);
  });

  it('retries S3 throttling (503 SlowDown) that clears', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: { kind: 'throttle' }, times: 2 });
    const uris = await uploadArtifacts({ uri: `s3://${BUCKET}/slow/`, artifacts: artifacts.slice(1, 2), clientConfig: awsOptionsFor(proxy.endpoint) });
    expect(uris).toEqual([`s3://${BUCKET}/slow/client_cert.pem`]);
    expect(proxy.seen({ method: 'PUT' }).map((r) => r.fault ?? 'ok')).toEqual(['throttle', 'throttle', 'ok']);
  });
});
