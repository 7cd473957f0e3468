/**
 * `certkit client`: the one-command pipeline (key -> CSR -> ACM PCA or the local CA -> keystores
 * and PEM files -> S3 for Glue -> Secrets Manager for Redshift), a thin adapter over
 * `runClientPipeline`. Progress goes to stderr (only on a terminal), the summary to stdout.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import type { ArtifactFormat } from '../artifacts.js';
import type { ClientPipelineResult, IssuerHooks, PipelineStep, ResumableIssuer } from '../pipeline.js';
import { defineCommand } from './command.js';
import { takeEarlyKey } from './early-key.js';
import { prefetch } from './prefetch.js';

/** The subject used when `--dname` is not given. */
export const DEFAULT_CLIENT_DNAME = 'CN=certkit-client';
/** The keystore alias used when `--alias` is not given. */
export const DEFAULT_ALIAS = 'client';
/** The artifacts that hold a password (the keystores, and client.properties). */
const PASSWORD_FORMATS: readonly ArtifactFormat[] = ['jks', 'p12', 'properties'];

const STEP_LABEL: Record<PipelineStep, string> = {
  key: '[1/8] key',
  csr: '[2/8] csr',
  issue: '[3/8] issue',
  check: '[4/8] check',
  write: '[5/8] write',
  s3: '[6/8] s3',
  secret: '[7/8] secret',
  record: '[8/8] record',
};

/** Where one of the run's passwords came from: generated, or the option that gave it. */
type PasswordSource = 'generated' | '--storepass' | '--keypass';

/** What the summary says about the passwords. */
interface PasswordReport {
  readonly store: PasswordSource;
  /** '--storepass' when the key password is the store password given. */
  readonly key: PasswordSource;
  /** The client.properties this run wrote (it holds both passwords), if it wrote one. */
  readonly propertiesFile: string | undefined;
}

function passwordReport(r: ClientPipelineResult, keypassGiven: boolean, propertiesName: string): PasswordReport {
  return {
    store: r.generated.storePassword ? 'generated' : '--storepass',
    key: r.generated.keyPassword ? 'generated' : keypassGiven ? '--keypass' : '--storepass',
    propertiesFile: r.files.find((f) => basename(f) === propertiesName),
  };
}

/** The passwords' lines: each generated one shown (this once), each given one named by its option. */
function passwordLines(r: ClientPipelineResult, p: PasswordReport): string[] {
  const shown = (source: PasswordSource, value: string, sameAsStore: boolean) =>
    source === 'generated' ? value : `(${sameAsStore ? 'the keystore password, ' : ''}given with ${source}; not shown)`;
  const lines = [
    'Passwords:',
    `  keystore password (storepass)  ${shown(p.store, r.storePassword, false)}`,
    `  key password (keypass)         ${shown(p.key, r.keyPassword, p.key === '--storepass')}`,
  ];
  const generated = [p.store, p.key].filter((s) => s === 'generated').length;
  if (generated > 0) {
    const what = generated === 1 ? 'The generated password is' : 'The generated passwords are';
    lines.push(
      p.propertiesFile === undefined
        ? `  ${what} shown only this once and written to no file (client.properties is not in --formats): save ${generated === 1 ? 'it' : 'them'} now.`
        : `  ${what} shown only this once; also in ${p.propertiesFile} (mode 0600).`,
    );
  }
  return lines;
}

