/** `certkit keystore list`: the entries of a JKS, PKCS#12 or JCEKS store, like `keytool -list -v`. */
import { defineCommand } from './command.js';
import { requiredPassword } from './required-passwords.js';
import { about, aboutInputs, readInput } from './files.js';
import type { EntryView } from './output.js';
import { readStore } from './store-options.js';

export const keystoreListCommand = defineCommand({
  command: 'list <file>',
  describe: 'List the entries of a keystore (JKS, PKCS#12 or JCEKS, detected by content)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Keystore file' })
      .option('storepass', { type: 'string', nargs: 1, describe: 'Store password source (asked for on a terminal; leave out for a passwordless PKCS#12)' })
      .option('keypass', {
        type: 'string',
        nargs: 1,
        describe: 'Key password source: shows the algorithm of JCEKS secret keys (not needed to list; no private key is decrypted)',
      })
      .option('allow-missing-mac', {
        type: 'boolean',
        default: false,
        describe: 'Accept a PKCS#12 file without an integrity MAC (openssl -nomac); stores with a MAC are still checked',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of text' })
      .example('certkit keystore list kafka.client.keystore.jks --storepass env:STOREPASS', 'as keytool -list -v')
      .example('certkit keystore list keystore.p12 --storepass file:storepass.txt --json', 'JSON for scripts'),
  run: async (args, ctx) => {
    // The reader, the certificate view and the formatter load while the passwords are resolved
    // and the file is read (the read waits on the thread pool; loading is this thread's work).
    const modules = Promise.all([import('../keystore/keystore.js'), import('./cert-view.js'), import('./output.js')]);
    modules.catch(() => undefined); // awaited below; not an unhandled rejection if the read fails first
    const storePassword = await requiredPassword(ctx, { option: '--storepass', spec: args.storepass, optional: true });
    // Listing decrypts no private key; a key password opens JCEKS secret keys to name their algorithm.
    const keyPassword = args.keypass === undefined ? undefined : await ctx.password(args.keypass, '--keypass');
    const bytes = await readInput(ctx, args.file);
    const [{ readKeyStore }, { certView }, { formatListing, listingJson }] = await modules;
    const given = { option: '--storepass', given: args.storepass !== undefined || storePassword !== '' };
    const store = await aboutInputs([{ path: args.file, bytes, kind: 'keystore' }], () =>
      readStore(ctx, args.file, given, () =>
        readKeyStore(bytes, {
          storePassword,
          keys: false,
          allowMissingMac: args.allowMissingMac,
          ...(keyPassword === undefined ? {} : { keyPassword, secretKeyAlgorithms: true }),
        }),
      ),
    );
    const entries = await about(args.file, () =>
      store.entries.map((e): EntryView => {
        if (e.kind === 'secret-key') {
          const unreadable = e.unreadable === undefined ? {} : { unreadable: e.unreadable };
          return { alias: e.alias, kind: e.kind, created: e.created, keyAlgorithm: e.algorithm ?? null, ...unreadable, chain: [] };
        }
        // A truststore is all trusted-cert entries: their one certificate without an array and a closure each.
        const chain =
          e.kind === 'trusted-cert'
            ? [certView(e.cert, `entry '${e.alias}' → certificate 1`)]
            : e.chain.map((der, i) => certView(der, `entry '${e.alias}' → certificate ${i + 1}`));
        return { alias: e.alias, kind: e.kind, created: e.created, keyAlgorithm: chain[0]?.keyAlgorithm ?? null, chain };
      }),
    );
    ctx.io.stdout.write(args.json ? listingJson(store.type, entries) + '\n' : formatListing(store.type, entries));
  },
});
