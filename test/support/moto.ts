/**
 * moto_server for the AWS suites: started on a free loopback port, reached through the real
 * SDK with fake credentials passed explicitly (a developer's ~/.aws is never read), stopped
 * after the file's tests.
 *
 * Facts about moto 5 the helpers below rely on:
 * - a CA must be ACTIVATED (root issued with RootCACertificate/V1 and imported) before the
 *   certificates it issues come with a CertificateChain;
 * - it rejects a CSR without the (empty) attributes field; openssl writes it;
 * - it ignores the signing algorithm, validity and IdempotencyToken, never answers
 *   RequestInProgress, and answers some errors with HTTP 500 and an HTML page
 *   (the fault proxy in fault-proxy.ts covers what it does not emulate).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { AwsOptions } from '../../src/aws/config.js';
import { tool } from './tools.js';

/** Fake credentials: moto accepts anything, and these never reach real AWS. */
export const FAKE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const TEST_REGION = 'us-east-1';

/** AWS options pointing at `endpoint` with fake credentials and an empty environment. */
export function awsOptionsFor(endpoint: string, extra: Partial<AwsOptions> = {}): AwsOptions {
  return {
    region: TEST_REGION,
    endpointUrl: endpoint,
    credentials: { ...FAKE_CREDENTIALS },
    maxAttempts: 3,
    env: {},
    ...extra,
  };
}

/** A free TCP port on 127.0.0.1 (found by listening on port 0). */
export function freePort(): Promise<number> {
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

function answers(url: string): Promise<boolean> {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts moto_server on a free loopback port and waits until it answers (up to 30 s). */
export async function startMoto(): Promise<MotoServer> {
  const bin = tool('moto_server');
  if (bin === undefined) throw new Error('moto_server is not installed');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // No AWS settings from the developer's environment reach moto.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PYTHONUNBUFFERED: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
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
            new Promise<void>((resolve) => {
              if (exited) return resolve();
              child.once('exit', () => resolve());
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
    lastError = stderr;
  }
  throw new Error(`moto_server did not start: ${lastError}`);
}

/**
 * Starts moto_server before the file's tests and stops it after; returns a getter for the
 * running server (valid inside tests and hooks).
 */
export function useMoto(): () => MotoServer {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('moto_server is not running');
    return server;
  };
}

export interface ActivatedCa {
  readonly caArn: string;
  /** The CA's self-signed root, PEM, as imported into moto. */
  readonly rootPem: string;
}

/**
 * Creates an ACM PCA CA in moto and activates it: CreateCertificateAuthority (RSA_2048,
 * SHA256WITHRSA), GetCertificateAuthorityCsr, IssueCertificate of the root with
 * RootCACertificate/V1, GetCertificate, ImportCertificateAuthorityCertificate.
 */
export async function createActivatedCa(
  endpoint: string,
  options: { commonName?: string; keyAlgorithm?: 'RSA_2048' | 'RSA_4096' | 'EC_prime256v1' | 'EC_secp384r1' } = {},
): Promise<ActivatedCa> {
  const pca = await import('@aws-sdk/client-acm-pca');
  const client = new pca.ACMPCAClient({
    region: TEST_REGION,
    endpoint,
    credentials: { ...FAKE_CREDENTIALS },
  });
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
          Subject: { CommonName: options.commonName ?? 'certkit test root', Organization: 'certkit tests' },
        },
      }),
    );
    const caArn = created.CertificateAuthorityArn!;
    const csr = await client.send(new pca.GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const issued = await client.send(
      new pca.IssueCertificateCommand({
        CertificateAuthorityArn: caArn,
        Csr: Buffer.from(csr.Csr!, 'utf8'),
        SigningAlgorithm: signingAlgorithm,
        TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
        Validity: { Type: 'YEARS', Value: 10 },
      }),
    );
    const cert = await client.send(
      new pca.GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issued.CertificateArn! }),
    );
    const rootPem = cert.Certificate!;
    await client.send(
      new pca.ImportCertificateAuthorityCertificateCommand({
        CertificateAuthorityArn: caArn,
        Certificate: Buffer.from(rootPem, 'utf8'),
      }),
    );
    return { caArn, rootPem };
  } finally {
    client.destroy();
  }
}