function summaryText(r: ClientPipelineResult, p: PasswordReport): string[] {
  const c = r.record.certificate;
  const lines: string[] = [];
  lines.push(`certkit: issued ${c.subject} (issuer: ${c.issuer}, by ${r.record.issuer})`);
  if (r.record.certificateArn !== undefined) lines.push(`  certificate ARN  ${r.record.certificateArn}`);
  lines.push(`  expires          ${c.notAfter}`);
  lines.push(`  serial           ${c.serial}`);
  lines.push(`  sha256           ${c.sha256}`);
  if (r.resumed) lines.push('  (resumed an earlier, unfinished run: same key and request)');
  if (r.record.caDir !== undefined) {
    lines.push(`  local CA         ${r.record.caDir} (what servers must trust: its ca.pem)`);
    lines.push(`  not for MSK      ${MSK_NEEDS_PCA}`);
  }
  lines.push('');
  lines.push('Files:');
  for (const f of r.files) lines.push(`  ${f}`);
  lines.push('');
  lines.push(...passwordLines(r, p));
  if (r.s3Uris.length > 0) {
    lines.push('');
    lines.push('Uploaded to S3:');
    for (const u of r.s3Uris) lines.push(`  ${u}`);
  }
  if (r.keystoreS3Uri !== undefined) {
    // Passwords are printed once only (above, when generated); here they are referred to.
    const show = (source: PasswordSource, name: string) => (source === 'generated' ? `(the ${name} above)` : `(the ${source} you gave)`);
    lines.push('');
    lines.push('AWS Glue Kafka connection, authentication "TLS client authentication":');
    lines.push(`  Kafka client keystore location  ${r.keystoreS3Uri}`);
    lines.push(`  Kafka client keystore password  ${show(p.store, 'keystore password')}`);
    lines.push(`  Kafka client key password       ${show(p.key, 'key password')}`);
  }
  if (r.secretArn !== undefined) {
    lines.push('');
    lines.push(`Redshift secret (Secrets Manager): ${r.secretArn}`);
    lines.push('  Streaming ingestion from MSK with mTLS:');
    lines.push(`  ${r.sql ?? ''}`);
  }
  return lines;
}

