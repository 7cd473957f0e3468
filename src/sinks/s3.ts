/**
 * Uploads artifacts to S3 for AWS Glue: every PutObject asks for server-side encryption
 * (SSE-KMS when a key is named, else SSE-S3) and carries the SHA-256 of the body, which S3
 * checks; then every object is read back and compared with what was sent, so a body corrupted
 * anywhere on the way is caught. Objects are not replaced unless `force` (If-None-Match: *).
 * `checkS3Destination` is the check made before a certificate is issued.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BuildMiddleware } from '@aws-sdk/types';
import { awsError, callAws, createS3Client, type AwsOptions } from '../aws/config.js';
import { CertkitError, throwFirstRejection } from '../errors.js';
import type { Artifact } from './directory.js';
import { checkS3Key, formatS3Uri, parseS3Uri } from './s3-uri.js';

export type S3ServerSideEncryption = 'AES256' | 'aws:kms';

export interface UploadArtifactsOptions {
  /** `s3://bucket/prefix/`; each artifact goes to prefix + its name. */
  readonly uri: string;
  readonly artifacts: readonly Pick<Artifact, 'name' | 'data' | 'sensitive' | 'contentType'>[];
  /** Default 'AES256'; a `kmsKeyId` always means 'aws:kms'. */
  readonly sse?: S3ServerSideEncryption;
  readonly kmsKeyId?: string;
  /** Replace objects that already exist. Default false: an existing object is an EXISTS error. */
  readonly force?: boolean;
  readonly clientConfig?: AwsOptions;
  /** An already built client (shared with other steps); otherwise one is made and released. */
  readonly client?: S3Client;
}

/** Largest artifact uploaded in one PutObject (keystores and PEM files are a few KB). */
export const MAX_S3_ARTIFACT_BYTES = 16 * 1024 * 1024;

const sha256b64 = (data: Uint8Array) => createHash('sha256').update(data).digest('base64');

/**
 * The object's bytes, the encryption S3 reports for it and the SHA-256 it recorded (GetObject).
 *
 * The checksum is asked for with the `x-amz-checksum-mode: ENABLED` header, set on the request
 * rather than as the command's `ChecksumMode`: that input would also make the SDK check the body
 * against the header itself and fail with an anonymous "Checksum mismatch" error. certkit
 * compares every byte with what it sent (stronger) and names the object in the INTEGRITY error.
 */
async function readObject(
  client: S3Client,
  s3: typeof import('../aws/sdk/s3.js'),
  bucket: string,
  key: string,
  uri: string,
): Promise<{ body: Buffer; sse: string | undefined; sha256: string | undefined }> {
  return callAws(
    'S3 GetObject',
    async () => {
      const command = new s3.GetObjectCommand({ Bucket: bucket, Key: key });
      command.middlewareStack.add(askForChecksum(), ASK_FOR_CHECKSUM);
      const r = await client.send(command);
      const body = r.Body === undefined ? new Uint8Array() : await r.Body.transformToByteArray();
      return { body: Buffer.from(body), sse: r.ServerSideEncryption, sha256: r.ChecksumSHA256 };
    },
    { file: uri },
  );
}

const ASK_FOR_CHECKSUM = { step: 'build', name: 'certkitAskForChecksum' } as const;

/** Build-step middleware: adds `x-amz-checksum-mode: ENABLED` to the (still unsigned) request. */
function askForChecksum<I extends object, O extends object>(): BuildMiddleware<I, O> {
  return (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    if (request.headers !== undefined) request.headers['x-amz-checksum-mode'] = 'ENABLED';
    return next(args);
  };
}

/**
 * One object: PutObject with SSE and its SHA-256, then GetObject (the bytes, compared with what
 * was sent, and the checksum S3 recorded). Resolves with the object's URI.
 */
