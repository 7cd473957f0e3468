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
 * --out FILE   where the report goes (default bench/RESULTS.md; with --quick a file in the temp directory)
 * --skip       pipeline,startup,keystore,batch,where (sections to leave out)
 *
 * Method: every timed command is a fresh process (spawnSync, wall time from before spawn to
 * after exit). Pairs alternate their order each round so drift on a shared machine hits both
 * sides alike; the headline is the median of the per-pair ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { createActivatedCa, createBucket, FAKE_ENV, listKeys, startMoto } from './moto.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/certkit');
const SEED = join(ROOT, 'bench/seed-workflow.sh');

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
const OUT = values.out ?? (QUICK ? join(tmpdir(), 'certkit-bench-quick.md') : join(ROOT, 'bench/RESULTS.md'));
const SKIP = new Set(values.skip.split(',').filter(Boolean));

const STOREPASS = 'YourStorePass';
const KEYPASS = 'YourKeyPass';
const TMP = mkdtempSync(join(tmpdir(), 'certkit-bench-'));
const log = (s) => process.stderr.write(s + '\n');

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
/** Runs a command to completion; returns its wall time in seconds. Throws if it fails. */
function timed(cmd, args, options = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout || '').slice(-2000)}`);
  }
  return { t, stdout: r.stdout, stderr: r.stderr };
}

const baseEnv = { PATH: process.env.PATH ?? '', HOME: TMP, LANG: 'C.UTF-8' };
const certkit = (args, options = {}) => timed(process.execPath, [BIN, ...args], { env: baseEnv, ...options });
const keytool = (args, options = {}) => timed('keytool', args, { env: { ...baseEnv, HOME: process.env.HOME ?? TMP }, ...options });

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
  };
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
async function startupSection(ks) {
  const n = Math.max(QUICK ? 5 : 15, ROUNDS * 2);
  log(`start-up: ${n} rounds`);
  const node0 = async () => timed(process.execPath, ['-e', '0'], { env: baseEnv }).t;
  const help = await paired(n, 2, async () => certkit(['--help']).t, node0);
  const version = await paired(n, 1, async () => certkit(['--version']).t, node0);
  const list = await paired(
    n,
    1,
    async () => certkit(['keystore', 'list', ks.clientJks, '--storepass', STOREPASS]).t,
    node0,
  );
  // What each command loads (ES module graph, by package).
  const trace = (args) => {
    const file = join(TMP, `trace-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(file, '');
    timed(process.execPath, ['--import', join(ROOT, 'bench/trace-packages.mjs'), BIN, ...args], {
      env: { ...baseEnv, ...FAKE_ENV, CERTKIT_TRACE_FILE: file },
    });
    const counts = {};
    for (const url of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const mm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
      const key = mm ? mm[1] : url.includes('/dist/') ? 'certkit' : url.startsWith('node:') ? 'node:*' : 'other';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };
  const loads = {
    '--help': trace(['--help']),
    'keystore list (JKS)': trace(['keystore', 'list', ks.clientJks, '--storepass', STOREPASS]),
    'keystore list (PKCS#12)': trace(['keystore', 'list', ks.clientP12, '--storepass', STOREPASS]),
    'keystore convert JKS→PKCS#12': trace([
      'keystore', 'convert', ks.clientJks, join(TMP, `trace-conv.p12`),
      '--srcstorepass', STOREPASS, '--deststorepass', STOREPASS, '--deststoretype', 'pkcs12',
    ]),
  };
  // A bundled build of bin/ (rolldown, found in node_modules as vitest's bundler): does it start faster?
  let bundled;
  try {
    const dir = join(TMP, 'bundle');
    timed(join(ROOT, 'node_modules/.bin/rolldown'), [join(ROOT, 'dist/cli/main.js'), '--format', 'esm', '--platform', 'node', '-d', dir], {
      env: baseEnv,
      cwd: ROOT,
    });
    writeFileSync(join(dir, 'bin.mjs'), "import { main } from './main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n");
    const b = (args) => timed(process.execPath, [join(dir, 'bin.mjs'), ...args], { env: baseEnv }).t;
    const bHelp = await paired(n, 1, async () => b(['--help']), async () => certkit(['--help']).t);
    const bList = await paired(
      n,
      1,
      async () => b(['keystore', 'list', ks.clientJks, '--storepass', STOREPASS]),
      async () => certkit(['keystore', 'list', ks.clientJks, '--storepass', STOREPASS]).t,
    );
    bundled = { help: bHelp, list: bList };
  } catch (e) {
    bundled = { error: String(e.message ?? e).split('\n')[0] };
  }
  return { n, help, version, list, loads, bundled };
}

