#!/usr/bin/env node
/**
 * certkit's benchmark (`npm run bench`, which builds dist/ first): certkit against the
 * keytool / openssl / aws-cli workflow it replaces, on the same machine and the same
 * moto_server endpoint, and where certkit's own time goes. Writes bench/RESULTS.md from the
 * run (never by hand) and prints the same tables.
 *
 *   node bench/run.mjs [--rounds N] [--quick] [--out FILE] [--skip SECTION,...]
 *
 * --rounds N   paired rounds after the warm-up (default 7; --quick: 2)
 * --quick      fewer rounds and smaller batches, to check the harness (not for RESULTS.md figures)
 * --out FILE   where the report goes (.md; the raw figures go next to it as .json). Default:
 *              bench/RESULTS.md for a full run; with --quick or --skip a file in the temp
 *              directory. Only a full run may write bench/RESULTS.md.
 * --skip       pipeline,startup,keystore,batch,where (sections to leave out)
 *
 * Method: every timed command is a fresh process (spawnSync, wall time from before spawn to
 * after exit) with a clean environment (PATH, a scratch HOME, LANG; fake AWS credentials for
 * AWS commands): NODE_EXTRA_CA_CERTS and the like never reach a timed process. Pairs alternate
 * their order each round so drift on a shared machine hits both sides alike; the headline is
 * the median of the per-pair ratios. certkit runs as installed: bin/certkit, the esbuild bundle.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ESBUILD_RUNTIME, loadBundleMap, packageOf, UNATTRIBUTED } from './bundle-map.mjs';
import { createActivatedCa, createBucket, FAKE_ENV, listKeys, startMoto } from './moto.mjs';
import { pathWithJudges } from '../scripts/judges-path.mjs';

/** The repository. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SEED = join(ROOT, 'bench/seed-workflow.sh');

/** Refuses to time a build older than the sources (`npm run bench` builds first). */
function assertFreshBuild() {
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile())
      .reduce((m, d) => Math.max(m, statSync(join(d.parentPath ?? d.path, d.name)).mtimeMs), 0);
  const src = newest(join(ROOT, 'src'));
  for (const built of ['dist/bin/certkit.cjs', 'dist/bin/meta.json', 'dist/cli/bin.js']) {
    let t;
    try {
      t = statSync(join(ROOT, built)).mtimeMs;
    } catch {
      throw new Error(`${built} is missing: run \`npm run build\` (or \`npm run bench\`, which builds first)`);
    }
    if (t < src) throw new Error(`${built} is older than src/: run \`npm run build\` (or \`npm run bench\`, which builds first)`);
  }
}

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    skip: { type: 'string', default: '' },
  },
});
const QUICK = values.quick;
const ROUNDS = Number(values.rounds ?? (QUICK ? 2 : 7));
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');
const SKIP = new Set(values.skip.split(',').filter(Boolean));
// bench/RESULTS.md is only ever written by a full run: all sections, the full figures.
const RESULTS = join(ROOT, 'bench/RESULTS.md');
const FULL = !QUICK && SKIP.size === 0;
const OUT = resolve(values.out ?? (FULL ? RESULTS : join(tmpdir(), QUICK ? 'certkit-bench-quick.md' : 'certkit-bench-partial.md')));
if (!FULL && (OUT === RESULTS || OUT === RESULTS.replace(/\.md$/, '.json'))) {
  throw new Error('bench/RESULTS.md is written only by a full run (no --quick, no --skip); choose another --out');
}
if (!OUT.endsWith('.md')) throw new Error('--out must name a .md file (the raw figures go next to it as .json)');
assertFreshBuild();

const STOREPASS = 'YourStorePass';
const KEYPASS = 'YourKeyPass';
const TMP = mkdtempSync(join(tmpdir(), 'certkit-bench-'));
const log = (s) => process.stderr.write(s + '\n');

/**
 * A copy of the build to time (bin/, dist/, bench/, package.json; node_modules linked), so that
 * every figure of a run comes from one build, even if dist/ is rebuilt while the run goes on.
 * Retries while dist/ is being rewritten (a bundle file the metafile names is missing).
 */
