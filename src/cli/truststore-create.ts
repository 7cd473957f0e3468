/** `certkit truststore create`: a JKS or PKCS#12 truststore of CA certificates (trustedCertEntry). */
import type { TrustedCertEntry } from '../keystore/model.js';
import { defineCommand } from './command.js';
import { requiredPassword } from './required-passwords.js';
import { about, aboutInputs, readInput, writeOutput } from './files.js';
import { chooseStoreType, PKCS12_PROFILES, WRITABLE_STORE_TYPES } from './store-options.js';

export const truststoreCreateCommand = defineCommand({
  command: 'create',
  describe: 'Create a truststore from CA certificates (aliases from their common names)',
  builder: (y) =>
    y
      .option('cert', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'CA certificate PEM or DER file (may hold several; the option may repeat)',
      })
      .option('out', { type: 'string', nargs: 1, demandOption: true, describe: 'Truststore to write' })
      .option('storepass', { type: 'string', nargs: 1, describe: 'Store password source (asked for twice on a terminal when not given)' })
      .option('storetype', {
        type: 'string',
        nargs: 1,
        choices: WRITABLE_STORE_TYPES,
        describe: 'Truststore type (default from the name: .jks → jks, .p12/.pfx → pkcs12; else pkcs12)',
      })
      .option('profile', { type: 'string', nargs: 1, choices: PKCS12_PROFILES, default: 'modern', describe: 'PKCS#12 protection (legacy: SHA-1 MAC for Java 8)' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing output file' })
      .example('certkit truststore create --cert ca.pem --out kafka.client.truststore.jks --storepass env:TRUSTPASS', 'a JKS truststore')
      .example('certkit truststore create --cert root.pem --cert intermediate.pem --out truststore.p12 --storepass file:trust.pass', 'PKCS#12, two CAs'),
  run: async (args, ctx) => {
    const storeType = chooseStoreType(args.storetype, args.out, '--storetype', 'pkcs12');
    const storePassword = await requiredPassword(ctx, { option: '--storepass', spec: args.storepass, newStore: true });
    const files = args.cert.map(String);
    const contents = await Promise.all(files.map((f) => readInput(ctx, f)));
    const { readPemOrDerAll } = await import('../pem.js');
    const { commonNameOf } = await import('./cert-view.js');
    const { writeKeyStore } = await import('../keystore/keystore.js');
    const { quotePath } = await import('../quote.js');

    const entries: TrustedCertEntry[] = [];
    const seenDer = new Set<string>();
    const seenAlias = new Set<string>();
    for (const [i, bytes] of contents.entries()) {
      const file = files[i]!;
      const blocks = await aboutInputs([{ path: file, bytes, kind: 'certificate' }], () => readPemOrDerAll(bytes, 'CERTIFICATE'));
      for (const [n, b] of blocks.entries()) {
        const key = b.der.toString('base64');
        if (seenDer.has(key)) continue; // the same certificate twice: keep one
        seenDer.add(key);
        const base = (await about(file, () => commonNameOf(b.der, `certificate ${n + 1}`))) ?? `cert-${entries.length + 1}`;
        const alias = uniqueAlias(base, seenAlias, storeType === 'jks');
        entries.push({ kind: 'trusted-cert', alias, cert: b.der });
      }
    }
    const out = await writeKeyStore(entries, storeType, { storePassword, profile: args.profile as 'modern' | 'legacy' });
    await writeOutput(ctx, args.out, out, { sensitive: true, force: args.force });
    ctx.warn(`certkit: wrote ${quotePath(args.out)} (${storeType === 'jks' ? 'JKS' : 'PKCS12'}, ${entries.length} trusted ${entries.length === 1 ? 'certificate' : 'certificates'}: ${aliasList(entries.map((e) => e.alias))})`);
  },
});

/** How many aliases the "wrote" line names; a larger store is named by its first ones and a count. */
export const ALIASES_NAMED = 10;

/** `'a', 'b', 'c'`, or the first ALIASES_NAMED of them and "and N more" (`keystore list` shows all). */
export function aliasList(aliases: readonly string[]): string {
  const named = aliases.slice(0, ALIASES_NAMED).map((a) => `'${a}'`).join(', ');
  return aliases.length <= ALIASES_NAMED ? named : `${named} and ${aliases.length - ALIASES_NAMED} more`;
}

/** `base`, or `base-2`, `base-3`... not yet used (compared case-insensitively for JKS, which lower-cases). */
export function uniqueAlias(base: string, seen: Set<string>, lowerCase: boolean): string {
  const norm = (a: string) => (lowerCase ? a.toLowerCase() : a);
  let alias = norm(base);
  for (let n = 2; seen.has(alias); n++) alias = norm(`${base}-${n}`);
  seen.add(alias);
  return alias;
}