// ── section 3: keystore commands against keytool ─────────────────────────────────────────────
/** Makes the keystores: the seed's client keystore as a keytool JKS, and truststores of N CAs. */
async function makeKeystores(sizes) {
  const dir = join(TMP, 'ks');
  mkdirSync(dir, { recursive: true });
  const lib = await import(join(ROOT, 'dist/index.js'));
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
  const mid = Object.keys(trust.stores).map(Number).sort((a, b) => a - b)[0];
  await convert(`truststore of ${mid} CAs`, trust.stores[mid]);
  return out;
}

// ── section 4: batch issuance through the library ────────────────────────────────────────────
function batchSection(env) {
  const sizes = QUICK ? [5, 20] : [10, 100];
  const concurrency = 4;
  const out = { concurrency, runs: [] };
  const run = (keyType, n, issuer) => {
    const dir = join(TMP, `batch-${keyType}-${n}-${issuer}`);
    const args = [join(ROOT, 'bench/batch.mjs'), '--key-type', keyType, '--n', String(n), '--concurrency', String(concurrency), '--dir', dir];
    if (issuer === 'acm-pca (moto)') args.push('--ca-arn', keyType === 'ec256' ? env.ecCa : env.rsaCa, '--endpoint-url', env.endpoint);
    log(`batch ${keyType} ${n} ${issuer}`);
    const r = JSON.parse(timed(process.execPath, args, { env: { ...baseEnv, ...FAKE_ENV } }).stdout);
    out.runs.push({ keyType, issuer, ...r });
    rmSync(dir, { recursive: true, force: true });
  };
  for (const keyType of ['ec256', 'rsa2048']) for (const n of sizes) run(keyType, n, 'local CA');
  if (env.endpoint !== undefined) run('ec256', sizes[sizes.length - 1], 'acm-pca (moto)');
  // Where a batch spends its time: one EC batch under the CPU profiler.
  const n = sizes[sizes.length - 1];
  const profDir = join(TMP, 'batch-prof');
  timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, join(ROOT, 'bench/batch.mjs'), '--key-type', 'ec256', '--n', String(n), '--concurrency', String(concurrency), '--dir', join(TMP, 'batch-prof-out')], { env: baseEnv });
  const f = readdirSync(profDir).find((q) => q.endsWith('.cpuprofile'));
  out.profile = { n, top: selfTop(join(profDir, f), 10) };
  rmSync(join(TMP, 'batch-prof-out'), { recursive: true, force: true });
  return out;
}

// ── section 5: where certkit's time goes ─────────────────────────────────────────────────────
function whereSection(env, ks) {
  const k = QUICK ? 3 : 7;
  log(`where the time goes: ${k} processes per figure`);
  const probe = (args) => JSON.parse(timed(process.execPath, [join(ROOT, 'bench/probe.mjs'), ...args], { env: baseEnv, cwd: ROOT }).stdout);
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
  return { k, node0, alone, newerFirst, pcaFirst, keygen, versions, smithyCores, awsCores, profiles };
}

// ── a CPU profile of whole commands, by category ──────────────────────────────────────────────
const YARGS_FAMILY = new Set(['yargs', 'yargs-parser', 'cliui', 'string-width', 'y18n', 'wrap-ansi', 'strip-ansi', 'ansi-regex', 'ansi-styles', 'emoji-regex', 'get-east-asian-width', 'escalade', 'get-caller-file']);

