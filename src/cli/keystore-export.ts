/**
 * `certkit keystore export`: an entry's certificate chain as PEM (leaf to root) and its private
 * key as PKCS#8 PEM, with no "Bag Attributes" lines (what `openssl pkcs12 -nodes` + sed did).
 * The key is written 0600 and never printed unless asked for with `--key-out -`.
 */
import { sameAlias, type KeyStoreEntry, type PrivateKeyEntry, type TrustedCertEntry } from '../keystore/model.js';
import { CertkitError } from '../errors.js';
import { defineCommand } from './command.js';
import { requiredPassword } from './required-passwords.js';
import { aboutKeystore, distinctOutputs, readInput, refuseExistingOutputs, writeOutput } from './files.js';
import { readStore } from './store-options.js';

export const keystoreExportCommand = defineCommand({
  command: 'export <file>',
  describe: 'Export the certificate chain (PEM) and private key (PKCS#8 PEM) of a keystore entry',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Keystore file (JKS, PKCS#12 or JCEKS)' })
      .option('storepass', { type: 'string', nargs: 1, describe: 'Store password source (asked for on a terminal; leave out for a passwordless PKCS#12)' })
      .option('keypass', { type: 'string', nargs: 1, describe: 'Key password source (default: the store password)' })
      .option('alias', { type: 'string', nargs: 1, describe: 'Entry to export (default: the only private key entry)' })
      .option('cert-out', { type: 'string', nargs: 1, describe: "Certificate chain PEM to write ('-' for stdout)" })
      .option('key-out', { type: 'string', nargs: 1, describe: "Private key PEM to write, mode 0600 ('-' for stdout)" })
      .option('allow-missing-mac', {
        type: 'boolean',
        default: false,
        describe: 'Accept a PKCS#12 file without an integrity MAC (openssl -nomac); stores with a MAC are still checked',
      })
      .option('force', { type: 'boolean', default: false, describe: 'Replace existing output files' })
      .example(
        'certkit keystore export keystore.p12 --storepass env:STOREPASS --cert-out client_cert.pem --key-out private_key.pem',
        'chain and key, as the Redshift secret needs them',
      )
      .example('certkit keystore export kafka.client.keystore.jks --storepass file:storepass.txt', 'print the chain'),
  run: async (args, ctx) => {
    const certOut = args.certOut;
    const keyOut = args.keyOut;
    distinctOutputs([
      ['--cert-out', certOut],
      ['--key-out', keyOut],
    ]);
    const storePassword = await requiredPassword(ctx, { option: '--storepass', spec: args.storepass, optional: true });
    const keyPassword = args.keypass === undefined ? undefined : await ctx.password(args.keypass, '--keypass');
    const bytes = await readInput(ctx, args.file);
    const { readKeyStore } = await import('../keystore/keystore.js');
    const { encodePem } = await import('../pem.js');
    const { quotePath } = await import('../quote.js');
    const wantKey = keyOut !== undefined;
    // A key is decrypted only when one is exported (then with --keypass, default the store
    // password), and only the one --alias names: other entries may have other key passwords.
    const alias = args.alias;
    const keys = !wantKey ? false : alias === undefined ? true : (stored: string) => sameAlias(stored, alias);
    const given = { option: '--storepass', given: args.storepass !== undefined || storePassword !== '' };
    const store = await aboutKeystore(ctx, { path: args.file, bytes }, '--keypass', () => readStore(ctx, args.file, given, () =>
      readKeyStore(bytes, { storePassword, keys, allowMissingMac: args.allowMissingMac, ...(keyPassword === undefined ? {} : { keyPassword }) }),
    ));
    const entry = chooseEntry(store.entries, args.alias, args.file);
    if (wantKey && entry.kind !== 'private-key') {
      throw new CertkitError('USAGE', `entry '${entry.alias}' is a trusted certificate: it has no private key to export`, { file: args.file });
    }
    const chain = entry.kind === 'private-key' ? entry.chain : [entry.cert];
    const chainPem = chain.map((c) => encodePem('CERTIFICATE', c)).join('');
    const keyPem = entry.kind === 'private-key' && entry.key !== undefined ? encodePem('PRIVATE KEY', entry.key) : undefined;

    // Check every file target before writing any: nothing half-done.
    await refuseExistingOutputs(ctx, [certOut, keyOut], args.force);
    if (certOut !== undefined) await writeOutput(ctx, certOut, chainPem, { sensitive: false, force: args.force });
    else if (keyOut === undefined) ctx.io.stdout.write(chainPem);
    if (keyOut !== undefined && keyPem !== undefined) await writeOutput(ctx, keyOut, keyPem, { sensitive: true, force: args.force });
    const wrote = [certOut, keyOut].filter((p): p is string => p !== undefined && p !== '-');
    if (wrote.length > 0) ctx.warn(`certkit: wrote ${wrote.map(quotePath).join(' and ')} (entry '${entry.alias}', chain of ${chain.length})`);
  },
});

function chooseEntry(entries: readonly KeyStoreEntry[], alias: string | undefined, file: string): PrivateKeyEntry | TrustedCertEntry {
  if (alias !== undefined) {
    const e = entries.find((x) => sameAlias(x.alias, alias));
    if (e === undefined) {
      throw new CertkitError('USAGE', `no entry '${alias}' (aliases: ${entries.map((x) => `'${x.alias}'`).sort().join(', ') || 'none'})`, { file });
    }
    if (e.kind === 'secret-key') throw new CertkitError('UNSUPPORTED', `entry '${e.alias}' is a secret key; certkit exports keys with certificates`, { file });
    return e;
  }
  const keys = entries.filter((x): x is PrivateKeyEntry => x.kind === 'private-key');
  if (keys.length === 1) return keys[0]!;
  if (keys.length === 0) throw new CertkitError('USAGE', 'the keystore has no private key entry; choose an entry with --alias', { file });
  throw new CertkitError('USAGE', `the keystore has ${keys.length} private key entries; choose one with --alias (${keys.map((k) => `'${k.alias}'`).sort().join(', ')})`, { file });
}
