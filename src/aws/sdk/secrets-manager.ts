/**
 * The parts of `@aws-sdk/client-secrets-manager` certkit uses, and the one place that imports
 * them at run time (everything else imports this file lazily). Named re-exports so that the
 * bundle keeps only these; see ./s3.ts.
 */
export { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
