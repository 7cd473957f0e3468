/**
 * Secret hygiene: a sentinel password (non-ASCII, astral, with a marker) and a sentinel private key
 * (a fixed PKCS#8 RSA key) go through every command, every password source (pass:, bare, env:,
 * file:, stdin), success and failure paths (wrong password, corrupt input, existing output,
 * unwritable output), plain, --json and --debug. After each run (in process, through main):
 * - stdout and stderr hold none of the needles (the password and the wrong password in UTF-8,
 *   UTF-16LE/BE, the marker alone; pieces of the key's PEM body; its private numbers raw, hex and
 *   base64url; its modulus in hex);
 * - every file in the run's directory is scanned: only the intended carriers may hold a needle,
 *   and only of their kind (CARRIERS below); keystores and encrypted keys hold neither in plaintext;
 * - a password given on the command line (pass: or bare) prints the notice exactly once, however
 *   many such options; env:, file: and stdin print none.
 */
import { X509Certificate } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { COMMAND_LINE_PASSWORD_NOTICE } from '../../src/cli/passwords.js';
import { createLocalCaIssuer, initLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { exportEncryptedPkcs8Pem, exportPkcs8Der, exportPkcs8Pem, importPrivateKey, publicKeyOf } from '../../src/keys.js';
import { readKeyStore, writeKeyStore } from '../../src/keystore/keystore.js';
import { escapePropertiesValue } from '../../src/artifacts.js';
import { encodePem } from '../../src/pem.js';
import { STATE_FILE } from '../../src/pipeline.js';
import { buildCertificate, randomSerial } from '../../src/x509/cert-builder.js';
import { buildCsr } from '../../src/x509/csr.js';
import { builtCliExists, runBin, runCli, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { NEEDLES, SENTINEL_KEY, SENTINEL_KEY_PEM, SENTINEL_PASSWORD, SENTINEL_WRONG, type Needle } from './sentinel.js';

type Kind = Needle['kind'];

/**
 * The files allowed to carry a secret, by name, and which kind. Everything else (keystores,
 * encrypted keys, certificates, CSRs, certkit.json, ...) must hold no needle at all.
 */
const CARRIERS: Readonly<Record<string, readonly Kind[]>> = {
  // inputs the test wrote
  'sentinel.key': ['key'], // the sentinel key, unencrypted PEM
  'corrupt-plain.key': ['key'], // the same, one DER byte flipped
  'truncated-plain.key': ['key'], // the same, cut off half-way
  'ca-key.pem@sca': ['key'], // the CA of `sign` uses the sentinel key
  'pw1.txt': ['password'], // file: sources
  'pw2.txt': ['password'],
  'pw3.txt': ['password'],
  'pw4.txt': ['password'],
  // outputs meant to carry them
  'private_key.pem': ['key'],
  'out-key.pem': ['key'], // keystore export --key-out
  'redshift-secret.json': ['key'],
  'secret.json': ['key'], // redshift-secret --out
  'client.properties': ['password'], // the Kafka client settings hold the keystore passwords
  [STATE_FILE]: ['key'], // the resume state of a client run that stopped after issuing
};

function allowed(file: string): readonly Kind[] {
  const parts = file.split('/');
  const name = parts[parts.length - 1]!;
  if (name === 'ca-key.pem' && parts[parts.length - 2] === 'sca') return CARRIERS['ca-key.pem@sca']!;
  return CARRIERS[name] ?? [];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Every needle found, as "where: needle name". */
function leaks(result: CliResult, cwd: string): string[] {
  const found: string[] = [];
  for (const [where, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const bytes = Buffer.from(text, 'utf8');
    for (const n of NEEDLES) if (bytes.includes(n.bytes)) found.push(`${where}: ${n.name}`);
  }
  for (const file of walk(cwd)) {
    const rel = relative(cwd, file);
    const ok = allowed(rel);
    const bytes = readFileSync(file);
    for (const n of NEEDLES) if (!ok.includes(n.kind) && bytes.includes(n.bytes)) found.push(`${rel}: ${n.name}`);
  }
  return found;
}

const SOURCES = ['pass', 'bare', 'env', 'file', 'stdin'] as const;
type Source = (typeof SOURCES)[number];

/** One run's inputs: how passwords are given. */
class Run {
  readonly env: Record<string, string> = {};
  readonly stdin: string[] = [];
  private n = 0;
  constructor(
    readonly cwd: string,
    readonly source: Source,
  ) {}
  /** The command-line form of a password, in this run's source. */
  pw(value: string): string {
    const i = ++this.n;
    switch (this.source) {
      case 'pass':
        return `pass:${value}`;
      case 'bare':
        return value;
      case 'env':
        this.env[`CK_PW${i}`] = value;
        return `env:CK_PW${i}`;
      case 'file':
        writeFileSync(join(this.cwd, `pw${i}.txt`), value + '\n', { mode: 0o600 });
        return `file:pw${i}.txt`;
      case 'stdin':
        this.stdin.push(value);
        return 'stdin';
    }
  }
}

interface Case {
  readonly name: string;
  /** Builds the arguments (and any files) in the run's directory. */
  readonly args: (r: Run) => string[];
  /** Accepted exit statuses (a single one where the outcome is certain). */
  readonly status: number | readonly number[];
  /** Supports --json. */
  readonly json?: boolean;
  /** On success: the sentinel really went through (read back from the intended carriers). */
  readonly check?: (cwd: string) => Promise<void> | void;
}

const root = tempDir('certkit-hygiene-');
const fixtures = join(root, 'fixtures');
let ca: LocalCa;
let caseNo = 0;

function corrupt(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b[Math.floor(b.length / 2)]! ^= 0x5a;
  return b;
}

beforeAll(async () => {
  mkdirSync(fixtures);
  const f = (name: string, data: string | Buffer, mode = 0o600) => writeFileSync(join(fixtures, name), data, { mode });
  ca = await initLocalCa(join(fixtures, 'ca'), { keyType: 'ec256' });
  const csrDer = buildCsr({ subject: 'CN=sentinel-client', key: SENTINEL_KEY });
  const issued = await createLocalCaIssuer(ca).issue({ csrDer, validity: parseValidity('300d', new Date()) });
  const chain = [issued.leaf, ...issued.chain];
  f('sentinel.key', SENTINEL_KEY_PEM);
  // The plain key damaged two ways: its DER one byte short (lengths no longer add up; a flipped
  // byte could land in d, which CRT signing never uses), and its PEM cut off half-way.
  f('corrupt-plain.key', encodePem('PRIVATE KEY', exportPkcs8Der(SENTINEL_KEY).subarray(0, -1)));
  f('truncated-plain.key', SENTINEL_KEY_PEM.slice(0, Math.floor(SENTINEL_KEY_PEM.length / 2)));
  f('sentinel-enc.key', exportEncryptedPkcs8Pem(SENTINEL_KEY, SENTINEL_PASSWORD));
  f('corrupt-enc.key', corrupt(Buffer.from(exportEncryptedPkcs8Pem(SENTINEL_KEY, SENTINEL_PASSWORD))));
  f('chain.pem', chain.map((c) => encodePem('CERTIFICATE', c)).join(''), 0o644);
  f('ca.pem', encodePem('CERTIFICATE', ca.cert), 0o644);
  f('corrupt.pem', '-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END CERTIFICATE-----\n', 0o644);
  f('sentinel.csr', encodePem('CERTIFICATE REQUEST', csrDer), 0o644);
  const entry = { kind: 'private-key' as const, alias: 'client', key: exportPkcs8Der(SENTINEL_KEY), chain };
  const jks = await writeKeyStore([entry], 'jks', { storePassword: SENTINEL_PASSWORD, keyPassword: SENTINEL_PASSWORD });
  const p12 = await writeKeyStore([entry], 'pkcs12', { storePassword: SENTINEL_PASSWORD });
  f('in.jks', jks);
  // JCEKS from keytool (its key passwords must be ASCII): see JCEKS_PASSWORD.
  f('in.jceks', readFileSync(new URL('./sentinel-ascii.jceks', import.meta.url)));
  f('in.p12', p12);
  f('corrupt.jks', corrupt(jks));
  f('corrupt.p12', corrupt(p12));
  // A local CA whose key is the sentinel key, for `sign` and `ca init`.
  mkdirSync(join(fixtures, 'sca'));
  const now = Date.now();
  const scaCert = buildCertificate({
    subject: 'CN=sentinel CA',
    publicKey: publicKeyOf(SENTINEL_KEY),
    signingKey: SENTINEL_KEY,
    serial: randomSerial(),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    isCA: true,
    pathLen: 0,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  });
  writeFileSync(join(fixtures, 'sca', 'ca-key.pem'), exportPkcs8Pem(SENTINEL_KEY), { mode: 0o600 });
  writeFileSync(join(fixtures, 'sca', 'ca.pem'), encodePem('CERTIFICATE', scaCert));
  expect(new X509Certificate(scaCert).checkPrivateKey(SENTINEL_KEY)).toBe(true);
});

/** A fresh copy of the fixtures for one run. */
function fresh(): string {
  const d = join(root, `run-${++caseNo}`);
  cpSync(fixtures, d, { recursive: true });
  return d;
}

/** The resume state of an unfinished client run holding the sentinel key: the client then uses it. */
function plantState(cwd: string): void {
  mkdirSync(join(cwd, 'out'), { recursive: true, mode: 0o700 });
  const state = {
    version: 1,
    dname: 'CN=sentinel-client',
    keyType: 'rsa2048',
    ca: join(cwd, 'ca'),
    key: SENTINEL_KEY_PEM,
    csr: encodePem('CERTIFICATE REQUEST', buildCsr({ subject: 'CN=sentinel-client', key: SENTINEL_KEY })),
  };
  writeFileSync(join(cwd, 'out', STATE_FILE), JSON.stringify(state) + '\n', { mode: 0o600 });
}

/** True when `file` holds at least one needle of `kind` (a positive control for the carriers). */
function holds(file: string, kind: Kind): boolean {
  const bytes = readFileSync(file);
  return NEEDLES.some((n) => n.kind === kind && bytes.includes(n.bytes));
}

/** The keystore opens with the sentinel password and holds the sentinel key. */
async function expectSentinelIn(file: string): Promise<void> {
  const ks = await readKeyStore(readFileSync(file), { storePassword: P, ...(file.endsWith('.jks') ? { keyPassword: P } : {}) });
  const entry = ks.entries[0]!;
  expect(entry.kind === 'private-key' && entry.key?.equals(exportPkcs8Der(SENTINEL_KEY))).toBe(true);
}

const dir = (cwd: string, name: string) => mkdirSync(join(cwd, name), { recursive: true });
const P = SENTINEL_PASSWORD;
/**
 * The password of sentinel-ascii.jceks: JCEKS key protection takes ASCII only. Made with
 *   keytool -genkeypair -storetype JCEKS -keystore sentinel-ascii.jceks -storepass SeNtInEl-ascii-42
 *     -keypass SeNtInEl-ascii-42 -alias client -keyalg EC -groupname secp256r1 -dname CN=sentinel-jceks -validity 3650
 * (JDK 17). The marker needle catches it.
 */
const JCEKS_PASSWORD = 'SeNtInEl-ascii-42';
const W = SENTINEL_WRONG;

/** Commands that take passwords: run with every source. */
const PASSWORD_CASES: readonly Case[] = [
  { name: 'keystore list jks', json: true, status: 0, args: (r) => ['keystore', 'list', 'in.jks', '--storepass', r.pw(P)] },
  { name: 'keystore list p12 with keypass', json: true, status: 0, args: (r) => ['keystore', 'list', 'in.p12', '--storepass', r.pw(P), '--keypass', r.pw(P)] },
  { name: 'keystore list jceks', json: true, status: 0, args: (r) => ['keystore', 'list', 'in.jceks', '--storepass', r.pw(JCEKS_PASSWORD)] },
  { name: 'keystore list jceks, wrong password', json: true, status: 4, args: (r) => ['keystore', 'list', 'in.jceks', '--storepass', r.pw(W)] },
  {
    name: 'keystore convert jceks to p12',
    status: 0,
    args: (r) => ['keystore', 'convert', 'in.jceks', 'new.p12', '--srcstorepass', r.pw(JCEKS_PASSWORD), '--deststorepass', r.pw(P)],
  },
  {
    name: 'keystore convert jceks, wrong key password',
    status: 4,
    args: (r) => ['keystore', 'convert', 'in.jceks', 'new.p12', '--srcstorepass', r.pw(JCEKS_PASSWORD), '--srckeypass', r.pw(W), '--deststorepass', r.pw(P)],
  },
  { name: 'keystore list, wrong password', json: true, status: 4, args: (r) => ['keystore', 'list', 'in.jks', '--storepass', r.pw(W)] },
  { name: 'keystore list, corrupt jks', json: true, status: [3, 4], args: (r) => ['keystore', 'list', 'corrupt.jks', '--storepass', r.pw(P)] },
  { name: 'keystore list, corrupt p12', json: true, status: [3, 4], args: (r) => ['keystore', 'list', 'corrupt.p12', '--storepass', r.pw(P)] },
  {
    name: 'keystore create from the encrypted key',
    status: 0,
    args: (r) => ['keystore', 'create', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--cert', 'chain.pem', '--out', 'new.jks', '--storepass', r.pw(P), '--keypass', r.pw(P)],
    check: (cwd) => expectSentinelIn(join(cwd, 'new.jks')),
  },
  { name: 'keystore create p12', status: 0, args: (r) => ['keystore', 'create', '--key', 'sentinel.key', '--cert', 'chain.pem', '--out', 'new.p12', '--storepass', r.pw(P)] },
  {
    name: 'keystore create, wrong --passin',
    status: 4,
    args: (r) => ['keystore', 'create', '--key', 'sentinel-enc.key', '--passin', r.pw(W), '--cert', 'chain.pem', '--out', 'new.jks', '--storepass', r.pw(P)],
  },
  {
    name: 'keystore create, corrupt encrypted key',
    status: [3, 4],
    args: (r) => ['keystore', 'create', '--key', 'corrupt-enc.key', '--passin', r.pw(P), '--cert', 'chain.pem', '--out', 'new.jks', '--storepass', r.pw(P)],
  },
  { name: 'keystore create, existing output', status: 6, args: (r) => ['keystore', 'create', '--key', 'sentinel.key', '--cert', 'chain.pem', '--out', 'in.jks', '--storepass', r.pw(P)] },
  {
    name: 'keystore create, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'adir.jks');
      return ['keystore', 'create', '--key', 'sentinel.key', '--cert', 'chain.pem', '--out', 'adir.jks', '--storepass', r.pw(P), '--force'];
    },
  },
  {
    name: 'keystore convert jks to p12',
    status: 0,
    args: (r) => ['keystore', 'convert', 'in.jks', 'new.p12', '--srcstorepass', r.pw(P), '--deststorepass', r.pw(P), '--srckeypass', r.pw(P), '--destkeypass', r.pw(P)],
  },
  { name: 'keystore convert p12 to jks', status: 0, args: (r) => ['keystore', 'convert', 'in.p12', 'new.jks', '--srcstorepass', r.pw(P), '--deststorepass', r.pw(P)] },
  { name: 'keystore convert, wrong password', status: 4, args: (r) => ['keystore', 'convert', 'in.jks', 'new.p12', '--srcstorepass', r.pw(W), '--deststorepass', r.pw(P)] },
  { name: 'keystore convert, corrupt', status: [3, 4], args: (r) => ['keystore', 'convert', 'corrupt.p12', 'new.jks', '--srcstorepass', r.pw(P), '--deststorepass', r.pw(P)] },
  { name: 'keystore convert, existing output', status: 6, args: (r) => ['keystore', 'convert', 'in.jks', 'in.p12', '--srcstorepass', r.pw(P), '--deststorepass', r.pw(P)] },
  {
    name: 'keystore convert, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'adir.p12');
      return ['keystore', 'convert', 'in.jks', 'adir.p12', '--srcstorepass', r.pw(P), '--deststorepass', r.pw(P), '--force'];
    },
  },
  {
    name: 'keystore export',
    status: 0,
    args: (r) => ['keystore', 'export', 'in.p12', '--storepass', r.pw(P), '--cert-out', 'c.pem', '--key-out', 'out-key.pem'],
    check: (cwd) => expect(holds(join(cwd, 'out-key.pem'), 'key')).toBe(true),
  },
  { name: 'keystore export jks, chain to stdout', status: 0, args: (r) => ['keystore', 'export', 'in.jks', '--storepass', r.pw(P), '--keypass', r.pw(P)] },
  { name: 'keystore export, wrong password', status: 4, args: (r) => ['keystore', 'export', 'in.jks', '--storepass', r.pw(W), '--key-out', 'out-key.pem'] },
  { name: 'keystore export, wrong key password', status: 4, args: (r) => ['keystore', 'export', 'in.jks', '--storepass', r.pw(P), '--keypass', r.pw(W), '--key-out', 'out-key.pem'] },
  { name: 'keystore export, existing output', status: 6, args: (r) => ['keystore', 'export', 'in.p12', '--storepass', r.pw(P), '--key-out', 'sentinel.key'] },
  {
    name: 'keystore export, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'out-key.pem');
      return ['keystore', 'export', 'in.p12', '--storepass', r.pw(P), '--key-out', 'out-key.pem', '--force'];
    },
  },
  { name: 'truststore create', status: 0, args: (r) => ['truststore', 'create', '--cert', 'ca.pem', '--out', 'trust.jks', '--storepass', r.pw(P)] },
  { name: 'truststore create, corrupt cert', status: 3, args: (r) => ['truststore', 'create', '--cert', 'corrupt.pem', '--out', 'trust.p12', '--storepass', r.pw(P)] },
  { name: 'truststore create, existing output', status: 6, args: (r) => ['truststore', 'create', '--cert', 'ca.pem', '--out', 'in.jks', '--storepass', r.pw(P)] },
  {
    name: 'truststore create, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'trust.jks');
      return ['truststore', 'create', '--cert', 'ca.pem', '--out', 'trust.jks', '--storepass', r.pw(P), '--force'];
    },
  },
  {
    name: 'keygen --passout',
    status: 0,
    args: (r) => ['keygen', '--key-type', 'ec256', '--out', 'k.pem', '--passout', r.pw(P)],
    check: (cwd) => expect(importPrivateKey(readFileSync(join(cwd, 'k.pem')), { passphrase: P }).asymmetricKeyType).toBe('ec'),
  },
  { name: 'keygen, existing output', status: 6, args: (r) => ['keygen', '--key-type', 'ec256', '--out', 'in.jks', '--passout', r.pw(P)] },
  {
    name: 'keygen, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'k.pem');
      return ['keygen', '--key-type', 'ec256', '--out', 'k.pem', '--passout', r.pw(P), '--force'];
    },
  },
  { name: 'csr --passin', status: 0, args: (r) => ['csr', '--dname', 'CN=x', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--out', 'new.csr'] },
  { name: 'csr, wrong --passin', status: 4, args: (r) => ['csr', '--dname', 'CN=x', '--key', 'sentinel-enc.key', '--passin', r.pw(W), '--out', 'new.csr'] },
  { name: 'csr, corrupt key', status: [3, 4], args: (r) => ['csr', '--dname', 'CN=x', '--key', 'corrupt-enc.key', '--passin', r.pw(P), '--out', 'new.csr'] },
  { name: 'csr, existing output', status: 6, args: (r) => ['csr', '--dname', 'CN=x', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--out', 'chain.pem'] },
  {
    name: 'csr, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'new.csr');
      return ['csr', '--dname', 'CN=x', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--out', 'new.csr', '--force'];
    },
  },
  {
    name: 'redshift-secret --passin',
    status: 0,
    args: (r) => ['redshift-secret', '--cert', 'chain.pem', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--out', 'secret.json'],
    check: (cwd) => expect(holds(join(cwd, 'secret.json'), 'key')).toBe(true),
  },
  { name: 'redshift-secret, wrong --passin', status: 4, args: (r) => ['redshift-secret', '--cert', 'chain.pem', '--key', 'sentinel-enc.key', '--passin', r.pw(W), '--out', 'secret.json'] },
  { name: 'redshift-secret, corrupt key', status: [3, 4], args: (r) => ['redshift-secret', '--cert', 'chain.pem', '--key', 'corrupt-enc.key', '--passin', r.pw(P), '--out', 'secret.json'] },
  { name: 'redshift-secret, existing output', status: 6, args: (r) => ['redshift-secret', '--cert', 'chain.pem', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--out', 'ca.pem'] },
  {
    name: 'redshift-secret, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'secret.json');
      return ['redshift-secret', '--cert', 'chain.pem', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--out', 'secret.json', '--force'];
    },
  },
  { name: 'verify --passin', json: true, status: 0, args: (r) => ['verify', '--cert', 'chain.pem', '--key', 'sentinel-enc.key', '--passin', r.pw(P), '--ca', 'ca.pem'] },
  { name: 'verify, wrong --passin', json: true, status: 4, args: (r) => ['verify', '--cert', 'chain.pem', '--key', 'sentinel-enc.key', '--passin', r.pw(W), '--ca', 'ca.pem'] },
  { name: 'verify, corrupt key', json: true, status: [3, 4], args: (r) => ['verify', '--cert', 'chain.pem', '--key', 'corrupt-enc.key', '--passin', r.pw(P)] },
  {
    name: 'client (local CA, resuming with the sentinel key)',
    json: true,
    status: 0,
    args: (r) => {
      plantState(r.cwd);
      return ['client', '--ca-dir', 'ca', '--dname', 'CN=sentinel-client', '--out', 'out', '--storepass', r.pw(P), '--keypass', r.pw(P)];
    },
    check: async (cwd) => {
      expect(readFileSync(join(cwd, 'out', 'private_key.pem'), 'utf8')).toBe(SENTINEL_KEY_PEM);
      expect(holds(join(cwd, 'out', 'redshift-secret.json'), 'key')).toBe(true);
      expect(readFileSync(join(cwd, 'out', 'client.properties'), 'utf8')).toContain(`ssl.keystore.password=${escapePropertiesValue(P)}\n`);
      await expectSentinelIn(join(cwd, 'out', 'kafka.client.keystore.jks'));
      await expectSentinelIn(join(cwd, 'out', 'keystore.p12'));
    },
  },
  {
    name: 'client, existing output',
    json: true,
    status: 6,
    args: (r) => {
      plantState(r.cwd);
      writeFileSync(join(r.cwd, 'out', 'keystore.p12'), 'old');
      return ['client', '--ca-dir', 'ca', '--dname', 'CN=sentinel-client', '--out', 'out', '--storepass', r.pw(P), '--keypass', r.pw(P)];
    },
  },
  {
    name: 'client, unwritable output',
    json: true,
    status: 7,
    args: (r) => {
      plantState(r.cwd);
      dir(r.cwd, 'out/client.properties');
      return ['client', '--ca-dir', 'ca', '--dname', 'CN=sentinel-client', '--out', 'out', '--storepass', r.pw(P), '--keypass', r.pw(P), '--force'];
    },
  },
  {
    name: 'client, corrupt CA',
    json: true,
    status: [3, 4],
    args: (r) => {
      plantState(r.cwd);
      writeFileSync(join(r.cwd, 'ca', 'ca.pem'), readFileSync(join(r.cwd, 'corrupt.pem')));
      return ['client', '--ca-dir', 'ca', '--dname', 'CN=sentinel-client', '--out', 'out', '--storepass', r.pw(P)];
    },
  },
];

/** Commands without passwords, through which the sentinel key passes. */
const KEY_CASES: readonly Case[] = [
  { name: 'sign with the sentinel CA', status: 0, args: () => ['sign', '--csr', 'sentinel.csr', '--ca-dir', 'sca', '--out', 'signed.pem'] },
  { name: 'sign, chain to stdout', status: 0, args: () => ['sign', '--csr', 'sentinel.csr', '--ca-dir', 'sca', '--out=-'] },
  { name: 'sign, corrupt csr', status: 3, args: () => ['sign', '--csr', 'corrupt.pem', '--ca-dir', 'sca', '--out', 'signed.pem'] },
  { name: 'sign, existing output', status: 6, args: () => ['sign', '--csr', 'sentinel.csr', '--ca-dir', 'sca', '--out', 'ca.pem'] },
  {
    name: 'sign, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'signed.pem');
      return ['sign', '--csr', 'sentinel.csr', '--ca-dir', 'sca', '--out', 'signed.pem', '--force'];
    },
  },
  { name: 'ca init', status: 0, args: () => ['ca', 'init', '--ca-dir', 'newca', '--key-type', 'ec256'] },
  { name: 'ca init over the sentinel CA', status: 6, args: () => ['ca', 'init', '--ca-dir', 'sca', '--key-type', 'ec256'] },
  {
    name: 'ca init, unwritable output',
    status: 7,
    args: (r) => {
      dir(r.cwd, 'newca/ca-key.pem');
      return ['ca', 'init', '--ca-dir', 'newca', '--key-type', 'ec256', '--force'];
    },
  },
  { name: 'keystore create from the plain key', status: 0, args: () => ['keystore', 'create', '--key', 'sentinel.key', '--cert', 'chain.pem', '--out', 'plain.p12', '--storepass', 'env:SP'] },
  { name: 'redshift-secret from the plain key', status: 0, args: () => ['redshift-secret', '--cert', 'chain.pem', '--key', 'sentinel.key', '--out', 'secret.json'] },
  { name: 'verify the plain key', json: true, status: 0, args: () => ['verify', '--cert', 'chain.pem', '--key', 'sentinel.key', '--ca', 'ca.pem'] },
  { name: 'verify, key does not match', json: true, status: 3, args: () => ['verify', '--cert', 'ca.pem', '--key', 'sentinel.key'] },
  { name: 'csr from the plain key', status: 0, args: () => ['csr', '--dname', 'CN=y', '--key', 'sentinel.key', '--out', 'y.csr'] },
  ...['corrupt-plain.key', 'truncated-plain.key'].flatMap((key): Case[] => [
    { name: `keystore create, ${key}`, status: 3, args: () => ['keystore', 'create', '--key', key, '--cert', 'chain.pem', '--out', 'k.p12', '--storepass', 'env:SP'] },
    { name: `redshift-secret, ${key}`, status: 3, args: () => ['redshift-secret', '--cert', 'chain.pem', '--key', key, '--out', 'secret.json'] },
    { name: `verify, ${key}`, json: true, status: 3, args: () => ['verify', '--cert', 'chain.pem', '--key', key] },
    { name: `csr, ${key}`, status: 3, args: () => ['csr', '--dname', 'CN=y', '--key', key, '--out', 'y.csr'] },
  ]),
];

function variants(c: Case): string[][] {
  return [[], ['--debug'], ...(c.json === true ? [['--json'], ['--json', '--debug']] : [])];
}

function statusOk(c: Case, status: number): boolean {
  return typeof c.status === 'number' ? status === c.status : c.status.includes(status);
}

const notices = (stderr: string) => stderr.split(COMMAND_LINE_PASSWORD_NOTICE).length - 1;

interface Tally {
  runs: number;
  failures: number;
  files: number;
}

async function runCase(c: Case, source: Source, extra: readonly string[], tally: Tally): Promise<void> {
  const cwd = fresh();
  const r = new Run(cwd, source);
  const args = [...c.args(r), ...extra];
  const result = await runCli(args, { cwd, env: { SP: P, ...r.env }, stdin: r.stdin.map((l) => l + '\n').join('') });
  const label = `${c.name} [${source}${extra.length > 0 ? ' ' + extra.join(' ') : ''}]`;
  expect(statusOk(c, result.status), `${label}: status ${result.status}, stderr ${result.stderr}`).toBe(true);
  expect(leaks(result, cwd), label).toEqual([]);
  if (result.status === 0 && c.check !== undefined) await c.check(cwd);
  const count = notices(result.stderr);
  if (source === 'pass' || source === 'bare') {
    // Exactly one notice however many such options, whenever a password was read; a command that
    // refuses an existing output before reading any may stop before the notice.
    if (result.status === 6) expect(count, label).toBeLessThanOrEqual(1);
    else expect(count, label).toBe(1);
  } else expect(count, label).toBe(0);
  tally.runs++;
  if (result.status !== 0) tally.failures++;
  tally.files += walk(cwd).length;
}

describe('secret hygiene: sentinel password and key through every command', () => {
  it.each(SOURCES)('every password command, source %s: success and failure paths, plain/--json/--debug, no leak', async (source) => {
    const tally: Tally = { runs: 0, failures: 0, files: 0 };
    for (const c of PASSWORD_CASES) for (const v of variants(c)) await runCase(c, source, v, tally);
    console.log(`hygiene (${source}): ${tally.runs} runs (${tally.failures} failure paths), ${tally.files} files scanned, ${NEEDLES.length} needles, 0 leaks`);
    expect(tally.runs).toBe(PASSWORD_CASES.reduce((a, c) => a + variants(c).length, 0));
  }, 600_000);

  it('commands without passwords (sign, ca init, the plain key through create/secret/verify/csr): no leak of the key', async () => {
    const tally: Tally = { runs: 0, failures: 0, files: 0 };
    for (const c of KEY_CASES) for (const v of variants(c)) await runCase(c, 'env', v, tally);
    console.log(`hygiene (key only): ${tally.runs} runs (${tally.failures} failure paths), ${tally.files} files scanned, 0 leaks`);
  }, 300_000);

  it.each([
    ['a password typed without its option', ['keystore', 'list', 'in.jks', P, '--storepass', 'env:SP'], "certkit: 'certkit keystore list' got 1 unexpected argument"],
    ['a password split by an unquoted space', ['keystore', 'list', 'in.jks', '--storepass', ...P.split('-')], "certkit: 'certkit keystore list' got 3 unexpected arguments"],
    ['a password where a command goes', [P], 'certkit: unknown command'],
    ['a password where a subcommand goes', ['keystore', P, 'in.jks'], 'certkit: unknown command'],
    ['a password after a group and a leaf', ['truststore', 'create', '--cert', 'ca.pem', '--out', 't.jks', '--storepass', 'env:SP', P], "certkit: 'certkit truststore create' got 1 unexpected argument"],
  ])('usage errors never repeat stray words: %s (exit 2)', async (_name, args, start) => {
    for (const extra of [[], ['--debug']]) {
      const cwd = fresh();
      const result = await runCli([...args, ...extra], { cwd, env: { SP: P } });
      expect([result.status, result.stdout]).toEqual([2, '']);
      expect(result.stderr.startsWith(start)).toBe(true);
      expect(leaks(result, cwd)).toEqual([]);
    }
  });

  it.skipIf(!builtCliExists())('as a real process (bin/certkit): failure paths with --debug, real stdin, no leak', async () => {
    const pick = (name: string) => PASSWORD_CASES.find((c) => c.name === name)!;
    const chosen: [Case, Source][] = [
      [pick('keystore list, wrong password'), 'pass'],
      [pick('keystore convert, corrupt'), 'stdin'],
      [pick('keystore export, wrong key password'), 'bare'],
      [pick('csr, wrong --passin'), 'file'],
      [pick('verify, corrupt key'), 'env'],
      [pick('client, unwritable output'), 'stdin'],
      [pick('client (local CA, resuming with the sentinel key)'), 'pass'],
    ];
    for (const [c, source] of chosen) {
      const cwd = fresh();
      const r = new Run(cwd, source);
      const result = runBin([...c.args(r), '--debug'], { cwd, env: { SP: P, ...r.env }, stdin: r.stdin.map((l) => l + '\n').join('') });
      expect(statusOk(c, result.status), `${c.name}: ${result.status} ${result.stderr}`).toBe(true);
      expect(leaks(result, cwd), c.name).toEqual([]);
      expect(notices(result.stderr)).toBe(source === 'pass' || source === 'bare' ? 1 : 0);
    }
  }, 120_000);

  it('the needles would be found: the carriers do hold them (the scan is not blind)', () => {
    const d = fresh();
    const key = readFileSync(join(d, 'sentinel.key'));
    expect(NEEDLES.filter((n) => n.kind === 'key' && key.includes(n.bytes)).map((n) => n.name)).toEqual([
      'key PEM line 9',
      expect.stringMatching(/^key PEM line/),
      expect.stringMatching(/^key PEM line/),
    ]);
    const utf16 = Buffer.from(`x${P}x`, 'utf16le').swap16();
    expect(NEEDLES.filter((n) => utf16.includes(n.bytes)).map((n) => n.name)).toEqual(['password (UTF-16BE)', 'marker (UTF-16LE)', 'marker (UTF-16BE)']);
    const dump = Buffer.from(JSON.stringify(SENTINEL_KEY.export({ format: 'jwk' })));
    expect(NEEDLES.filter((n) => dump.includes(n.bytes)).map((n) => n.name)).toEqual([
      'key PEM line 9', // d, on the same base64 alignment in the PEM and the JWK, with no + or /
      'private d (base64url)',
      'private p (base64url)',
      'private q (base64url)',
      'private dp (base64url)',
      'private dq (base64url)',
      'private qi (base64url)',
    ]);
    expect(statSync(join(d, 'in.jks')).size).toBeGreaterThan(1000);
    expect(basename(d)).toMatch(/^run-/);
  });
});
