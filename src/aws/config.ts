/**
 * AWS client settings shared by the ACM PCA issuer and the S3 / Secrets Manager sinks.
 *
 * - Credentials: explicit ones (tests pass fake ones so a developer's ~/.aws is never used),
 *   else `--profile` (read with `fromIni`, loaded lazily), else the keys of an injected `env`,
 *   else the SDK's default chain.
 * - Region: `--region`, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's `region`;
 *   none of them → a USAGE error saying how to set one.
 * - Endpoint: `--endpoint-url`, else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else
 *   the profile's `services` section for the service, else the profile's `endpoint_url` (unless
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true or the profile's ignore_configured_endpoint_urls);
 *   the profile is `--profile`, else AWS_PROFILE, else `default`, so `--profile NAME` and
 *   `AWS_PROFILE=NAME` reach the same endpoints. S3 goes path-style when an endpoint is set.
 * - Shared files: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
 *   ~/.aws/credentials under the injected environment's HOME (the SDK's defaults when it names neither).
 * - Retries: 'adaptive' (client-side rate limiting for throttling) with a bounded attempt count.
 * - Timeouts: a connection must open within 10 s and an answer must not stall for 20 s; a stalled
 *   attempt fails with TimeoutError and is retried like any other. Every call (all its attempts
 *   and the pauses between them) has 60 s in all: an endpoint that accepts connections and never
 *   answers (a VPC endpoint behind a security group that drops the traffic) fails in 60 s with
 *   "no answer from URL in 60 s", not after attempts × timeouts of silence.
 * - Progress: `onProgress` hears of every attempt (which call, which of how many, after what),
 *   for the progress line a terminal shows.
 *
 * The SDK modules are imported on first use, so commands that need no AWS never load them.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, DeserializeMiddleware } from '@aws-sdk/types';
import type { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CertkitError } from '../errors.js';

/** The services certkit talks to, named as in `AWS_ENDPOINT_URL_<SERVICE>`. */
export type AwsService = 'ACM_PCA' | 'S3' | 'SECRETS_MANAGER';

/** What the user (or a test) says about how to reach AWS. Every field is optional. */
export interface AwsOptions {
  /** `--region`. */
  readonly region?: string;
  /** `--profile`: credentials and region from the shared config/credentials files. */
  readonly profile?: string;
  /** `--endpoint-url`: one endpoint for every service (moto_server, LocalStack, a VPC endpoint). */
  readonly endpointUrl?: string;
  /** Explicit credentials; when absent the SDK's default chain (or the profile) is used. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per call including the first (1..10; default AWS_MAX_ATTEMPTS, else 5). */
  readonly maxAttempts?: number;
  /** The environment to read AWS_* variables from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds an attempt may wait with no byte of its answer (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  readonly requestTimeoutMs?: number;
  /** Milliseconds one call may take with all its attempts (default {@link CALL_DEADLINE_MS}). */
  readonly callDeadlineMs?: number;
  /** Told of every attempt of every call, as it is sent. */
  readonly onProgress?: (event: AwsAttempt) => void;
}

/** One attempt of one call, as `onProgress` hears of it. */
export interface AwsAttempt {
  /** "ACM PCA", "S3", "Secrets Manager". */
  readonly service: string;
  /** The API operation: "IssueCertificate". */
  readonly operation: string;
  readonly region: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Why the attempt before this one failed ("a timeout", "throttling"), from the second on. */
  readonly after?: string;
}

/** The settings handed to an SDK v3 client constructor. */
export interface ServiceClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: 'adaptive';
  /** Bounds on opening a connection and on an answer that stalls (see the module comment). */
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
  /** `--profile`, for the settings the SDK reads from the config file itself (clients that take it). */
  profile?: string;
  /** S3 only: bucket in the path (moto_server and most emulators need it). */
  forcePathStyle?: boolean;
  /**
   * S3 only: 'WHEN_REQUIRED' so the SDK does not validate GetObject checksums itself: the S3
   * sink reads every object back and compares all its bytes, which is stronger, and reports a
   * mismatch as INTEGRITY naming the object rather than as an anonymous SDK error.
   */
  responseChecksumValidation?: 'WHEN_REQUIRED';
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const MAX_MAX_ATTEMPTS = 10;
/** Opening a connection (TCP and TLS) may take this long per attempt. */
export const CONNECTION_TIMEOUT_MS = 10_000;
/**
 * An attempt's answer may stall this long. Shorter than the aws CLI's 60 s: certkit's calls are
 * small and AWS answers them in well under a second, so this leaves room for 3 attempts in a call's
 * {@link CALL_DEADLINE_MS}.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
/** One call, all its attempts and the pauses between them, has this long in all. */
export const CALL_DEADLINE_MS = 60_000;
/**
 * TEST ONLY: milliseconds for {@link CALL_DEADLINE_MS} when the environment (`AwsOptions.env`)
 * sets it, so a test of a silent endpoint fails in a second, not a minute. Not documented for use.
 */
