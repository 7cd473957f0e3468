/** `certkit keystore convert`: JKS ⇄ PKCS#12, JCEKS → either (keytool -importkeystore). */
import { CertkitError } from '../errors.js';
import { defineCommand } from './command.js';
import { checkRequiredPasswords, requiredPassword } from './required-passwords.js';
import { about, aboutKeystore, readInput, writeOutput } from './files.js';
import { chooseStoreType, PKCS12_PROFILES, pkcs12KeyPasswordWarning, readStore, WRITABLE_STORE_TYPES } from './store-options.js';

export const keystoreConvertCommand = defineCommand({
  command: 'convert <in> <out>',
  describe: 'Convert a keystore: JKS <-> PKCS#12, JCEKS -> either',
  builder: (y) =>
    y
      .positional('in', { type: 'string', demandOption: true, describe: 'Source keystore (type detected by content)' })
      .positional('out', { type: 'string', demandOption: true, describe: 'Keystore to write' })
      .option('srcstorepass', { type: 'string', nargs: 1, describe: 'Source store password source (asked for on a terminal; leave out for a passwordless PKCS#12)' })
      .option('deststorepass', { type: 'string', nargs: 1, describe: 'Destination store password source (asked for twice on a terminal when not given)' })
      .option('srckeypass', { type: 'string', nargs: 1, describe: 'Source key password source (default: the source store password)' })
      .option('destkeypass', { type: 'string', nargs: 1, describe: 'Destination key password source (JKS; default: the destination store password)' })
      .option('deststoretype', {
        type: 'string',
        nargs: 1,
        choices: WRITABLE_STORE_TYPES,
        describe: 'Destination type (default from the name: .jks → jks, .p12/.pfx → pkcs12)',
      })
      .option('profile', { type: 'string', nargs: 1, choices: PKCS12_PROFILES, default: 'modern', describe: 'PKCS#12 protection (legacy: 3DES + SHA-1 MAC for Java 8)' })
      .option('allow-missing-mac', {
        type: 'boolean',
        default: false,
        describe: 'Accept a PKCS#12 file without an integrity MAC (openssl -nomac); stores with a MAC are still checked',
      })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing output file' })
      .example('certkit keystore convert kafka.client.keystore.jks keystore.p12 --srcstorepass env:STOREPASS --deststorepass env:STOREPASS', 'JKS to PKCS#12')
      .example('certkit keystore convert keystore.p12 client.jks --srcstorepass file:p12.pass --deststorepass file:jks.pass --destkeypass env:KEYPASS', 'PKCS#12 to JKS with a separate key password'),
  run: async (args, ctx) => {
    const destType = chooseStoreType(args.deststoretype, args.out, '--deststoretype');
    const src = { option: '--srcstorepass', spec: args.srcstorepass, optional: true };
    const dest = { option: '--deststorepass', spec: args.deststorepass, newStore: true };
    checkRequiredPasswords(ctx, [src, dest]);
    const srcStorePassword = await requiredPassword(ctx, src);
    const srcKeyPassword = args.srckeypass === undefined ? undefined : await ctx.password(args.srckeypass, '--srckeypass');
    const destStorePassword = await requiredPassword(ctx, dest);
    const destKeyPassword = args.destkeypass === undefined ? undefined : await ctx.password(args.destkeypass, '--destkeypass');
    const bytes = await readInput(ctx, args.in);
    const { readKeyStore, writeKeyStore } = await import('../keystore/keystore.js');
    const { quotePath } = await import('../quote.js');
    const given = { option: '--srcstorepass', given: args.srcstorepass !== undefined || srcStorePassword !== '' };
    const store = await aboutKeystore(ctx, { path: args.in, bytes }, '--srckeypass', () => readStore(ctx, args.in, given, () =>
      readKeyStore(bytes, { storePassword: srcStorePassword, allowMissingMac: args.allowMissingMac, ...(srcKeyPassword === undefined ? {} : { keyPassword: srcKeyPassword }) }),
    ));
    const entries = store.entries.filter((e) => {
      if (e.kind !== 'secret-key') return true;
      ctx.warn(`certkit: warning: skipped secret key entry '${e.alias}' (certkit does not copy secret keys)`);
      return false;
    });
    if (entries.length === 0) {
      throw new CertkitError('INVALID_INPUT', 'no private key or certificate entries to convert', { file: args.in });
    }
    const out = await about(args.out, () =>
      writeKeyStore(entries, destType, {
        storePassword: destStorePassword,
        ...(destKeyPassword === undefined ? {} : { keyPassword: destKeyPassword }),
        profile: args.profile as 'modern' | 'legacy',
      }),
    );
    const keyPasswordWarning = pkcs12KeyPasswordWarning(destType, destStorePassword, destKeyPassword, '--destkeypass');
    if (keyPasswordWarning !== undefined) ctx.warn(keyPasswordWarning);
    await writeOutput(ctx, args.out, out, { sensitive: true, force: args.force });
    ctx.warn(`certkit: wrote ${quotePath(args.out)} (${destType === 'jks' ? 'JKS' : 'PKCS12'}, ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} from ${store.type === 'pkcs12' ? 'PKCS12' : store.type.toUpperCase()})`);
  },
});
