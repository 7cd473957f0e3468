/**
 * End to end through the real AWS SDK against moto_server: `certkit client --ca-arn ... --s3 ...
 * --secret-name ... --endpoint-url ...` (passwords from env:) produces every artifact; keytool
 * lists the JKS chain ending at the moto CA; openssl verifies client_cert.pem against ca.pem; the
 * S3 objects equal the local files byte for byte; the secret holds exactly the documented JSON.
 * A second run that would overwrite the S3 objects stops with exit 6 before issuing anything.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { startFaultProxy } from '../support/fault-proxy.js';
import { FAKE_CREDENTIALS, TEST_REGION, createActivatedCa, useMoto, type ActivatedCa } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run, tool } from '../support/tools.js';
import { certkit, certkitAsync, type CliRun } from './cli.js';

const BUCKET = 'certkit-e2e';
const STOREPASS = 'e2e-Store-Pass';
const KEYPASS = 'e2e-Key-Pass';

const pemCerts = (text: string) =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----\n?([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s/g, ''), 'base64'),
  );

describe.skipIf(!haveTools('moto_server', 'keytool', 'openssl'))('certkit client with ACM PCA, S3 and Secrets Manager (moto_server)', () => {
  const moto = useMoto();
  const cwd = tempDir('certkit-e2e-pca-');
  const certs = (name: string) => join(cwd, 'certs', name);
  let ca: ActivatedCa;
  let result: CliRun;
  let env: Record<string, string>;

  const clientConfig = () => ({ region: TEST_REGION, endpoint: moto().endpoint, credentials: { ...FAKE_CREDENTIALS } });

  beforeAll(async () => {
    // This test's own S3/Secrets Manager clients: no Node-version notice in the test output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    ca = await createActivatedCa(moto().endpoint, { commonName: 'moto e2e root' });
    const s3 = await import('@aws-sdk/client-s3');
    const client = new s3.S3Client({ ...clientConfig(), forcePathStyle: true });
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
    env = {
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      STOREPASS,
      KEYPASS,
    };
    result = certkit(
      [
        'client', '--ca-arn', ca.caArn, '--dname', 'CN=glue-client,OU=e2e,O=certkit',
        '--s3', `s3://${BUCKET}/certs/`, '--secret-name', 'msk-mtls-e2e', '--msk-uri', 'b-1.example:9094,b-2.example:9094',
        '--storepass', 'env:STOREPASS', '--keypass', 'env:KEYPASS', '--endpoint-url', moto().endpoint,
      ],
      { cwd, env },
    );
  });

  it('succeeds with a quiet stderr and a summary naming the Glue and Redshift values', () => {
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const rec = JSON.parse(readFileSync(certs('certkit.json'), 'utf8')) as { certificateArn: string; secretArn: string };
    expect(rec.certificateArn.startsWith(`${ca.caArn}/certificate/`)).toBe(true);
    const out = result.stdout;
    expect(out).toContain(`  certificate ARN  ${rec.certificateArn}\n`);
    expect(out).toContain(
      'Passwords:\n  keystore password (storepass)  (given with --storepass; not shown)\n  key password (keypass)         (given with --keypass; not shown)\n\n',
    );
    expect(out).not.toContain(STOREPASS);
    expect(out).not.toContain(KEYPASS);
    expect(out).toContain(
      'AWS Glue Kafka connection, authentication "TLS client authentication":\n' +
        `  Kafka client keystore location  s3://${BUCKET}/certs/kafka.client.keystore.jks\n` +
        '  Kafka client keystore password  (the --storepass you gave)\n' +
        '  Kafka client key password       (the --keypass you gave)\n',
    );
    expect(out).toContain(`Redshift secret (Secrets Manager): ${rec.secretArn}\n`);
    expect(out).toContain(
      `  CREATE EXTERNAL SCHEMA msk_schema FROM MSK IAM_ROLE 'arn:aws:iam::<account-id>:role/<redshift-streaming-role>' ` +
        `AUTHENTICATION mtls URI 'b-1.example:9094,b-2.example:9094' SECRET_ARN '${rec.secretArn}';\n`,
    );
  });

  it('writes every artifact', () => {
    expect(readdirSync(join(cwd, 'certs')).sort()).toEqual([
      'ca.pem', 'certkit.json', 'client.properties', 'client_cert.pem', 'csr.pem',
      'kafka.client.keystore.jks', 'keystore.p12', 'private_key.pem', 'redshift-secret.json',
    ]);
  });

  it('keytool lists a PrivateKeyEntry whose chain ends at the moto CA', () => {
    const out = run(tool('keytool')!, ['-list', '-v', '-keystore', certs('kafka.client.keystore.jks'), '-storepass', STOREPASS]);
    expect(out).toContain('Entry type: PrivateKeyEntry');
    expect(out).toContain('Certificate chain length: 2');
    const owners = [...out.matchAll(/^Owner: (.*)$/gm)].map((m) => m[1]);
    expect(owners[0]).toBe('CN=glue-client, OU=e2e, O=certkit');
    const rootFp = new X509Certificate(pemCerts(ca.rootPem)[0]!).fingerprint256;
    const sha256s = [...out.matchAll(/^\s+SHA256: (.*)$/gm)].map((m) => m[1]);
    expect(sha256s.length).toBe(2);
    expect(sha256s[1]).toBe(rootFp);
  });

  it('openssl verifies client_cert.pem against ca.pem (the moto root), and the key matches', () => {
    const openssl = tool('openssl')!;
    expect(pemCerts(readFileSync(certs('ca.pem'), 'utf8'))[0]!.equals(pemCerts(ca.rootPem)[0]!)).toBe(true);
    expect(run(openssl, ['verify', '-CAfile', certs('ca.pem'), certs('client_cert.pem')])).toBe(`${certs('client_cert.pem')}: OK\n`);
    expect(run(openssl, ['pkey', '-in', certs('private_key.pem'), '-pubout'])).toBe(
      run(openssl, ['x509', '-in', certs('client_cert.pem'), '-noout', '-pubkey']),
    );
  });

  it('the S3 objects are the Glue set and equal the local files byte for byte', async () => {
    const s3 = await import('@aws-sdk/client-s3');
    const client = new s3.S3Client({ ...clientConfig(), forcePathStyle: true });
    try {
      const listed = await client.send(new s3.ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'certs/' }));
      expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
        'certs/client_cert.pem',
        'certs/kafka.client.keystore.jks',
        'certs/private_key.pem',
      ]);
      for (const name of ['kafka.client.keystore.jks', 'client_cert.pem', 'private_key.pem']) {
        const got = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: `certs/${name}` }));
        const body = Buffer.from(await got.Body!.transformToByteArray());
        expect([name, body.equals(readFileSync(certs(name)))]).toEqual([name, true]);
        expect(got.ServerSideEncryption).toBe('AES256');
      }
    } finally {
      client.destroy();
    }
  });

  it('the secret holds exactly {"certificate": leaf + chain PEM, "privateKey": PKCS#8 PEM}', async () => {
    const sm = await import('@aws-sdk/client-secrets-manager');
    const client = new sm.SecretsManagerClient(clientConfig());
    try {
      const got = await client.send(new sm.GetSecretValueCommand({ SecretId: 'msk-mtls-e2e' }));
      expect(got.SecretString).toBe(readFileSync(certs('redshift-secret.json'), 'utf8'));
      const secret = JSON.parse(got.SecretString!) as Record<string, string>;
      expect(Object.keys(secret)).toEqual(['certificate', 'privateKey']);
      expect(secret.certificate).toBe(readFileSync(certs('client_cert.pem'), 'utf8'));
      expect(secret.privateKey).toBe(readFileSync(certs('private_key.pem'), 'utf8'));
      expect(secret.privateKey!.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it('certkit.json records ARNs and URIs, no secrets', () => {
    const text = readFileSync(certs('certkit.json'), 'utf8');
    const rec = JSON.parse(text) as Record<string, unknown>;
    expect(rec.issuer).toBe('acm-pca');
    expect(rec.caArn).toBe(ca.caArn);
    expect(rec.s3).toEqual([
      `s3://${BUCKET}/certs/kafka.client.keystore.jks`,
      `s3://${BUCKET}/certs/client_cert.pem`,
      `s3://${BUCKET}/certs/private_key.pem`,
    ]);
    expect(String(rec.secretArn)).toMatch(/^arn:aws:secretsmanager:us-east-1:[0-9]{12}:secret:msk-mtls-e2e-/);
    expect(text).not.toContain(STOREPASS);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('a run interrupted after IssueCertificate resumes from its 0600 state: same key, same certificate, one issuance', async () => {
    const proxy = await startFaultProxy(moto().endpoint);
    try {
      // GetCertificate fails (not retryable) once: the certificate exists in the CA, the run stops.
      proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'injected' } });
      const args = ['client', '--ca-arn', ca.caArn, '--out', 'resume', '--formats', 'cert,key', '--json', '--endpoint-url', proxy.endpoint];
      const failed = await certkitAsync(args, { cwd, env });
      expect(failed.status).toBe(5);
      expect(failed.stderr).toMatch(
        /^certkit: .*AccessDeniedException: injected .*\(the credentials in use lack the permission this step needs; then rerun the same command to resume with the same key; delete resume\/\.certkit-state\.json to start over\)\n$/,
      );
      expect(readdirSync(join(cwd, 'resume'))).toEqual(['.certkit-state.json']);
      const state = JSON.parse(readFileSync(join(cwd, 'resume', '.certkit-state.json'), 'utf8')) as Record<string, string>;
      expect(state.certificateArn!.startsWith(`${ca.caArn}/certificate/`)).toBe(true);

      const again = await certkitAsync(args, { cwd, env });
      expect(again.status, again.stderr).toBe(0);
      const summary = JSON.parse(again.stdout) as { certificateArn: string; resumed: boolean };
      expect([summary.certificateArn, summary.resumed]).toEqual([state.certificateArn, true]);
      expect(proxy.forwarded({ target: 'IssueCertificate' }).length).toBe(1);
      expect(readdirSync(join(cwd, 'resume')).sort()).toEqual(['certkit.json', 'client_cert.pem', 'private_key.pem']);
      expect(readFileSync(join(cwd, 'resume', 'private_key.pem'), 'utf8')).toBe(state.key);
    } finally {
      await proxy.stop();
    }
  });

  it('a run that would overwrite the S3 objects stops with exit 6 before issuing, writing nothing', () => {
    const r = certkit(
      ['client', '--ca-arn', ca.caArn, '--out', 'second', '--s3', `s3://${BUCKET}/certs/`, '--storepass', 'env:STOREPASS', '--endpoint-url', moto().endpoint],
      { cwd, env },
    );
    expect(r.status).toBe(6);
    expect(r.stderr).toBe(`certkit: s3://${BUCKET}/certs/kafka.client.keystore.jks: the S3 object already exists (use --force to replace it)\n`);
    expect(existsSync(join(cwd, 'second'))).toBe(false);
  });
});
