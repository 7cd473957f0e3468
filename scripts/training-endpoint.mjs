/**
 * A local stand-in for the AWS calls one `certkit client` run makes (S3, ACM PCA, Secrets
 * Manager), used by scripts/bundle.mjs at build time only: the build runs the bundled CLI against
 * it once so that the V8 code caches it writes hold the functions a real run compiles (the SDK's
 * request path, certkit's pipeline), not just each file's set-up. It is not an emulator and not a
 * test double: it answers exactly the requests that run sends, in the shapes the services use,
 * and refuses anything else (so a run that strays fails the build instead of training on errors).
 *
 * The certificate is real: the CSR is signed by a local CA (certkit's own library, dist/), so the
 * pipeline's checks (leaf key = CSR key, chain verified) pass as they do against ACM PCA.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
export const TRAINING_CA_ARN = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
export const TRAINING_SECRET_NAME = 'certkit-training';
export const TRAINING_BUCKET = 'certkit-training';

/** Every call a training run makes (S3 by method): a run that skips one has not trained it. */
export const TRAINING_CALLS = [
  'S3 HEAD',
  'secretsmanager.DescribeSecret',
  'ACMPrivateCA.DescribeCertificateAuthority',
  'ACMPrivateCA.IssueCertificate',
  'ACMPrivateCA.GetCertificate',
  'S3 PUT',
  'S3 GET',
  'secretsmanager.CreateSecret',
];

/** The environment the CLI runs in against this endpoint: static credentials, no profile files. */
export function trainingEnv(home) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIDTRAINING',
    AWS_SECRET_ACCESS_KEY: 'training-secret',
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: `${home}/no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/no-credentials`,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const jsonError = (status, type, message) => ({ status, body: { __type: type, message } });

/**
 * Starts the endpoint on 127.0.0.1. `lib` is certkit's library (dist/index.js), `caDir` an empty
 * directory for the signing CA. Resolves with `{ url, close, requests }`; `requests` lists what
 * was asked, in order (`S3 HEAD key`, `ACMPrivateCA.IssueCertificate`...).
 */
