/**
 * A real Kafka broker for the Kafka suites (test/kafka/): single-node KRaft (broker and
 * controller in one JVM) on loopback, from the jars scripts/install-judges.sh fetched
 * (scripts/kafka/pom.xml, .judges/kafka/lib). Listeners, each on a free port:
 *
 *   SSL         the clients' listener: ssl.client.auth=required, the keystore and truststore
 *               certkit made (JKS or PKCS#12), StandardAuthorizer with
 *               allow.everyone.if.no.acl.found=false, ssl.principal.mapping.rules=DEFAULT;
 *   CONTROLLER  KRaft's, also SSL: the broker reaches its own controller with its certificate
 *               (CN=localhost, a super user), so the broker's store is used as a client one too;
 *   PLAINTEXT   for `certkit probe`'s "this is the plaintext port" (ANONYMOUS has no ACL);
 *   SASL_SSL    PLAIN, server-authenticated TLS only, for the probe's "this is a SASL port".
 *
 * Bounded: `kafka-storage format` and the broker each have a deadline (the broker's start is
 * awaited as its "Kafka Server started" log line); the broker's output goes to a file, not a
 * pipe; `stop()` ends it by its PID (SIGTERM, then SIGKILL), and an exit before the line fails
 * the start with the log's tail. One broker per test file (`useKafka`), reused by its cases.
 *
 * `runProcess` runs the clients: every child has a timeout after which it is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

import { buildCertificate, type BuildCertificateOptions } from '../../src/x509/cert-builder.js';
import { certificateChainPem } from '../../src/redshift.js';
import { loadLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { parseCsr } from '../../src/x509/csr-parse.js';
import { readPemOrDer } from '../../src/pem.js';
import { freePort } from './moto.js';
import { runBin, type CliResult } from './cli.js';
import { kafkaJars, tool } from './tools.js';
import { deferred, withDeadline } from './wait.js';

/** How long the broker may take to start on a loaded 2-core machine (it takes 10–20 s there). */
export const BROKER_START_MS = 120_000;
/** How long one client step (a produce, a consume, an ACL command) may take before it is killed. */
export const CLIENT_STEP_MS = 60_000;

/** The broker's principal: its certificate's subject (it talks to its own controller with it). */
export const BROKER_PRINCIPAL = 'User:CN=localhost';

/** True when the broker can run here (java and the jars); with CI=true a missing one throws. */
export function haveKafka(): boolean {
  return tool('java') !== undefined && kafkaJars() !== undefined;
}

