/** `certkit keygen`: a new private key as PKCS#8 PEM (encrypted with --passout), written 0600. */
import type { KeySpec } from '../keys.js';
import { defineCommand } from './command.js';
import { writeOutput } from './files.js';

export const keygenCommand = defineCommand({
  command: 'keygen',
  describe: 'Generate a private key (PKCS#8 PEM, written 0600)',
  builder: (y) =>
    y
      .option('key-type', {
        type: 'string',
        nargs: 1,
        default: 'rsa2048',
        describe: 'rsa2048, rsa3072, rsa4096, ec256 or ec384',
      })
      .option('out', { type: 'string', nargs: 1, demandOption: true, describe: "Key file to write ('-' for stdout)" })
      .option('passout', {
        type: 'string',
        nargs: 1,
        describe: 'Encrypt the key (PBES2, AES-256-CBC) with this password source',
      })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing file' })
      .example('certkit keygen --out client.key', 'an RSA 2048 key, unencrypted, mode 0600')
      .example('certkit keygen --key-type ec256 --out client.key --passout env:KEY_PASS', 'an encrypted P-256 key'),
  run: async (args, ctx) => {
    const keys = await import('../keys.js');
    const { quotePath } = await import('../quote.js');
    const spec: KeySpec = keys.parseKeySpec(args.keyType);
    const passout = args.passout === undefined ? undefined : await ctx.password(args.passout, '--passout');
    const { privateKey } = await keys.generateKeyPair(spec);
    const pem = passout === undefined ? keys.exportPkcs8Pem(privateKey) : keys.exportEncryptedPkcs8Pem(privateKey, passout);
    await writeOutput(ctx, args.out, pem, { sensitive: true, force: args.force });
    if (args.out !== '-') ctx.warn(`certkit: wrote ${quotePath(args.out)} (${keys.describeKey(privateKey)}${passout === undefined ? '' : ', encrypted'})`);
  },
});
