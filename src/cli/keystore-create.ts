/** `certkit keystore create`: a keystore from a private key and its certificate chain. */
import { CertkitError } from '../errors.js';
import { defineCommand } from './command.js';
import { requiredPassword } from './required-passwords.js';
import { about, aboutInputs, readInput, writeOutput } from './files.js';
import { chooseStoreType, PKCS12_PROFILES, pkcs12KeyPasswordWarning, WRITABLE_STORE_TYPES } from './store-options.js';

export const keystoreCreateCommand = defineCommand({
  command: 'create',
  describe: 'Create a keystore from a private key and its certificate chain',
  builder: (y) =>
    y
      .option('key', { type: 'string', nargs: 1, demandOption: true, describe: 'Private key (PKCS#8, encrypted PKCS#8, RSA/EC PEM, or DER)' })
      .option('passin', { type: 'string', nargs: 1, describe: 'Password source of an encrypted key' })
      .option('cert', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Certificate chain PEM (leaf and CAs, any order; may be given several times)',
      })
      .option('out', { type: 'string', nargs: 1, demandOption: true, describe: 'Keystore to write' })
      .option('storepass', { type: 'string', nargs: 1, describe: 'Store password source (asked for twice on a terminal when not given)' })
      .option('keypass', { type: 'string', nargs: 1, describe: 'Key password source (JKS; default: the store password)' })
      .option('alias', { type: 'string', nargs: 1, default: 'client', describe: 'Entry alias' })
      .option('storetype', {
        type: 'string',
        nargs: 1,
        choices: WRITABLE_STORE_TYPES,
        describe: 'Keystore type (default from the name: .jks → jks, .p12/.pfx → pkcs12; else pkcs12)',
      })
      .option('profile', { type: 'string', nargs: 1, choices: PKCS12_PROFILES, default: 'modern', describe: 'PKCS#12 protection (legacy: 3DES + SHA-1 MAC for Java 8)' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing output file' })
      .example(
        'certkit keystore create --key private_key.pem --cert client_cert.pem --out kafka.client.keystore.jks --storepass env:STOREPASS --keypass env:KEYPASS',
        'a JKS for Glue or a Kafka Java client',
      )
      .example('certkit keystore create --key client.key --cert client.pem --cert ca.pem --out keystore.p12 --storepass file:storepass.txt', 'PKCS#12 from separate files'),
  run: async (args, ctx) => {
    const storeType = chooseStoreType(args.storetype, args.out, '--storetype', 'pkcs12');
    const passin = args.passin === undefined ? undefined : await ctx.password(args.passin, '--passin');
    const storePassword = await requiredPassword(ctx, { option: '--storepass', spec: args.storepass, newStore: true });
    const keyPassword = args.keypass === undefined ? undefined : await ctx.password(args.keypass, '--keypass');
    const keyBytes = await readInput(ctx, args.key);
    const certFiles = args.cert.map(String);
    const certBytes = await Promise.all(certFiles.map((f) => readInput(ctx, f)));

    const keys = await import('../keys.js');
    const { readPemOrDerAll } = await import('../pem.js');
    const { orderChain, certificateMatchesKey } = await import('../x509/chain.js');
    const { writeKeyStore } = await import('../keystore/keystore.js');
    const { quotePath } = await import('../quote.js');

    const key = await aboutInputs([{ path: args.key, bytes: keyBytes, kind: 'private key' }], () => keys.importPrivateKey(keyBytes, passin === undefined ? {} : { passphrase: passin }));
    const certs: Buffer[] = [];
    for (const [i, bytes] of certBytes.entries()) {
      const file = certFiles[i]!;
      for (const b of await aboutInputs([{ path: file, bytes, kind: 'certificate' }], () => readPemOrDerAll(bytes, 'CERTIFICATE'))) certs.push(b.der);
    }
    const chain = await about(certFiles[0]!, () => orderChain(certs));
    const leaf = chain[0];
    if (leaf === undefined || !certificateMatchesKey(leaf, key)) {
      throw new CertkitError('VERIFY_FAILED', 'the key does not match the leaf certificate', {
        file: args.key,
        hint: `check that ${certFiles.join(', ')} holds the certificate issued for this key`,
      });
    }
    const out = await writeKeyStore(
      [{ kind: 'private-key', alias: args.alias, key: keys.exportPkcs8Der(key), chain }],
      storeType,
      {
        storePassword,
        ...(keyPassword === undefined ? {} : { keyPassword }),
        profile: args.profile as 'modern' | 'legacy',
      },
    );
    const keyPasswordWarning = pkcs12KeyPasswordWarning(storeType, storePassword, keyPassword, '--keypass');
    if (keyPasswordWarning !== undefined) ctx.warn(keyPasswordWarning);
    await writeOutput(ctx, args.out, out, { sensitive: true, force: args.force });
    ctx.warn(`certkit: wrote ${quotePath(args.out)} (${storeType === 'jks' ? 'JKS' : 'PKCS12'}, alias '${storeType === 'jks' ? args.alias.toLowerCase() : args.alias}', chain of ${chain.length})`);
  },
});
