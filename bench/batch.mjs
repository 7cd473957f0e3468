/**
 * Issues many client identities through the library (dist/, so `npm run build` first), with
 * bounded concurrency, and prints one JSON line:
 *   {"n", "concurrency", "rate", "seconds", "perSecond", "firstSeconds", "peakIssuesPerSecond"}
 * Each identity is the whole `certkit client` pipeline: key, CSR, signature, the checks, and all
 * artifacts (JKS, PKCS#12, PEMs, CSR, CA, Redshift secret JSON, client.properties, certkit.json)
 * written to a directory of its own.
 *
 *   node bench/batch.mjs --key-type ec256|rsa2048 --n 100 --concurrency 4 --dir DIR
 *        [--ca-arn ARN --endpoint-url URL]    (ACM PCA, e.g. moto_server; else a local CA in DIR)
 *        [--rate R]                           (certificate requests started per second; default
 *                                              25 with ACM PCA, unlimited with the local CA)
 *
 * Two bounds, both needed: --concurrency caps the identities in flight (memory, sockets, the
 * thread pool); --rate spaces the starts of the issuer's requests at least 1/R s apart, so a
 * batch never asks ACM PCA for more IssueCertificate calls per second than its quota (an
 * account-and-Region quota, 25 per second by default as this harness assumes it; a fast
 * pipeline with concurrency 4 could otherwise exceed it, and concurrency alone does not bound
 * a rate). Each issue() sends one IssueCertificate (plus a DescribeCertificateAuthority before
 * it and the GetCertificate polls after it, which have quotas of their own), so spacing the
 * issue() calls spaces the IssueCertificate calls. The output reports the highest number of
 * issue() starts seen in any one-second window, which must not exceed R.
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
    rate: { type: 'string' },
  },
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const dir = values.dir;
const pca = values['ca-arn'] !== undefined;
/** Requests started per second at most; 0: unlimited. */
const rate = Number(values.rate ?? (pca ? 25 : 0));
if (dir === undefined || !(n > 0) || !(concurrency > 0) || !(rate >= 0)) {
  throw new Error('usage: batch.mjs --n N --concurrency C --dir DIR [--rate R]');
}

/**
 * A pacer: calls resolve one at a time, each at least 1/perSecond s after the previous one
 * resolved (a token bucket holding one token), so starts never come faster than `perSecond`
 * per second, however many workers wait on it.
 */
function pacer(perSecond) {
  if (perSecond === 0) return async () => undefined;
  const gap = 1000 / perSecond;
  let last = -Infinity;
  let chain = Promise.resolve();
  return () =>
    (chain = chain.then(async () => {
      // Timers have millisecond resolution: wait again until the gap has really passed.
      for (let wait = last + gap - performance.now(); wait > 0; wait = last + gap - performance.now()) {
        await new Promise((r) => setTimeout(r, Math.ceil(wait)));
      }
      last = performance.now();
    }));
}

/** The most entries of sorted `times` (ms) within any window of `width` ms. */
function peakInWindow(times, width) {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= width) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

const lib = await import('../dist/index.js');
await mkdir(dir, { recursive: true });

let inner;
if (pca) {
  inner = lib.createAcmPcaIssuer({
    caArn: values['ca-arn'],
    aws: { endpointUrl: values['endpoint-url'], credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, env: {} },
  });
} else {
  // The CA is made before the clock starts: the batch measures issuing, not CA set-up.
  const ca = await lib.initLocalCa(join(dir, 'ca'));
  inner = lib.createLocalCaIssuer(ca);
}
// The issuer every identity shares, paced; each issue() start is recorded.
const paced = pacer(rate);
const starts = [];
const issuer = {
  name: inner.name,
  async issue(req) {
    await paced();
    starts.push(performance.now());
    return inner.issue(req);
  },
};

const t0 = performance.now();
let next = 0;
let firstDone;
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
    firstDone ??= performance.now();
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
const seconds = (performance.now() - t0) / 1000;
inner.close?.();
process.stdout.write(
  JSON.stringify({
    n,
    concurrency,
    rate,
    seconds: +seconds.toFixed(3),
    perSecond: +(n / seconds).toFixed(2),
    // The first identity also pays what every later one finds ready (lazy imports, JIT, the SDK client).
    firstSeconds: +((firstDone - t0) / 1000).toFixed(3),
    peakIssuesPerSecond: peakInWindow(starts, 1000),
  }) + '\n',
);