export const TEST_CALL_DEADLINE_ENV = 'CERTKIT_TEST_ONLY_AWS_CALL_DEADLINE_MS';

/** The names the progress line and the deadline message give the services. */
const SERVICE_LABEL: Record<AwsService, string> = { ACM_PCA: 'ACM PCA', S3: 'S3', SECRETS_MANAGER: 'Secrets Manager' };

const ENV_SUFFIX: Record<AwsService, string> = {
  ACM_PCA: 'ACM_PCA',
  S3: 'S3',
  SECRETS_MANAGER: 'SECRETS_MANAGER',
};

/** The service's key in a `[services NAME]` section of the config file (`acm_pca =` then `  endpoint_url = ...`). */
const CONFIG_KEY: Record<AwsService, string> = {
  ACM_PCA: 'acm_pca',
  S3: 's3',
  SECRETS_MANAGER: 'secrets_manager',
};

/** The named profile a run uses: `--profile`, else AWS_PROFILE, else `default` (as the aws CLI). */
export function profileName(opts: AwsOptions = {}): string {
  const env = opts.env ?? process.env;
  return opts.profile || env.AWS_PROFILE || 'default';
}

/**
 * The shared files' paths from the environment: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE,
 * else under its HOME. Undefined fields leave the SDK's default (process.env, the OS home).
 */
export function sharedFilePaths(opts: AwsOptions = {}): { configFilepath?: string; filepath?: string } {
  const env = opts.env ?? process.env;
  const home = env.HOME;
  const path = (explicit: string | undefined, name: string): string | undefined => {
    if (explicit !== undefined && explicit !== '') return home !== undefined && explicit.startsWith('~/') ? `${home}${explicit.slice(1)}` : explicit;
    return home === undefined || home === '' ? undefined : `${home}/.aws/${name}`;
  };
  const configFilepath = path(env.AWS_CONFIG_FILE, 'config');
  const filepath = path(env.AWS_SHARED_CREDENTIALS_FILE, 'credentials');
  return { ...(configFilepath === undefined ? {} : { configFilepath }), ...(filepath === undefined ? {} : { filepath }) };
}

/** The config file's sections (profiles by name, `services.NAME`), or none when it cannot be read. */
type ConfigSections = Readonly<Record<string, Readonly<Record<string, string | undefined>> | undefined>>;

async function loadConfigFile(opts: AwsOptions): Promise<ConfigSections> {
  try {
    const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
    return (await loadSharedConfigFiles({ ...sharedFilePaths(opts), ignoreCache: true })).configFile;
  } catch {
    return {}; // an unreadable config file sets nothing, as for the SDK
  }
}

/** The endpoint the profile's config sets for `service` (its services section, then its endpoint_url). */
function configuredEndpoint(service: AwsService, opts: AwsOptions, config: ConfigSections): string | undefined {
  const name = profileName(opts);
  const profile = config[name];
  if (profile === undefined || profile.ignore_configured_endpoint_urls?.toLowerCase() === 'true') return undefined;
  const services = profile.services === undefined ? undefined : config[`services.${profile.services}`];
  const specific = services?.[`${CONFIG_KEY[service]}.endpoint_url`];
  if (specific !== undefined && specific !== '') return checkEndpoint(specific, `endpoint_url for ${CONFIG_KEY[service]} in [services ${profile.services}] of profile '${name}'`);
  const general = profile.endpoint_url;
  if (general !== undefined && general !== '') return checkEndpoint(general, `endpoint_url of profile '${name}'`);
  return undefined;
}

function checkEndpoint(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new CertkitError('USAGE', `${source} '${url}' is not a URL`, { cause: e });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CertkitError('USAGE', `${source} '${url}' must be an http:// or https:// URL`);
  }
  return url;
}

