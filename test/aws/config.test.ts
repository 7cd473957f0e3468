/** AWS client settings: endpoint and region precedence, credentials, error mapping, no SDK noise. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  awsError,
  clientConfig,
  createS3Client,
  createSecretsManagerClient,
  endpointFor,
  resolveRegion,
} from '../../src/aws/config.js';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir();

function caught(fn: () => unknown): CertkitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('endpointFor', () => {
  const env = {
    AWS_ENDPOINT_URL: 'http://general:1',
    AWS_ENDPOINT_URL_S3: 'http://s3only:2',
    AWS_ENDPOINT_URL_ACM_PCA: 'https://pca:3',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://sm:4',
  };
  it.each([
    ['flag beats everything', { endpointUrl: 'http://flag:9', env }, 'S3', 'http://flag:9'],
    ['service variable beats the general one (S3)', { env }, 'S3', 'http://s3only:2'],
    ['service variable (ACM_PCA)', { env }, 'ACM_PCA', 'https://pca:3'],
    ['service variable (SECRETS_MANAGER)', { env }, 'SECRETS_MANAGER', 'http://sm:4'],
    ['general variable', { env: { AWS_ENDPOINT_URL: 'http://general:1' } }, 'ACM_PCA', 'http://general:1'],
    ['nothing set: the real endpoint', { env: {} }, 'S3', undefined],
    ['ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true', { env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } }, 'S3', undefined],
  ] as const)('%s', (_name, opts, service, expected) => {
    expect(endpointFor(service, opts)).toBe(expected);
  });
  it.each([
    [{ endpointUrl: 'localhost:5000' }, "--endpoint-url 'localhost:5000' must be an http:// or https:// URL"],
    [{ endpointUrl: 'not a url' }, "--endpoint-url 'not a url' is not a URL"],
    [{ env: { AWS_ENDPOINT_URL_S3: 'ftp://x' } }, "AWS_ENDPOINT_URL_S3 'ftp://x' must be an http:// or https:// URL"],
  ])('refuses %j', (opts, message) => {
    const e = caught(() => endpointFor('S3', opts));
    expect([e.code, e.message]).toEqual(['USAGE', message]);
  });
});

describe('resolveRegion and clientConfig', () => {
  afterEach(() => vi.unstubAllEnvs());
  const noFiles = () => {
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'absent-config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'absent-credentials'));
  };

  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile', async () => {
    const config = join(dir, 'config');
    writeFileSync(config, '[default]\nregion = ap-south-1\n[profile team]\nregion = eu-west-2\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    const env = { AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2' };
    expect(await resolveRegion({ region: 'eu-central-1', env })).toBe('eu-central-1');
    expect(await resolveRegion({ env })).toBe('us-west-1');
    expect(await resolveRegion({ env: { AWS_DEFAULT_REGION: 'us-west-2' } })).toBe('us-west-2');
    expect(await resolveRegion({ profile: 'team', env: {} })).toBe('eu-west-2');
    expect(await resolveRegion({ env: { AWS_PROFILE: 'team' } })).toBe('eu-west-2');
    expect(await resolveRegion({ env: {} })).toBe('ap-south-1');
  });

  it('no region anywhere is a usage error saying how to set one', async () => {
    noFiles();
    const e = await resolveRegion({ env: {} }).then(
      () => undefined,
      (err: unknown) => err as CertkitError,
    );
    expect([e?.code, e && exitStatusOf(e), e?.message, e?.hint]).toEqual([
      'USAGE', 2, 'no AWS region is set', 'pass --region, set AWS_REGION, or set region in the profile in ~/.aws/config',
    ]);
  });

  it('builds adaptive, bounded, path-style settings with the injected credentials', async () => {
    noFiles();
    const env = { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'sekrit', AWS_SESSION_TOKEN: 'tok' };
    expect(await clientConfig('S3', { env })).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
      maxAttempts: 5,
      retryMode: 'adaptive',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 20_000, throwOnRequestTimeout: true },
      forcePathStyle: true,
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'sekrit', sessionToken: 'tok' },
    });
    expect(await clientConfig('ACM_PCA', { region: 'us-east-1', env: {}, maxAttempts: 2, requestTimeoutMs: 1500 })).toEqual({
      region: 'us-east-1',
      maxAttempts: 2,
      retryMode: 'adaptive',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 1500, throwOnRequestTimeout: true },
    });
    await expect(clientConfig('S3', { region: 'us-east-1', requestTimeoutMs: 0 })).rejects.toMatchObject({
      code: 'USAGE',
      message: 'the request timeout must be a positive number of milliseconds, not 0',
    });
    await expect(clientConfig('S3', { region: 'us-east-1', maxAttempts: 50 })).rejects.toMatchObject({
      code: 'USAGE',
      message: 'max attempts must be an integer from 1 to 10, not 50',
    });
  });

  it('--profile reads credentials from the shared files, not the environment', async () => {
    const creds = join(dir, 'credentials');
    writeFileSync(creds, '[team]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = fromfile\n');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', creds);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'absent-config'));
    const c = await clientConfig('SECRETS_MANAGER', {
      region: 'us-east-1', profile: 'team', env: { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'fromenv' },
    });
    const provider = c.credentials as () => Promise<{ accessKeyId: string; secretAccessKey: string }>;
    const got = await provider();
    expect([got.accessKeyId, got.secretAccessKey]).toEqual(['AKIDPROFILE', 'fromfile']);
  });
});

describe('awsError', () => {
  const sdkError = (name: string, message: string, requestId?: string, status = 400) =>
    Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status, requestId } });

  it('one line with the error name, message and request id; cause kept', () => {
    const cause = sdkError('InvalidStateException', 'The certificate authority is not in a valid state\nfor issuing certificates.', 'req-123');
    const e = awsError(cause, 'ACM PCA IssueCertificate', { file: 'arn:x' });
    expect([e.code, exitStatusOf(e), e.message, e.file, e.hint, e.cause]).toEqual([
      'AWS', 5,
      'ACM PCA IssueCertificate failed: InvalidStateException: The certificate authority is not in a valid state for issuing certificates. (request id req-123)',
      'arn:x', undefined, cause,
    ]);
  });

  it.each([
    ['ExpiredTokenException'],
    ['ExpiredToken'],
    ['CredentialsProviderError'],
    ['UnrecognizedClientException'],
  ])('%s carries the credentials hint', (name) => {
    const e = awsError(sdkError(name, 'The security token included in the request is expired', 'r-1'), 'S3 PutObject');
    expect([e.message, e.hint]).toEqual([
      `S3 PutObject failed: ${name}: The security token included in the request is expired (request id r-1)`,
      'AWS credentials are missing or expired: refresh them (aws sso login, new session token) or pass --profile',
    ]);
  });

  it('network errors keep their errno code; HTML bodies become text; a CertkitError passes through', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(awsError(reset, 'S3 GetObject').message).toBe('S3 GetObject failed: ECONNRESET: socket hang up');
    const html = sdkError('InternalFailure', '<!doctype html><html><body><h1>500 Internal Server Error</h1></body></html>', undefined, 500);
    expect(awsError(html, 'X').message).toBe('X failed: InternalFailure: 500 Internal Server Error');
    const own = new CertkitError('EXISTS', 'already');
    expect(awsError(own, 'X')).toBe(own);
  });
});

describe('SDK clients', () => {
  it("construct without the SDK's Node version warning and leave the environment as it was", async () => {
    const spy = vi.spyOn(process, 'emitWarning');
    try {
      const opts = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, env: {} };
      const s3 = await createS3Client(opts);
      const sm = await createSecretsManagerClient(opts);
      s3.destroy();
      sm.destroy();
      expect(spy.mock.calls.map((c) => String(c[0]).split(':')[0])).toEqual([]);
      expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe(undefined);
      expect(await s3.config.region()).toBe('us-east-1');
    } finally {
      spy.mockRestore();
    }
  });
});
