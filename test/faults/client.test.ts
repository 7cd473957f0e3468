/**
 * Cloud faults, end to end: `bin/certkit client` (spawned asynchronously, because the fault
 * proxy lives in this process) against moto_server behind the proxy. Each scenario asserts the
 * exit status, the one line on stderr, how many requests reached moto, and which files exist.
 * AWS_MAX_ATTEMPTS bounds the SDK's attempts, as it does for the aws CLI.
 *
 * | id  | scenario                                                                          |
 * |-----|-----------------------------------------------------------------------------------|
 * | C01 | S3 object already present, no --force: exit 6 before issuing, no files             |
 * | C02 | Secrets Manager secret already present, no --force: exit 6 before issuing, no files |
 * | C03 | GetCertificate 503 persistently after IssueCertificate: exit 5, the ARN saved;     |
 * |     | the rerun resumes with it and never sends a second IssueCertificate                 |
 * | C04 | IssueCertificate throttled on every attempt: exit 5 after AWS_MAX_ATTEMPTS=2        |
 * | C05 | S3 upload corrupted in transit: exit 4, files kept; a plain rerun exit 6; rerun     |
 * |     | --force replaces the damaged object and finishes with the same certificate          |
 * | C06 | Secrets Manager throttling that clears: exit 0, the secret equals the local file     |
 * | C07 | RequestInProgress for 2 polls during the run: exit 0, one IssueCertificate           |
 * | C08 | AWS_MAX_ATTEMPTS: honoured when no count is given; a bad value is a usage error      |
 * | C09 | IssueCertificate response lost on every attempt: exit 5; the rerun's same token     |
 * |     | gets the same certificate, moto issued exactly one                                  |
 * | C10 | preflight HeadObject 403: exit 5 before issuing, no files                           |
 * | C11 | preflight DescribeSecret AccessDeniedException: exit 5 once, before issuing         |
 * | C12 | --signing-algorithm of the wrong family: exit 2, no IssueCertificate, no key left   |
 * | C13 | --s3 bucket that does not exist (moto's 404; HeadObject alone reads it as "absent"): |
 * |     | exit 3 before issuing, one line naming the bucket; the same with --force            |
 * | C14 | --s3 bucket in another region (HeadBucket 301 + x-amz-bucket-region, emulated by    |
 * |     | the proxy), with --force: exit 5 before issuing, saying which --region              |
 * | C15 | --force, DescribeSecret AccessDeniedException: exit 5 before issuing                |
 * | C16 | secret scheduled for deletion (moto): exit 5 before issuing, with and without --force |
 * | C17 | --force over an S3 keystore of an earlier run, passwords generated: the new-passwords |
 * |     | warning names the S3 object                                                         |
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/aws/config.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { FAKE_CREDENTIALS, TEST_REGION, createActivatedCa, useMoto, type ActivatedCa } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools } from '../support/tools.js';
import { certkitAsync } from '../e2e/cli.js';
import { outcome, rejection } from './harness.js';

const BUCKET = 'certkit-client-faults';

describe.skipIf(!haveTools('moto_server'))('cloud faults: certkit client (moto_server behind the fault proxy)', () => {
  const moto = useMoto();
  const cwd = tempDir('certkit-faults-client-');
  let proxy: FaultProxy;
  let ca: ActivatedCa;
  const env = (attempts = 3) => ({
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_MAX_ATTEMPTS: String(attempts),
  });
  const client = (out: string, extra: string[] = [], attempts = 3) =>
    certkitAsync(
      ['client', '--ca-arn', ca.caArn, '--dname', `CN=${out},O=certkit faults`, '--key-type', 'ec256', '--out', out,
        '--formats', 'cert,key', '--json', '--endpoint-url', proxy.endpoint, ...extra],
      { cwd, env: env(attempts) },
    );
  const files = (out: string) => (existsSync(join(cwd, out)) ? readdirSync(join(cwd, out)).sort() : undefined);
  const count = (target: string) => ({ seen: proxy.seen({ target }).length, forwarded: proxy.forwarded({ target }).length });
  const state = (out: string) => JSON.parse(readFileSync(join(cwd, out, '.certkit-state.json'), 'utf8')) as Record<string, string>;
  let s3Object: (key: string) => Promise<Buffer>;
  let secretValue: (id: string) => Promise<string | undefined>;
  let deletionDate: Date;
  let destroy: () => void;

  beforeAll(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    proxy = await startFaultProxy(moto().endpoint);
    ca = await createActivatedCa(moto().endpoint, { commonName: 'certkit client faults root' });
    const direct = { region: TEST_REGION, endpoint: moto().endpoint, credentials: { ...FAKE_CREDENTIALS } };
    const s3 = await import('@aws-sdk/client-s3');
    const sm = await import('@aws-sdk/client-secrets-manager');
    const s3c = new s3.S3Client({ ...direct, forcePathStyle: true });
    const smc = new sm.SecretsManagerClient(direct);
    await s3c.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    await s3c.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'taken/client_cert.pem', Body: 'not a certificate\n' }));
    await smc.send(new sm.CreateSecretCommand({ Name: 'faults/taken', SecretString: '{"old":true}' }));
    await smc.send(new sm.CreateSecretCommand({ Name: 'faults/deleting', SecretString: '{"old":true}' }));
    await smc.send(new sm.DeleteSecretCommand({ SecretId: 'faults/deleting', RecoveryWindowInDays: 7 }));
    deletionDate = (await smc.send(new sm.DescribeSecretCommand({ SecretId: 'faults/deleting' }))).DeletedDate!;
    s3Object = async (Key) => Buffer.from(await (await s3c.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToByteArray());
    secretValue = async (SecretId) => (await smc.send(new sm.GetSecretValueCommand({ SecretId }))).SecretString;
    destroy = () => {
      s3c.destroy();
      smc.destroy();
    };
  });
  afterAll(async () => {
    destroy?.();
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('C01 S3 object already present, no --force: exit 6 before issuing, no files', async () => {
    const r = await client('c01', ['--s3', `s3://${BUCKET}/taken/`, '--s3-include', 'cert,key']);
    expect([r.status, r.stdout]).toEqual([6, '']);
    expect(r.stderr).toBe(`certkit: s3://${BUCKET}/taken/client_cert.pem: the S3 object already exists (use --force to replace it)\n`);
    // The preflight HEADs go out together: the bucket and each planned object are asked about
    // once, and the one reported is the first in upload order that exists.
    const heads = proxy.seen({ method: 'HEAD' }).map((q) => q.path.replace(/\?.*$/, '')).sort();
    expect(heads).toEqual([`/${BUCKET}/`, `/${BUCKET}/taken/client_cert.pem`, `/${BUCKET}/taken/private_key.pem`]);
    // Nothing is issued. The CA's read-only DescribeCertificateAuthority goes out alongside the
    // HEADs, so it may have been sent (once) before the answer that stopped the run.
    expect(count('IssueCertificate').seen).toBe(0);
    expect([0, 1]).toContain(count('DescribeCertificateAuthority').seen);
    expect(files('c01')).toBeUndefined();
    expect((await s3Object('taken/client_cert.pem')).toString()).toBe('not a certificate\n');
  });

  it('C02 Secrets Manager secret already present, no --force: exit 6 before issuing, no files', async () => {
    const r = await client('c02', ['--secret-name', 'faults/taken']);
    expect([r.status, r.stdout]).toEqual([6, '']);
    expect(r.stderr).toBe("certkit: 'secret faults/taken': the Secrets Manager secret already exists (use --force to store a new version)\n");
    expect([count('DescribeSecret').seen, count('CreateSecret').seen, count('IssueCertificate').seen]).toEqual([1, 0, 0]);
    expect(files('c02')).toBeUndefined();
    expect(await secretValue('faults/taken')).toBe('{"old":true}');
  });

  it('C03 GetCertificate failing persistently after IssueCertificate: exit 5, ARN saved; the rerun resumes, one issuance', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'unavailable' }, times: Infinity });
    const failed = await client('c03');
    expect(failed.status).toBe(5);
    const saved = state('c03');
    expect(saved.certificateArn).toMatch(new RegExp(`^${ca.caArn}/certificate/[0-9a-f]{32}$`));
    expect(failed.stderr).toMatch(
      new RegExp(
        `^certkit: ${saved.certificateArn}: ACM PCA GetCertificate failed: ServiceUnavailable: Service is unavailable \\(request id certkit-fault-[0-9]+\\) ` +
          `\\(rerun the same command to resume with the same key; delete c03/\\.certkit-state\\.json to start over\\)\\n$`,
      ),
    );
    expect(count('GetCertificate')).toEqual({ seen: 3, forwarded: 0 });
    expect(files('c03')).toEqual(['.certkit-state.json']);

    proxy.reset();
    const again = await client('c03');
    expect(again.status, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { certificateArn: string; resumed: boolean };
    expect([summary.certificateArn, summary.resumed]).toEqual([saved.certificateArn, true]);
    expect([count('IssueCertificate').seen, count('GetCertificate').forwarded]).toEqual([0, 1]);
    expect(files('c03')).toEqual(['certkit.json', 'client_cert.pem', 'private_key.pem']);
    expect(readFileSync(join(cwd, 'c03', 'private_key.pem'), 'utf8')).toBe(saved.key);
  });

  it('C04 IssueCertificate throttled on every attempt: exit 5 after AWS_MAX_ATTEMPTS=2 attempts, nothing issued', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'throttle' }, times: Infinity });
    const r = await client('c04', [], 2);
    expect([r.status, r.stdout]).toEqual([5, '']);
    expect(r.stderr).toMatch(
      new RegExp(
        `^certkit: ${ca.caArn}: ACM PCA IssueCertificate failed: ThrottlingException: Rate exceeded \\(request id certkit-fault-[0-9]+\\) ` +
          `\\(rerun the same command to resume with the same key; delete c04/\\.certkit-state\\.json to start over\\)\\n$`,
      ),
    );
    expect(count('IssueCertificate')).toEqual({ seen: 2, forwarded: 0 });
    expect(files('c04')).toEqual(['.certkit-state.json']);
    expect(state('c04').certificateArn).toBeUndefined();
  });

  it('C05 S3 upload corrupted in transit: exit 4 with the files kept; rerun --force finishes with the same certificate', async () => {
    // The objects go up together: the fault names the one it corrupts.
    proxy.addRule({ match: { method: 'PUT', path: /client_cert\.pem/ }, fault: { kind: 'corruptBody' } });
    const s3 = ['--s3', `s3://${BUCKET}/c05/`, '--s3-include', 'cert,key'];
    const failed = await client('c05', s3);
    expect([failed.status, failed.stdout]).toEqual([4, '']);
    expect(failed.stderr).toBe(
      `certkit: s3://${BUCKET}/c05/client_cert.pem: the object read back differs from the bytes uploaded ` +
        '(the files in c05 are written; rerun with --force to finish with the same key)\n',
    );
    expect(files('c05')).toEqual(['.certkit-state.json', 'client_cert.pem', 'private_key.pem']);
    const arn = state('c05').certificateArn;
    // A plain rerun cannot finish: the damaged object (and the files) exist. Nothing is issued.
    proxy.reset();
    const plain = await client('c05', s3);
    expect(plain.status).toBe(6);
    expect(plain.stderr).toBe('certkit: c05/client_cert.pem: refusing to overwrite an existing file (use --force to replace it)\n');
    expect(count('IssueCertificate').seen).toBe(0);

    proxy.reset();
    const again = await client('c05', [...s3, '--force']);
    expect(again.status, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { certificateArn: string; resumed: boolean; s3: string[] };
    expect([summary.certificateArn, summary.resumed]).toEqual([arn, true]);
    expect(summary.s3).toEqual([`s3://${BUCKET}/c05/client_cert.pem`, `s3://${BUCKET}/c05/private_key.pem`]);
    expect(count('IssueCertificate').seen).toBe(0);
    expect((await s3Object('c05/client_cert.pem')).equals(readFileSync(join(cwd, 'c05', 'client_cert.pem')))).toBe(true);
    expect(files('c05')).toEqual(['certkit.json', 'client_cert.pem', 'private_key.pem']);
  });

  it('C06 Secrets Manager throttling that clears: exit 0, the secret equals the local file', async () => {
    proxy.addRule({ match: { target: 'CreateSecret' }, fault: { kind: 'throttle' }, times: 2 });
    const r = await client('c06', ['--secret-name', 'faults/c06', '--formats', 'cert,key,secret']);
    expect(r.status, r.stderr).toBe(0);
    expect(count('CreateSecret')).toEqual({ seen: 3, forwarded: 1 });
    expect(await secretValue('faults/c06')).toBe(readFileSync(join(cwd, 'c06', 'redshift-secret.json'), 'utf8'));
    expect(files('c06')).toEqual(['certkit.json', 'client_cert.pem', 'private_key.pem', 'redshift-secret.json']);
  });

  it('C07 RequestInProgress for 2 polls during the run: exit 0, one IssueCertificate', async () => {
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: 2 });
    const r = await client('c07');
    expect(r.status, r.stderr).toBe(0);
    expect(proxy.seen({ target: 'GetCertificate' }).map((s) => s.fault ?? 'ok')).toEqual(['requestInProgress', 'requestInProgress', 'ok']);
    expect(count('IssueCertificate')).toEqual({ seen: 1, forwarded: 1 });
    expect(files('c07')).toEqual(['certkit.json', 'client_cert.pem', 'private_key.pem']);
  });

  it('C09 IssueCertificate response lost on every attempt: the rerun gets the same certificate, one issued', async () => {
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'dropResponse' }, times: 2 });
    const failed = await client('c09', [], 2);
    expect(failed.status).toBe(5);
    expect(failed.stderr).toBe(
      `certkit: ${ca.caArn}: ACM PCA IssueCertificate failed: ECONNRESET: socket hang up ` +
        '(could not reach the AWS endpoint: check the network, the region and --endpoint-url; ' +
        'then rerun the same command to resume with the same key; delete c09/.certkit-state.json to start over)\n',
    );
    expect(count('IssueCertificate')).toEqual({ seen: 2, forwarded: 1 });
    expect(state('c09').certificateArn).toBeUndefined();
    const issuedByMoto = proxy.forwarded({ target: 'IssueCertificate' })[0]!;

    const again = await client('c09', [], 2);
    expect(again.status, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { certificateArn: string; resumed: boolean };
    expect(summary.resumed).toBe(true);
    const requests = proxy.seen({ target: 'IssueCertificate' });
    expect(requests.map((r) => [r.fault ?? 'ok', r.forwarded])).toEqual([
      ['dropResponse', true],
      ['idempotent-replay', false], // dropped as well: the first run's second attempt
      ['idempotent-replay', false],
    ]);
    // Same CSR, same token: PCA answered with the certificate the lost response carried.
    const token = (b: Buffer) => (JSON.parse(b.toString('utf8')) as { IdempotencyToken: string }).IdempotencyToken;
    expect(token(requests[2]!.body)).toBe(token(issuedByMoto.body));
    expect(summary.certificateArn).toMatch(new RegExp(`^${ca.caArn}/certificate/[0-9a-f]{32}$`));
    expect(files('c09')).toEqual(['certkit.json', 'client_cert.pem', 'private_key.pem']);
  });

  it('C10 preflight HeadObject 403: exit 5 before issuing, no files', async () => {
    proxy.addRule({ match: { method: 'HEAD', path: /\/c10\// }, fault: { kind: 'error', status: 403, type: 'AccessDenied', message: 'Access Denied' }, times: Infinity });
    const r = await client('c10', ['--s3', `s3://${BUCKET}/c10/`, '--s3-include', 'cert']);
    expect([r.status, r.stdout]).toEqual([5, '']);
    expect(r.stderr.replace(/certkit-fault-[0-9]+/, 'ID')).toBe(
      `certkit: s3://${BUCKET}/c10/client_cert.pem: S3 HeadObject failed: Forbidden: HTTP 403 (request id ID) ` +
        '(the credentials in use lack the permission this step needs)\n',
    );
    expect(proxy.seen({ method: 'HEAD' }).map((q) => q.fault ?? 'ok').sort()).toEqual(['error', 'ok']);
    expect(count('IssueCertificate').seen).toBe(0);
    expect(files('c10')).toBeUndefined();
  });

  it('C11 preflight DescribeSecret AccessDeniedException: tried once, exit 5 before issuing', async () => {
    proxy.addRule({ match: { target: 'DescribeSecret' }, fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'no secretsmanager:DescribeSecret' }, times: Infinity });
    const r = await client('c11', ['--secret-name', 'faults/c11']);
    expect([r.status, r.stdout]).toEqual([5, '']);
    expect(r.stderr).toMatch(
      /^certkit: 'secret faults\/c11': Secrets Manager DescribeSecret failed: AccessDeniedException: no secretsmanager:DescribeSecret \(request id certkit-fault-[0-9]+\) \(these credentials lack secretsmanager:DescribeSecret on it, which certkit asks before the certificate is issued\)\n$/,
    );
    expect([count('DescribeSecret').seen, count('IssueCertificate').seen]).toEqual([1, 0]);
    expect(files('c11')).toBeUndefined();
  });

  it('C12 --signing-algorithm of the wrong family for the CA: exit 2, no IssueCertificate', async () => {
    const r = await client('c12', ['--signing-algorithm', 'SHA256WITHECDSA']);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      `certkit: --signing-algorithm SHA256WITHECDSA does not match the CA's RSA_2048 key (use SHA256WITHRSA or SHA384WITHRSA or SHA512WITHRSA)\n`,
    );
    expect([count('DescribeCertificateAuthority').forwarded, count('IssueCertificate').seen]).toEqual([1, 0]);
    // No key left behind, nor the directory made for it: the CSR never left the machine.
    expect(files('c12')).toBeUndefined();
  });

  it('C18 a CA ARN no CA has (an argument that is wrong): exit 5 saying to check it, never "rerun the same command"', async () => {
    const unknown = ca.caArn.replace(/[0-9a-f]{12}$/, '000000000000');
    const r = await certkitAsync(
      ['client', '--ca-arn', unknown, '--key-type', 'ec256', '--out', 'c18', '--formats', 'cert', '--endpoint-url', proxy.endpoint],
      { cwd, env: env() },
    );
    expect([r.status, r.stdout]).toEqual([5, '']);
    expect(r.stderr).toMatch(
      new RegExp(
        `^certkit: ${unknown}: ACM PCA DescribeCertificateAuthority failed: ResourceNotFoundException: .+ \\(request id [A-Za-z0-9-]+\\) ` +
          '\\(check the ARN or name, its region, and the account of the credentials\\)\\n$',
      ),
    );
    expect(count('IssueCertificate').seen).toBe(0);
  });

  it('C08 AWS_MAX_ATTEMPTS is honoured when no count is given; a bad value is a usage error', async () => {
    const base = { region: TEST_REGION, credentials: { ...FAKE_CREDENTIALS } };
    expect((await clientConfig('S3', { ...base, env: { AWS_MAX_ATTEMPTS: '2' } })).maxAttempts).toBe(2);
    expect((await clientConfig('S3', { ...base, maxAttempts: 4, env: { AWS_MAX_ATTEMPTS: '2' } })).maxAttempts).toBe(4);
    expect((await clientConfig('S3', { ...base, env: {} })).maxAttempts).toBe(5);
    for (const bad of ['0', '11', 'three', '1.5']) {
      const e = await rejection(clientConfig('S3', { ...base, env: { AWS_MAX_ATTEMPTS: bad } }));
      expect(outcome(e)).toEqual({
        code: 'USAGE',
        exit: 2,
        message: `max attempts must be an integer from 1 to 10, not AWS_MAX_ATTEMPTS '${bad}'`,
        oneLine: true,
      });
    }
  });
  it('C13 --s3 bucket that does not exist: exit 3 before issuing, one line naming it; the same with --force', async () => {
    const line =
      'certkit: s3://certkit-no-such-bucket/: the S3 bucket does not exist ' +
      '(check the bucket name in --s3, or create the bucket first (aws s3 mb s3://certkit-no-such-bucket/ --region us-east-1))\n';
    for (const force of [[], ['--force']]) {
      proxy.reset();
      const r = await client('c13', ['--s3', 's3://certkit-no-such-bucket/certs/', ...force]);
      expect([force, r.status, r.stdout, r.stderr]).toEqual([force, 3, '', line]);
      // moto answered HeadBucket 404 itself; nothing was issued, uploaded or written.
      expect(proxy.forwarded({ method: 'HEAD', path: /^\/certkit-no-such-bucket\/(\?|$)/ })).toHaveLength(1);
      expect([count('IssueCertificate').seen, proxy.seen({ method: 'PUT' }).length]).toEqual([0, 0]);
      expect(files('c13')).toBeUndefined();
    }
  });

  it('C14 --s3 bucket in another region (HeadBucket 301, emulated), with --force: exit 5 before issuing', async () => {
    proxy.addRule({ match: { method: 'HEAD', path: new RegExp(`^/${BUCKET}/(\\?|$)`) }, fault: { kind: 'bare', status: 301, headers: { 'x-amz-bucket-region': 'eu-central-1' } } });
    const r = await client('c14', ['--s3', `s3://${BUCKET}/c14/`, '--force']);
    expect([r.status, r.stdout, r.stderr]).toEqual([
      5, '', `certkit: s3://${BUCKET}/: the S3 bucket is in eu-central-1, not us-east-1 (pass --region eu-central-1, or use a bucket in us-east-1)\n`,
    ]);
    expect(count('IssueCertificate').seen).toBe(0);
    expect(files('c14')).toBeUndefined();
  });

  it('C15 --force, DescribeSecret AccessDeniedException: exit 5 before issuing (the preflight runs with --force too)', async () => {
    proxy.addRule({ match: { target: 'DescribeSecret' }, fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'no secretsmanager:DescribeSecret' }, times: Infinity });
    const r = await client('c15', ['--secret-name', 'faults/c15', '--force']);
    expect([r.status, r.stdout]).toEqual([5, '']);
    expect(r.stderr.replace(/certkit-fault-[0-9]+/, 'ID')).toBe(
      "certkit: 'secret faults/c15': Secrets Manager DescribeSecret failed: AccessDeniedException: no secretsmanager:DescribeSecret (request id ID) " +
        '(these credentials lack secretsmanager:DescribeSecret on it, which certkit asks before the certificate is issued)\n',
    );
    expect([count('DescribeSecret').seen, count('IssueCertificate').seen, count('CreateSecret').seen]).toEqual([1, 0, 0]);
    expect(files('c15')).toBeUndefined();
  });

  it('C16 secret scheduled for deletion: exit 5 before issuing, with and without --force', async () => {
    for (const force of [[], ['--force']]) {
      proxy.reset();
      const r = await client('c16', ['--secret-name', 'faults/deleting', ...force]);
      expect([force, r.status, r.stdout, r.stderr]).toEqual([
        force, 5, '',
        `certkit: 'secret faults/deleting': the Secrets Manager secret is scheduled for deletion (on ${deletionDate.toISOString()}) ` +
          '(restore it first (aws secretsmanager restore-secret --secret-id faults/deleting) or choose another --secret-name)\n',
      ]);
      expect([count('IssueCertificate').seen, count('CreateSecret').seen, count('PutSecretValue').seen]).toEqual([0, 0, 0]);
      expect(files('c16')).toBeUndefined();
    }
  });

  it('C17 --force over the S3 keystore of an earlier run, with generated passwords: the warning names the object', async () => {
    const s3 = ['--s3', `s3://${BUCKET}/c17/`, '--formats', 'cert', '--s3-include', 'jks,cert'];
    const first = await client('c17a', s3);
    expect(first.status, first.stderr).toBe(0);
    proxy.reset();
    const again = await client('c17b', [...s3, '--force']);
    expect([again.status, again.stderr]).toEqual([
      0,
      `certkit: warning: new passwords: --force replaced s3://${BUCKET}/c17/kafka.client.keystore.jks of an earlier run, under newly generated passwords; ` +
        'update the Glue connection and every client that used the old ones\n',
    ]);
    // With --force only the object that holds a password is asked about, beside the bucket.
    expect(proxy.seen({ method: 'HEAD' }).map((q) => q.path.replace(/\?.*$/, '')).sort()).toEqual([`/${BUCKET}/`, `/${BUCKET}/c17/kafka.client.keystore.jks`]);
  });
});