/**
 * The endpoint URL for `service` from the flag and the environment, or undefined (the profile's
 * config may still set one: {@link resolveEndpoint}). Pure: reads only `opts`.
 */
export function endpointFor(service: AwsService, opts: AwsOptions = {}): string | undefined {
  if (opts.endpointUrl !== undefined && opts.endpointUrl !== '') {
    return checkEndpoint(opts.endpointUrl, '--endpoint-url');
  }
  const env = opts.env ?? process.env;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  const specificName = `AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`;
  const specific = env[specificName];
  if (specific !== undefined && specific !== '') return checkEndpoint(specific, specificName);
  const general = env.AWS_ENDPOINT_URL;
  if (general !== undefined && general !== '') return checkEndpoint(general, 'AWS_ENDPOINT_URL');
  return undefined;
}

/**
 * The endpoint URL for `service`: {@link endpointFor}, else what the profile's config sets, else
 * undefined for the SDK's own (the real AWS endpoint). `config` is the config file when already read.
 */
export async function resolveEndpoint(
  service: AwsService,
  opts: AwsOptions = {},
  config: () => Promise<ConfigSections> = () => loadConfigFile(opts),
): Promise<string | undefined> {
  const direct = endpointFor(service, opts);
  if (direct !== undefined) return direct;
  if ((opts.env ?? process.env).AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return configuredEndpoint(service, opts, await config());
}

const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The region from the flag, the environment or the profile; a USAGE error when none is set. */
export async function resolveRegion(opts: AwsOptions = {}, config: () => Promise<ConfigSections> = () => loadConfigFile(opts)): Promise<string> {
  const env = opts.env ?? process.env;
  const check = (r: string, source: string): string => {
    if (!REGION.test(r)) throw new CertkitError('USAGE', `${source} '${r}' is not an AWS region name`);
    return r;
  };
  if (opts.region !== undefined && opts.region !== '') return check(opts.region, '--region');
  if (env.AWS_REGION) return check(env.AWS_REGION, 'AWS_REGION');
  if (env.AWS_DEFAULT_REGION) return check(env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION');
  const profile = profileName(opts);
  const r = (await config())[profile]?.region;
  if (r !== undefined && r !== '') return check(r, `region of profile '${profile}'`);
  throw new CertkitError('USAGE', 'no AWS region is set', {
    hint: 'pass --region, set AWS_REGION, or set region in the profile in ~/.aws/config',
  });
}

/** Resolves the client settings for one service. Reads the shared config file only if needed. */
export async function clientConfig(service: AwsService, opts: AwsOptions = {}): Promise<ServiceClientConfig> {
  // AWS_MAX_ATTEMPTS is the SDK's and the aws CLI's own setting: honoured as they do.
  const envAttempts = (opts.env ?? process.env).AWS_MAX_ATTEMPTS;
  const fromEnv = opts.maxAttempts === undefined && envAttempts !== undefined && envAttempts !== '';
  const maxAttempts = opts.maxAttempts ?? (fromEnv ? (/^[0-9]{1,2}$/.test(envAttempts!) ? Number(envAttempts) : NaN) : DEFAULT_MAX_ATTEMPTS);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_MAX_ATTEMPTS) {
    const shown = fromEnv ? `AWS_MAX_ATTEMPTS '${envAttempts}'` : String(maxAttempts);
    throw new CertkitError('USAGE', `max attempts must be an integer from 1 to ${MAX_MAX_ATTEMPTS}, not ${shown}`);
  }
  // The config file is read once, and only when the flag and the environment leave something to it.
  let configFile: Promise<ConfigSections> | undefined;
  const sharedConfig = () => (configFile ??= loadConfigFile(opts));
  const [region, endpoint] = await Promise.all([resolveRegion(opts, sharedConfig), resolveEndpoint(service, opts, sharedConfig)]);
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(requestTimeout) || requestTimeout < 1) {
    throw new CertkitError('USAGE', `the request timeout must be a positive number of milliseconds, not ${requestTimeout}`);
  }
  const config: ServiceClientConfig = {
    region,
    maxAttempts,
    retryMode: 'adaptive',
    // throwOnRequestTimeout: newer handlers only log a stalled request unless told to fail it.
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout, throwOnRequestTimeout: true },
  };
  if (endpoint !== undefined) config.endpoint = endpoint;
  if (service === 'S3' && endpoint !== undefined) config.forcePathStyle = true;
  if (service === 'S3') config.responseChecksumValidation = 'WHEN_REQUIRED';
  if (opts.profile !== undefined && opts.profile !== '') config.profile = opts.profile;
  if (opts.credentials !== undefined) {
    config.credentials = opts.credentials;
  } else if (opts.profile !== undefined && opts.profile !== '') {
    // As with the aws CLI, an explicit --profile wins over credentials in the environment.
    const { fromIni } = await import('@aws-sdk/credential-provider-ini');
    config.credentials = fromIni({ profile: opts.profile, ...sharedFilePaths(opts) });
  } else if (opts.env !== undefined && opts.env.AWS_ACCESS_KEY_ID && opts.env.AWS_SECRET_ACCESS_KEY) {
    // An injected environment's keys (what the SDK's fromEnv reads from process.env).
    config.credentials = {
      accessKeyId: opts.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: opts.env.AWS_SECRET_ACCESS_KEY,
      ...(opts.env.AWS_SESSION_TOKEN ? { sessionToken: opts.env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return config;
}

/**
 * Recent `@aws-sdk/client-s3` / `client-secrets-manager` print a "NodeVersionSupportWarning"
 * through `process.emitWarning` when a client is constructed on Node < 22. The SDK skips it
 * when AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true, read only in the constructor:
 * set it for the construction and put the environment back afterwards (a user's own value wins).
 */
function quietly<T>(construct: () => T): T {
  const name = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[name];
  if (before !== undefined) return construct();
  process.env[name] = 'true';
  try {
    return construct();
  } finally {
    delete process.env[name];
  }
}

/**
 * The SDK retries a 500/502/503/504 only when it could read the answer: an error page in HTML
 * (moto, a load balancer, a corporate proxy) fails deserialization with a SyntaxError that
 * carries no HTTP status, which the retry strategy takes for a client error and does not retry.
 * This middleware, just outside the deserializer, puts the status of such an answer on the error
 * so a 5xx page is retried like any 5xx, and `awsError` can name the status.
 */
function statusOnUnreadableAnswers<I extends object, O extends object>(): DeserializeMiddleware<I, O> {
  return (next) => async (args) => {
    try {
      return await next(args);
    } catch (e) {
      const err = e as { $response?: { statusCode?: unknown }; $metadata?: { httpStatusCode?: unknown } } | null;
      const status = err?.$response?.statusCode;
      if (err !== null && typeof err === 'object' && typeof status === 'number' && err.$metadata?.httpStatusCode === undefined) {
        err.$metadata = { ...err.$metadata, httpStatusCode: status };
      }
      throw e;
    }
  };
}

const STATUS_ON_UNREADABLE = { step: 'deserialize', priority: 'high', name: 'certkitStatusOnUnreadableAnswers' } as const;

/** Why an attempt failed, in the words of the progress line ("attempt 2 of 5 after a timeout"). */
export function failureKind(e: unknown): string {
  const err = (typeof e === 'object' && e !== null ? e : {}) as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : '';
  const status = err.$metadata?.httpStatusCode;
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'TimeoutError') return 'a timeout';
  if (/Throttl|SlowDown|TooManyRequests/.test(name) || status === 429) return 'throttling';
  if (NETWORK_ERRORS.has(code)) return 'a broken connection';
  if (typeof status === 'number' && status >= 500) return `a server error (HTTP ${status})`;
  return 'an error';
}

/** The milliseconds a call may take: the option, else the TEST ONLY variable, else {@link CALL_DEADLINE_MS}. */
export function callDeadline(opts: AwsOptions = {}): number {
  if (opts.callDeadlineMs !== undefined) return opts.callDeadlineMs;
  const test = (opts.env ?? process.env)[TEST_CALL_DEADLINE_ENV];
  return test !== undefined && /^[1-9][0-9]{0,6}$/.test(test) ? Number(test) : CALL_DEADLINE_MS;
}

/** Thrown inside `send` when a call's deadline passes; `awsError` words it. */
class CallDeadlineError extends Error {
  override readonly name = 'CallDeadlineError';
  constructor(
    readonly url: string,
    readonly ms: number,
  ) {
    super(`no answer from ${url} in ${ms / 1000} s`);
  }
}

/** What `instrument` needs of an SDK client (all three have it). */
interface InstrumentedClient {
  readonly middlewareStack: { addRelativeTo(mw: unknown, options: unknown): void };
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Adds to one client (its own instance, nothing shared): the progress report of every attempt,
 * the deadline of every call (its sends get an AbortSignal that fires when the deadline passes),
 * and the URL the deadline message names.
 */
function instrument<C>(client: C, service: AwsService, config: ServiceClientConfig, opts: AwsOptions): C {
  const c = client as unknown as InstrumentedClient;
  const deadline = callDeadline(opts);
  // The URL requests go to; the same for every call of this client (S3 may put the bucket in the host).
  let url = config.endpoint ?? `https://${service === 'S3' ? 's3' : service === 'ACM_PCA' ? 'acm-pca' : 'secretsmanager'}.${config.region}.amazonaws.com`;
  const onProgress = opts.onProgress;
  // Per attempt: inside the retry loop. The state of one call lives in the closure made for it.
  c.middlewareStack.addRelativeTo(
    (next: (args: { request: unknown }) => Promise<unknown>, context: { commandName?: string }) => {
      let before: unknown;
      return async (args: { request: unknown }) => {
        const request = args.request as { protocol?: string; hostname?: string; port?: number; headers?: Record<string, string> };
        if (request.hostname !== undefined) url = `${request.protocol ?? 'https:'}//${request.hostname}${request.port === undefined ? '' : `:${request.port}`}`;
        const m = /attempt=([0-9]+); max=([0-9]+)/.exec(request.headers?.['amz-sdk-request'] ?? '');
        const attempt = m === null ? 1 : Number(m[1]);
        onProgress?.({
          service: SERVICE_LABEL[service],
          operation: (context.commandName ?? 'request').replace(/Command$/, ''),
          region: config.region,
          attempt,
          maxAttempts: m === null ? config.maxAttempts : Number(m[2]),
          ...(attempt > 1 && before !== undefined ? { after: failureKind(before) } : {}),
        });
        try {
          return await next(args);
        } catch (e) {
          before = e;
          throw e;
        }
      };
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'certkitAttempts' },
  );
  const send = c.send.bind(c);
  c.send = async (command, options = {}) => {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), deadline);
    const signal = options.abortSignal === undefined ? timer.signal : AbortSignal.any([timer.signal, options.abortSignal]);
    try {
      return await send(command, { ...options, abortSignal: signal });
    } catch (e) {
      if (timer.signal.aborted) throw new CallDeadlineError(url, deadline);
      throw e;
    } finally {
      clearTimeout(timeout);
    }
  };
  return client;
}

/** Builds one service's client: its settings, the SDK class (imported on first call), the middlewares. */
async function createClient<C extends { middlewareStack: { add(mw: unknown, options: unknown): void } }>(
  service: AwsService,
  opts: AwsOptions,
  load: () => Promise<new (config: ServiceClientConfig) => C>,
): Promise<C> {
  const config = await clientConfig(service, opts);
  const Client = await load();
  const client = quietly(() => new Client(config));
  client.middlewareStack.add(statusOnUnreadableAnswers(), STATUS_ON_UNREADABLE);
  return instrument(client, service, config, opts);
}

/** An ACM PCA client (the SDK is imported on first call). */
export async function createAcmPcaClient(opts: AwsOptions = {}): Promise<ACMPCAClient> {
  return createClient('ACM_PCA', opts, async () => (await import('./sdk/acm-pca.js')).ACMPCAClient as never);
}

/** An S3 client, path-style when an endpoint is set. */
export async function createS3Client(opts: AwsOptions = {}): Promise<S3Client> {
  return createClient('S3', opts, async () => (await import('./sdk/s3.js')).S3Client as never);
}

/** A Secrets Manager client. */
export async function createSecretsManagerClient(opts: AwsOptions = {}): Promise<SecretsManagerClient> {
  return createClient('SECRETS_MANAGER', opts, async () => (await import('./sdk/secrets-manager.js')).SecretsManagerClient as never);
}

/** Error names (the service's error code) that mean the credentials are missing or stale. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

/**
 * Error names (the service's error code) for a request refused as given: a wrong ARN, a name
 * that does not exist, a parameter out of range. Rerunning the same command cannot help.
 */
const ARGUMENT_ERRORS = new Set([
  'ResourceNotFoundException',
  'InvalidArnException',
  'InvalidArgsException',
  'InvalidParameterException',
  'InvalidRequestException',
  'ValidationException',
  'MalformedCSRException',
  'NoSuchBucket',
  'InvalidBucketName',
]);

/** Node's errno codes for a connection that failed or broke. */
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Names for the statuses of error answers that come without a body. */
const HTTP_STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** Collapses whitespace (moto answers some errors with an HTML page) and caps the length. */
function oneLine(s: string, max = 300): string {
  const flat = s.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Turns anything an SDK call threw into a CertkitError 'AWS' (exit 5):
 * "`action` failed: <ErrorName>: <message> (request id <id>)", with the original as `cause`.
 * A CertkitError passes through unchanged.
 */
export function awsError(e: unknown, action: string, options: { file?: string } = {}): CertkitError {
  if (e instanceof CertkitError) return e;
  if (e instanceof CallDeadlineError) {
    return new CertkitError('AWS', `${action} failed: ${e.message}`, {
      cause: e,
      hint: "check the endpoint, the VPC endpoint's security group, or --endpoint-url",
      ...(options.file === undefined ? {} : { file: options.file }),
    });
  }
  const err = (typeof e === 'object' && e !== null ? e : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { requestId?: unknown; extendedRequestId?: unknown; httpStatusCode?: unknown };
    $response?: { statusCode?: unknown };
    $fault?: unknown;
  };
  const errName = typeof err.name === 'string' && err.name !== '' && err.name !== 'Error' ? err.name : undefined;
  const code = typeof err.code === 'string' ? err.code : undefined;
  // A broken connection is named by its errno: the SDK calls a reset a "TimeoutError".
  const network = code !== undefined && NETWORK_ERRORS.has(code);
  let name = network ? code : (errName ?? code ?? 'Error');
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const rawMessage = typeof err.message === 'string' ? err.message : String(e);
  // The SDK appends a note for developers ("inspect the hidden field {error}.$response") to
  // errors raised while reading an answer; it means nothing to a user of the CLI.
  let message = oneLine(
    rawMessage
      .replace(/\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\./, '')
      // The HTTP handler names itself and a log level in its timeout message ("@smithy/node-http-handler - [ERROR] ...").
      .replace(/^@smithy\/[a-z-]+ - \[[A-Z]+\] /, ''),
  );
  if (err.$response !== undefined && err.$fault === undefined && !network) {
    // The SDK could not parse the answer (an HTML error page from moto or a proxy): a SyntaxError
    // from the JSON services, a plain "XML parse error" from S3. Service errors carry $fault.
    name = 'UnreadableResponse';
    message = `the service's answer was not AWS's format (HTTP ${typeof status === 'number' ? status : '?'})`;
  }
  if (message === '' || message === 'UnknownError') {
    message = typeof status === 'number' ? `HTTP ${status}` : 'no message';
  }
  // An error answer without a body (S3 answers HEAD that way) leaves the SDK with no code:
  // name it by its status, so a 403 reads as what it is.
  if ((name === 'Unknown' || name === 'UnknownError' || name === 'Error') && typeof status === 'number') {
    name = HTTP_STATUS_NAMES[status] ?? `HTTP${status}`;
  }
  if (code !== undefined && code !== name) message = `${message} [${code}]`;
  const requestId = err.$metadata?.requestId;
  const rid = typeof requestId === 'string' && requestId !== '' ? ` (request id ${requestId})` : '';
  let hint: string | undefined;
  if (CREDENTIAL_ERRORS.has(name)) {
    hint = 'AWS credentials are missing or expired: refresh them (aws sso login, new session token) or pass --profile';
  } else if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'Forbidden') {
    hint = 'the credentials in use lack the permission this step needs';
  } else if ((code !== undefined && NETWORK_ERRORS.has(code)) || name === 'TimeoutError') {
    hint = 'could not reach the AWS endpoint: check the network, the region and --endpoint-url';
  }
  const opts: { cause: unknown; hint?: string; file?: string; retryable?: false } = { cause: e };
  if (ARGUMENT_ERRORS.has(name)) {
    opts.retryable = false;
    hint = name === 'ResourceNotFoundException' ? 'check the ARN or name, its region, and the account of the credentials' : 'check the arguments';
  }
  if (hint !== undefined) opts.hint = hint;
  if (options.file !== undefined) opts.file = options.file;
  return new CertkitError('AWS', `${action} failed: ${name}: ${message}${rid}`, opts);
}

/** Runs one SDK call, mapping whatever it throws with {@link awsError}. */
export async function callAws<T>(action: string, fn: () => Promise<T>, options: { file?: string } = {}): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw awsError(e, action, options);
  }
}
