/**
 * moto_server, the AWS emulator, for the benchmark and the AWS test suites alike: plain ES module
 * JavaScript so that `node bench/run.mjs` runs it as is; test/support/moto.ts re-exports it with
 * the vitest hooks (types: moto.d.mts).
 *
 * Facts about moto 5 the helpers below rely on:
 * - a CA must be ACTIVATED (root issued with RootCACertificate/V1 and imported) before the
 *   certificates it issues come with a CertificateChain;
 * - it rejects a CSR without the (empty) attributes field; openssl writes it;
 * - it ignores the signing algorithm, validity and IdempotencyToken, never answers
 *   RequestInProgress, and answers some errors with HTTP 500 and an HTML page.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fake credentials: moto accepts anything, and these never reach real AWS. */
export const FAKE_CREDENTIALS = Object.freeze({ accessKeyId: 'testing', secretAccessKey: 'testing' });
export const TEST_REGION = 'us-east-1';

/** The same, as environment variables for a child process (the aws CLI, certkit). */
export const FAKE_ENV = Object.freeze({
  AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
  AWS_DEFAULT_REGION: TEST_REGION,
  AWS_REGION: TEST_REGION,
});

/** A free TCP port on 127.0.0.1 (found by listening on port 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
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

/**
 * Starts moto_server (`bin`, default: the one on PATH) on a free loopback port and waits until it
 * answers (up to 30 s; three tries on fresh ports). Resolves with `{ endpoint, port, stop() }`.
 */
export async function startMoto(bin = execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).trim()) {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    // moto logs every request to stderr. Into a file, not a pipe: a parent that waits in
    // spawnSync (as the benchmark and runBin do) does not read a pipe, and once ~64 KB of log
    // filled it, moto's threads all blocked on the logging lock and it stopped answering.
    const logDir = mkdtempSync(join(tmpdir(), 'certkit-moto-'));
    const logFd = openSync(join(logDir, 'stderr.log'), 'w', 0o600);
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', logFd],
      // No AWS settings from the developer's environment reach moto.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PYTHONUNBUFFERED: '1' },
    });
    closeSync(logFd);
    const stderrTail = () => {
      try {
        return readFileSync(join(logDir, 'stderr.log'), 'utf8').slice(-4000);
      } catch {
        return '';
      }
    };
    const removeLog = () => rmSync(logDir, { recursive: true, force: true });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      if (await answers(endpoint)) {
        return {
          endpoint,
          port,
          stop: () =>
            new Promise((resolve) => {
              if (exited) {
                removeLog();
                return resolve();
              }
              child.once('exit', () => {
                removeLog();
                resolve();
              });
              child.kill('SIGTERM');
              setTimeout(() => {
                if (!exited) child.kill('SIGKILL');
              }, 3000).unref();
            }),
        };
      }
      await sleep(150);
    }
    child.kill('SIGKILL');
    lastError = stderrTail();
    removeLog();
  }
  throw new Error(`moto_server did not start: ${lastError}`);
}

const clientOptions = (endpoint) => ({ region: TEST_REGION, endpoint, credentials: { ...FAKE_CREDENTIALS } });

/**
 * Creates an ACM PCA CA in moto and activates it: CreateCertificateAuthority, GetCertificateAuthorityCsr,
 * IssueCertificate of the root with RootCACertificate/V1, GetCertificate,
 * ImportCertificateAuthorityCertificate. Resolves with `{ caArn, rootPem }`.
 */
export async function createActivatedCa(endpoint, options = {}) {
  const pca = await import('@aws-sdk/client-acm-pca');
  const client = new pca.ACMPCAClient(clientOptions(endpoint));
  const keyAlgorithm = options.keyAlgorithm ?? 'RSA_2048';
  const signingAlgorithm = keyAlgorithm.startsWith('RSA')
    ? 'SHA256WITHRSA'
    : keyAlgorithm === 'EC_secp384r1'
      ? 'SHA384WITHECDSA'
      : 'SHA256WITHECDSA';
  try {
    const created = await client.send(
      new pca.CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: {
          KeyAlgorithm: keyAlgorithm,
          SigningAlgorithm: signingAlgorithm,
          Subject: { CommonName: options.commonName ?? 'certkit test root', Organization: options.organization ?? 'certkit tests' },
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
    const cert = await client.send(new pca.GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issued.CertificateArn }));
    const rootPem = cert.Certificate;
    await client.send(
      new pca.ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: Buffer.from(rootPem, 'utf8') }),
    );
    return { caArn, rootPem };
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

/** The keys under `prefix` in `bucket`, sorted, without the prefix. */
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