/** Sorts a profile sample's innermost frame into a category. */
function category(url, fn) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/node_modules\/((?:@[^/]+\/)?[^/]+))?/.exec(url);
  if (m) {
    const pkg = m[3] ?? m[1];
    if (YARGS_FAMILY.has(pkg)) return 'yargs and its dependencies (run)';
    if (pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg.startsWith('@aws-crypto/') || ['uuid', 'fast-xml-parser', 'strnum', 'tslib', 'bowser', '@aws/lambda-invoke-store'].includes(pkg)) {
      return 'AWS SDK (run, including module top-level code)';
    }
    if (pkg === 'asn1js' || pkg === 'pkijs' || pkg.startsWith('@peculiar/') || pkg === 'pvtsutils' || pkg === 'pvutils' || pkg === 'bytestreamjs') return 'asn1js / pkijs (run)';
    return `other packages (${pkg})`;
  }
  if (url.includes('/dist/')) return 'certkit code (dist/)';
  if (fn === '(idle)') return 'idle: waiting for the network (moto) or the thread pool (key generation)';
  if (fn === '(garbage collector)') return 'garbage collection';
  return 'Node internals: bootstrap, module resolution, compiling, fs';
}

/**
 * Wall time of one profile by category: each sample goes to the innermost frame that belongs to
 * a package or to certkit; node's module loader (resolving, reading, compiling) met first on the
 * way out counts as module loading; (idle) is waiting on the network or the thread pool.
 */