function snapshotBuild() {
  const dest = join(TMP, 'build');
  for (let attempt = 0; ; attempt++) {
    rmSync(dest, { recursive: true, force: true });
    for (const d of ['bin', 'dist', 'bench']) cpSync(join(ROOT, d), join(dest, d), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(dest, 'package.json'));
    try {
      const meta = JSON.parse(readFileSync(join(dest, 'dist/bin/meta.json'), 'utf8'));
      const missing = ['dist/cli/bin.js', 'dist/index.js', ...Object.keys(meta.outputs)].filter((f) => !existsSync(join(dest, f)));
      if (missing.length === 0) break;
      if (attempt === 5) throw new Error(`dist/ is incomplete (${missing[0]} missing): rebuild with \`npm run build\``);
    } catch (e) {
      if (attempt === 5) throw e;
    }
    spawnSync('sleep', ['3']);
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
  return dest;
}
/** Where the timed build lives: the snapshot. */
const RUN = snapshotBuild();
/** The executable: it requires the esbuild bundle's loader, dist/bin/certkit.cjs. */
const BIN = join(RUN, 'bin/certkit');
/** The same entry point from the plain tsc build (no bundle): what the bundle is compared with. */
const UNBUNDLED_BIN = join(RUN, 'dist/cli/bin.js');
const BUNDLE = loadBundleMap(RUN);

// ── statistics ──────────────────────────────────────────────────────────────────────────────
const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
const sec = (s) => (s >= 1 ? `${s.toFixed(2)} s` : ms(s));
const x = (r) => `${r.toFixed(1)}x`;

// ── running things ──────────────────────────────────────────────────────────────────────────
/**
 * The environment of every timed process: nothing inherited but PATH. HOME is the scratch
 * directory (no ~/.aws config or credentials, no ~/.java preferences), LANG is fixed.
 * NODE_EXTRA_CA_CERTS in particular must not reach a timed node: Node 20 reads that bundle at
 * every start (about 90 ms on these machines), which would inflate certkit and `node -e 0` alike.
 * AWS variables reach only the AWS commands, and only the fake ones (FAKE_ENV).
 */
// moto_server and the aws CLI from .venv/ (scripts/install-judges.sh, which `npm run bench` runs
// first) for the harness and every process it starts.
process.env.PATH = pathWithJudges(process.env.PATH);
const baseEnv = { PATH: process.env.PATH, HOME: TMP, LANG: 'C.UTF-8' };

/** Inherited variables that could change how one side runs (recorded in the report, never passed on). */
const SKEWING_ENV = /^(NODE_|NPM_|npm_config_node|UV_|JAVA_|_JAVA_|JDK_|CLASSPATH$|AWS_|BOTO|PYTHON|PYENV|OPENSSL_|SSL_|CURL_CA|REQUESTS_CA|LD_PRELOAD$|LD_LIBRARY_PATH$|TZ$|LC_)/;

/** Runs a command to completion; returns its wall time in seconds. Throws if it fails. */
function timed(cmd, args, options = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: baseEnv, ...options });
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout || '').slice(-2000)}`);
  }
  return { t, stdout: r.stdout, stderr: r.stderr };
}

const certkit = (args, options = {}) => timed(process.execPath, [BIN, ...args], { env: baseEnv, ...options });
const keytool = (args, options = {}) => timed('keytool', args, { env: baseEnv, ...options });

/** A command's output (stdout, else stderr: `java -version` prints there), trimmed. */
function tryOut(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout?.trim() || r.stderr?.trim() || String(r.error ?? '')).trim();
}

/**
 * Runs `a` and `b` alternately (`a` first in even rounds), after `warmup` unrecorded pairs.
 * Resolves with each side's times and the per-pair ratios a/b.
 */
async function paired(rounds, warmup, a, b) {
  for (let i = 0; i < warmup; i++) {
    await a(-1 - i);
    await b(-1 - i);
  }
  const ta = [];
  const tb = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ta.push(await a(i));
      tb.push(await b(i));
    } else {
      tb.push(await b(i));
      ta.push(await a(i));
    }
  }
  return { a: stats(ta), b: stats(tb), ratio: stats(ta.map((t, i) => t / tb[i])) };
}

// ── the machine ─────────────────────────────────────────────────────────────────────────────
function machine() {
  const cpu = cpus();
  const awsCli = tryOut('sh', ['-c', 'command -v pyenv >/dev/null && pyenv which aws || command -v aws']);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadStart: loadavg().map((l) => l.toFixed(2)).join(' '),
    awsCli,
    awsVersion: tryOut(awsCli, ['--version']),
    java: tryOut('java', ['-version']).split('\n')[0],
    openssl: tryOut('openssl', ['version']),
    jq: tryOut('jq', ['--version']),
    moto: tryOut('sh', ['-c', "python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || moto_server --version"]),
    env: {
      nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS !== undefined,
      // Names only: values (paths, options) stay out of the report.
      removed: Object.keys(process.env).filter((k) => SKEWING_ENV.test(k)).sort(),
      passed: Object.keys(baseEnv),
    },
  };
}

/**
 * What NODE_EXTRA_CA_CERTS, as this machine sets it, adds to a node start: `node -e 0` with it
 * against without it, paired. Undefined when it is not set.
 */
async function extraCaCost(n) {
  const value = process.env.NODE_EXTRA_CA_CERTS;
  if (value === undefined) return undefined;
  log(`NODE_EXTRA_CA_CERTS: ${n} rounds`);
  return paired(
    n,
    1,
    async () => timed(process.execPath, ['-e', '0'], { env: { ...baseEnv, NODE_EXTRA_CA_CERTS: value } }).t,
    async () => timed(process.execPath, ['-e', '0']).t,
  );
}

// ── section 1: certkit client against the seed workflow ──────────────────────────────────────
async function pipelineSection(env, m) {
  const out = {};
  for (const kind of ['rsa', 'ec']) {
    const caArn = kind === 'rsa' ? env.rsaCa : env.ecCa;
    const seedSteps = [];
    log(`pipeline ${kind}: ${ROUNDS} rounds after a warm-up`);
    const seed = async (i) => {
      const dir = join(TMP, `seed-${kind}-${i}`);
      const timing = join(TMP, `seed-${kind}-${i}.timing`);
      const r = timed(SEED, [dir, kind], {
        env: {
          ...baseEnv,
          ...FAKE_ENV,
          AWS_CLI: m.awsCli,
          CA_ARN: caArn,
          ENDPOINT_URL: env.endpoint,
          S3_URI: `s3://${env.bucket}/seed-${kind}-${i}/`,
          DNAME: 'CN=glue-client',
          ALIAS: 'client',
          STOREPASS,
          KEYPASS,
          SEED_TIMING: i >= 0 ? timing : '',
        },
      });
      if (i >= 0) {
        seedSteps.push(
          Object.fromEntries(
            readFileSync(timing, 'utf8')
              .trim()
              .split('\n')
              .map((l) => l.split('\t'))
              .map(([k, v]) => [k, Number(v)]),
          ),
        );
      }
      return r.t;
    };
    const ck = async (i) =>
      certkit(
        [
          'client',
          '--ca-arn', caArn,
          '--endpoint-url', env.endpoint,
          '--s3', `s3://${env.bucket}/certkit-${kind}-${i}/`,
          '--key-type', kind === 'rsa' ? 'rsa2048' : 'ec256',
          '--dname', 'CN=glue-client',
          '--alias', 'client',
          '--validity', '300d',
          '--storepass', STOREPASS,
          '--keypass', KEYPASS,
          '--out', join(TMP, `certkit-${kind}-${i}`),
        ],
        { env: { ...baseEnv, ...FAKE_ENV } },
      ).t;
    const r = await paired(ROUNDS, 1, seed, ck);
    // The same artifacts on both sides: the three files in S3, the local files.
    const seedKeys = await listKeys(env.endpoint, env.bucket, `seed-${kind}-0/`);
    const ckKeys = await listKeys(env.endpoint, env.bucket, `certkit-${kind}-0/`);
    const want = ['client_cert.pem', 'kafka.client.keystore.jks', 'private_key.pem'];
    if (JSON.stringify(seedKeys) !== JSON.stringify(want) || JSON.stringify(ckKeys) !== JSON.stringify(want)) {
      throw new Error(`S3 uploads differ from ${want}: seed ${seedKeys}, certkit ${ckKeys}`);
    }
    const steps = {};
    for (const k of Object.keys(seedSteps[0] ?? {})) steps[k] = median(seedSteps.map((s) => s[k]));
    out[kind] = {
      seed: r.a,
      certkit: r.b,
      ratio: r.ratio,
      steps,
      seedFiles: readdirSync(join(TMP, `seed-${kind}-0`)).sort(),
      certkitFiles: readdirSync(join(TMP, `certkit-${kind}-0`)).sort(),
    };
    log(`  seed ${sec(r.a.median)}  certkit ${sec(r.b.median)}  ratio ${x(r.ratio.median)}`);
  }
  return out;
}

// ── section 2: start-up ──────────────────────────────────────────────────────────────────────
/**
 * The packages a command loads: every module URL the ES loader sees (trace-packages.mjs); a
 * bundle file counts as the sources esbuild put in it (dist/bin/meta.json). Returns
 * { package: number of its source modules }, certkit's own sources as 'certkit'.
 */
function tracePackages(args, env = baseEnv) {
  const file = join(TMP, `trace-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, '');
  timed(process.execPath, ['--import', join(RUN, 'bench/trace-packages.mjs'), BIN, ...args], {
    env: { ...env, CERTKIT_TRACE_FILE: file },
  });
  const counts = {};
  const add = (k) => (counts[k] = (counts[k] ?? 0) + 1);
  for (const url of new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))) {
    if (url.startsWith('node:')) {
      add('node:*');
      continue;
    }
    const path = url.startsWith('file:') ? relative(RUN, fileURLToPath(url)) : url;
    const inBundle = BUNDLE.isBundleFile(path);
    // A bundle's inputs outside src/ and node_modules/ are the build's own loader glue.
    for (const src of inBundle ? BUNDLE.sourcesOf(path) : [path]) add(packageOf(src) ?? (inBundle ? 'bundle glue' : 'other files'));
  }
  return counts;
}

async function startupSection(ks, env) {
  const n = Math.max(QUICK ? 5 : 15, ROUNDS * 2);
  log(`start-up: ${n} rounds`);
  const node0 = async () => timed(process.execPath, ['-e', '0']).t;
  const listArgs = ['keystore', 'list', ks.clientJks, '--storepass', STOREPASS];
  const help = await paired(n, 2, async () => certkit(['--help']).t, node0);
  const version = await paired(n, 1, async () => certkit(['--version']).t, node0);
  const list = await paired(n, 1, async () => certkit(listArgs).t, node0);
  log('start-up: which packages each command loads');
  const loads = {
    '--help': tracePackages(['--help']),
    'keystore list (JKS)': tracePackages(listArgs),
    'keystore list (PKCS#12)': tracePackages(['keystore', 'list', ks.clientP12, '--storepass', STOREPASS]),
    'keystore convert JKS→PKCS#12': tracePackages([
      'keystore', 'convert', ks.clientJks, join(TMP, 'trace-conv.p12'),
      '--srcstorepass', STOREPASS, '--deststorepass', STOREPASS, '--deststoretype', 'pkcs12',
    ]),
  };
  // certkit client loads the SDK by design; shown apart from the start-up path.
  const clientLoads =
    env.endpoint === undefined
      ? undefined
      : tracePackages(
          [
            'client', '--ca-arn', env.rsaCa, '--endpoint-url', env.endpoint, '--s3', `s3://${env.bucket}/trace-client/`,
            '--key-type', 'ec256', '--dname', 'CN=glue-client', '--alias', 'client',
            '--storepass', STOREPASS, '--keypass', KEYPASS, '--out', join(TMP, 'trace-client'),
          ],
          { ...baseEnv, ...FAKE_ENV },
        );
  // What the bundle saves: bin/certkit (dist/bin/, esbuild) against the same CLI from the plain
  // tsc build (dist/cli/bin.js, the same entry point, hundreds of modules through the ES loader).
  log(`start-up: bundle against the tsc build, ${n} rounds`);
  const unbundled = (args) => timed(process.execPath, [UNBUNDLED_BIN, ...args]).t;
  const bundle = {
    help: await paired(n, 1, async () => certkit(['--help']).t, async () => unbundled(['--help'])),
    list: await paired(n, 1, async () => certkit(listArgs).t, async () => unbundled(listArgs)),
  };
  return { n, help, version, list, loads, clientLoads, bundle, mapping: BUNDLE.methods() };
}

