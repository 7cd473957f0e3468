/**
 * `certkit pca issue` (a CSR → leaf + chain PEM via ACM Private CA: the aws-cli
 * issue-certificate / get-certificate / jq steps in one) and `certkit pca fetch` (the same
 * output for a certificate already issued, e.g. after a wait that timed out).
 */
import type { Argv } from 'yargs';
import type { AwsOptions } from '../aws/config.js';
import type { IssuedCertificate } from '../issuers/issuer.js';
import type { Progress } from './progress.js';
import { defineCommand, defineGroup, type CliContext } from './command.js';
import { about, readInput, refuseExistingOutputs, writeOutput } from './files.js';

/** The AWS options every AWS command takes. */
function withAwsOptions<T>(y: Argv<T>) {
  return y
    .option('region', { type: 'string', nargs: 1, describe: 'AWS region (ACM PCA calls use the CA ARN\'s region)' })
    .option('profile', { type: 'string', nargs: 1, describe: 'AWS named profile (credentials and region)' })
    .option('endpoint-url', { type: 'string', nargs: 1, describe: 'AWS endpoint for every service (an emulator, a VPC endpoint)' })
    .option('max-wait', { type: 'number', default: 60, describe: 'Seconds to wait for a certificate still being issued' });
}

function awsOptions(args: { region?: string; profile?: string; endpointUrl?: string }, ctx: CliContext, progress: Progress): AwsOptions {
  return {
    ...(args.region === undefined ? {} : { region: args.region }),
    ...(args.profile === undefined ? {} : { profile: args.profile }),
    ...(args.endpointUrl === undefined ? {} : { endpointUrl: args.endpointUrl }),
    env: ctx.io.env,
    onProgress: progress.attempt,
  };
}

/** The issuer for `pca issue` / `pca fetch`, its calls and waits shown on a terminal. */
async function issuerFor(args: { caArn: string; maxWait: number; region?: string; profile?: string; endpointUrl?: string }, ctx: CliContext) {
  const [{ createAcmPcaIssuer }, { createProgress }] = await Promise.all([import('../issuers/acm-pca.js'), import('./progress.js')]);
  const progress = createProgress(ctx.io.stderr);
  const issuer = createAcmPcaIssuer({ caArn: args.caArn, aws: awsOptions(args, ctx, progress), maxWaitSeconds: args.maxWait, onWaiting: progress.waiting });
  return { issuer, progress };
}

async function readCsrDer(ctx: CliContext, path: string): Promise<Buffer> {
  const bytes = await readInput(ctx, path);
  const { readPemOrDer } = await import('../pem.js');
  return about(path, () => readPemOrDer(bytes, 'CERTIFICATE REQUEST').der);
}

/** `--json` describes the certificate, and `--out -` prints it: both on stdout would make neither readable. */
async function refuseJsonWithStdout(args: { out: string; json: boolean }): Promise<void> {
  if (args.out === '-' && args.json) {
    const { CertkitError } = await import('../errors.js');
    throw new CertkitError('USAGE', '--json and --out - both print on stdout', { hint: 'write the chain to a file with --out FILE, or drop --json' });
  }
}

/** Writes leaf + chain PEM (public: 0644) and reports the result. */
async function report(ctx: CliContext, out: string, force: boolean, json: boolean, issued: IssuedCertificate): Promise<void> {
  const { describeCertificate } = await import('../record.js');
  const { certificateChainPem } = await import('../redshift.js');
  const { quotePath } = await import('../quote.js');
  await writeOutput(ctx, out, certificateChainPem(issued.leaf, issued.chain), { sensitive: false, force });
  // Names, serial and fingerprint as keytool prints them, as every other command shows them.
  const leaf = describeCertificate(issued.leaf);
  if (json) {
    ctx.out(
      JSON.stringify({
        certificateArn: issued.certificateArn,
        out,
        subject: leaf.subject,
        issuer: leaf.issuer,
        serial: leaf.serial,
        notAfter: leaf.notAfter,
        sha256: leaf.sha256,
        chainLength: issued.chain.length,
      }),
    );
  } else if (out !== '-') {
    ctx.out(issued.certificateArn ?? '');
    ctx.warn(`certkit: wrote ${quotePath(out)} (leaf and ${issued.chain.length} CA certificate(s); expires ${leaf.notAfter})`);
  }
}

