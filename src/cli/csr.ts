/**
 * `certkit csr`: a PKCS#10 certificate request from an existing key or a fresh one, always with
 * the header `CERTIFICATE REQUEST`; and `certkit csr --fix FILE`, which rewrites a keytool CSR
 * (`BEGIN NEW CERTIFICATE REQUEST`, CRLF) the way `sed -i 's/NEW //'` did, checking it on the way.
 */
import { CertkitError } from '../errors.js';
import { defineCommand } from './command.js';
import { about, aboutInputs, distinctOutputs, readInput, refuseExistingOutputs, writeOutput } from './files.js';

export const csrCommand = defineCommand({
  command: 'csr',
  describe: 'Create a certificate request (CSR), or fix a keytool CSR with --fix',
  builder: (y) =>
    y
      .option('dname', { type: 'string', nargs: 1, describe: 'Subject in keytool -dname syntax ("CN=glue-client, O=Example")' })
      .option('key', { type: 'string', nargs: 1, describe: 'Existing private key to sign the CSR with' })
      .option('passin', { type: 'string', nargs: 1, describe: 'Password source of an encrypted --key' })
      .option('key-out', { type: 'string', nargs: 1, describe: 'Generate a new key and write it here (0600)' })
      .option('key-type', { type: 'string', nargs: 1, default: 'rsa2048', describe: 'Type of a new key: rsa2048, rsa3072, rsa4096, ec256, ec384' })
      .option('san', {
        type: 'string',
        array: true,
        describe: 'Subject alternative names: dns:NAME, ip:ADDRESS, email:ADDR, uri:URI (comma separated or repeated)',
      })
      .option('signing-algorithm', { type: 'string', nargs: 1, describe: 'Signature algorithm (default from the key: SHA256WITHRSA, SHA256WITHECDSA, ...)' })
      .option('fix', { type: 'string', nargs: 1, describe: 'Rewrite this keytool CSR with the standard header (in place unless --out)' })
      .option('out', { type: 'string', nargs: 1, describe: "CSR file to write ('-' for stdout)" })
      .option('force', { type: 'boolean', default: false, describe: 'Replace existing output files' })
      .conflicts('key', 'key-out')
      .conflicts('fix', ['dname', 'key', 'key-out', 'san', 'signing-algorithm'])
      .example('certkit csr --dname "CN=glue-client" --key-out private_key.pem --out csr.pem', 'a fresh RSA 2048 key and its CSR')
      .example('certkit csr --dname "CN=app, O=Example" --key client.key --passin env:KEY_PASS --san dns:app.example.com --out csr.pem', 'a CSR for an existing, encrypted key')
      .example('certkit csr --fix csr.pem', "remove keytool's NEW from a CSR, in place"),
  run: async (args, ctx) => {
    if (args.fix !== undefined) return fixCsr(args.fix, args.out, args.force, ctx);
    if (args.dname === undefined) throw new CertkitError('USAGE', 'give --dname for a new CSR (or --fix FILE to fix a keytool CSR)');
    if (args.out === undefined) throw new CertkitError('USAGE', "give --out for the CSR ('-' for stdout)");
    if (args.key === undefined && args.keyOut === undefined) {
      throw new CertkitError('USAGE', 'give --key KEY.pem to use a key, or --key-out NEW.pem to generate one');
    }
    distinctOutputs([
      ['--key-out', args.keyOut],
      ['--out', args.out],
      ['--key', args.key],
    ]);
    if (args.keyOut === '-') throw new CertkitError('USAGE', '--key-out must name a file: a new private key is not printed');

    const keys = await import('../keys.js');
    const { parseDname } = await import('../x509/dn.js');
    const { buildCsrPem } = await import('../x509/csr.js');
    const { parseSubjectAltNames } = await import('../x509/general-name.js');
    const { quotePath } = await import('../quote.js');

    const subject = await about('--dname', () => parseDname(args.dname!));
    const sans = (args.san ?? []).flatMap((s) => parseSubjectAltNames(String(s)));
    const signatureAlgorithm = args.signingAlgorithm === undefined ? undefined : keys.parseSignatureAlgorithm(args.signingAlgorithm);
    const spec = args.keyOut === undefined ? undefined : keys.parseKeySpec(args.keyType);
    await refuseExistingOutputs(ctx, [args.keyOut, args.out], args.force);

    let key: import('../keys.js').KeyObject;
    if (args.key !== undefined) {
      const passin = args.passin === undefined ? undefined : await ctx.password(args.passin, '--passin');
      const bytes = await readInput(ctx, args.key);
      key = await aboutInputs([{ path: args.key, bytes, kind: 'private key' }], () => keys.importPrivateKey(bytes, passin === undefined ? {} : { passphrase: passin }));
    } else {
      key = (await keys.generateKeyPair(spec!)).privateKey;
    }
    if (signatureAlgorithm !== undefined) keys.checkSignatureAlgorithmForKey(signatureAlgorithm, key);
    const csrPem = buildCsrPem({
      subject,
      key,
      ...(sans.length === 0 ? {} : { subjectAltNames: sans }),
      ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
    });
    if (args.keyOut !== undefined) await writeOutput(ctx, args.keyOut, keys.exportPkcs8Pem(key), { sensitive: true, force: args.force });
    await writeOutput(ctx, args.out, csrPem, { sensitive: false, force: args.force });
    const wrote = [args.keyOut, args.out].filter((p): p is string => p !== undefined && p !== '-');
    if (wrote.length > 0) ctx.warn(`certkit: wrote ${wrote.map(quotePath).join(' and ')} (${keys.describeKey(key)})`);
  },
});

/** `csr --fix FILE [--out F]`: standard header, LF, re-wrapped base64; the request itself is unchanged. */
async function fixCsr(file: string, out: string | undefined, force: boolean, ctx: import('./command.js').CliContext): Promise<void> {
  const bytes = await readInput(ctx, file);
  const { fixCsrPem } = await import('../x509/csr-parse.js');
  const { quotePath } = await import('../quote.js');
  const fixed = await about(file, () => fixCsrPem(bytes));
  if (out === undefined) {
    // In place, as `sed -i` did: the user named this file to be rewritten, so replacing it is the point.
    await writeOutput(ctx, file, fixed, { sensitive: false, force: true });
    ctx.warn(`certkit: rewrote ${quotePath(file)}`);
    return;
  }
  await writeOutput(ctx, out, fixed, { sensitive: false, force });
  if (out !== '-') ctx.warn(`certkit: wrote ${quotePath(out)}`);
}