// ── section 3: keystore commands against keytool ─────────────────────────────────────────────
/** Makes the keystores: the seed's client keystore as a keytool JKS, and truststores of N CAs. */
async function makeKeystores(sizes) {
  const dir = join(TMP, 'ks');
  mkdirSync(dir, { recursive: true });
  const lib = await import(join(RUN, 'dist/index.js'));
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stores = {};
  const max = Math.max(...sizes);
  const pems = [];
  const now = new Date();
  for (let i = 0; i < max; i++) {
    const der = lib.buildCertificate({
      subject: `CN=certkit bench CA ${String(i + 1).padStart(4, '0')},O=certkit bench,C=DE`,
      publicKey: privateKey,
      signingKey: privateKey,
      notBefore: now,
      notAfter: new Date(now.getTime() + 3650 * 86400_000),
      isCA: true,
    });
    pems.push(lib.encodePem('CERTIFICATE', der));
  }
  for (const size of sizes) {
    const bundle = join(dir, `cas-${size}.pem`);
    writeFileSync(bundle, pems.slice(0, size).join(''));
    // certkit writes it, keytool rewrites it: the file both tools list is keytool's own JKS.
    certkit(['truststore', 'create', '--cert', bundle, '--out', join(dir, `ts-${size}-certkit.jks`), '--storepass', STOREPASS]);
    const jks = join(dir, `truststore-${size}.jks`);
    keytool([
      '-importkeystore', '-srckeystore', join(dir, `ts-${size}-certkit.jks`), '-srcstorepass', STOREPASS,
      '-destkeystore', jks, '-deststorepass', STOREPASS, '-deststoretype', 'JKS', '-noprompt',
    ]);
    stores[size] = jks;
  }
  return { dir, stores };
}

async function clientKeystores(env, m, dir) {
  // The seed's client keystore (keytool's PKCS#12) made into a keytool JKS with the chain.
  const seedDir = join(TMP, 'ks-seed');
  timed(SEED, [seedDir, 'rsa'], {
    env: { ...baseEnv, ...FAKE_ENV, AWS_CLI: m.awsCli, CA_ARN: env.rsaCa, ENDPOINT_URL: env.endpoint, S3_URI: `s3://${env.bucket}/ks-seed/`, STOREPASS, KEYPASS: STOREPASS, ALIAS: 'client' },
  });
  const clientJks = join(dir, 'client.jks');
  keytool([
    '-importkeystore', '-srckeystore', join(seedDir, 'kafka.client.keystore.jks'), '-srcstorepass', STOREPASS,
    '-destkeystore', clientJks, '-deststorepass', STOREPASS, '-deststoretype', 'JKS', '-noprompt',
  ]);
  return { clientJks, clientP12: join(seedDir, 'keystore.p12') };
}

function keytoolCount(file) {
  const out = keytool(['-list', '-keystore', file, '-storepass', STOREPASS]).stdout;
  return Number(/contains ([\d,.]+) entr/.exec(out)?.[1].replace(/[,.]/g, '')); // "1,000 entries"
}

async function keystoreSection(ks, trust) {
  const n = Math.max(QUICK ? 3 : 7, ROUNDS);
  const out = { n, list: {}, convert: {} };
  for (const [size, file] of Object.entries(trust.stores)) {
    log(`keystore list ${size}: ${n} rounds`);
    const ckJson = JSON.parse(certkit(['keystore', 'list', file, '--storepass', STOREPASS, '--json']).stdout);
    const ktCount = keytoolCount(file);
    if (ckJson.entries.length !== Number(size) || ktCount !== Number(size)) {
      throw new Error(`truststore ${size}: certkit lists ${ckJson.entries.length}, keytool ${ktCount}`);
    }
    out.list[size] = await paired(
      n,
      1,
      async () => keytool(['-list', '-keystore', file, '-storepass', STOREPASS]).t,
      async () => certkit(['keystore', 'list', file, '--storepass', STOREPASS]).t,
    );
  }
  // Where a long listing spends its time.
  const biggest = Object.keys(trust.stores).map(Number).sort((a, b) => b - a)[0];
  const profDir = join(TMP, 'list-prof');
  timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, BIN, 'keystore', 'list', trust.stores[biggest], '--storepass', STOREPASS], { env: baseEnv });
  out.listProfile = { size: biggest, top: selfTop(join(profDir, readdirSync(profDir).find((q) => q.endsWith('.cpuprofile'))), 8) };
  // Where the time of each listing goes, by category: what grows with the entries and what does not.
  out.listCategories = {};
  for (const [size, file] of Object.entries(trust.stores)) {
    log(`keystore list ${size}: profiles`);
    out.listCategories[size] = profileCommand(QUICK ? 1 : 3, () => ['keystore', 'list', file, '--storepass', STOREPASS], baseEnv);
  }
  const convert = async (label, src) => {
    log(`keystore convert ${label}: ${n} rounds`);
    const tag = Object.keys(out.convert).length;
    let k = 0;
    out.convert[label] = await paired(
      n,
      1,
      async () => {
        const dest = join(TMP, `kt-conv-${tag}-${k++}.p12`);
        return keytool([
          '-importkeystore', '-srckeystore', src, '-srcstorepass', STOREPASS, '-destkeystore', dest,
          '-deststorepass', STOREPASS, '-deststoretype', 'PKCS12', '-noprompt',
        ]).t;
      },
      async () => {
        const dest = join(TMP, `ck-conv-${tag}-${k++}.p12`);
        return certkit(['keystore', 'convert', src, dest, '--srcstorepass', STOREPASS, '--deststorepass', STOREPASS, '--deststoretype', 'pkcs12']).t;
      },
    );
    // keytool reads what certkit wrote.
    const last = join(TMP, `ck-conv-${tag}-${k - 1}.p12`);
    if (!(keytoolCount(last) > 0)) throw new Error(`keytool cannot list certkit's ${last}`);
  };
  await convert('client keystore (key + chain)', ks.clientJks);
  await convert('truststore of 150 CAs', trust.stores[150]);
  return out;
}

// ── section 4: batch issuance through the library ────────────────────────────────────────────
/** ACM PCA's IssueCertificate quota as this harness assumes it (requests per second, per account and Region). */
const PCA_ISSUE_RATE = 25;