const issueCommand = defineCommand({
  command: 'issue',
  describe: 'Get a CSR signed by AWS Private CA; write the leaf and its chain as PEM',
  builder: (y) =>
    withAwsOptions(
      y
        .option('ca-arn', { type: 'string', nargs: 1, demandOption: true, describe: 'The issuing CA' })
        .option('csr', { type: 'string', nargs: 1, demandOption: true, describe: 'The CSR (PEM or DER; a keytool "NEW" header is fine)' })
        .option('validity', { type: 'string', nargs: 1, default: '300d', describe: 'e.g. 300d, 12m, 1y, or an end date 2027-01-31' })
        .option('signing-algorithm', { type: 'string', nargs: 1, describe: 'Default: the one matching the CA key (SHA256WITHRSA, SHA256WITHECDSA, ...)' })
        .option('template-arn', { type: 'string', nargs: 1, describe: 'A PCA template ARN, or client-auth for EndEntityClientAuthCertificate/V1' })
        .option('out', { type: 'string', nargs: 1, demandOption: true, describe: "Chain PEM to write, leaf first ('-' for stdout)" })
        .option('force', { type: 'boolean', default: false, describe: 'Replace an existing --out' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
    )
      .example(
        'certkit pca issue --ca-arn arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ID --csr csr.pem --template-arn client-auth --out client_cert.pem',
        'a client certificate valid 300 days, leaf then chain in client_cert.pem',
      ),
  run: async (args, ctx) => {
    const { parseValidity } = await import('../issuers/validity.js');
    await refuseJsonWithStdout(args);
    const validity = parseValidity(args.validity, new Date());
    const { issuer, progress } = await issuerFor(args, ctx);
    if (args.out !== '-') await refuseExistingOutputs(ctx, [args.out], args.force);
    const csrDer = await readCsrDer(ctx, args.csr);
    try {
      const issued = await issuer.issue({
        csrDer,
        validity,
        ...(args.signingAlgorithm === undefined ? {} : { signingAlgorithm: args.signingAlgorithm }),
        ...(args.templateArn === undefined ? {} : { templateArn: args.templateArn }),
      });
      progress.clear();
      await report(ctx, args.out, args.force, args.json, issued);
    } finally {
      progress.clear();
      issuer.close();
    }
  },
});

const fetchCommand = defineCommand({
  command: 'fetch',
  describe: 'Fetch a certificate AWS Private CA already issued (waiting while in progress); write it with its chain',
  builder: (y) =>
    withAwsOptions(
      y
        .option('ca-arn', { type: 'string', nargs: 1, demandOption: true, describe: 'The issuing CA' })
        .option('certificate-arn', { type: 'string', nargs: 1, demandOption: true, describe: 'The certificate, as IssueCertificate named it' })
        .option('csr', { type: 'string', nargs: 1, describe: 'Check that the certificate carries this CSR\'s key' })
        .option('out', { type: 'string', nargs: 1, demandOption: true, describe: "Chain PEM to write, leaf first ('-' for stdout)" })
        .option('force', { type: 'boolean', default: false, describe: 'Replace an existing --out' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
    ).example(
      'certkit pca fetch --ca-arn "$CA_ARN" --certificate-arn "$CERT_ARN" --out client_cert.pem',
      'the certificate of an interrupted run (CERT_ARN: arn:aws:acm-pca:...:certificate-authority/ID/certificate/SERIAL)',
    ),
  run: async (args, ctx) => {
    await refuseJsonWithStdout(args);
    const { issuer, progress } = await issuerFor(args, ctx);
    if (args.out !== '-') await refuseExistingOutputs(ctx, [args.out], args.force);
    const csrDer = args.csr === undefined ? undefined : await readCsrDer(ctx, args.csr);
    try {
      const issued = await issuer.fetchIssued(args.certificateArn, csrDer);
      progress.clear();
      await report(ctx, args.out, args.force, args.json, issued);
    } finally {
      progress.clear();
      issuer.close();
    }
  },
});

export const pcaCommand = defineGroup({
  command: 'pca',
  describe: 'AWS Private CA: issue a certificate for a CSR, or fetch one already issued',
  subcommands: [issueCommand, fetchCommand],
});