function profileBreakdown(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  const classify = (id) => {
    if (memo.has(id)) return memo.get(id);
    const leaf = byId.get(id).callFrame.functionName;
    let c;
    if (leaf === '(idle)') c = 'idle: waiting for the network (moto) or the thread pool (key generation)';
    else if (leaf === '(garbage collector)') c = 'garbage collection';
    else {
      for (let cur = id; cur !== undefined && c === undefined; cur = parent.get(cur)) {
        const { url } = byId.get(cur).callFrame;
        if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/vm')) c = 'module loading (resolve, read, compile: Node internals)';
        else if (url.includes('node_modules/') || url.includes('/dist/')) c = category(url, '');
      }
      c ??= 'Node internals (bootstrap, fs, crypto, streams)';
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
 * The `n` functions with the most self time in a profile: [["name (file:line) ← certkit caller", ms], ...].
 * Node's own functions are named with the nearest certkit function that called them.
 */
function selfTop(file, n) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((q) => [q.id, q]));
  const parent = new Map();
  for (const q of p.nodes) for (const c of q.children ?? []) parent.set(c, q.id);
  const name = ({ functionName, url, lineNumber }) =>
    `${functionName || '(anonymous)'}${url === '' ? '' : ` (${url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\/.*\//, '')}:${lineNumber + 1})`}`;
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const leaf = byId.get(p.samples[i]).callFrame;
    let k = name(leaf);
    if (!leaf.url.includes('/dist/')) {
      for (let cur = parent.get(p.samples[i]); cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur).callFrame;
        if (f.url.includes('/dist/')) {
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
    const sdk = Object.entries(s.loads).filter(([, c]) => Object.keys(c).some((k) => k.startsWith('@aws-sdk/') || k === 'pkijs'));
    rows.push(['no AWS SDK and no pkijs on the `--help` / keystore start-up path', sdk.length === 0 ? 'none loaded' : `loaded by ${sdk.map(([c]) => c).join(', ')}`, verdict(sdk.length === 0)]);
  }
  const k = r.keystore;
  if (k) {
    const list = k.list['150'];
    if (list) rows.push(['`keystore list` (150 CAs) ≥ 4x keytool', x(list.ratio.median), verdict(list.ratio.median >= 4)]);
    for (const [label, q] of Object.entries(k.convert)) rows.push([`\`keystore convert\` JKS→PKCS#12 (${label}) ≥ 4x keytool`, x(q.ratio.median), verdict(q.ratio.median >= 4)]);
    const big = k.list['1000'];
    if (list && big) {
      const growth = big.b.median / list.b.median;
      rows.push(['`keystore list` grows gently: 1,000 entries against 150 (6.7x the entries)', `${x(growth)} the time`, 'see the scaling notes']);
    }
  }
  const b = r.batch;
  if (b) {
    for (const keyType of ['ec256', 'rsa2048']) {
      const runs = b.runs.filter((q) => q.keyType === keyType && q.issuer === 'local CA').sort((a2, b2) => a2.n - b2.n);
      if (runs.length >= 2) {
        const [lo, hi] = [runs[0], runs[runs.length - 1]];
        rows.push([`issuing ${hi.n} ${keyType} identities against ${lo.n} (time per identity)`, `${(1000 * hi.seconds / hi.n).toFixed(0)} ms against ${(1000 * lo.seconds / lo.n).toFixed(0)} ms`, 'see the batch table']);
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

function report(r) {
  const L = [];
  const m = r.machine;
  L.push('# certkit benchmark results');
  L.push('');
  L.push('Written by `npm run bench` (bench/run.mjs) from the run below; do not edit by hand.');
  L.push(QUICK ? '\n**QUICK RUN** (`--quick`): too few rounds for conclusions; a check of the harness.\n' : '');
  L.push('## Machine');
  L.push('');
  L.push(row(['date', 'cores', 'CPU', 'memory', 'Node', 'load avg at start', 'at end']));
  L.push(row(['---', '---', '---', '---', '---', '---', '---']));
  L.push(row([m.date, String(m.cores), m.cpuModel, m.memory, m.node, m.loadStart, r.loadEnd]));
  L.push('');
  L.push(`Tools: ${m.java}; ${m.awsVersion}; ${m.openssl}; ${m.jq}; moto ${m.moto}. Rounds: ${ROUNDS} paired after one warm-up pair.`);
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
    L.push('Packages each command loads (modules through the ES loader; the AWS SDK and pkijs should be absent):');
    L.push('');
    L.push(row(['command', 'packages (modules)']));
    L.push(row(['---', '---']));
    for (const [cmd, counts] of Object.entries(s.loads)) {
      L.push(row([cmd, Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} (${v})`).join(', ')]));
    }
    L.push('');
    if (s.bundled.error) {
      L.push(`Bundled build: not measured (${s.bundled.error}).`);
    } else {
      L.push('A bundled build of bin/ (rolldown, one ESM chunk per lazily imported module) against the unbundled dist/:');
      L.push('');
      L.push(row(['command', 'bundled median', 'dist/ median', 'dist/ ÷ bundled']));
      L.push(row(['---', '---:', '---:', '---:']));
      L.push(row(['`--help`', ms(s.bundled.help.a.median), ms(s.bundled.help.b.median), x(1 / s.bundled.help.ratio.median)]));
      L.push(row(['`keystore list`', ms(s.bundled.list.a.median), ms(s.bundled.list.b.median), x(1 / s.bundled.list.ratio.median)]));
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
      L.push(row([`list, truststore of ${size} CAs`, ms(q.a.median), ms(q.b.median), ms(q.b.min), ms(q.b.max), `**${x(q.ratio.median)}**`, q.ratio.median >= 4 ? 'met' : 'not met']));
    }
    for (const [label, q] of Object.entries(k.convert)) {
      L.push(row([`convert JKS→PKCS#12, ${label}`, ms(q.a.median), ms(q.b.median), ms(q.b.min), ms(q.b.max), `**${x(q.ratio.median)}**`, q.ratio.median >= 4 ? 'met' : 'not met']));
    }
    const sizes = Object.keys(k.list).map(Number).sort((a, b) => a - b);
    if (sizes.length >= 2 && r.startup) {
      const [lo, hi] = [sizes[0], sizes[sizes.length - 1]];
      const base = r.startup.list.a.median; // certkit listing a 1-entry store: the fixed cost
      const per = (sz) => (k.list[sz].b.median - base) / sz;
      L.push('');
      L.push(`Scaling of \`certkit keystore list\`: fixed cost (1-entry store) ${ms(base)}; per entry above it ${(per(lo) * 1e3).toFixed(2)} ms at ${lo} entries, ${(per(hi) * 1e3).toFixed(2)} ms at ${hi} entries (linear would keep them equal).`);
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
    L.push(row(['key', 'issuer', 'identities', 'seconds', 'identities / s', 'ms per identity']));
    L.push(row(['---', '---', '---:', '---:', '---:', '---:']));
    for (const q of b.runs) L.push(row([q.keyType, q.issuer, String(q.n), q.seconds.toFixed(2), q.perSecond.toFixed(1), (1000 * q.seconds / q.n).toFixed(1)]));
    L.push('');
    if (b.profile) {
      L.push(`Where an EC P-256 batch of ${b.profile.n} spends its time (CPU profile, self time of the top functions, whole run):`);
      L.push('');
      L.push(row(['function', 'ms', 'ms per identity']));
      L.push(row(['---', '---:', '---:']));
      for (const [fn, t] of b.profile.top) L.push(row([`\`${fn}\``, t.toFixed(0), (t / b.profile.n).toFixed(1)]));
      L.push('');
    }
  }
  if (r.where) {
    const w = r.where;
    L.push("## Where certkit's time goes");
    L.push('');
    L.push(`Each import measured in a fresh process (median of ${w.k}), on top of Node's own start-up (\`node -e 0\`: ${w.node0.toFixed(0)} ms).`);
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
      const cats = [...new Set(names.flatMap((n) => Object.keys(w.profiles[n])))].filter((c) => c !== 'total');
      cats.sort((a, b) => (w.profiles[names[0]][b] ?? 0) - (w.profiles[names[0]][a] ?? 0));
      L.push(`Whole commands under the CPU profiler (\`node --cpu-prof\`, median of ${w.k} runs per cell; the profiler itself slows them a little): where the wall time went, by the innermost frame of each sample.`);
      L.push('');
      L.push(row(['category', ...names]));
      L.push(row(['---', ...names.map(() => '---:')]));
      for (const c of cats) L.push(row([c, ...names.map((n) => `${(w.profiles[n][c] ?? 0).toFixed(0)} ms`)]));
      L.push(row(['**total (profiled)**', ...names.map((n) => `**${w.profiles[n].total.toFixed(0)} ms**`)]));
      L.push('');
    }
  }
  return L.join('\n') + '\n';
}

// ── main ────────────────────────────────────────────────────────────────────────────────────
async function mainRun() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const result = { machine: machine() };
  log(`certkit bench: ${result.machine.cores} cores, ${result.machine.cpuModel}, Node ${result.machine.node}, load ${result.machine.loadStart}; scratch ${TMP}`);
  const needMoto = ['pipeline', 'keystore', 'startup', 'batch', 'where'].some((sec) => !SKIP.has(sec));
  const moto = needMoto ? await startMoto() : undefined;
  try {
    const env = {};
    if (moto) {
      env.endpoint = moto.endpoint;
      env.bucket = 'certkit-bench';
      env.rsaCa = await createActivatedCa(moto.endpoint, 'RSA_2048');
      env.ecCa = await createActivatedCa(moto.endpoint, 'EC_prime256v1');
      await createBucket(moto.endpoint, env.bucket);
    }
    let ks;
    let trust;
    if (!SKIP.has('keystore') || !SKIP.has('startup') || !SKIP.has('where')) {
      trust = await makeKeystores(QUICK ? [150] : [150, 1000]);
      ks = await clientKeystores(env, result.machine, trust.dir);
    }
    if (!SKIP.has('pipeline')) result.pipeline = await pipelineSection(env, result.machine);
    if (!SKIP.has('startup')) result.startup = await startupSection(ks);
    if (!SKIP.has('keystore')) result.keystore = await keystoreSection(ks, trust);
    if (!SKIP.has('batch')) result.batch = batchSection(env);
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