function batchSection(env) {
  const sizes = QUICK ? [5, 20] : [10, 100];
  const concurrency = 4;
  const out = { concurrency, pcaRate: PCA_ISSUE_RATE, runs: [] };
  const run = (keyType, n, issuer, rate) => {
    const dir = join(TMP, `batch-${keyType}-${n}-${out.runs.length}`);
    const args = [join(RUN, 'bench/batch.mjs'), '--key-type', keyType, '--n', String(n), '--concurrency', String(concurrency), '--dir', dir];
    if (issuer === 'acm-pca (moto)') args.push('--ca-arn', keyType === 'ec256' ? env.ecCa : env.rsaCa, '--endpoint-url', env.endpoint);
    if (rate !== undefined) args.push('--rate', String(rate));
    log(`batch ${keyType} ${n} ${issuer}${rate === undefined ? '' : ` at most ${rate}/s`}`);
    // Two attempts per AWS call: a moto that stopped answering fails the batch in 2 minutes, not 5.
    const r = JSON.parse(timed(process.execPath, args, { env: { ...baseEnv, ...FAKE_ENV, AWS_MAX_ATTEMPTS: '2' } }).stdout);
    out.runs.push({ keyType, issuer, ...r });
    rmSync(dir, { recursive: true, force: true });
  };
  for (const keyType of ['ec256', 'rsa2048']) for (const n of sizes) run(keyType, n, 'local CA');
  if (env.endpoint !== undefined) {
    for (const n of sizes) {
      // moto_server has stopped answering part-way through a 100-identity batch (a request that
      // never comes back; certkit gives up after its request timeout): said in the report, not fatal.
      try {
        run('ec256', n, 'acm-pca (moto)', PCA_ISSUE_RATE);
      } catch (e) {
        const cause = /CertkitError: ([^\n]*)/.exec(String(e.message ?? e))?.[1] ?? String(e.message ?? e).split('\n')[0];
        (out.failed ??= []).push({ keyType: 'ec256', issuer: 'acm-pca (moto)', n, error: cause });
        log(`batch ec256 ${n} acm-pca (moto) did not finish: ${cause}`);
      }
    }
  }
  // The pacing itself: a local CA issues faster than 5 per second, so at --rate 5 the pacer binds.
  const paceN = QUICK ? 10 : 20;
  run('ec256', paceN, 'local CA', 5);
  out.pacing = out.runs[out.runs.length - 1];
  out.runs.pop();
  // Where a batch spends its time: one EC batch under the CPU profiler.
  const n = sizes[sizes.length - 1];
  const profDir = join(TMP, 'batch-prof');
  timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, join(RUN, 'bench/batch.mjs'), '--key-type', 'ec256', '--n', String(n), '--concurrency', String(concurrency), '--dir', join(TMP, 'batch-prof-out')]);
  const f = readdirSync(profDir).find((q) => q.endsWith('.cpuprofile'));
  out.profile = { n, top: selfTop(join(profDir, f), 10) };
  rmSync(join(TMP, 'batch-prof-out'), { recursive: true, force: true });
  return out;
}

// ── section 5: where certkit's time goes ─────────────────────────────────────────────────────
function whereSection(env, ks) {
  const k = QUICK ? 3 : 7;
  log(`where the time goes: ${k} processes per figure`);
  const probe = (args) => JSON.parse(timed(process.execPath, [join(RUN, 'bench/probe.mjs'), ...args], { env: baseEnv, cwd: RUN }).stdout);
  const imports = (specs) => {
    const runs = Array.from({ length: k }, () => probe(['import', ...specs]));
    return Object.fromEntries(specs.map((s) => [s, median(runs.map((r) => r[s]))]));
  };
  const node0 = median(Array.from({ length: k }, () => timed(process.execPath, ['-e', '0'], { env: baseEnv }).t * 1000));
  const alone = {};
  for (const spec of [
    'yargs',
    'dist/cli/main.js',
    'asn1js',
    'pkijs',
    'dist/keystore/keystore.js',
    'dist/pipeline.js',
    '@aws-sdk/client-acm-pca',
    '@aws-sdk/client-s3',
    '@aws-sdk/client-secrets-manager',
  ]) {
    try {
      alone[spec] = imports([spec])[spec];
    } catch {
      alone[spec] = undefined; // not installed (pkijs left the dependencies)
    }
  }
  // The two SDK generations: what each client adds once the others are loaded.
  const newerFirst = imports(['@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-acm-pca']);
  const pcaFirst = imports(['@aws-sdk/client-acm-pca', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager']);
  const keygen = {};
  for (const [spec, count] of [['rsa2048', QUICK ? 5 : 20], ['ec256', 20]]) {
    const all = probe(['keygen', spec, String(count)]).ms;
    keygen[spec] = { ...stats(all), p90: sorted(all)[Math.floor(all.length * 0.9)] };
  }
  const versions = {};
  for (const p of ['@aws-sdk/client-acm-pca', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager', 'pkijs', 'asn1js', 'yargs']) {
    try {
      versions[p] = JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
    } catch {
      versions[p] = undefined;
    }
  }
  const smithyCores = tryOut('sh', ['-c', `cd "${ROOT}" && find node_modules -path '*@smithy/core/package.json' -not -path '*/dist-*' | xargs -n1 sh -c 'node -p "require(\\"./$0\\").version"' | sort -u | tr '\\n' ' '`]);
  const awsCores = tryOut('sh', ['-c', `cd "${ROOT}" && find node_modules -path '*@aws-sdk/core/package.json' -not -path '*/dist-*' | xargs -n1 sh -c 'node -p "require(\\"./$0\\").version"' | sort -u | tr '\\n' ' '`]);
  let profiles;
  if (env.endpoint !== undefined) {
    const ckArgs = (kind) => (i) => [
      'client', '--ca-arn', kind === 'rsa' ? env.rsaCa : env.ecCa, '--endpoint-url', env.endpoint,
      '--s3', `s3://${env.bucket}/prof-${kind}-${i}/`, '--key-type', kind === 'rsa' ? 'rsa2048' : 'ec256',
      '--dname', 'CN=glue-client', '--alias', 'client', '--storepass', STOREPASS, '--keypass', KEYPASS,
      '--out', join(TMP, `prof-out-${kind}-${i}`),
    ];
    profiles = {
      'certkit client (RSA 2048)': profileCommand(k, ckArgs('rsa'), { ...baseEnv, ...FAKE_ENV }),
      'certkit client (EC P-256)': profileCommand(k, ckArgs('ec'), { ...baseEnv, ...FAKE_ENV }),
      'certkit --help': profileCommand(k, () => ['--help'], baseEnv),
      ...(ks === undefined ? {} : { 'certkit keystore list (client JKS)': profileCommand(k, () => ['keystore', 'list', ks.clientJks, '--storepass', STOREPASS], baseEnv) }),
    };
  }
  // How the profiles' bundle frames were attributed to sources (bench/bundle-map.mjs), by file count.
  const mapping = {};
  for (const how of Object.values(BUNDLE.methods())) mapping[how] = (mapping[how] ?? 0) + 1;
  return { k, node0, alone, newerFirst, pcaFirst, keygen, versions, smithyCores, awsCores, profiles, mapping };
}

// ── a CPU profile of whole commands, by category ──────────────────────────────────────────────
const YARGS_FAMILY = new Set(['yargs', 'yargs-parser', 'cliui', 'string-width', 'y18n', 'wrap-ansi', 'strip-ansi', 'ansi-regex', 'ansi-styles', 'emoji-regex', 'get-east-asian-width', 'escalade', 'get-caller-file']);
const AWS_FAMILY = new Set(['uuid', 'fast-xml-parser', 'strnum', 'tslib', 'bowser', '@aws/lambda-invoke-store']);
const CAT = {
  loading: 'module loading (resolve, read, compile: Node internals)',
  runtime: "module loading (esbuild's CommonJS / ESM glue in the bundle)",
  idle: 'idle: waiting for the network (moto) or the thread pool (key generation)',
  gc: 'garbage collection',
  node: 'Node internals (bootstrap, fs, crypto, streams)',
  certkit: 'certkit code',
  sdk: 'AWS SDK (run, including module top-level code)',
  yargs: 'yargs and its dependencies (run)',
  asn1: 'asn1js (run)',
  unattributed: 'bundle code that cannot be attributed (minified, no source map)',
};

/**
 * Where a profile frame's code came from: a repository-relative source path ('src/...',
 * 'node_modules/...', 'dist/...'; for a bundle file, the source at the frame's line and column,
 * per bench/bundle-map.mjs), or the URL as is ('node:internal/...', '' for V8's own entries).
 */
function frameSource(frame) {
  const path = runPath(frame.url);
  if (path === undefined) return frame.url;
  return BUNDLE.sourceAt(path, frame.lineNumber, frame.columnNumber) ?? path;
}

/**
 * The repository-relative path of a frame's file, or undefined if it is not a file. A module is
 * named by its file: URL, a script run through node:vm by the name it was compiled under: its
 * path, or, compiled from a V8 code cache, the name the cache was made with (scripts/bundle.mjs
 * names yargs's `dist/bin/yargs.cjs`; an older build's cache named the build directory's path,
 * which counts as the same path in the snapshot that ran).
 */
function runPath(url) {
  if (BUNDLE.isBundleFile(url)) return url;
  if (!url.startsWith('file:') && !url.startsWith('/')) return undefined;
  const abs = url.startsWith('/') ? url : fileURLToPath(url);
  const inRun = relative(RUN, abs);
  return inRun.startsWith('..') ? relative(ROOT, abs) : inRun;
}

const isCertkitSource = (src) => packageOf(src) === 'certkit';

/** The category of a frame's source, or undefined for Node's own code. */
function category(src) {
  if (src === ESBUILD_RUNTIME) return CAT.runtime;
  if (src === UNATTRIBUTED) return CAT.unattributed;
  const pkg = packageOf(src);
  if (pkg === undefined) return undefined;
  if (pkg === 'certkit') return CAT.certkit;
  if (YARGS_FAMILY.has(pkg)) return CAT.yargs;
  if (pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg.startsWith('@aws-crypto/') || AWS_FAMILY.has(pkg)) return CAT.sdk;
  if (pkg === 'asn1js' || pkg.startsWith('@peculiar/') || pkg === 'pvtsutils' || pkg === 'pvutils') return CAT.asn1;
  return `other packages (${pkg})`;
}

/** A profile's nodes by id, and each node's parent. */
function profileTree(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { p, byId, parent };
}

/**
 * Wall time of one profile by category: each sample goes to the innermost frame that belongs to
 * a package or to certkit (attributed by source, so a bundle's frames count for the package
 * esbuild took them from); node's module loader met first on the way out counts as module
 * loading; (idle) is waiting on the network or the thread pool.
 */
function profileBreakdown(file) {
  const { p, byId, parent } = profileTree(file);
  const memo = new Map();
  const classify = (id) => {
    if (memo.has(id)) return memo.get(id);
    const leaf = byId.get(id).callFrame.functionName;
    let c;
    if (leaf === '(idle)') c = CAT.idle;
    else if (leaf === '(garbage collector)') c = CAT.gc;
    else {
      for (let cur = id; cur !== undefined && c === undefined; cur = parent.get(cur)) {
        const src = frameSource(byId.get(cur).callFrame);
        if (src.startsWith('node:internal/modules') || src.startsWith('node:internal/vm')) c = CAT.loading;
        else c = category(src);
      }
      c ??= CAT.node;
    }
    memo.set(id, c);
    return c;
  };
  const out = {};
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const c = classify(p.samples[i]);
    out[c] = (out[c] ?? 0) + p.timeDeltas[i] / 1000;
    total += p.timeDeltas[i] / 1000;
  }
  out.total = total;
  return out;
}

/**
 * The `n` functions with the most self time in a profile: [["name (source) ← certkit caller", ms], ...].
 * Frames are named by their source (a bundle's frames by the source esbuild took them from);
 * functions outside certkit are named with the nearest certkit function that called them.
 */
function selfTop(file, n) {
  const { p, byId, parent } = profileTree(file);
  const name = (frame) => {
    const src = frameSource(frame);
    // A bundle file's line numbers mean nothing to a reader: its frames are named by source only.
    const path = runPath(frame.url);
    const inBundle = path !== undefined && BUNDLE.isBundleFile(path);
    const where = src === '' || inBundle ? src : `${src}:${frame.lineNumber + 1}`;
    return `${frame.functionName || '(anonymous)'}${where === '' ? '' : ` (${where})`}`;
  };
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const leaf = byId.get(p.samples[i]).callFrame;
    let k = name(leaf);
    if (!isCertkitSource(frameSource(leaf))) {
      for (let cur = parent.get(p.samples[i]); cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur).callFrame;
        if (isCertkitSource(frameSource(f))) {
          k += ` ← ${name(f)}`;
          break;
        }
      }
    }
    self.set(k, (self.get(k) ?? 0) + p.timeDeltas[i] / 1000);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** `k` profiled runs of `args`; per category, the median milliseconds. */
function profileCommand(k, argsFor, env) {
  const runs = [];
  for (let i = 0; i < k; i++) {
    const dir = join(TMP, `prof-${Math.random().toString(36).slice(2)}`);
    timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, BIN, ...argsFor(i)], { env });
    const f = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
    runs.push(profileBreakdown(join(dir, f)));
  }
  const cats = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(cats.map((c) => [c, median(runs.map((r) => r[c] ?? 0))]));
}

