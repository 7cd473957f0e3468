/**
 * Issues many client identities through the library (dist/, so `npm run build` first), with
 * bounded concurrency, and prints one JSON line: {"n", "concurrency", "seconds", "perSecond"}.
 * Each identity is the whole `certkit client` pipeline: key, CSR, signature, the checks, and all
 * artifacts (JKS, PKCS#12, PEMs, CSR, CA, Redshift secret JSON, client.properties, certkit.json)
 * written to a directory of its own.
 *
 *   node bench/batch.mjs --key-type ec256|rsa2048 --n 100 --concurrency 4 --dir DIR
 *        [--ca-arn ARN --endpoint-url URL]    (ACM PCA, e.g. moto_server; else a local CA in DIR)
 *
 * With ACM PCA one issuer (one SDK client) serves every identity; the concurrency bound is
 * what keeps the request rate under PCA's IssueCertificate quota (25 per second by default,
 * two requests per identity).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'key-type': { type: 'string', default: 'ec256' },
    n: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    dir: { type: 'string' },
    'ca-arn': { type: 'string' },
    'endpoint-url': { type: 'string' },
  },
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const dir = values.dir;
if (dir === undefined || !(n > 0) || !(concurrency > 0)) throw new Error('usage: batch.mjs --n N --concurrency C --dir DIR');

const lib = await import('../dist/index.js');
await mkdir(dir, { recursive: true });

let issuer;
if (values['ca-arn'] !== undefined) {
  issuer = lib.createAcmPcaIssuer({
    caArn: values['ca-arn'],
    aws: { endpointUrl: values['endpoint-url'], credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, env: {} },
  });
} else {
  // The CA is made before the clock starts: the batch measures issuing, not CA set-up.
  const ca = await lib.initLocalCa(join(dir, 'ca'));
  issuer = lib.createLocalCaIssuer(ca);
}

const t0 = performance.now();
let next = 0;
async function worker() {
  while (next < n) {
    const i = next++;
    await lib.runClientPipeline(
      {
        dname: `CN=batch-client-${i},O=certkit bench`,
        keyType: values['key-type'],
        validity: '300d',
        alias: 'client',
        outDir: join(dir, `id-${i}`),
        storePassword: 'changeit-store',
        keyPassword: 'changeit-key',
      },
      { issuer: async () => issuer },
    );
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
const seconds = (performance.now() - t0) / 1000;
issuer.close?.();
process.stdout.write(JSON.stringify({ n, concurrency, seconds: +seconds.toFixed(3), perSecond: +(n / seconds).toFixed(2) }) + '\n');