async function uploadOne(
  client: S3Client,
  s3: typeof import('../aws/sdk/s3.js'),
  bucket: string,
  key: string,
  a: UploadArtifactsOptions['artifacts'][number],
  sse: S3ServerSideEncryption,
  options: UploadArtifactsOptions,
): Promise<string> {
  const uri = formatS3Uri(bucket, key);
  const checksum = sha256b64(a.data);
  let put: { ChecksumSHA256?: string | undefined };
  try {
    put = await client.send(
      new s3.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: a.data,
        ContentLength: a.data.length,
        ContentType: a.contentType ?? 'application/octet-stream',
        ServerSideEncryption: sse,
        ...(options.kmsKeyId === undefined ? {} : { SSEKMSKeyId: options.kmsKeyId }),
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: checksum,
        ...(options.force === true ? {} : { IfNoneMatch: '*' }),
      }),
    );
  } catch (e) {
    const meta = (e as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata;
    const name = (e as { name?: string }).name;
    if (options.force !== true && (name === 'PreconditionFailed' || meta?.httpStatusCode === 412)) {
      // A retried PUT is refused when an earlier attempt stored the object and only its
      // answer was lost: if the object holds exactly these bytes it is ours, not a conflict.
      if ((meta?.attempts ?? 1) > 1 && (await readObject(client, s3, bucket, key, uri)).body.equals(a.data)) {
        put = {};
      } else {
        throw new CertkitError('EXISTS', 'the S3 object already exists', {
          file: uri,
          hint: 'pass --force to replace it',
          cause: e,
        });
      }
    } else {
      throw awsError(e, 'S3 PutObject', { file: uri });
    }
  }
  if (put.ChecksumSHA256 !== undefined && put.ChecksumSHA256 !== checksum) {
    throw new CertkitError('INTEGRITY', 'S3 stored a different SHA-256 than the one sent', { file: uri });
  }
  // One GetObject reads back the bytes, the checksum S3 recorded and the encryption it applied;
  // they are checked in that order. The SDK's own response validation is off (see createS3Client
  // and readObject): a mismatch here is INTEGRITY with the object's URI.
  const got = await readObject(client, s3, bucket, key, uri);
  if (got.sha256 !== undefined && got.sha256 !== checksum) {
    throw new CertkitError('INTEGRITY', 'S3 recorded a different SHA-256 than the one sent', { file: uri });
  }
  if (!got.body.equals(a.data)) {
    // No "run again" hint: the damaged object now exists, so only a run that replaces it
    // (force) can finish; `certkit client` says so, with the files it has written.
    throw new CertkitError('INTEGRITY', 'the object read back differs from the bytes uploaded', { file: uri });
  }
  if (got.sse !== undefined && got.sse !== sse) {
    throw new CertkitError('INTEGRITY', `the object is stored with ${got.sse} encryption, not ${sse}`, { file: uri });
  }
  return uri;
}