/** Runs the built CLI, failing with its stderr when it does not exit 0. */
export function certkit(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): CliResult {
  const r = runBin(args, options);
  if (r.status !== 0) throw new Error(`certkit ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

// ── Processes ─────────────────────────────────────────────────────────────────────────────

export interface ProcessResult {
  /** The exit status, or null when it ended by a signal (the timeout's kill included). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Runs a command with `input` on stdin; resolves when it exits. After `timeoutMs` it is killed
 * (SIGKILL) and the result says `timedOut`. Output is collected (clients print little).
 */
export function runProcess(
  cmd: string,
  args: readonly string[],
  options: { input?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? CLIENT_STEP_MS);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    child.stdin.on('error', () => undefined); // a client that exits before reading all of it
    child.stdin.end(options.input ?? '');
  });
}

/** log4j2 settings: the broker logs INFO to its stdout (a file), the tools WARN to stderr. */
function log4j2(level: 'INFO' | 'WARN', target: 'SYSTEM_OUT' | 'SYSTEM_ERR'): string {
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = out',
    `appender.out.target = ${target}`,
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.out.ref = out',
    '',
  ].join('\n');
}

/** JVM options for short-lived, single-threaded work on a shared 2-core machine: C1 only, serial GC. */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss1m', '-Djava.awt.headless=true'];

/** `java -cp '<jars>/*' MAIN args` with the tools' logging (WARN to stderr). */
export function runKafkaTool(
  dir: string,
  mainClass: string,
  args: readonly string[],
  options: { input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const config = join(dir, 'tools-log4j2.properties');
  writeFileSync(config, log4j2('WARN', 'SYSTEM_ERR'));
  return runProcess(
    tool('java')!,
    [...JVM_OPTIONS, '-Xmx256m', `-Dlog4j2.configurationFile=${config}`, '-cp', `${kafkaJars()!}/*`, mainClass, ...args],
    options,
  );
}

// ── The broker's identity, made by certkit ───────────────────────────────────────────────

/**
 * A certificate from the local CA `ca`, valid from a minute ago for `days` (default 7), with the
 * usages `certkit sign` cannot give (serverAuth) or a subject it cannot spell (raw DER).
 */
export function issueFromLocalCa(
  ca: LocalCa,
  o: Pick<BuildCertificateOptions, 'subject' | 'publicKey' | 'extKeyUsage' | 'subjectAltNames'> & { days?: number },
): Buffer {
  const now = Date.now();
  return buildCertificate({
    ...o,
    issuerCertificate: ca.cert,
    signingKey: ca.key,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (o.days ?? 7) * 86_400_000),
  });
}

export type StoreType = 'jks' | 'pkcs12';

export interface BrokerStores {
  readonly type: StoreType;
  readonly keystore: string;
  readonly keystorePassword: string;
  readonly keyPassword: string;
  readonly truststore: string;
  readonly truststorePassword: string;
}

/**
 * The broker's keystore and truststore, made by certkit: `certkit csr` (CN=localhost, SANs
 * localhost and 127.0.0.1) and a certificate from the local CA in `caDir`, then `certkit
 * keystore create` and `certkit truststore create` as `type`. The certificate itself is made
 * with the library: `certkit sign` issues clientAuth certificates only, and a broker needs
 * serverAuth (clients check it) and clientAuth (it is its controller's client).
 */
export async function makeBrokerStores(dir: string, caDir: string, type: StoreType): Promise<BrokerStores> {
  mkdirSync(dir, { recursive: true });
  const ext = type === 'jks' ? 'jks' : 'p12';
  const env = { KS_PASS: 'broker-store-pass', KEY_PASS: type === 'jks' ? 'broker-key-pass' : 'broker-store-pass', TS_PASS: 'broker-trust-pass' };
  certkit(['csr', '--dname', 'CN=localhost', '--san', 'dns:localhost,ip:127.0.0.1', '--key-out', 'broker.key', '--out', 'broker.csr'], { cwd: dir });
  const ca = await loadLocalCa(caDir);
  const csr = parseCsr(readPemOrDer(readFileSync(join(dir, 'broker.csr')), 'CERTIFICATE REQUEST').der);
  const leaf = issueFromLocalCa(ca, { subject: csr.subjectDer, publicKey: csr.publicKey, extKeyUsage: ['serverAuth', 'clientAuth'], subjectAltNames: csr.subjectAltNames });
  writeFileSync(join(dir, 'broker.pem'), certificateChainPem(leaf, [ca.cert]));
  certkit(
    ['keystore', 'create', '--key', 'broker.key', '--cert', 'broker.pem', '--out', `broker.keystore.${ext}`, '--storetype', type, '--alias', 'broker', '--storepass', 'env:KS_PASS', '--keypass', 'env:KEY_PASS'],
    { cwd: dir, env },
  );
  certkit(['truststore', 'create', '--cert', join(caDir, 'ca.pem'), '--out', `broker.truststore.${ext}`, '--storetype', type, '--storepass', 'env:TS_PASS'], { cwd: dir, env });
  return {
    type,
    keystore: join(dir, `broker.keystore.${ext}`),
    keystorePassword: env.KS_PASS,
    keyPassword: env.KEY_PASS,
    truststore: join(dir, `broker.truststore.${ext}`),
    truststorePassword: env.TS_PASS,
  };
}

// ── The broker ────────────────────────────────────────────────────────────────────────────

export interface KafkaBroker {
  /** The mTLS listener as clients name it (the certificate has SAN DNS:localhost). */
  readonly bootstrap: string;
  readonly sslPort: number;
  readonly plaintextPort: number;
  readonly saslPort: number;
  readonly dir: string;
  readonly stores: BrokerStores;
  readonly pid: number;
  /** The broker's log so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  readonly dir: string;
  readonly stores: BrokerStores;
  /** Principals besides the broker's own that may do anything (the ACL administrator). */
  readonly superUsers?: readonly string[];
}

function serverProperties(o: StartKafkaOptions, ports: { ssl: number; controller: number; plaintext: number; sasl: number }): string {
  const s = o.stores;
  const storeType = s.type === 'jks' ? 'JKS' : 'PKCS12';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@localhost:${ports.controller}`,
    `listeners=SSL://127.0.0.1:${ports.ssl},CONTROLLER://127.0.0.1:${ports.controller},PLAINTEXT://127.0.0.1:${ports.plaintext},SASL_SSL://127.0.0.1:${ports.sasl}`,
    `advertised.listeners=SSL://localhost:${ports.ssl},PLAINTEXT://127.0.0.1:${ports.plaintext},SASL_SSL://localhost:${ports.sasl}`,
    'listener.security.protocol.map=SSL:SSL,CONTROLLER:SSL,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=SSL',
    `log.dirs=${join(o.dir, 'data')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    `ssl.keystore.location=${s.keystore}`,
    `ssl.keystore.type=${storeType}`,
    `ssl.keystore.password=${s.keystorePassword}`,
    `ssl.key.password=${s.keyPassword}`,
    `ssl.truststore.location=${s.truststore}`,
    `ssl.truststore.type=${storeType}`,
    `ssl.truststore.password=${s.truststorePassword}`,
    'ssl.client.auth=required',
    'ssl.endpoint.identification.algorithm=https',
    'ssl.principal.mapping.rules=DEFAULT',
    'listener.name.sasl_ssl.ssl.client.auth=none',
    'sasl.enabled.mechanisms=PLAIN',
    'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_probe="probe-secret";',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    `super.users=${[BROKER_PRINCIPAL, ...(o.superUsers ?? [])].join(';')}`,
    '',
  ].join('\n');
}

/**
 * Resolves when `file` holds `line` (watched, not polled; only the bytes added since the last
 * look are read), or rejects when `exited` settles first.
 */
function waitForLine(file: string, line: string, exited: Promise<unknown>): Promise<void> {
  const found = deferred();
  let offset = 0;
  let tail = '';
  const check = (): void => {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, offset);
        if (n === 0) break;
        offset += n;
        const text = tail + chunk.toString('latin1', 0, n);
        if (text.includes(line)) return found.resolve();
        tail = text.slice(-line.length);
      }
    } catch {
      // not there yet
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  const watcher = watch(file, check);
  check();
  return Promise.race([found.promise, exited.then(() => Promise.reject(new Error('the broker exited')))]).finally(() => watcher.close());
}

/** Formats the storage and starts the broker; resolves once it logged "Kafka Server started". */
export async function startKafka(o: StartKafkaOptions): Promise<KafkaBroker> {
  const java = tool('java');
  const jars = kafkaJars();
  if (java === undefined || jars === undefined) throw new Error('java or the Kafka jars are missing (npm run judges)');
  mkdirSync(o.dir, { recursive: true });
  const ports = { ssl: await freePort(), controller: await freePort(), plaintext: await freePort(), sasl: await freePort() };
  const config = join(o.dir, 'server.properties');
  writeFileSync(config, serverProperties(o, ports), { mode: 0o600 });
  const logConfig = join(o.dir, 'log4j2.properties');
  writeFileSync(logConfig, log4j2('INFO', 'SYSTEM_OUT'));
  const cp = ['-cp', `${jars}/*`];
  const clusterId = randomBytes(16).toString('base64url');

  const format = await runProcess(java, [...JVM_OPTIONS, '-Xmx256m', `-Dlog4j2.configurationFile=${logConfig}`, ...cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], {
    timeoutMs: CLIENT_STEP_MS,
  });
  if (format.status !== 0) throw new Error(`kafka-storage format failed (${format.status}${format.timedOut ? ', timed out' : ''}): ${format.stderr.slice(-2000)}`);

  const logFile = join(o.dir, 'broker.log');
  const fd = openSync(logFile, 'w', 0o600);
  const child: ChildProcess = spawn(java, [...JVM_OPTIONS, '-Xms128m', '-Xmx512m', `-Dlog4j2.configurationFile=${logConfig}`, ...cp, 'kafka.Kafka', config], {
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const log = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const stop = async (): Promise<void> => {
    if (!alive) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await withDeadline(waitForLine(logFile, 'Kafka Server started', exited), 'the Kafka broker to log "Kafka Server started"', BROKER_START_MS);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}; its log ends:\n${log().slice(-4000)}`);
  }
  return {
    bootstrap: `localhost:${ports.ssl}`,
    sslPort: ports.ssl,
    plaintextPort: ports.plaintext,
    saslPort: ports.sasl,
    dir: o.dir,
    stores: o.stores,
    pid: child.pid!,
    log,
    stop,
  };
}

/**
 * Starts a broker before the file's tests (`setup` makes what it needs, in `beforeAll`) and stops
 * it after them; returns a getter for it.
 */
export function useKafka(setup: () => Promise<StartKafkaOptions>): () => KafkaBroker {
  let broker: KafkaBroker | undefined;
  beforeAll(async () => {
    broker = await startKafka(await setup());
  }, BROKER_START_MS + 2 * CLIENT_STEP_MS);
  afterAll(async () => {
    await broker?.stop();
  });
  return () => {
    if (broker === undefined) throw new Error('the Kafka broker is not running');
    return broker;
  };
}

/**
 * The usual set-up of a Kafka test file: certkit's client identities (`makeClientIdentities`),
 * the broker's stores of `type` from the same CA, and a broker with the admin as super user,
 * started before the file's tests and stopped after them.
 */
export function useCertkitKafka(dir: string, type: StoreType): { broker: () => KafkaBroker; ids: () => ClientIdentities } {
  let ids: ClientIdentities | undefined;
  const broker = useKafka(async () => {
    ids = await makeClientIdentities(join(dir, 'identities'));
    const stores = await makeBrokerStores(join(dir, 'broker-stores'), ids.caDir, type);
    return { dir: join(dir, 'broker'), stores, superUsers: [ADMIN_PRINCIPAL] };
  });
  return {
    broker,
    ids: () => {
      if (ids === undefined) throw new Error('the identities are not made yet');
      return ids;
    },
  };
}

/**
 * client.properties as a user whose brokers have a private CA completes it: certkit's file
 * (keystore and passwords) plus the truststore. `keystore: 'p12'` points it at keystore.p12
 * instead (PKCS12; its key is protected with the store password, so no ssl.key.password).
 */
export function clientPropertiesFor(outDir: string, stores: BrokerStores, keystore: 'jks' | 'p12' = 'jks'): string {
  let props = readFileSync(join(outDir, 'client.properties'), 'utf8');
  if (keystore === 'p12') {
    props = props
      .replace(/^ssl\.keystore\.location=.*$/m, `ssl.keystore.location=${join(outDir, 'keystore.p12')}`)
      .replace(/^ssl\.keystore\.type=.*$/m, 'ssl.keystore.type=PKCS12')
      .replace(/^ssl\.key\.password=.*\n/m, '');
  }
  const file = join(outDir, `client-${keystore}-with-truststore.properties`);
  writeFileSync(
    file,
    `${props}ssl.truststore.location=${stores.truststore}\nssl.truststore.type=${stores.type === 'jks' ? 'JKS' : 'PKCS12'}\nssl.truststore.password=${stores.truststorePassword}\n`,
    { mode: 0o600 },
  );
  return file;
}

// ── Client identities, made by certkit ──────────────────────────────────────────────────

/** The subject of the identity the ACLs allow: a comma inside a value, so RFC 2253 escaping shows. */
export const ALLOWED_DNAME = 'CN=orders-app, OU=Payments, O=Example\\, Inc., C=US';
/** What Kafka makes of it, written out by hand (the suites check certkit prints exactly this). */
export const ALLOWED_PRINCIPAL = 'User:CN=orders-app,OU=Payments,O=Example\\, Inc.,C=US';
/** The identity no ACL allows; its ACL names the keytool way of printing it, which Kafka never matches. */
export const DENIED_DNAME = 'CN=mallory, O=Example';
export const DENIED_NEAR_MISS_PRINCIPAL = 'User:CN=mallory, O=Example';
/** The broker's ACL administrator (a super user). */
export const ADMIN_DNAME = 'CN=certkit-kafka-admin';
export const ADMIN_PRINCIPAL = `User:${ADMIN_DNAME}`;

export interface ClientIdentities {
  /** The local CA (`certkit ca init`) that signed the broker's and the clients' certificates. */
  readonly caDir: string;
  readonly caPem: string;
  /** `certkit client --out` directories. */
  readonly admin: string;
  /** ALLOWED_DNAME, from the CA the broker trusts. */
  readonly allowed: string;
  /** DENIED_DNAME, from the CA the broker trusts. */
  readonly denied: string;
  /** ALLOWED_DNAME again, from a CA the broker does not trust. */
  readonly otherCa: string;
  /** ALLOWED_DNAME again, from the trusted CA, expired two days ago. */
  readonly expired: string;
}

/**
 * Every identity the suites use, each a `certkit client --out` directory with all its files:
 * made by the built CLI, except the expired one, which is the same pipeline run through the
 * library with a clock three days back and a validity of one day (the CLI refuses a validity
 * that has ended, as it should).
 */
export async function makeClientIdentities(dir: string): Promise<ClientIdentities> {
  mkdirSync(dir, { recursive: true });
  certkit(['ca', 'init', '--ca-dir', 'ca'], { cwd: dir });
  certkit(['ca', 'init', '--ca-dir', 'other-ca', '--dname', 'CN=another team CA,O=elsewhere'], { cwd: dir });
  const client = (name: string, dname: string, caDir = 'ca'): string => {
    certkit(['client', '--ca-dir', caDir, '--dname', dname, '--out', name], { cwd: dir });
    return join(dir, name);
  };
  const { runClientPipeline } = await import('../../src/pipeline.js');
  const { createLocalCaIssuer } = await import('../../src/issuers/local-ca.js');
  const ca = await loadLocalCa(join(dir, 'ca'));
  const past = (): Date => new Date(Date.now() - 3 * 86_400_000);
  await runClientPipeline(
    { dname: ALLOWED_DNAME, keyType: 'rsa2048', validity: '1d', alias: 'client', outDir: 'expired' },
    { issuer: async () => createLocalCaIssuer(ca, { now: past }), now: past, caDir: 'ca', cwd: dir },
  );
  return {
    caDir: join(dir, 'ca'),
    caPem: join(dir, 'ca', 'ca.pem'),
    admin: client('admin', ADMIN_DNAME),
    allowed: client('allowed', ALLOWED_DNAME),
    denied: client('denied', DENIED_DNAME),
    otherCa: client('other-ca-client', ALLOWED_DNAME, 'other-ca'),
    expired: join(dir, 'expired'),
  };
}
