/**
 * `certkit sign`: signs a CSR with the local CA for TLS client authentication and writes the
 * chain (leaf, then the CA) as PEM.
 */
import { defineCommand } from './command.js';
import { about, readInput, writeOutput } from './files.js';

export const signCommand = defineCommand({
  command: 'sign',
  describe: 'Sign a CSR with the local CA (clientAuth); writes leaf + CA chain PEM',
  builder: (y) =>
    y
      .option('csr', { type: 'string', nargs: 1, demandOption: true, describe: 'The CSR, PEM or DER (keytool "NEW" headers accepted)' })
      .option('ca-dir', { type: 'string', nargs: 1, default: 'certkit-ca', describe: 'The local CA directory (certkit ca init)' })
      .option('validity', { type: 'string', nargs: 1, default: '300d', describe: 'Validity: 300d, 12m, 1y, or an end date' })
      .option('out', { type: 'string', nargs: 1, demandOption: true, describe: "Chain PEM to write, leaf first ('-' for stdout)" })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing file' })
      .example('certkit sign --csr csr.pem --out client_cert.pem', 'sign with ./certkit-ca, valid 300 days')
      .example('certkit sign --csr csr.pem --ca-dir ~/.certkit-ca --validity 1y --out -', 'print the chain'),
  run: async (args, ctx) => {
    const { loadLocalCa, createLocalCaIssuer } = await import('../issuers/local-ca.js');
    const { parseValidity } = await import('../issuers/validity.js');
    const { readPemOrDer } = await import('../pem.js');
    const { certificateChainPem } = await import('../redshift.js');
    const validity = parseValidity(args.validity, new Date());
    const csrBytes = await readInput(ctx, args.csr);
    const csrDer = await about(args.csr, () => readPemOrDer(csrBytes, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']).der);
    const ca = await loadLocalCa(args.caDir, { cwd: ctx.io.cwd });
    const issued = await about(args.csr, () => createLocalCaIssuer(ca).issue({ csrDer, validity }));
    await writeOutput(ctx, args.out, certificateChainPem(issued.leaf, issued.chain), { sensitive: false, force: args.force });
    if (args.out !== '-') {
      const { parseCertificate } = await import('../x509/certificate.js');
      const { escapeText, quotePath } = await import('../quote.js');
      const x = parseCertificate(issued.leaf);
      // The subject is the CSR's: someone else's text.
      ctx.warn(`certkit: wrote ${quotePath(args.out)} (${escapeText(x.subjectText)}, expires ${x.notAfter.toISOString()})`);
    }
  },
});
