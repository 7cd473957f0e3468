/**
 * `certkit probe HOST:PORT…`: does each Kafka broker accept this client identity and answer?
 * A thin adapter over `probeBrokers` (src/kafka/probe.ts): it loads the identity (`--out DIR`
 * as `certkit client` wrote it, `--keystore`, or `--cert` and `--key`), prints the report (text
 * or `--json`) on stdout, and, unless every broker was ok, fails with one line naming the first
 * failure: exit 5 (KAFKA).
 */
import type { KeyObject } from 'node:crypto';

import type { BrokerProbe, ProbeReport } from '../kafka/probe.js';
import { CertkitError } from '../errors.js';
import { defineCommand, type CliContext } from './command.js';
import { about, aboutInputs, aboutKeystore, readInput } from './files.js';

/** Longest `--timeout` accepted, in seconds. */
const MAX_TIMEOUT_SECONDS = 600;

interface Identity {
  readonly chain: Buffer[];
  readonly key: KeyObject;
}

export const probeCommand = defineCommand({
  command: 'probe <brokers..>',
  describe: 'Check that Kafka brokers accept a client identity: TLS with the client certificate, then ApiVersions and Metadata',
  builder: (y) =>
    y
      .positional('brokers', { type: 'string', array: true, demandOption: true, describe: 'HOST:PORT[,HOST:PORT…] (an MSK bootstrap string)' })
      .option('out', { type: 'string', nargs: 1, describe: 'The directory certkit client wrote (client_cert.pem, private_key.pem)' })
      .option('keystore', { type: 'string', nargs: 1, describe: 'Identity from a keystore (JKS, PKCS#12 or JCEKS)' })
      .option('storepass', { type: 'string', nargs: 1, describe: 'Store password source (--keystore)' })
      .option('keypass', { type: 'string', nargs: 1, describe: 'Key password source (--keystore; default: the store password)' })
      .option('alias', { type: 'string', nargs: 1, describe: 'Keystore entry (default: the only private key entry)' })
      .option('cert', { type: 'string', nargs: 1, describe: 'Identity from a certificate chain PEM, leaf first (with --key)' })
      .option('key', { type: 'string', nargs: 1, describe: 'The private key of --cert' })
      .option('passin', { type: 'string', nargs: 1, describe: 'Password source of an encrypted --key' })
      .option('ca', { type: 'string', nargs: 1, describe: "CA certificate(s), PEM, that sign the brokers' certificates (default: Node's public roots)" })
      .option('timeout', { type: 'number', nargs: 1, default: 10, describe: 'Seconds allowed for each broker, everything included' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
      .example('certkit probe "$BOOTSTRAP_TLS" --out certs', "the identity certkit client wrote to ./certs, against MSK's TLS bootstrap brokers")
      .example(
        'certkit probe b-1.mycluster.abc123.c2.kafka.us-east-1.amazonaws.com:9094 --keystore kafka.client.keystore.jks --storepass env:STOREPASS --json',
        'a keystore, one broker, JSON report',
      )
      .example('certkit probe localhost:9093 --cert client_cert.pem --key private_key.pem --ca broker-ca.pem', 'a broker whose certificate a private CA signed')
      .epilog(
        'Exit 0 when every broker accepted the identity and answered; 5 otherwise, naming the cause (the broker does not trust the ' +
          "client's CA, the certificate expired, the key does not match, a plaintext or SASL port, a timeout, a refused connection). " +
          'The principal printed is the one the brokers derive from the certificate (ssl.principal.mapping.rules=DEFAULT): write ACLs for exactly it.',
      ),
  run: async (args, ctx) => {
    const sources = [args.out !== undefined, args.keystore !== undefined, args.cert !== undefined || args.key !== undefined].filter(Boolean).length;
    if (sources !== 1) throw new CertkitError('USAGE', 'give the identity one way: --out DIR, --keystore FILE --storepass P, or --cert FILE --key FILE');
    if (!(args.timeout > 0 && args.timeout <= MAX_TIMEOUT_SECONDS)) {
      throw new CertkitError('USAGE', `--timeout must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`);
    }
    const { parseBrokerAddresses, probeBrokers } = await import('../kafka/probe.js');
    const addresses = parseBrokerAddresses(args.brokers);
    const identity = await loadIdentity(ctx, args);
    let ca: Buffer[] | undefined;
    if (args.ca !== undefined) {
      const { readPemOrDerAll } = await import('../pem.js');
      const bytes = await readInput(ctx, args.ca);
      ca = await aboutInputs([{ path: args.ca, bytes, kind: 'certificate' }], () => readPemOrDerAll(bytes, 'CERTIFICATE').map((b) => b.der));
    }
    const report = await probeBrokers({ addresses, identity, timeoutMs: args.timeout * 1000, ...(ca === undefined ? {} : { ca }) });
    if (args.json) ctx.out(JSON.stringify(report, null, 2));
    else for (const line of reportText(report)) ctx.out(line);
    const failed = report.brokers.filter((b) => !b.ok);
    const first = failed[0];
    if (first !== undefined) {
      const of = report.brokers.length === 1 ? '' : ` (${failed.length} of ${report.brokers.length} brokers failed)`;
      throw new CertkitError('KAFKA', `probe: ${first.address}: ${first.tls === 'ok' ? first.kafka : first.tls}${of}`, {
        ...(first.hint === undefined ? {} : { hint: first.hint }),
      });
    }
  },
});

async function loadIdentity(
  ctx: CliContext,
  args: { out?: string; keystore?: string; storepass?: string; keypass?: string; alias?: string; cert?: string; key?: string; passin?: string },
): Promise<Identity> {
  const { importPrivateKey } = await import('../keys.js');
  if (args.keystore !== undefined) {
    if (args.storepass === undefined) throw new CertkitError('USAGE', '--keystore needs --storepass');
    const file = args.keystore;
    const storePassword = await ctx.password(args.storepass, '--storepass');
    const keyPassword = args.keypass === undefined ? undefined : await ctx.password(args.keypass, '--keypass');
    const bytes = await readInput(ctx, file);
    const { readKeyStore } = await import('../keystore/keystore.js');
    const store = await aboutKeystore(ctx, { path: file, bytes }, '--keypass', () => readKeyStore(bytes, { storePassword, keys: true, ...(keyPassword === undefined ? {} : { keyPassword }) }));
    const keys = store.entries.filter((e) => e.kind === 'private-key');
    const entry =
      args.alias === undefined ? (keys.length === 1 ? keys[0] : undefined) : keys.find((e) => e.alias.toLowerCase() === args.alias!.toLowerCase());
    if (entry === undefined || entry.key === undefined) {
      const aliases = keys.map((e) => `'${e.alias}'`).join(', ') || 'none';
      throw new CertkitError('USAGE', args.alias === undefined ? `choose the private key entry with --alias (entries: ${aliases})` : `no private key entry '${args.alias}' (entries: ${aliases})`, {
        file,
      });
    }
    const der = entry.key;
    return { chain: [...entry.chain], key: await about(file, () => importPrivateKey(der)) };
  }
  if (args.cert !== undefined || args.key !== undefined) {
    if (args.cert === undefined || args.key === undefined) throw new CertkitError('USAGE', '--cert and --key go together');
    return pemIdentity(ctx, args.cert, args.key, args.passin);
  }
  const { join } = await import('node:path');
  return pemIdentity(ctx, join(args.out!, 'client_cert.pem'), join(args.out!, 'private_key.pem'), undefined);
}

async function pemIdentity(ctx: CliContext, certPath: string, keyPath: string, passin: string | undefined): Promise<Identity> {
  const [{ importPrivateKey }, { readPemOrDerAll }] = await Promise.all([import('../keys.js'), import('../pem.js')]);
  const passphrase = passin === undefined ? undefined : await ctx.password(passin, '--passin');
  const [certBytes, keyBytes] = await Promise.all([readInput(ctx, certPath), readInput(ctx, keyPath)]);
  const chain = await aboutInputs([{ path: certPath, bytes: certBytes, kind: 'certificate' }], () => readPemOrDerAll(certBytes, 'CERTIFICATE').map((b) => b.der));
  const key = await aboutInputs([{ path: keyPath, bytes: keyBytes, kind: 'private key' }], () => importPrivateKey(keyBytes, passphrase === undefined ? {} : { passphrase }));
  return { chain, key };
}

/** The report as text: the identity, then one block per broker. */
export function reportText(report: ProbeReport): string[] {
  const lines = [
    `identity   ${report.certificate.subject} (issuer ${report.certificate.issuer}, expires ${report.certificate.notAfter})`,
    `principal  ${report.principal}`,
  ];
  if (report.principalNewerJdk !== undefined) lines.push(`           (brokers on JDK 25 derive ${report.principalNewerJdk}: the subject has non-ASCII Teletex or BMP strings)`);
  for (const b of report.brokers) lines.push('', ...brokerText(b));
  return lines;
}

function brokerText(b: BrokerProbe): string[] {
  const lines = [`${b.address}  ${b.ok ? 'ok' : 'FAILED'}`];
  lines.push(`  tls      ${b.tls}${b.tls === 'ok' && b.tlsVersion !== undefined ? ` (${b.tlsVersion})` : ''}`);
  lines.push(`  kafka    ${b.kafka}`);
  if (b.serverCertificate !== undefined) {
    const s = b.serverCertificate;
    lines.push(`  server   ${s.subject} (issuer ${s.issuer}, expires ${s.notAfter})`);
  }
  if (b.brokers !== undefined) {
    for (const [i, m] of b.brokers.entries()) {
      const tags = [m.rack === null ? undefined : `rack ${m.rack}`, m.nodeId === b.controllerId ? 'controller' : undefined].filter((t) => t !== undefined);
      lines.push(`  ${i === 0 ? 'brokers' : '       '}  node ${m.nodeId} ${m.host}:${m.port}${tags.length === 0 ? '' : ` (${tags.join(', ')})`}`);
    }
  }
  if (b.hint !== undefined) lines.push(`  hint     ${b.hint}`);
  return lines;
}