// ── the report ──────────────────────────────────────────────────────────────────────────────
function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

/** The issue's targets, each with the figure this run measured and whether it is met. */
function targets(r) {
  const L = [];
  const verdict = (ok) => (ok ? '**met**' : '**not met**');
  const rows = [];
  const p = r.pipeline;
  if (p?.rsa) rows.push(['`certkit client` RSA 2048 ≥ 10x the seed workflow (median of paired ratios)', x(p.rsa.ratio.median), verdict(p.rsa.ratio.median >= 10)]);
  if (p?.ec) rows.push(['`certkit client` EC P-256 ≥ 12x the seed workflow with EC keys', x(p.ec.ratio.median), verdict(p.ec.ratio.median >= 12)]);
  const s = r.startup;
  if (s) {
    const over = (q) => q.a.median - q.b.median;
    rows.push(['`certkit --help` within 60 ms of `node -e 0`', `+${ms(over(s.help))}`, verdict(over(s.help) <= 0.06)]);
    rows.push(['`certkit keystore list` within 60 ms of `node -e 0`', `+${ms(over(s.list))}`, verdict(over(s.list) <= 0.06)]);
    const sdk = Object.entries(s.loads).filter(([, c]) => Object.keys(c).some((k) => k.startsWith('@aws-sdk/') || k.startsWith('@smithy/') || k === 'pkijs'));
    rows.push(['no AWS SDK and no pkijs on the `--help` / keystore start-up path', sdk.length === 0 ? 'none loaded' : `loaded by ${sdk.map(([c]) => c).join(', ')}`, verdict(sdk.length === 0)]);
  }
  const k = r.keystore;
  if (k) {
    const list = k.list['150'];
    if (list) rows.push(['`keystore list` (150 CAs) ≥ 4x keytool', x(list.ratio.median), verdict(list.ratio.median >= 4)]);
    for (const [label, q] of Object.entries(k.convert)) rows.push([`\`keystore convert\` JKS→PKCS#12 (${label}) ≥ 4x keytool`, x(q.ratio.median), verdict(q.ratio.median >= 4)]);
    const big = k.list['1000'];
    const one = k.list['1'];
    if (list && big && one) {
      const t = (q) => q.b.median - one.b.median;
      rows.push(['`keystore list` grows gently: 1,000 entries against 150 (time above the 1-entry listing)', linearity(t(big) / t(list), 999 / 149), 'see "Scaling"']);
    }
  }
  const b = r.batch;
  if (b) {
    for (const [keyType, issuer] of [['ec256', 'local CA'], ['rsa2048', 'local CA'], ['ec256', 'acm-pca (moto)']]) {
      const runs = b.runs.filter((q) => q.keyType === keyType && q.issuer === issuer).sort((a2, b2) => a2.n - b2.n);
      if (runs.length >= 2) {
        const [lo, hi] = [runs[0], runs[runs.length - 1]];
        rows.push([`issuing ${hi.n} ${keyType} identities (${issuer}) against ${lo.n}: time per identity`, `${(1000 * hi.seconds / hi.n).toFixed(0)} ms against ${(1000 * lo.seconds / lo.n).toFixed(0)} ms`, 'see "Scaling"']);
      }
    }
  }
  const w = r.where;
  if (w) {
    const pca = w.newerFirst['@aws-sdk/client-acm-pca'];
    const sm = w.newerFirst['@aws-sdk/client-secrets-manager'];
    rows.push(['one SDK generation: what client-acm-pca 3.523 adds once the 3.11xx clients are loaded, against a same-generation client (Secrets Manager)', `${pca.toFixed(0)} ms against ${sm.toFixed(0)} ms`, 'measured; see "Where the time goes"']);
  }
  L.push('## Targets (issue 5)');
  L.push('');
  L.push(row(['target', 'this run', 'verdict']));
  L.push(row(['---', '---:', '---']));
  for (const q of rows) L.push(row(q));
  L.push('');
  if (p?.rsa && p?.ec) {
    L.push(`Headline (for the README): \`certkit client\` ran ${x(p.rsa.ratio.median)} faster than the keytool / openssl / aws-cli workflow with RSA 2048 keys and ${x(p.ec.ratio.median)} with EC P-256 (median of ${ROUNDS} paired runs against moto_server, ${r.machine.cores} cores, Node ${r.machine.node}, ${r.machine.date.slice(0, 10)}).`);
    L.push('');
  }
  return L;
}

