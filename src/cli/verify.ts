/**
 * `certkit verify`: is this a usable mTLS client credential? The key belongs to the certificate,
 * the chain reaches the CA, the certificate is for TLS client authentication, and it is not
 * expired or about to be. Every check runs: exit 3 with one line per failed check, 0 with a short
 * report. `--json` prints `{"ok", "problems", ...}` either way (exit 3 when not ok).
 */
import { defineCommand } from './command.js';
import { aboutInputs, readInput, type ReadInput } from './files.js';

export const verifyCommand = defineCommand({
  command: 'verify',
  describe: 'Check a client certificate: key match, chain to the CA, clientAuth usage, expiry',
  builder: (y) =>
    y
      .option('cert', { type: 'string', nargs: 1, demandOption: true, describe: 'Certificate chain, PEM, leaf first (client_cert.pem)' })
      .option('key', { type: 'string', nargs: 1, describe: 'Private key that must belong to the certificate' })
      .option('passin', { type: 'string', nargs: 1, describe: 'Password source of an encrypted key' })
      .option('ca', { type: 'string', nargs: 1, describe: 'Trusted CA certificate(s), PEM (ca.pem); default: the chain must end at a self-signed root' })
      .option('expiring-within', { type: 'string', nargs: 1, describe: 'Fail if a certificate expires within this time (30d, 12h, 2w)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
      .example('certkit verify --cert certs/client_cert.pem --key certs/private_key.pem --ca certs/ca.pem', 'the full check')
      .example('certkit verify --cert client_cert.pem --expiring-within 30d', 'fail (exit 3) if it expires within 30 days'),
  run: async (args, ctx) => {
    const { checkCredential, parseDuration, verifyProblemError } = await import('../verify.js');
    const expiringWithinMs = args.expiringWithin === undefined ? undefined : parseDuration(args.expiringWithin);
    const cert = await readInput(ctx, args.cert);
    const ca = args.ca === undefined ? undefined : await readInput(ctx, args.ca);
    let key: import('../keys.js').KeyObject | undefined;
    if (args.key !== undefined) {
      const keyPath = args.key;
      const { importPrivateKey } = await import('../keys.js');
      const passphrase = args.passin === undefined ? undefined : await ctx.password(args.passin, '--passin');
      const keyBytes = await readInput(ctx, keyPath);
      key = await aboutInputs([{ path: keyPath, bytes: keyBytes, kind: 'private key' }], () => importPrivateKey(keyBytes, passphrase === undefined ? {} : { passphrase }));
    }
    const inputs: [ReadInput, ...ReadInput[]] = [{ path: args.cert, bytes: cert, kind: 'certificate' }];
    if (ca !== undefined) inputs.push({ path: args.ca!, bytes: ca, kind: 'certificate' });
    const report = await aboutInputs(inputs, () =>
      checkCredential({
        cert,
        now: new Date(),
        ...(key === undefined ? {} : { key }),
        ...(ca === undefined ? {} : { ca }),
        ...(expiringWithinMs === undefined ? {} : { expiringWithinMs }),
      }),
    );
    if (args.json) {
      const { ok, problems, ...rest } = report;
      const { EXIT } = await import('../errors.js');
      ctx.out(JSON.stringify({ ok, problems: problems.map((p) => (p.hint === undefined ? p.message : `${p.message} (${p.hint})`)), ...rest }, null, 2));
      return ok ? EXIT.OK : EXIT.INVALID;
    }
    const { formatError } = await import('../errors.js');
    const failed = report.problems.map((p) => verifyProblemError(p).forFile(args.cert));
    // One line per failed check, in order; the last is the command's error (main prints it).
    for (const e of failed.slice(0, -1)) ctx.io.stderr.write(formatError(e) + '\n');
    if (failed.length > 0) throw failed[failed.length - 1];
    const { escapeText, quotePath } = await import('../quote.js');
    ctx.out(`OK ${quotePath(args.cert)}`);
    ctx.out(`  subject:     ${escapeText(report.subject)}`);
    ctx.out(`  issuer:      ${escapeText(report.issuer)}`);
    ctx.out(`  chain:       ${escapeText(report.path.join(' -> '))}`);
    ctx.out(`  anchor:      ${escapeText(report.anchor ?? '')}${report.anchorTrusted ? ' (the given CA)' : ' (self-signed root in the chain; give --ca to pin it)'}`);
    if (report.keyMatches === true) ctx.out('  key:         matches the certificate');
    ctx.out('  usage:       TLS client authentication');
    ctx.out(`  expires:     ${report.notAfter} (${report.daysLeft} days left)`);
    ctx.out(`  sha256:      ${report.sha256}`);
  },
});
