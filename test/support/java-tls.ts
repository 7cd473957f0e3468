/**
 * A mutual-TLS judge: a loopback server that requires a client certificate from a given CA, and
 * a JSSE client (test/interop/MtlsClient.java) that loads a keystore the way Kafka's Java client
 * does (store password for the store, `ssl.key.password` for the KeyManagerFactory).
 *
 * Two servers, both real TLS stacks: Node's `tls` (in process, easy to observe: it records the
 * client certificates it accepted and the TLS errors it refused with) and `openssl s_server`
 * (`-Verify 1 -verify_return_error`: without them s_server lets an unknown client through).
 * Every server is bounded: it is closed by `close()`, and each Java run has a timeout.
 *
 *   const server = await startMtlsServer({ serverCertPem, serverKeyPem, clientCaPem });
 *   afterAll(() => server.close());
 *   const r = await runJavaClient({ port: server.port, keystore, storetype: 'JKS', storepass, keypass,
 *                                   truststore, truststoretype: 'PKCS12', truststorepass });
 *   expect(r.outcome).toBe('ok');   // 'tls-failed' when refused; 'error' is a harness/keystore error
 *
 * The server certificate needs SAN IP:127.0.0.1 (the client checks the host as Kafka does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tls from 'node:tls';
import { tool } from './tools.js';

export const MTLS_CLIENT_SOURCE = fileURLToPath(new URL('../interop/MtlsClient.java', import.meta.url));

export interface MtlsServerOptions {
  /** The server's certificate (PEM; leaf then chain). Needs SAN IP:127.0.0.1: the client verifies the host as Kafka does. */
  readonly serverCertPem: string;
  /** The server's private key (PEM). */
  readonly serverKeyPem: string;
  /** The CA(s) whose client certificates the server accepts (PEM). Their names are the CA list the server sends. */
  readonly clientCaPem: string;
  /** `node` (default): Node's tls in this process. `openssl`: an `openssl s_server` child process. */
  readonly impl?: 'node' | 'openssl';
  /** openssl binary (impl `openssl`); defaults to `openssl` on PATH. */
  readonly openssl?: string;
  /** Directory for the PEM files s_server reads (impl `openssl`); default: a temporary one, removed by close(). */
  readonly workDir?: string;
}

/** What the server saw of one client. */
export interface AcceptedClient {
  readonly subject: string;
  /** keytool-style SHA-256 fingerprint of the client certificate. */
  readonly fingerprint256: string;
}

export interface MtlsServer {
  readonly port: number;
  /** Clients that completed the handshake with a certificate the server verified (impl `node`). */
  readonly accepted: readonly AcceptedClient[];
  /** TLS errors the server refused clients with, as OpenSSL codes (impl `node`). */
  readonly refused: readonly string[];
  /** The server's output (impl `openssl`). */
  output(): string;
  close(): Promise<void>;
}

/** Starts a loopback mutual-TLS server on a free port. */
export async function startMtlsServer(options: MtlsServerOptions): Promise<MtlsServer> {
  return options.impl === 'openssl' ? startOpensslServer(options) : startNodeServer(options);
}

async function startNodeServer(options: MtlsServerOptions): Promise<MtlsServer> {
  const accepted: AcceptedClient[] = [];
  const refused: string[] = [];
  const server = tls.createServer({
    cert: options.serverCertPem,
    key: options.serverKeyPem,
    ca: options.clientCaPem,
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: 15_000,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket) => {
    const peer = socket.getPeerCertificate();
    accepted.push({ subject: peer.subject ? formatSubject(peer.subject) : '', fingerprint256: peer.fingerprint256 });
    socket.setTimeout(10_000, () => socket.destroy());
    socket.once('data', () => {
      socket.end(`HTTP/1.0 200 hello ${String(peer.subject?.CN ?? '')}\r\n\r\n`);
    });
    socket.on('error', () => socket.destroy());
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException & { reason?: string }) => {
    refused.push(err.code ?? err.message);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tls server has no port');
  return {
    port: address.port,
    accepted,
    refused,
    output: () => '',
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // close() waits for open connections; end them so it cannot hang.
        for (const s of sockets) s.destroy();
      }),
  };
}

function formatSubject(subject: tls.Certificate): string {
  return Object.entries(subject)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** A loopback port that was free a moment ago (s_server binds it itself; startOpensslServer retries on a clash). */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function startOpensslServer(options: MtlsServerOptions): Promise<MtlsServer> {
  const ownDir = options.workDir === undefined;
  const dir = options.workDir ?? mkdtempSync(join(tmpdir(), 'certkit-s_server-'));
  const cleanup = () => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  const cert = join(dir, 'server-cert.pem');
  const key = join(dir, 'server-key.pem');
  const ca = join(dir, 'client-ca.pem');
  writeFileSync(cert, options.serverCertPem);
  writeFileSync(key, options.serverKeyPem, { mode: 0o600 });
  writeFileSync(ca, options.clientCaPem);
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      options.openssl ?? tool('openssl') ?? 'openssl',
      ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', key, '-CAfile', ca,
        '-Verify', '1', '-verify_return_error', '-www'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      const check = () => {
        if (out.includes('ACCEPT')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) {
      return {
        port,
        accepted: [],
        refused: [],
        output: () => out,
        close: () => killChild(child).then(cleanup),
      };
    }
    lastError = out;
    await killChild(child);
  }
  cleanup();
  throw new Error(`openssl s_server did not start: ${lastError}`);
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface JavaClientOptions {
  /** The java binary; default: `tool('java')` (throws with CI=true when missing), else `java`. */
  readonly java?: string;
  readonly host?: string;
  readonly port: number;
  /** Keystore path and type as Kafka's ssl.keystore.location / ssl.keystore.type (`JKS`, `PKCS12`). */
  readonly keystore: string;
  readonly storetype: string;
  /** ssl.keystore.password */
  readonly storepass: string;
  /** ssl.key.password (KeyManagerFactory.init) */
  readonly keypass: string;
  readonly truststore: string;
  readonly truststoretype: string;
  readonly truststorepass: string;
  /** Pin one protocol (`TLSv1.2`, `TLSv1.3`); default: JSSE's default (1.3 then 1.2). */
  readonly protocol?: string;
  readonly timeoutMs?: number;
}

export interface JavaClientResult {
  /** `ok`: handshake done and the server answered; `tls-failed`: TLS refused; `error`: a harness error. */
  readonly outcome: 'ok' | 'tls-failed' | 'error';
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the JSSE client once (one JVM start, about a second) and classifies its result. */
export function runJavaClient(options: JavaClientOptions): Promise<JavaClientResult> {
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    MTLS_CLIENT_SOURCE,
    options.host ?? '127.0.0.1',
    String(options.port),
    options.keystore,
    options.storetype,
    options.storepass,
    options.keypass,
    options.truststore,
    options.truststoretype,
    options.truststorepass,
  ];
  if (options.protocol !== undefined) args.push(options.protocol);
  return new Promise((resolve) => {
    const child = spawn(options.java ?? tool('java') ?? 'java', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      const outcome =
        status === 0 && stdout.startsWith('OK ') ? 'ok' : status === 1 && stdout.startsWith('TLS_FAILED ') ? 'tls-failed' : 'error';
      resolve({ outcome, status, stdout, stderr });
    });
  });
}
