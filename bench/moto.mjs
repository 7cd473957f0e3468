/**
 * moto_server for the benchmark: started on a free loopback port with fake credentials, an
 * activated ACM PCA CA (RSA 2048 or EC P-256) and an S3 bucket. The same steps as
 * test/support/moto.ts (which is TypeScript and tied to vitest's hooks, so it cannot be
 * imported by a plain `node` script); see there for the facts about moto it relies on.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, request } from 'node:http';

export const FAKE_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function answers(url) {
  return new Promise((resolve) => {
    const req = request(`${url}/moto-api/`, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts moto_server; resolves with `{ endpoint, stop() }`. */
export async function startMoto() {
  const bin = execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PYTHONUNBUFFERED: '1' },
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (!exited && Date.now() < deadline) {
    if (await answers(endpoint)) {
      return {
        endpoint,
        stop: () =>
          new Promise((resolve) => {
            if (exited) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => !exited && child.kill('SIGKILL'), 3000).unref();
          }),
      };
    }
    await sleep(150);
  }
  child.kill('SIGKILL');
  throw new Error('moto_server did not start');
}

const clientOptions = (endpoint) => ({
  region: FAKE_ENV.AWS_REGION,
  endpoint,
  credentials: { accessKeyId: FAKE_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_ENV.AWS_SECRET_ACCESS_KEY },
});

/** Creates and activates a root CA; `keyAlgorithm` is 'RSA_2048' or 'EC_prime256v1'. Resolves with its ARN. */
export async function createActivatedCa(endpoint, keyAlgorithm) {
  const pca = await import('@aws-sdk/client-acm-pca');
  const client = new pca.ACMPCAClient(clientOptions(endpoint));
  const signingAlgorithm = keyAlgorithm.startsWith('RSA') ? 'SHA256WITHRSA' : 'SHA256WITHECDSA';
  try {
    const created = await client.send(
      new pca.CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: {
          KeyAlgorithm: keyAlgorithm,
          SigningAlgorithm: signingAlgorithm,
          Subject: { CommonName: `certkit bench root ${keyAlgorithm}`, Organization: 'certkit bench' },
        },
      }),
    );
    const caArn = created.CertificateAuthorityArn;
    const csr = await client.send(new pca.GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const issued = await client.send(
      new pca.IssueCertificateCommand({
        CertificateAuthorityArn: caArn,
        Csr: Buffer.from(csr.Csr, 'utf8'),
        SigningAlgorithm: signingAlgorithm,
        TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
        Validity: { Type: 'YEARS', Value: 10 },
      }),
    );
    const cert = await client.send(
      new pca.GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issued.CertificateArn }),
    );
    await client.send(
      new pca.ImportCertificateAuthorityCertificateCommand({
        CertificateAuthorityArn: caArn,
        Certificate: Buffer.from(cert.Certificate, 'utf8'),
      }),
    );
    return caArn;
  } finally {
    client.destroy();
  }
}

/** Creates an S3 bucket. */
export async function createBucket(endpoint, bucket) {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({ ...clientOptions(endpoint), forcePathStyle: true });
  try {
    await client.send(new s3.CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

/** The keys under `prefix` in `bucket`, sorted. */
export async function listKeys(endpoint, bucket, prefix) {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({ ...clientOptions(endpoint), forcePathStyle: true });
  try {
    const r = await client.send(new s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (r.Contents ?? []).map((o) => o.Key.slice(prefix.length)).sort();
  } finally {
    client.destroy();
  }
}
