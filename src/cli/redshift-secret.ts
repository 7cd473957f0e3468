/**
 * `certkit redshift-secret`: the Secrets Manager secret for Redshift streaming ingestion with mTLS,
 * made from existing files: `{"certificate": leaf + chain PEM, "privateKey": PKCS#8 PEM}`.
 */
import { defineCommand } from './command.js';
import { aboutInputs, distinctOutputs, readInput, writeOutput } from './files.js';

export const redshiftSecretCommand = defineCommand({
  command: 'redshift-secret',
  describe: 'Make the Redshift mTLS secret JSON from a certificate chain and a private key',
  builder: (y) =>
    y
      .option('cert', { type: 'string', nargs: 1, demandOption: true, describe: 'Certificate chain, PEM, leaf first (client_cert.pem)' })
      .option('key', { type: 'string', nargs: 1, demandOption: true, describe: 'Private key: PKCS#8, PKCS#1 or SEC1 PEM/DER, Bag Attributes allowed' })
      .option('passin', { type: 'string', nargs: 1, describe: 'Password source of an encrypted key' })
      .option('out', { type: 'string', nargs: 1, default: '-', describe: "File to write (0600), or '-' for stdout" })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing file' })
      .example('certkit redshift-secret --cert client_cert.pem --key private_key.pem --out redshift-secret.json', 'the JSON, written 0600')
      .example(
        'aws secretsmanager create-secret --name msk-mtls --secret-string file://redshift-secret.json',
        'store it with the aws CLI, read from the file: the private key never goes on a command line',
      ),
  run: async (args, ctx) => {
    distinctOutputs([['--out', args.out]]);
    const { redshiftSecretFromPem, redshiftSecretJson } = await import('../redshift.js');
    const { quotePath } = await import('../quote.js');
    const passphrase = args.passin === undefined ? undefined : await ctx.password(args.passin, '--passin');
    const cert = await readInput(ctx, args.cert);
    const key = await readInput(ctx, args.key);
    const secret = await aboutInputs(
      [
        { path: args.key, bytes: key, kind: 'private key' },
        { path: args.cert, bytes: cert, kind: 'certificate' },
      ],
      () =>
      redshiftSecretFromPem(cert, key, passphrase === undefined ? {} : { passphrase }),
    );
    const json = redshiftSecretJson(secret);
    await writeOutput(ctx, args.out, args.out === '-' ? json + '\n' : json, { sensitive: true, force: args.force });
    if (args.out !== '-') ctx.warn(`certkit: wrote ${quotePath(args.out)} (Redshift mTLS secret: certificate chain + PKCS#8 key)`);
  },
});