export async function startTrainingEndpoint(lib, caDir) {
  const ca = await lib.initLocalCa(caDir, { keyType: 'ec256', subject: 'CN=certkit training CA' });
  const issuer = lib.createLocalCaIssuer(ca);
  const caPem = lib.encodePem('CERTIFICATE', ca.cert);
  const objects = new Map();
  const certificates = new Map();
  const secrets = new Map();
  const requests = [];
  const epoch = Math.floor(Date.now() / 1000);

  async function pca(target, input) {
    switch (target) {
      case 'DescribeCertificateAuthority':
        if (input.CertificateAuthorityArn !== TRAINING_CA_ARN) return jsonError(400, 'ResourceNotFoundException', 'no such CA');
        return {
          body: {
            CertificateAuthority: {
              Arn: TRAINING_CA_ARN,
              OwnerAccount: ACCOUNT,
              CreatedAt: epoch - 86400,
              LastStateChangeAt: epoch - 86400,
              Type: 'ROOT',
              Serial: '4a1b',
              Status: 'ACTIVE',
              NotBefore: epoch - 86400,
              NotAfter: epoch + 10 * 365 * 86400,
              CertificateAuthorityConfiguration: {
                KeyAlgorithm: 'EC_prime256v1',
                SigningAlgorithm: 'SHA256WITHECDSA',
                Subject: { CommonName: 'certkit training CA' },
              },
              RevocationConfiguration: { CrlConfiguration: { Enabled: false } },
              KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
              UsageMode: 'GENERAL_PURPOSE',
            },
          },
        };
      case 'IssueCertificate': {
        const csrDer = lib.decodePem(Buffer.from(input.Csr, 'base64').toString('ascii'), { label: 'CERTIFICATE REQUEST' }).der;
        const validity = lib.parseValidity(`${input.Validity.Value}d`, new Date());
        const issued = await issuer.issue({ csrDer, validity, signingAlgorithm: input.SigningAlgorithm });
        const id = createHash('sha256').update(input.IdempotencyToken ?? '').update(csrDer).digest('hex').slice(0, 32);
        const arn = `${TRAINING_CA_ARN}/certificate/${id}`;
        certificates.set(arn, lib.encodePem('CERTIFICATE', issued.leaf));
        return { body: { CertificateArn: arn } };
      }
      case 'GetCertificate': {
        const cert = certificates.get(input.CertificateArn);
        if (cert === undefined) return jsonError(400, 'ResourceNotFoundException', 'no such certificate');
        return { body: { Certificate: cert, CertificateChain: caPem } };
      }
      default:
        return undefined;
    }
  }

  function secretsManager(target, input) {
    const arn = (name) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
    switch (target) {
      case 'DescribeSecret':
        if (!secrets.has(input.SecretId)) return jsonError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return { body: { ARN: arn(input.SecretId), Name: input.SecretId } };
      case 'CreateSecret':
        if (secrets.has(input.Name)) return jsonError(400, 'ResourceExistsException', 'the secret exists');
        secrets.set(input.Name, input.SecretString);
        return { body: { ARN: arn(input.Name), Name: input.Name, VersionId: input.ClientRequestToken ?? 'v1' } };
      default:
        return undefined;
    }
  }

  /** S3, path-style (`/bucket/key`), as certkit addresses it when an endpoint is given. */
  function s3(req, path, body) {
    const headersOf = (o) => ({
      'content-type': o.type,
      etag: o.etag,
      'last-modified': o.modified,
      'x-amz-server-side-encryption': o.sse,
      ...(req.headers['x-amz-checksum-mode'] === 'ENABLED' ? { 'x-amz-checksum-sha256': o.sha256 } : {}),
    });
    const o = objects.get(path);
    switch (req.method) {
      case 'HEAD':
        // HeadBucket (the preflight asks whether the bucket exists, and in which region), then HeadObject.
        if (path.replace(/\/$/, '') === `/${TRAINING_BUCKET}`) return { headers: { 'x-amz-bucket-region': REGION } };
        return o === undefined ? { status: 404 } : { headers: { ...headersOf(o), 'content-length': String(o.data.length) } };
      case 'GET':
        return o === undefined ? { status: 404, xml: '<Error><Code>NoSuchKey</Code></Error>' } : { headers: headersOf(o), raw: o.data };
      case 'PUT': {
        if (o !== undefined && req.headers['if-none-match'] === '*') return { status: 412, xml: '<Error><Code>PreconditionFailed</Code></Error>' };
        const sha256 = createHash('sha256').update(body).digest('base64');
        if (req.headers['x-amz-checksum-sha256'] !== undefined && req.headers['x-amz-checksum-sha256'] !== sha256) {
          return { status: 400, xml: '<Error><Code>BadDigest</Code></Error>' };
        }
        const stored = {
          data: body,
          sha256,
          type: req.headers['content-type'] ?? 'application/octet-stream',
          etag: `"${createHash('md5').update(body).digest('hex')}"`,
          modified: new Date().toUTCString(),
          sse: req.headers['x-amz-server-side-encryption'] ?? 'AES256',
        };
        objects.set(path, stored);
        return { headers: { etag: stored.etag, 'x-amz-server-side-encryption': stored.sse, 'x-amz-checksum-sha256': sha256 } };
      }
      default:
        return undefined;
    }
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const target = req.headers['x-amz-target'];
        let answer;
        if (typeof target === 'string') {
          const [service, op] = target.split('.');
          requests.push(target);
          const input = JSON.parse(body.toString('utf8') || '{}');
          answer = service === 'ACMPrivateCA' ? await pca(op, input) : service === 'secretsmanager' ? secretsManager(op, input) : undefined;
        } else {
          const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
          requests.push(`S3 ${req.method} ${path}`);
          answer = s3(req, path, body);
        }
        if (answer === undefined) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `not part of a training run: ${String(target ?? req.method)}` }));
          return;
        }
        const headers = { 'x-amzn-requestid': `training-${requests.length}`, 'x-amz-request-id': `training-${requests.length}`, ...answer.headers };
        if (answer.body !== undefined) {
          res.writeHead(answer.status ?? 200, { ...headers, 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(answer.body));
        } else if (answer.xml !== undefined) {
          res.writeHead(answer.status ?? 200, { ...headers, 'content-type': 'application/xml' });
          res.end(req.method === 'HEAD' ? undefined : `<?xml version="1.0" encoding="UTF-8"?>\n${answer.xml}`);
        } else {
          res.writeHead(answer.status ?? 200, headers);
          res.end(req.method === 'HEAD' ? undefined : answer.raw);
        }
      })().catch((e) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e?.stack ?? e));
      });
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