/** "close to linear" and the like, for a measured growth against the growth of the work. */
function linearity(growth, work) {
  const q = growth / work;
  if (q >= 0.8 && q <= 1.25) return `close to linear (${x(growth)} the time for ${x(work)} the work)`;
  return q < 0.8
    ? `**sublinear**: ${x(growth)} the time for ${x(work)} the work`
    : `**superlinear**: ${x(growth)} the time for ${x(work)} the work`;
}

/**
 * The issue's "cost that grows gently", computed: the listing's cost above its fixed part (a
 * 1-entry store) at 150 and 1,000 entries, split by profile category to say which part grows;
 * batches of 10 and 100 identities split into a fixed part and a per-identity part (the line
 * through the two sizes), with what the first identity paid and, for ACM PCA, the rate floor.
 */
function scalingNotes(r) {
  const L = [];
  const k = r.keystore;
  const b = r.batch;
  if (!k?.list?.['1'] && !b) return L;
  L.push('## Scaling: cost that grows gently');
  L.push('');
  const sizes = Object.keys(k?.list ?? {}).map(Number).sort((a, c) => a - c);
  if (k?.list?.['1'] && sizes.length >= 3) {
    const [lo, hi] = [sizes[1], sizes[sizes.length - 1]];
    L.push(`\`keystore list\` of truststores with 1, ${lo} and ${hi} CAs (medians of the paired runs above). The work is the entries beyond the first, so the growth compared is the time above the 1-entry listing.`);
    L.push('');
    L.push(row(['tool', '1 entry', `${lo} entries`, `${hi} entries`, `per entry, 1→${lo}`, `per entry, ${lo}→${hi}`, `growth above the 1-entry time, ${lo}→${hi}`]));
    L.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---']));
    const work = (hi - 1) / (lo - 1);
    for (const [tool, side] of [['certkit', 'b'], ['keytool', 'a']]) {
      const t = (sz) => k.list[sz][side].median;
      const perEntry = (a, c) => `${(((t(c) - t(a)) / (c - a)) * 1000).toFixed(2)} ms`;
      L.push(row([tool, ms(t(1)), ms(t(lo)), ms(t(hi)), perEntry(1, lo), perEntry(lo, hi), linearity((t(hi) - t(1)) / (t(lo) - t(1)), work)]));
    }
    L.push('');
    const c = k.listCategories;
    if (c?.['1'] && c[lo] && c[hi]) {
      const cats = [...new Set([1, lo, hi].flatMap((sz) => Object.keys(c[sz])))].filter((q) => q !== 'total' && [1, lo, hi].some((sz) => (c[sz][q] ?? 0) >= 1));
      cats.sort((a, d) => (c[hi][d] ?? 0) - (c[hi][a] ?? 0));
      L.push(`Which part grows: certkit's listing under the CPU profiler by category (median ms), and each category's time per entry between ${lo} and ${hi} entries. A category flat across the sizes is fixed cost; one whose per-entry figure is larger than its 1→${lo} figure grows faster than the entries.`);
      L.push('');
      L.push(row(['category', '1 entry', `${lo} entries`, `${hi} entries`, `µs per entry, 1→${lo}`, `µs per entry, ${lo}→${hi}`]));
      L.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
      const v = (sz, q) => c[sz][q] ?? 0;
      for (const q of [...cats, 'total']) {
        const label = q === 'total' ? '**total (profiled)**' : q;
        L.push(row([label, v(1, q).toFixed(0), v(lo, q).toFixed(0), v(hi, q).toFixed(0), (((v(lo, q) - v(1, q)) / (lo - 1)) * 1000).toFixed(0), (((v(hi, q) - v(lo, q)) / (hi - lo)) * 1000).toFixed(0)]));
      }
      L.push('');
    }
  }
  if (b) {
    const groups = new Map();
    for (const q of b.runs) {
      const key = `${q.keyType}, ${q.issuer}`;
      groups.set(key, [...(groups.get(key) ?? []), q]);
    }
    L.push(`Batches (\`bench/batch.mjs\`, ${b.concurrency} at a time): the line through the two sizes splits each into a fixed part and a per-identity part. Per-identity cost that stays the same means linear growth; a fixed part well above zero is paid once (the first identity loads what the later ones find ready), so the small batch looks dearer per identity.`);
    L.push('');
    L.push(row(['batch', 'sizes', 'ms per identity (small → large)', 'per identity (slope)', 'fixed part', 'first identity done after', 'growth', 'rate floor (large batch)']));
    L.push(row(['---', '---', '---:', '---:', '---:', '---:', '---', '---']));
    for (const [key, qs] of groups) {
      if (qs.length < 2) continue;
      qs.sort((a, c) => a.n - c.n);
      const [s0, s1] = [qs[0], qs[qs.length - 1]];
      const slope = (s1.seconds - s0.seconds) / (s1.n - s0.n);
      const fixed = s0.seconds - slope * s0.n;
      const floor = s1.rate > 0 ? `${((s1.n - 1) / s1.rate).toFixed(2)} s at ${s1.rate}/s: ${s1.seconds <= 1.2 * ((s1.n - 1) / s1.rate) ? 'rate-bound' : 'not reached'}` : 'none';
      L.push(row([key, `${s0.n} → ${s1.n}`, `${((1000 * s0.seconds) / s0.n).toFixed(0)} → ${((1000 * s1.seconds) / s1.n).toFixed(0)}`, `${(slope * 1000).toFixed(0)} ms`, ms(fixed), `${ms(s0.firstSeconds)} → ${ms(s1.firstSeconds)}`, linearity(s1.seconds / s0.seconds, s1.n / s0.n), floor]));
    }
    L.push('');
  }
  return L;
}

