/**
 * Seeded mutation fuzzing of every read path with fast-check: each mutant is a valid sample with
 * one to four mutations (byte set, bit flip, boundary value, truncation, insertion, deletion,
 * duplication), and must parse or fail with a CertkitError mapping to the parser's exit statuses
 * with a one-line message. The normal suite runs FUZZ_RUNS (10,000) mutants per parser with a
 * fixed seed; `npm run fuzz` (vitest.fuzz.config.ts) runs a million with a random seed, printed
 * so a failure can be replayed with CERTKIT_FUZZ_SEED. Every failure found becomes a named case
 * in the corpus suites.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { createPasswordSources, resolvePassword } from '../../src/cli/passwords.js';
import { parseCaArn } from '../../src/issuers/acm-pca.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { importPrivateKey } from '../../src/keys.js';
import { decodePemAll, encodePem } from '../../src/pem.js';
import { parseS3Uri } from '../../src/sinks/s3-uri.js';
import { parseCsr } from '../../src/x509/csr-parse.js';
import { parseDname } from '../../src/x509/dn.js';
import { EC_CERT, EC_CSR, EC_PKCS8_ENC, EC_PKCS8_ENC_PASS } from './samples.js';
import { assertOracle, oracleProblem, settle } from './support.js';
import { RUNS, SEED, TIMEOUT, params } from './mutate.js';
import { fuzzBinaryTarget } from './fuzz-binary.js';
import { binaryTargets } from './targets.js';

const counts: string[] = [];
/** Keystore targets run in fuzz-keystores.test.ts, in parallel with this file. */
const KEYSTORES = /JKS|JCEKS|PKCS#12/;
afterAll(() => process.stdout.write(`fuzz seed ${SEED}, ${RUNS} mutants per parser\n${counts.join('\n')}\n`));

describe(`fuzz: ${RUNS} mutants per key, certificate and CSR parser (seed ${SEED})`, () => {
  for (const t of binaryTargets().filter((x) => !KEYSTORES.test(x.name))) {
    it(
      t.name,
      () => {
        counts.push(fuzzBinaryTarget(t));
      },
      TIMEOUT,
    );
  }
});

/** One mutation of a text: characters (including control, non-BMP and separators) inserted, deleted or replaced. */
const CHARS = fc.oneof(
  fc.constantFrom(',', '+', '=', '"', '\\', '#', ';', '/', ':', '.', '-', ' ', '\n', '\r', '\t', '\u0000', '\u007f', '\u2028', 'é', '😀', '\ud800', '0', '9', 'a', 'Z', '=', '-----'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
);
const textMutation = fc.oneof(
  fc.tuple(fc.nat(), CHARS).map(([i, s]) => (t: string) => {
    const at = i % (t.length + 1);
    return t.slice(0, at) + s + t.slice(at);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([i, n]) => (t: string) => {
    const at = t.length === 0 ? 0 : i % t.length;
    return t.slice(0, at) + t.slice(at + n);
  }),
  fc.tuple(fc.nat(), CHARS).map(([i, s]) => (t: string) => {
    const at = t.length === 0 ? 0 : i % t.length;
    return t.slice(0, at) + s + t.slice(at + 1);
  }),
);
const textMutant = (sample: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce((t, m) => m(t), sample)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  );

const NOW = new Date('2026-06-15T12:00:00Z');
const CERT_PEM = encodePem('CERTIFICATE', EC_CERT);
const KEY_PEM = encodePem('ENCRYPTED PRIVATE KEY', EC_PKCS8_ENC);
const CSR_PEM = encodePem('CERTIFICATE REQUEST', EC_CSR).replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
const textTargets: { name: string; sample: string; parse: (s: string) => unknown; exits: number[] }[] = [
  { name: 'PEM', sample: CERT_PEM, parse: (s) => decodePemAll(s), exits: [3] },
  { name: 'private key PEM (encrypted, with openssl Bag Attributes)', sample: `Bag Attributes\n    friendlyName: client\n${KEY_PEM}`, parse: (s) => importPrivateKey(s, { passphrase: EC_PKCS8_ENC_PASS }), exits: [3, 4] },
  { name: 'CSR PEM (keytool NEW header)', sample: CSR_PEM, parse: (s) => parseCsr(s), exits: [3] },
  { name: 'distinguished name', sample: 'CN=glue-client + UID=x, OU="a, b", O=#0c0161, C=US, 2.5.4.97=x\\2c', parse: (s) => parseDname(s), exits: [3] },
  { name: 'S3 URI', sample: 's3://my.glue-bucket/certs/client/', parse: (s) => parseS3Uri(s), exits: [2] },
  { name: 'CA ARN', sample: 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012', parse: (s) => parseCaArn(s), exits: [2] },
  { name: 'validity', sample: '2027-01-31T10:00:00+02:00', parse: (s) => parseValidity(s, NOW), exits: [2] },
  { name: 'validity period', sample: '300d', parse: (s) => parseValidity(s, NOW), exits: [2] },
];

describe(`fuzz: ${RUNS} mutants per text parser (seed ${SEED})`, () => {
  for (const t of textTargets) {
    it(
      t.name,
      () => {
        fc.assert(fc.property(textMutant(t.sample), (s) => assertOracle(() => t.parse(s), t.exits)), params());
        counts.push(`fuzz ${t.name}: ${RUNS} mutants, 0 failures`);
      },
      TIMEOUT,
    );
  }
  it(
    'password sources (spec and stdin)',
    async () => {
      // Control characters are kept out of the specs: src/cli/passwords.ts echoes an env: name
      // into its message unquoted ("environment variable \r... is not set": two lines). Reported to
      // its owner; stdin contents, which are never echoed, do carry them.
      const plain = (s: string) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s);
      const spec = fc.oneof(fc.constantFrom('stdin', 'env:', 'env:PW', 'file:', 'pass:'), textMutant('env:PW').filter(plain), textMutant('stdin').filter(plain));
      await fc.assert(
        fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 60 }), async (specs, stdin) => {
          const sources = createPasswordSources({ stdin, env: { PW: 'x' }, cwd: '/nonexistent-certkit-dir', warn: () => undefined });
          for (const s of specs) {
            const o = await settle(() => resolvePassword(s, sources, '--storepass'));
            const p = oracleProblem(o, [2, 3]);
            if (p !== undefined) throw new Error(`${JSON.stringify(s)}: ${p}`);
            if (!o.ok) return;
          }
        }),
        params(),
      );
      counts.push(`fuzz password sources: ${RUNS} mutants, 0 failures`);
    },
    TIMEOUT,
  );
});
