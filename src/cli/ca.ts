/**
 * `certkit ca init`: a local development CA (key 0600 + self-signed root) in `./certkit-ca/` or
 * `--ca-dir`, for `certkit sign` and `certkit client` without `--ca-arn`.
 */
import { defineCommand, defineGroup } from './command.js';

const caInitCommand = defineCommand({
  command: 'init',
  describe: 'Create a local development CA (ca-key.pem 0600, ca.pem)',
  builder: (y) =>
    y
      .option('ca-dir', { type: 'string', nargs: 1, default: 'certkit-ca', describe: 'Directory for the CA' })
      .option('key-type', { type: 'string', nargs: 1, default: 'rsa2048', describe: 'rsa2048, rsa3072, rsa4096, ec256 or ec384' })
      .option('dname', { type: 'string', nargs: 1, describe: 'CA subject (default "CN=certkit local development CA,O=certkit")' })
      .option('validity', { type: 'string', nargs: 1, default: '10y', describe: 'How long the CA is valid (10y, 3650d, or an end date)' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing CA (certificates it signed will no longer chain)' })
      .example('certkit ca init', 'a CA in ./certkit-ca')
      .example('certkit ca init --ca-dir ~/.certkit-ca --key-type ec256 --dname "CN=Team dev CA,O=Example"', 'somewhere else, with an EC key'),
  run: async (args, ctx) => {
    const { parseKeySpec } = await import('../keys.js');
    const { initLocalCa, CA_CERT_FILE, CA_KEY_FILE } = await import('../issuers/local-ca.js');
    const { join } = await import('node:path');
    const keyType = parseKeySpec(args.keyType);
    const ca = await initLocalCa(args.caDir, {
      keyType,
      validity: args.validity,
      force: args.force,
      cwd: ctx.io.cwd,
      ...(args.dname === undefined ? {} : { subject: args.dname }),
    });
    const { parseCertificate } = await import('../x509/certificate.js');
    const x = parseCertificate(ca.cert);
    // The note (what was made, where) on stderr; the CA's description is the result.
    ctx.warn(
      `certkit: created a local CA in ${args.caDir}: ${join(args.caDir, CA_CERT_FILE)} is the CA certificate (trust it where clients connect), ` +
        `${join(args.caDir, CA_KEY_FILE)} its private key (0600, keep it private)`,
    );
    ctx.out(`  subject  ${x.subjectText}`);
    ctx.out(`  expires  ${x.notAfter.toISOString()}`);
    ctx.out(`  sha256   ${x.sha256}`);
  },
});

export const caCommand = defineGroup({
  command: 'ca',
  describe: 'Manage the local development CA',
  subcommands: [caInitCommand],
});