function summaryJson(r: ClientPipelineResult, p: PasswordReport, warnings: readonly string[]): unknown {
  const generated = {
    ...(r.generated.storePassword ? { storePassword: r.storePassword } : {}),
    ...(r.generated.keyPassword ? { keyPassword: r.keyPassword } : {}),
  };
  return {
    outDir: r.outDir,
    files: r.files,
    issuer: r.record.issuer,
    ...(r.record.caArn === undefined ? {} : { caArn: r.record.caArn }),
    ...(r.record.caDir === undefined ? {} : { caDir: r.record.caDir }),
    ...(r.record.certificateArn === undefined ? {} : { certificateArn: r.record.certificateArn }),
    certificate: r.record.certificate,
    chain: r.record.chain,
    // Only the generated passwords, each once; passwordSources says where every one came from.
    ...(Object.keys(generated).length === 0 ? {} : { passwords: generated }),
    passwordSources: { storePassword: p.store, keyPassword: p.key },
    s3: r.s3Uris,
    ...(r.keystoreS3Uri === undefined ? {} : { keystoreS3Uri: r.keystoreS3Uri }),
    ...(r.secretArn === undefined ? {} : { secretArn: r.secretArn }),
    ...(r.sql === undefined ? {} : { sql: r.sql }),
    resumed: r.resumed,
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** Why a local-CA certificate is never a way into Amazon MSK (the summary and the warning say it). */
const MSK_NEEDS_PCA =
  'Amazon MSK accepts only client certificates from an AWS Private CA attached to the cluster, ' +
  'so a certificate from the local CA cannot authenticate to MSK (give --ca-arn)';

/**
 * The warning for the local CA used with the options that serve MSK clients (Glue's S3 keystore,
 * Redshift's secret, the MSK bootstrap URI): a warning, not a refusal, since the same files also
 * serve self-managed Kafka and rehearsals against a test account.
 */
function localCaMskWarning(options: readonly string[]): string | undefined {
  if (options.length === 0) return undefined;
  return `${options.join(', ')} with the local development CA: ${MSK_NEEDS_PCA}`;
}

/**
 * The warning for a --force run that replaced a keystore or client.properties of an earlier run
 * (`replaced`) with one under newly generated passwords: what used the old ones must be told.
 */
function newPasswordsWarning(r: ClientPipelineResult, replaced: readonly string[]): string | undefined {
  if (replaced.length === 0 || !r.generated.storePassword) return undefined;
  const which = r.generated.keyPassword ? 'newly generated passwords' : 'a newly generated keystore password';
  return (
    `new passwords: --force replaced ${replaced.join(', ')} of an earlier run, under ${which}; ` +
    'update the Glue connection and every client that used the old ones'
  );
}

/**
 * Before a certificate is requested, every remote target is asked about (all at once): the S3
 * bucket (missing, in another region, closed to these credentials) and the objects the run would
 * upload, and the Secrets Manager secret. Without --force an existing object or secret is EXISTS;
 * with it, resolves with the URIs of the existing objects the run replaces. Also surfaces
 * missing credentials before anything is minted.
 */
async function preflight(
  s3: { readonly uri: string; readonly names: readonly string[]; readonly client: () => Promise<import('@aws-sdk/client-s3').S3Client> } | undefined,
  secretName: string | undefined,
  aws: import('../aws/config.js').AwsOptions,
  force: boolean,
): Promise<string[]> {
  const checkS3 = async (): Promise<string[]> => {
    if (s3 === undefined) return [];
    const { checkS3Destination } = await import('../sinks/s3.js');
    // The upload uses the same client later: its connections are kept alive for it.
    return checkS3Destination({ uri: s3.uri, names: s3.names, client: await s3.client() });
  };
  const checkSecret = async (): Promise<boolean> => {
    if (secretName === undefined) return false;
    const [{ createSecretsManagerClient }, { checkRedshiftSecret }] = await Promise.all([import('../aws/config.js'), import('../sinks/secrets-manager.js')]);
    const client = await createSecretsManagerClient(aws);
    try {
      return await checkRedshiftSecret({ name: secretName, client });
    } finally {
      client.destroy();
    }
  };
  const [objects, secret] = await Promise.allSettled([checkS3(), checkSecret()]);
  const { CertkitError, throwFirstRejection } = await import('../errors.js');
  throwFirstRejection([objects, secret]);
  const existing = (objects as PromiseFulfilledResult<string[]>).value;
  if (!force && existing.length > 0) {
    throw new CertkitError('EXISTS', 'the S3 object already exists', { file: existing[0], hint: 'use --force to replace it' });
  }
  if (!force && (secret as PromiseFulfilledResult<boolean>).value) {
    throw new CertkitError('EXISTS', 'the Secrets Manager secret already exists', {
      file: `secret ${secretName}`,
      hint: 'use --force to store a new version',
    });
  }
  return existing;
}

/**
 * An option that would change nothing, because the one it works with is missing, is refused (as
 * a usage error) rather than ignored: someone who gave `--kms-key-id` without `--s3` meant
 * something that would not happen. The message for the first such option, or undefined.
 */
export function uselessOption(args: {
  readonly s3?: string | undefined;
  readonly s3Include?: unknown;
  readonly sse?: string | undefined;
  readonly kmsKeyId?: string | undefined;
  readonly caArn?: string | undefined;
  readonly templateArn?: string | undefined;
}): string | undefined {
  if (args.s3 === undefined) {
    const needsS3 = (
      [
        ['--s3-include', args.s3Include],
        ['--sse', args.sse],
        ['--kms-key-id', args.kmsKeyId],
      ] as const
    ).find(([, value]) => value !== undefined);
    if (needsS3 !== undefined) return `${needsS3[0]} needs --s3 (it says how to upload, and nothing is uploaded without --s3)`;
  }
  if (args.templateArn !== undefined && args.caArn === undefined) {
    return '--template-arn needs --ca-arn (ACM PCA templates; the local CA has none)';
  }
  return undefined;
}

/** MSK's bootstrap ports: 9092 plaintext, 9094 TLS (mutual TLS), 9096 SASL/SCRAM, 9098 IAM. */
const MSK_PLAINTEXT_PORT = '9092';

/** The warning for an `--msk-uri` naming MSK's plaintext port, where no client certificate is asked for. */
export function mskPlaintextPortWarning(mskUri: string): string | undefined {
  const plaintext = mskUri.split(',').some((broker) => broker.trim().endsWith(`:${MSK_PLAINTEXT_PORT}`));
  return plaintext ? `--msk-uri: ${MSK_PLAINTEXT_PORT} is MSK's plaintext port; mutual TLS is on 9094` : undefined;
}

export const clientCommand = defineCommand({
  command: 'client',
  describe: 'One command: key, CSR, certificate (ACM PCA or a local CA), JKS/PKCS#12/PEM, S3, Redshift secret',
  builder: (y) =>
    y
      .option('ca-arn', { type: 'string', nargs: 1, describe: 'ACM Private CA ARN; without it the local CA in --ca-dir signs (made on first use)' })
      .option('dname', { type: 'string', nargs: 1, default: DEFAULT_CLIENT_DNAME, describe: 'Subject, keytool -dname syntax' })
      .option('key-type', { type: 'string', nargs: 1, default: 'rsa2048', describe: 'rsa2048, rsa3072, rsa4096, ec256 or ec384' })
      .option('validity', { type: 'string', nargs: 1, default: '300d', describe: 'Validity: 300d, 12m, 1y, or an end date (2027-01-31)' })
      .option('alias', { type: 'string', nargs: 1, default: DEFAULT_ALIAS, describe: 'Keystore entry alias' })
      .option('signing-algorithm', { type: 'string', nargs: 1, describe: 'e.g. SHA256WITHRSA (default: matches the CA key)' })
      .option('template-arn', { type: 'string', nargs: 1, describe: "ACM PCA template ARN, or 'client-auth' (EndEntityClientAuthCertificate/V1)" })
      .option('out', { type: 'string', nargs: 1, default: 'certs', describe: 'Output directory' })
      .option('formats', { type: 'string', array: true, describe: 'Files to write: jks,p12,cert,key,csr,ca,secret,properties (default all)' })
      .option('s3', { type: 'string', nargs: 1, describe: 'Upload the Glue set to s3://bucket/prefix/' })
      .option('s3-include', { type: 'string', array: true, describe: 'Files to upload (default jks,cert,key)' })
      .option('sse', { type: 'string', nargs: 1, choices: ['AES256', 'aws:kms'], describe: 'S3 server-side encryption' })
      .option('kms-key-id', { type: 'string', nargs: 1, describe: 'KMS key for aws:kms encryption (implies --sse aws:kms)' })
      .option('secret-name', { type: 'string', nargs: 1, describe: 'Create or update this Secrets Manager secret in the Redshift format' })
      .option('msk-uri', { type: 'string', nargs: 1, describe: 'MSK bootstrap brokers (host:9094,...) for the printed CREATE EXTERNAL SCHEMA' })
      .option('storepass', { type: 'string', nargs: 1, describe: 'Keystore password source (default: generated and shown once)' })
      .option('keypass', { type: 'string', nargs: 1, describe: 'Key password source (default: the store password if given, else generated)' })
      .option('ca-dir', { type: 'string', nargs: 1, default: 'certkit-ca', describe: 'Local CA directory (without --ca-arn)' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace existing files in --out' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the summary as JSON' })
      .option('region', { type: 'string', nargs: 1, describe: 'AWS region (default: from the CA ARN, the environment or the profile)' })
      .option('profile', { type: 'string', nargs: 1, describe: 'AWS named profile' })
      .option('endpoint-url', { type: 'string', nargs: 1, describe: 'AWS endpoint for every service (an emulator, a VPC endpoint)' })
      .example('certkit client', 'a local CA in ./certkit-ca signs CN=certkit-client; files in ./certs')
      .example(
        'certkit client --ca-arn "$CA_ARN" --dname CN=glue-client --s3 s3://my-bucket/certs/ --storepass env:STOREPASS --keypass env:KEYPASS',
        'AWS Private CA, keystore uploaded for a Glue Kafka connection',
      )
      .example(
        'certkit client --ca-arn "$CA_ARN" --secret-name msk-mtls --msk-uri "$BOOTSTRAP_TLS"',
        'the Redshift streaming-ingestion secret and its CREATE EXTERNAL SCHEMA statement',
      )
      .example('certkit client --storepass file:storepass.txt --formats jks,properties --out kafka', 'just the JKS and client.properties'),
  run: async (args, ctx) => {
    const [{ runClientPipeline }, { ARTIFACT_FILES, ARTIFACT_FORMATS, parseFormats }, keys] = await Promise.all([
      import('../pipeline.js'),
      import('../artifacts.js'),
      import('../keys.js'),
    ]);
    const keyType = keys.parseKeySpec(args.keyType);
    const signingAlgorithm = args.signingAlgorithm === undefined ? undefined : keys.parseSignatureAlgorithm(args.signingAlgorithm);
    const formats = args.formats === undefined ? undefined : parseFormats(args.formats);
    const s3Include = args.s3Include === undefined ? undefined : parseFormats(args.s3Include);
    const unused = uselessOption(args);
    if (unused !== undefined) {
      const { CertkitError } = await import('../errors.js');
      throw new CertkitError('USAGE', unused);
    }
    const storepass = args.storepass === undefined ? undefined : await ctx.password(args.storepass, '--storepass');
    const keypass = args.keypass === undefined ? undefined : await ctx.password(args.keypass, '--keypass');
    // With --force, the files of an earlier run that hold its passwords are replaced: when this
    // run generates new ones, whatever used the old ones (a Glue connection) is told so after it.
    const replacing =
      args.force && storepass === undefined
        ? (formats ?? ARTIFACT_FORMATS)
            .filter((f) => PASSWORD_FORMATS.includes(f))
            .map((f) => join(args.out, ARTIFACT_FILES[f]))
            .filter((p) => existsSync(resolve(ctx.io.cwd, p)))
        : [];
    // S3 and Secrets Manager default to the CA's region when nothing else names one.
    const env = ctx.io.env;
    const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    // A malformed CA ARN is a usage error before anything is made.
    const caRegion = args.caArn === undefined ? undefined : (await import('../issuers/acm-pca.js')).parseCaArn(args.caArn).region;
    const region = args.region ?? envRegion ?? caRegion;
    // On a terminal: the steps, and a status line for each AWS call, retry and wait.
    const { createProgress } = await import('./progress.js');
    const status = createProgress(ctx.io.stderr);
    const aws = {
      ...(region === undefined ? {} : { region }),
      ...(args.profile === undefined ? {} : { profile: args.profile }),
      ...(args.endpointUrl === undefined ? {} : { endpointUrl: args.endpointUrl }),
      env: ctx.io.env,
      onProgress: status.attempt,
    };
    const s3 = args.s3;
    const secretName = args.secretName;
    if (s3 !== undefined) {
      const { parseS3Uri } = await import('../sinks/s3-uri.js');
      parseS3Uri(s3); // a malformed URI is a usage error before anything is made
    }

    if (secretName !== undefined) {
      const { checkSecretName } = await import('../sinks/secrets-manager.js');
      checkSecretName(secretName);
    }

    // Said before anything is made, so a run meant for MSK can be stopped at once.
    const mskWarning =
      args.caArn === undefined
        ? localCaMskWarning(
            [
              ['--s3', s3],
              ['--secret-name', secretName],
              ['--msk-uri', args.mskUri],
            ].flatMap(([option, value]) => (value === undefined ? [] : [option!])),
          )
        : undefined;
    if (mskWarning !== undefined) ctx.warn(`certkit: warning: ${mskWarning}`);
    const plaintextPort = args.mskUri === undefined ? undefined : mskPlaintextPortWarning(args.mskUri);
    if (plaintextPort !== undefined) ctx.warn(`certkit: warning: ${plaintextPort}`);

    const { escapeText } = await import('../quote.js');
    const progress = (step: PipelineStep, text: string) => status.line(escapeText(`${STEP_LABEL[step]}  ${text}`));

    // The ACM PCA issuer is made once, on first use (nothing is sent until it is asked).
    const caArn = args.caArn;
    let onCertificateArn: IssuerHooks['onCertificateArn'] = async () => undefined;
    let pcaIssuer: Promise<import('../issuers/acm-pca.js').AcmPcaIssuer> | undefined;
    const acmPcaIssuer = (arn: string) =>
      (pcaIssuer ??= import('../issuers/acm-pca.js').then(({ createAcmPcaIssuer }) =>
        createAcmPcaIssuer({ caArn: arn, aws, onCertificateArn: (certificateArn) => onCertificateArn(certificateArn), onWaiting: status.waiting }),
      ));
    // Starts the CA's read-only DescribeCertificateAuthority (and with it, loading the SDK) now;
    // a failure here is reported by the issuance, or not at all if the run stops before it.
    const prepareIssuer = () => {
      if (caArn !== undefined) acmPcaIssuer(caArn).then((issuer) => issuer.prepare(), () => undefined);
    };

    const issuerFactory = async (hooks: IssuerHooks): Promise<ResumableIssuer> => {
      if (caArn !== undefined) {
        onCertificateArn = hooks.onCertificateArn;
        return acmPcaIssuer(caArn);
      }
      const lc = await import('../issuers/local-ca.js');
      // Made on first use; a CA left unfinished by a killed run (key, no certificate) is completed.
      const { ca, how } = await lc.openLocalCa(args.caDir, { cwd: ctx.io.cwd });
      if (how === 'created') {
        ctx.warn(`certkit: created a local development CA in ${args.caDir} (its certificate ${args.caDir}/${lc.CA_CERT_FILE} is what servers must trust)`);
      } else if (how === 'completed') {
        ctx.warn(
          `certkit: completed the unfinished local CA in ${args.caDir} (${lc.CA_KEY_FILE} had no ${lc.CA_CERT_FILE}; its certificate ${args.caDir}/${lc.CA_CERT_FILE} is what servers must trust)`,
        );
      }
      return lc.createLocalCaIssuer(ca);
    };

    const templateArn =
      args.templateArn === undefined ? undefined : (await import('../issuers/acm-pca.js')).resolveTemplateArn(args.templateArn);

    // The issuer is asked first, while the key is generated: its SDK loads and its read-only
    // DescribeCertificateAuthority goes out before the preflight's S3 and Secrets Manager
    // requests, and is in flight with them. Started after them, it held the main thread while
    // they waited for their settings (a client's first request reads ~/.aws/config on the thread
    // pool), which delayed them, and its answer came last (2-3% of an EC run against moto).
    prepareIssuer();

    // One S3 client for the preflight and the upload (kept-alive connections), made on first use.
    let s3ClientPromise: Promise<import('@aws-sdk/client-s3').S3Client> | undefined;
    const s3Client = () => (s3ClientPromise ??= import('../aws/config.js').then((c) => c.createS3Client(aws)));

    const result = await runClientPipeline(
      {
        dname: args.dname,
        keyType,
        validity: args.validity,
        alias: args.alias,
        outDir: args.out,
        force: args.force,
        ...(signingAlgorithm === undefined ? {} : { signingAlgorithm }),
        ...(templateArn === undefined ? {} : { templateArn }),
        ...(formats === undefined ? {} : { formats }),
        ...(storepass === undefined ? {} : { storePassword: storepass }),
        ...(keypass === undefined ? {} : { keyPassword: keypass }),
        ...(s3 === undefined ? {} : { s3: { uri: s3, ...(s3Include === undefined ? {} : { include: s3Include }) } }),
        ...(secretName === undefined ? {} : { secretName }),
        ...(args.mskUri === undefined ? {} : { mskUri: args.mskUri }),
      },
      {
        issuer: issuerFactory,
        // The key main() started before yargs loaded, if it is the one asked for.
        generateKey: (spec) => takeEarlyKey(spec) ?? keys.generateKeyPair(spec).then((pair) => pair.privateKey),
        ...(args.caArn === undefined ? { caDir: resolve(ctx.io.cwd, args.caDir) } : { caArn: args.caArn }),
        cwd: ctx.io.cwd,
        progress,
        warn: ctx.warn,
        whileIssuing: () =>
          prefetch(
            ...(s3 === undefined ? [] : [() => import('../sinks/s3.js'), () => import('../aws/sdk/s3.js')]),
            ...(secretName === undefined ? [] : [() => import('../sinks/secrets-manager.js'), () => import('../aws/sdk/secrets-manager.js')]),
          ),
        ...(s3 === undefined && secretName === undefined
          ? {}
          : {
              preflight: async ({ s3Names }: { readonly s3Names: readonly string[] }) => {
                // With --force only the objects that hold a password are asked about: whether one is replaced.
                const names = args.force ? s3Names.filter((n) => PASSWORD_FORMATS.some((f) => ARTIFACT_FILES[f] === n)) : s3Names;
                const existing = await preflight(s3 === undefined ? undefined : { uri: s3, names, client: s3Client }, secretName, aws, args.force);
                if (args.force && storepass === undefined) replacing.push(...existing);
              },
            }),
        ...(s3 === undefined
          ? {}
          : {
              uploadS3: async (artifacts, uri) => {
                const { uploadArtifacts } = await import('../sinks/s3.js');
                return uploadArtifacts({
                  uri,
                  artifacts,
                  force: args.force,
                  client: await s3Client(),
                  ...(args.sse === undefined ? {} : { sse: args.sse as 'AES256' | 'aws:kms' }),
                  ...(args.kmsKeyId === undefined ? {} : { kmsKeyId: args.kmsKeyId }),
                });
              },
            }),
        ...(secretName === undefined
          ? {}
          : {
              putSecret: async (name, secretString) => {
                const { putRedshiftSecret } = await import('../sinks/secrets-manager.js');
                return putRedshiftSecret({ name, json: secretString, force: args.force, clientConfig: aws });
              },
            }),
      },
    ).finally(() => {
      status.clear();
      // Released whatever the outcome: its kept-alive sockets would hold the process open.
      void s3ClientPromise?.then((c) => c.destroy(), () => undefined);
    });

    const passwords = passwordReport(result, keypass !== undefined, ARTIFACT_FILES.properties);
    const newPasswords = newPasswordsWarning(result, replacing);
    if (newPasswords !== undefined) ctx.warn(`certkit: warning: ${newPasswords}`);
    const warnings = [mskWarning, plaintextPort, newPasswords].filter((w): w is string => w !== undefined);
    if (args.json) ctx.out(JSON.stringify(summaryJson(result, passwords, warnings), null, 2));
    else for (const line of summaryText(result, passwords)) ctx.out(line);
  },
});