function report(r) {
  const L = [];
  const m = r.machine;
  L.push('# certkit benchmark results');
  L.push('');
  L.push('Written by `npm run bench` (bench/run.mjs) from the run below; do not edit by hand.');
  if (QUICK) L.push('\n**QUICK RUN** (`--quick`): too few rounds for conclusions; a check of the harness.\n');
  else if (!FULL) L.push(`\n**PARTIAL RUN** (\`--skip ${[...SKIP].join(',')}\`).\n`);
  L.push('## Machine');
  L.push('');
  L.push(row(['date', 'cores', 'CPU', 'memory', 'Node', 'load avg at start', 'at end']));
  L.push(row(['---', '---', '---', '---', '---', '---', '---']));
  L.push(row([m.date, String(m.cores), m.cpuModel, m.memory, m.node, m.loadStart, r.loadEnd]));
  L.push('');
  L.push(`Tools: ${m.java}; ${m.awsVersion}; ${m.openssl}; ${m.jq}; moto ${m.moto}. Rounds: ${ROUNDS} paired after one warm-up pair.`);
  L.push('');
  const e = m.env;
  const ca = r.extraCa;
  L.push(
    `Environment of every timed process (both sides, and \`node -e 0\`): only ${e.passed.map((k) => `\`${k}\``).join(', ')} ` +
      '(HOME a scratch directory: no ~/.aws config or credentials), plus fake AWS credentials and region for the AWS commands. ' +
      `NODE_EXTRA_CA_CERTS was ${e.nodeExtraCaCerts ? 'set on this machine and was removed' : 'not set'}` +
      (ca ? ` (it adds ${ms(ca.a.median - ca.b.median)} to every node start: \`node -e 0\` ${ms(ca.a.median)} with it, ${ms(ca.b.median)} without, median of ${ca.a.n} pairs)` : '') +
      '. ' +
      (e.removed.length === 0
        ? 'No other inherited variable that could change a side (NODE_*, JAVA_*, _JAVA_OPTIONS, AWS_*, PYTHON*, SSL_*, LC_*...) was set.'
        : `Inherited variables that could change one side, removed for all timed processes: ${e.removed.map((k) => `\`${k}\``).join(', ')}.`),
  );
  L.push('');
  L.push(...targets(r));
  if (r.pipeline) {
    const p = r.pipeline;
    L.push('## certkit client against the seed workflow');
    L.push('');
    L.push('Same moto_server endpoint, same CA, same S3 upload (`client_cert.pem`, `private_key.pem`, `kafka.client.keystore.jks`),');
    L.push('same key type, both write the keystores, PEM files and the Redshift secret JSON. Seed: `bench/seed-workflow.sh`');
    L.push('(4 keytool JVMs, 3 aws-cli processes, openssl, sed, jq). certkit: `certkit client --ca-arn ... --s3 ... --endpoint-url ...`');
    L.push('(it also writes `csr.pem`, `ca.pem`, `client.properties`, `certkit.json`, checks S3 for existing objects first and reads the uploads back).');
    L.push('');
    L.push('The EC rows use an `EC_prime256v1` CA and `--signing-algorithm SHA256WITHECDSA` in the seed script; moto ignores both (its EC CA');
    L.push('holds an RSA key and signs SHA512WITHRSA), so only the client key differs between the RSA and EC rows, on both sides alike.');
    L.push('');
    L.push(row(['key', 'seed median', 'seed min', 'seed max', 'certkit median', 'certkit min', 'certkit max', 'ratio (median of pairs)', 'ratio min', 'ratio max']));
    L.push(row(Array(10).fill('---')));
    for (const [kind, label] of [['rsa', 'RSA 2048'], ['ec', 'EC P-256']]) {
      const q = p[kind];
      if (!q) continue;
      L.push(row([label, sec(q.seed.median), sec(q.seed.min), sec(q.seed.max), sec(q.certkit.median), sec(q.certkit.min), sec(q.certkit.max), `**${x(q.ratio.median)}**`, x(q.ratio.min), x(q.ratio.max)]));
    }
    L.push('');
    L.push('Seed workflow, median time per step:');
    L.push('');
    const steps = Object.keys(p.rsa?.steps ?? {});
    L.push(row(['step', ...['rsa', 'ec'].filter((k) => p[k]).map((k) => (k === 'rsa' ? 'RSA 2048' : 'EC P-256'))]));
    L.push(row(['---', ...['rsa', 'ec'].filter((k) => p[k]).map(() => '---:')]));
    for (const s of steps) L.push(row([s, ...['rsa', 'ec'].filter((k) => p[k]).map((k) => ms(p[k].steps[s]))]));
    const group = (k, pre) => Object.entries(p[k].steps).filter(([n]) => pre.some((q) => n.startsWith(q))).reduce((a, [, v]) => a + v, 0);
    L.push(row(['**keytool (4 JVMs)**', ...['rsa', 'ec'].filter((k) => p[k]).map((k) => `**${ms(group(k, ['keytool']))}**`)]));
    L.push(row(['**aws-cli (3 processes)**', ...['rsa', 'ec'].filter((k) => p[k]).map((k) => `**${ms(group(k, ['aws']))}**`)]));
    L.push(row(['**openssl, sed, jq**', ...['rsa', 'ec'].filter((k) => p[k]).map((k) => `**${ms(group(k, ['openssl', 'sed', 'jq']))}**`)]));
    L.push('');
  }
  if (r.startup) {
    const s = r.startup;
    L.push('## Start-up');
    L.push('');
    L.push(`Each against \`node -e 0\`, alternated, ${s.n} rounds; "over node" is the median of per-pair differences' medians (certkit median − node median).`);
    L.push('');
    L.push(row(['command', 'certkit median', 'min', 'max', '`node -e 0` median', 'over node', 'target']));
    L.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const [label, q] of [['`certkit --help`', s.help], ['`certkit --version`', s.version], ['`certkit keystore list` (client JKS)', s.list]]) {
      const over = q.a.median - q.b.median;
      L.push(row([label, ms(q.a.median), ms(q.a.min), ms(q.a.max), ms(q.b.median), ms(over), over <= 0.06 ? 'met (≤ 60 ms)' : 'not met (> 60 ms)']));
    }
    L.push('');
    L.push('Packages each command loads: every file the ES loader loads (a module hook, `bench/trace-packages.mjs`); a bundle file');
    L.push('counts as the sources esbuild put in it (`dist/bin/meta.json`). Figures are source modules per package; `certkit` is');
    L.push("certkit's own sources, `node:*` the built-ins imported as ES modules. The AWS SDK must be absent from the start-up path;");
    L.push('`certkit client` loads it by design.');
    L.push('');
    L.push(row(['command', 'certkit sources', 'packages (source modules)']));
    L.push(row(['---', '---:', '---']));
    const loadRows = Object.entries(s.loads);
    if (s.clientLoads) loadRows.push(['client (EC P-256, ACM PCA + S3)', s.clientLoads]);
    for (const [cmd, counts] of loadRows) {
      const pkgs = Object.entries(counts).filter(([k]) => k !== 'certkit').sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      L.push(row([cmd, String(counts.certkit ?? 0), pkgs.map(([k, v]) => `${k} (${v})`).join(', ')]));
    }
    L.push('');
    L.push('What the bundle saves: `bin/certkit` (the esbuild bundle in `dist/bin/`) against the same entry point from the plain');
    L.push(`tsc build (\`node dist/cli/bin.js\`, every module through the ES loader), alternated, ${s.n} rounds:`);
    L.push('');
    L.push(row(['command', 'bundle median', 'tsc build median', 'saved (median difference)', 'tsc build ÷ bundle (median of pairs)']));
    L.push(row(['---', '---:', '---:', '---:', '---:']));
    for (const [label, q] of [['`--help`', s.bundle.help], ['`keystore list` (client JKS)', s.bundle.list]]) {
      L.push(row([label, ms(q.a.median), ms(q.b.median), ms(q.b.median - q.a.median), x(1 / q.ratio.median)]));
    }
    L.push('');
  }
  if (r.keystore) {
    const k = r.keystore;
    L.push('## Keystore commands against keytool');
    L.push('');
    L.push(`Same files (JKS written by keytool), ${k.n} paired rounds. Target: certkit at least 4x faster.`);
    L.push('');
    L.push(row(['operation', 'keytool median', 'certkit median', 'certkit min', 'certkit max', 'ratio (median of pairs)', 'target']));
    L.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const [size, q] of Object.entries(k.list)) {
      L.push(row([`list, truststore of ${size} CA${size === '1' ? '' : 's'}`, ms(q.a.median), ms(q.b.median), ms(q.b.min), ms(q.b.max), `**${x(q.ratio.median)}**`, q.ratio.median >= 4 ? 'met' : 'not met']));
    }
    for (const [label, q] of Object.entries(k.convert)) {
      L.push(row([`convert JKS→PKCS#12, ${label}`, ms(q.a.median), ms(q.b.median), ms(q.b.min), ms(q.b.max), `**${x(q.ratio.median)}**`, q.ratio.median >= 4 ? 'met' : 'not met']));
    }
    if (k.listProfile) {
      L.push('');
      L.push(`Where \`certkit keystore list\` of ${k.listProfile.size} entries spends its time (CPU profile, self time):`);
      L.push('');
      L.push(row(['function', 'ms', 'µs per entry']));
      L.push(row(['---', '---:', '---:']));
      for (const [fn, t] of k.listProfile.top) L.push(row([`\`${fn}\``, t.toFixed(0), ((1000 * t) / k.listProfile.size).toFixed(0)]));
    }
    L.push('');
  }
  if (r.batch) {
    const b = r.batch;
    L.push('## Batch issuance through the library');
    L.push('');
    L.push(`\`bench/batch.mjs\`: the whole client pipeline per identity (key, CSR, signature, checks, all 9 files written), ${b.concurrency} at a time, one process.`);
    L.push('');
    L.push(`ACM PCA batches are paced to at most ${b.pcaRate} certificate requests started per second (the IssueCertificate quota this harness assumes; \`--rate\`), on top of the concurrency bound; "peak" is the most requests started in any one-second window.`);
    L.push('');
    L.push(row(['key', 'issuer', 'identities', 'seconds', 'identities / s', 'ms per identity', 'first identity done after', 'rate bound', 'peak requests / s']));
    L.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    const batchRow = (q) =>
      row([q.keyType, q.issuer, String(q.n), q.seconds.toFixed(2), q.perSecond.toFixed(1), ((1000 * q.seconds) / q.n).toFixed(1), ms(q.firstSeconds), q.rate === 0 ? 'none' : `${q.rate} / s`, String(q.peakIssuesPerSecond)]);
    for (const q of b.runs) L.push(batchRow(q));
    L.push('');
    for (const f of b.failed ?? []) {
      L.push(`The ${f.issuer} batch of ${f.n} ${f.keyType} identities did not finish: ${f.error}.`);
      L.push('');
    }
    if (b.pacing) {
      const q = b.pacing;
      const floor = (q.n - 1) / q.rate;
      L.push(`The pacing at work: ${q.n} EC identities from the local CA (which alone issues faster) at \`--rate ${q.rate}\` took ${q.seconds.toFixed(2)} s, at least the ${floor.toFixed(2)} s that ${q.n} starts ${(1000 / q.rate).toFixed(0)} ms apart need; peak ${q.peakIssuesPerSecond} starts in any one second: ${q.peakIssuesPerSecond <= q.rate && q.seconds >= floor ? '**bound held**' : '**bound NOT held**'}.`);
      L.push('');
    }
    if (b.profile) {
      L.push(`Where an EC P-256 batch of ${b.profile.n} spends its time (CPU profile, self time of the top functions, whole run):`);
      L.push('');
      L.push(row(['function', 'ms', 'ms per identity']));
      L.push(row(['---', '---:', '---:']));
      for (const [fn, t] of b.profile.top) L.push(row([`\`${fn}\``, t.toFixed(0), (t / b.profile.n).toFixed(1)]));
      L.push('');
    }
  }
  L.push(...scalingNotes(r));
  if (r.where) {
    const w = r.where;
    L.push("## Where certkit's time goes");
    L.push('');
    L.push(`Each import measured in a fresh process (median of ${w.k}), on top of Node's own start-up (\`node -e 0\`: ${w.node0.toFixed(0)} ms). These are the packages as installed (node_modules) and certkit's tsc build, not the bundle: what each part costs the library's users, and what the bundle starts from.`);
    L.push('');
    L.push(row(['what', 'ms (median)']));
    L.push(row(['---', '---:']));
    for (const [spec, v] of Object.entries(w.alone)) {
      L.push(row([`import \`${spec}\`${w.versions[spec] ? ` ${w.versions[spec]}` : ''}`, v === undefined ? 'not installed' : v.toFixed(0)]));
    }
    const nf = w.newerFirst;
    const pf = w.pcaFirst;
    L.push(row(['client-s3 then client-secrets-manager (same generation): the second adds', nf['@aws-sdk/client-secrets-manager'].toFixed(0)]));
    L.push(row(['…then client-acm-pca 3.523 (the older generation) adds', nf['@aws-sdk/client-acm-pca'].toFixed(0)]));
    L.push(row(['client-acm-pca first, then client-s3 adds', pf['@aws-sdk/client-s3'].toFixed(0)]));
    L.push(row(['all three SDK clients', (nf['@aws-sdk/client-s3'] + nf['@aws-sdk/client-secrets-manager'] + nf['@aws-sdk/client-acm-pca']).toFixed(0)]));
    for (const [spec, q] of Object.entries(w.keygen)) {
      L.push(row([`generate ${spec} key (median; p90; max of ${q.n})`, `${q.median.toFixed(spec === 'ec256' ? 2 : 0)}; ${q.p90.toFixed(spec === 'ec256' ? 2 : 0)}; ${q.max.toFixed(spec === 'ec256' ? 2 : 0)}`]));
    }
    L.push('');
    L.push(`SDK cores installed: @smithy/core ${w.smithyCores}; @aws-sdk/core ${w.awsCores}.`);
    L.push('');
    if (w.profiles) {
      const names = Object.keys(w.profiles);
      // Categories with under 1 ms in every command are left out.
      const cats = [...new Set(names.flatMap((n) => Object.keys(w.profiles[n])))].filter((c) => c !== 'total' && names.some((n) => (w.profiles[n][c] ?? 0) >= 1));
      cats.sort((a, b) => (w.profiles[names[0]][b] ?? 0) - (w.profiles[names[0]][a] ?? 0));
      L.push(`Whole commands under the CPU profiler (\`node --cpu-prof\`, median of ${w.k} runs per cell; the profiler itself slows them a little): where the wall time went, by the innermost frame of each sample.`);
      L.push('');
      L.push(row(['category', ...names]));
      L.push(row(['---', ...names.map(() => '---:')]));
      for (const c of cats) L.push(row([c, ...names.map((n) => `${(w.profiles[n][c] ?? 0).toFixed(0)} ms`)]));
      L.push(row(['**total (profiled)**', ...names.map((n) => `**${w.profiles[n].total.toFixed(0)} ms**`)]));
      L.push('');
      const how = Object.entries(w.mapping ?? {}).map(([m, c]) => `${m} (${c} file${c === 1 ? '' : 's'})`).join(', ');
      L.push(`certkit runs as the esbuild bundle, so a frame's URL is a bundle file: each frame is attributed to the source esbuild took it from, by its line and column (\`bench/bundle-map.mjs\`; this run: ${how || 'no bundle frames'}).`);
      L.push('');
    }
  }
  return L.join('\n') + '\n';
}