/** What an SDK error says about the answer: its HTTP status, error name and x-amz-bucket-region. */
function answerOf(e: unknown): { status: number | undefined; name: string | undefined; bucketRegion: string | undefined } {
  const err = (typeof e === 'object' && e !== null ? e : {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $response?: { statusCode?: unknown; headers?: Record<string, unknown> };
  };
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const region = err.$response?.headers?.['x-amz-bucket-region'];
  return {
    status: typeof status === 'number' ? status : undefined,
    name: typeof err.name === 'string' ? err.name : undefined,
    bucketRegion: typeof region === 'string' && region !== '' ? region : undefined,
  };
}

/**
 * HeadBucket: the bucket exists (else INVALID_INPUT, exit 3: most often a misspelled name), is
 * in `region` (S3 names the bucket's region in x-amz-bucket-region, on a 301 and elsewhere) and
 * lets these credentials in (403); each refusal says what to do. Other failures: AWS (exit 5).
 */
async function checkBucket(client: S3Client, s3: typeof import('../aws/sdk/s3.js'), bucket: string, region: string): Promise<void> {
  const where = formatS3Uri(bucket, '');
  const elsewhere = (bucketRegion: string | undefined, cause?: unknown) =>
    new CertkitError('AWS', `the S3 bucket is in ${bucketRegion ?? 'another region'}, not ${region}`, {
      file: where,
      hint: `pass --region ${bucketRegion ?? "with the bucket's region"}, or use a bucket in ${region}`,
      cause,
    });
  let bucketRegion: string | undefined;
  try {
    bucketRegion = (await client.send(new s3.HeadBucketCommand({ Bucket: bucket }))).BucketRegion;
  } catch (e) {
    const answer = answerOf(e);
    if (answer.status === 404 || answer.name === 'NotFound' || answer.name === 'NoSuchBucket') {
      throw new CertkitError('INVALID_INPUT', 'the S3 bucket does not exist', {
        file: where,
        hint: `check the bucket name in --s3, or create the bucket first (aws s3 mb ${where} --region ${region})`,
        cause: e,
      });
    }
    if (answer.status === 301 || (answer.bucketRegion !== undefined && answer.bucketRegion !== region)) throw elsewhere(answer.bucketRegion, e);
    const failed = awsError(e, 'S3 HeadBucket', { file: where });
    if (answer.status !== 403) throw failed;
    throw new CertkitError('AWS', failed.message, {
      file: where,
      hint: 'the bucket belongs to another account, or these credentials lack s3:ListBucket on it: check the name in --s3 and the IAM policy',
      cause: e,
    });
  }
  if (bucketRegion !== undefined && bucketRegion !== region) throw elsewhere(bucketRegion);
}

/** HeadObject: the object's URI when it exists, undefined when S3 answers 404. */
async function objectExists(client: S3Client, s3: typeof import('../aws/sdk/s3.js'), bucket: string, key: string): Promise<string | undefined> {
  const uri = formatS3Uri(bucket, key);
  try {
    await client.send(new s3.HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    const { status, name } = answerOf(e);
    if (status === 404 || name === 'NotFound') return undefined;
    throw awsError(e, 'S3 HeadObject', { file: uri });
  }
  return uri;
}

export interface CheckS3DestinationOptions {
  /** `s3://bucket/prefix/`. */
  readonly uri: string;
  /** Objects (prefix + name) to ask about. */
  readonly names: readonly string[];
  /** The client the upload will use (its region is the one the bucket must be in). */
  readonly client: S3Client;
}

/**
 * Checks an upload destination before anything is issued: HeadBucket (see checkBucket) and a
 * HeadObject per name, all at once. HeadObject alone cannot tell a missing bucket from a missing
 * object (both a bare 404), so the bucket's answer comes first. Resolves with the URIs of the
 * objects that exist, in the order given.
 */
export async function checkS3Destination(options: CheckS3DestinationOptions): Promise<string[]> {
  const { bucket, prefix } = parseS3Uri(options.uri);
  const s3 = await import('../aws/sdk/s3.js');
  const region = await options.client.config.region();
  const bucketChecked = checkBucket(options.client, s3, bucket, region);
  const heads = options.names.map((name) => objectExists(options.client, s3, bucket, prefix + name));
  const [bucketAnswer, ...objectAnswers] = await Promise.allSettled([bucketChecked, ...heads]);
  throwFirstRejection([bucketAnswer!]);
  throwFirstRejection(objectAnswers);
  return objectAnswers.map((r) => (r as PromiseFulfilledResult<string | undefined>).value).filter((u): u is string => u !== undefined);
}

/**
 * Uploads the artifacts (all at once, each verified) and resolves with the `s3://` URI of
 * each, in the order given.
 * Errors: USAGE (bad URI or key), EXISTS (exit 6), INTEGRITY (read back differs, exit 4),
 * AWS (exit 5, with the error name and request id).
 */
export async function uploadArtifacts(options: UploadArtifactsOptions): Promise<string[]> {
  const { bucket, prefix } = parseS3Uri(options.uri);
  const sse: S3ServerSideEncryption = options.kmsKeyId !== undefined ? 'aws:kms' : (options.sse ?? 'AES256');
  if (sse !== 'AES256' && sse !== 'aws:kms') {
    throw new CertkitError('USAGE', `--sse '${String(sse)}' is not AES256 or aws:kms`);
  }
  const names = new Set<string>();
  for (const a of options.artifacts) {
    if (names.has(a.name)) throw new CertkitError('INTERNAL', `two artifacts named '${a.name}'`);
    names.add(a.name);
    if (a.name === '' || a.name.includes('/')) throw new CertkitError('INTERNAL', `artifact name '${a.name}' is not a file name`);
    checkS3Key(prefix + a.name, formatS3Uri(bucket, prefix + a.name));
    if (a.data.length > MAX_S3_ARTIFACT_BYTES) {
      throw new CertkitError('LIMIT_EXCEEDED', `${a.name} is larger than ${MAX_S3_ARTIFACT_BYTES} bytes`);
    }
  }

  const client = options.client ?? (await createS3Client(options.clientConfig));
  const s3 = await import('../aws/sdk/s3.js');
  try {
    // Each object's pipeline (PUT, then GET to read it back) runs at the same time as the
    // others': three objects cost about two round trips, not six. Every pipeline runs to
    // its end; the first failure in upload order is the one reported.
    const settled = await Promise.allSettled(options.artifacts.map((a) => uploadOne(client, s3, bucket, prefix + a.name, a, sse, options)));
    throwFirstRejection(settled);
    return settled.map((r) => (r as PromiseFulfilledResult<string>).value);
  } finally {
    if (options.client === undefined) client.destroy();
  }
}
