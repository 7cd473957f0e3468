/**
 * Stores the Redshift mTLS secret (`{"certificate": ..., "privateKey": ...}`) in Secrets
 * Manager: CreateSecret; if the secret exists, EXISTS (exit 6) unless `force`, which stores a
 * new version with PutSecretValue (Secrets Manager keeps the old one as AWSPREVIOUS).
 * The secret's value never appears in an error or a log line.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsError, createSecretsManagerClient, type AwsOptions } from '../aws/config.js';
import { CertkitError } from '../errors.js';

export interface PutRedshiftSecretOptions {
  /** The secret's name (`--secret-name`) or, with `force`, an existing secret's ARN. */
  readonly name: string;
  /** The secret string (the Redshift JSON). */
  readonly json: string;
  /** Store a new version when the secret exists. */
  readonly force?: boolean;
  /** The KMS key for a new secret (ignored when a version is added to an existing one). */
  readonly kmsKeyId?: string;
  readonly description?: string;
  readonly clientConfig?: AwsOptions;
  readonly client?: SecretsManagerClient;
}

/** Secrets Manager's limit on a secret string. */
export const MAX_SECRET_BYTES = 65_536;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** USAGE error unless `name` is a valid secret name (or secret ARN). */
export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name) && !SECRET_ARN.test(name)) {
    throw new CertkitError('USAGE', `--secret-name '${name}' is not a valid Secrets Manager name`, {
      hint: 'use 1 to 512 of A-Z a-z 0-9 / _ + = . @ -',
    });
  }
}

/**
 * Checks the secret before anything is issued (DescribeSecret): resolves with whether it exists.
 * Not found is the only answer that means "absent"; AccessDenied and every other failure are AWS
 * (exit 5) naming the secret, and so is a secret scheduled for deletion, which can be neither
 * created again nor given a new version until it is restored.
 */
export async function checkRedshiftSecret(options: { readonly name: string; readonly client: SecretsManagerClient }): Promise<boolean> {
  const sm = await import('../aws/sdk/secrets-manager.js');
  const where = `secret ${options.name}`;
  let deleted: Date | undefined;
  try {
    deleted = (await options.client.send(new sm.DescribeSecretCommand({ SecretId: options.name }))).DeletedDate;
  } catch (e) {
    const name = (e as { name?: unknown } | null)?.name;
    if (name === 'ResourceNotFoundException') return false;
    const failed = awsError(e, 'Secrets Manager DescribeSecret', { file: where });
    if (name !== 'AccessDeniedException') throw failed;
    throw new CertkitError('AWS', failed.message, {
      file: where,
      hint: 'these credentials lack secretsmanager:DescribeSecret on it, which certkit asks before the certificate is issued',
      cause: e,
    });
  }
  if (deleted !== undefined) {
    throw new CertkitError('AWS', `the Secrets Manager secret is scheduled for deletion (on ${deleted.toISOString()})`, {
      file: where,
      hint: `restore it first (aws secretsmanager restore-secret --secret-id ${options.name}) or choose another --secret-name`,
    });
  }
  return true;
}

/** Creates the secret, or (with `force`) adds a version to an existing one; resolves with its ARN. */
export async function putRedshiftSecret(options: PutRedshiftSecretOptions): Promise<string> {
  checkSecretName(options.name);
  if (Buffer.byteLength(options.json, 'utf8') > MAX_SECRET_BYTES) {
    throw new CertkitError('LIMIT_EXCEEDED', `the secret is larger than Secrets Manager's ${MAX_SECRET_BYTES}-byte limit`);
  }
  const client = options.client ?? (await createSecretsManagerClient(options.clientConfig));
  const sm = await import('../aws/sdk/secrets-manager.js');
  const where = `secret ${options.name}`;
  try {
    try {
      const created = await client.send(
        new sm.CreateSecretCommand({
          Name: options.name,
          SecretString: options.json,
          ...(options.kmsKeyId === undefined ? {} : { KmsKeyId: options.kmsKeyId }),
          ...(options.description === undefined ? {} : { Description: options.description }),
        }),
      );
      if (created.ARN === undefined) throw new CertkitError('AWS', 'CreateSecret returned no ARN', { file: where });
      return created.ARN;
    } catch (e) {
      if ((e as { name?: unknown } | null)?.name !== 'ResourceExistsException') throw awsError(e, 'Secrets Manager CreateSecret', { file: where });
      if (options.force !== true) {
        throw new CertkitError('EXISTS', 'the Secrets Manager secret already exists', {
          file: where,
          hint: 'pass --force to store a new version (the current one is kept as AWSPREVIOUS)',
          cause: e,
        });
      }
    }
    try {
      const put = await client.send(new sm.PutSecretValueCommand({ SecretId: options.name, SecretString: options.json }));
      if (put.ARN === undefined) throw new CertkitError('AWS', 'PutSecretValue returned no ARN', { file: where });
      return put.ARN;
    } catch (e) {
      throw awsError(e, 'Secrets Manager PutSecretValue', { file: where });
    }
  } finally {
    if (options.client === undefined) client.destroy();
  }
}