// ── main ────────────────────────────────────────────────────────────────────────────────────
/** A moto_server with the bench's two CAs (RSA, EC) and its bucket. */
async function motoWithCas() {
  const moto = await startMoto();
  const env = { endpoint: moto.endpoint, bucket: 'certkit-bench' };
  const ca = (keyAlgorithm) => createActivatedCa(moto.endpoint, { keyAlgorithm, commonName: `certkit bench root ${keyAlgorithm}`, organization: 'certkit bench' });
  env.rsaCa = (await ca('RSA_2048')).caArn;
  env.ecCa = (await ca('EC_prime256v1')).caArn;
  await createBucket(moto.endpoint, env.bucket);
  return { moto, env };
}

async function mainRun() {
  const result = { machine: machine() };
  // For this process only (moto set-up through the SDK); no timed process inherits it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  log(`certkit bench: ${result.machine.cores} cores, ${result.machine.cpuModel}, Node ${result.machine.node}, load ${result.machine.loadStart}; scratch ${TMP}`);
  const needMoto = ['pipeline', 'keystore', 'startup', 'batch', 'where'].some((sec) => !SKIP.has(sec));
  const main = needMoto ? await motoWithCas() : undefined;
  const moto = main?.moto;
  try {
    const env = main?.env ?? {};
    let ks;
    let trust;
    if (!SKIP.has('keystore') || !SKIP.has('startup') || !SKIP.has('where')) {
      // 1 CA: the fixed cost of a listing, for the scaling notes.
      trust = await makeKeystores(QUICK ? [1, 20, 150] : [1, 150, 1000]);
      ks = await clientKeystores(env, result.machine, trust.dir);
    }
    if (!SKIP.has('pipeline')) result.pipeline = await pipelineSection(env, result.machine);
    if (!SKIP.has('startup')) {
      result.extraCa = await extraCaCost(QUICK ? 5 : 15);
      result.startup = await startupSection(ks, env);
    }
    if (!SKIP.has('keystore')) result.keystore = await keystoreSection(ks, trust);
    if (!SKIP.has('batch')) {
      // A moto_server of its own: after the sections above one moto has stopped answering part-way
      // through the 100-identity batch (a GetCertificate that never came back), here as helper A saw.
      const fresh = moto === undefined ? undefined : await motoWithCas();
      try {
        result.batch = batchSection(fresh?.env ?? env);
      } finally {
        await fresh?.moto.stop();
      }
    }
    if (!SKIP.has('where')) result.where = whereSection(env, ks);
  } finally {
    await moto?.stop();
  }
  result.loadEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
  const text = report(result);
  writeFileSync(OUT, text);
  writeFileSync(OUT.replace(/\.md$/, '.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(text);
  log(`wrote ${OUT}`);
}

try {
  await mainRun();
} finally {
  rmSync(TMP, { recursive: true, force: true });
}
