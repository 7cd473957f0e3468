/**
 * A small fault-injecting HTTP proxy on loopback, in front of moto_server: the SDK is pointed
 * at the proxy (`endpoint`), which forwards to moto and, for requests matching a rule, injects
 * a fault instead (or after forwarding). It records every request it sees, so tests assert on
 * what really went over the wire (headers, body, how many IssueCertificate calls reached moto).
 *
 * It also emulates what moto does not (and a rule can inject what moto never answers, such as
 * S3's 301 for a bucket in another region): ACM PCA's IdempotencyToken (the same token for the same
 * CA returns the first certificate ARN without issuing again), and PCA's refusal of a signing
 * algorithm that does not fit the CA's key (learned from the DescribeCertificateAuthority
 * answers moto gives through the proxy).
 *
 * Deterministic: rules fire on the first `times` matching requests, in the order added.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a rule injects. */
export type Fault =
  /** 400 ThrottlingException (JSON services) or 503 SlowDown (S3): retryable. */
  | { kind: 'throttle' }
  /** 503 ServiceUnavailable: retryable. */
  | { kind: 'unavailable' }
  /** The connection is reset before anything is forwarded. */
  | { kind: 'reset' }
  /** Nothing is forwarded and nothing is answered: the connection stays open, silent (a hung service). */
  | { kind: 'hang' }
  /** The request is forwarded, moto acts on it, and the response is lost (connection reset). */
  | { kind: 'dropResponse' }
  /** 400 RequestInProgressException (ACM PCA GetCertificate while issuing). */
  | { kind: 'requestInProgress' }
  /** The request is forwarded; the answer's headers and half its body are sent, then the connection breaks. */
  | { kind: 'truncateResponse' }
  /** One byte of the request body is flipped before forwarding (a body corrupted in transit). */
  | { kind: 'corruptBody' }
  /** One byte of the response body is flipped before it is returned. */
  | { kind: 'corruptResponse' }
  /** Any JSON-protocol error, e.g. AccessDeniedException 400. */
  | { kind: 'error'; status: number; type: string; message: string }
  /** An HTML error page, as moto (a Flask app) sends for an unhandled exception. */
  | { kind: 'html'; status: number }
  /** An answer with these status and headers and no body, as S3 answers a HEAD (e.g. a 301 naming x-amz-bucket-region). */
  | { kind: 'bare'; status: number; headers: Readonly<Record<string, string>> }
  /** The request is forwarded and moto's JSON answer is rewritten before it is returned. */
  | { kind: 'rewriteJson'; edit: (answer: Record<string, unknown>) => Record<string, unknown> }
  /** The request is forwarded and moto's answer headers are rewritten before it is returned. */
  | { kind: 'rewriteHeaders'; edit: (headers: IncomingHttpHeaders) => IncomingHttpHeaders };

export interface RequestMatch {
  /** The X-Amz-Target operation, e.g. `IssueCertificate` (matches `ACMPrivateCA.IssueCertificate`). */
  readonly target?: string;
  readonly method?: string;
  /** Matched against the request path (with query). */
  readonly path?: RegExp;
}

export interface FaultRule {
  readonly match: RequestMatch;
  readonly fault: Fault;
  /** How many matching requests get the fault (default 1; Infinity for every one). */
  readonly times?: number;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** The operation from X-Amz-Target (after the dot), when the request has one. */
  readonly target: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The fault injected, if any. */
  readonly fault: Fault['kind'] | 'idempotent-replay' | 'signing-algorithm-refused' | undefined;
  /** True when the request reached moto. */
  readonly forwarded: boolean;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT — give this to the SDK as the endpoint. */
  readonly endpoint: string;
  /** Every request seen, in order. */
  readonly requests: readonly SeenRequest[];
  addRule(rule: FaultRule): void;
  /** Forgets the rules and the recorded requests (the idempotency memory is kept). */
  reset(): void;
  /** Requests matching `m` that reached moto. */
  forwarded(m: RequestMatch): SeenRequest[];
  /** Requests matching `m` that were seen at all. */
  seen(m: RequestMatch): SeenRequest[];
  stop(): Promise<void>;
}

function targetOf(headers: IncomingHttpHeaders): string | undefined {
  const t = headers['x-amz-target'];
  if (typeof t !== 'string') return undefined;
  const dot = t.lastIndexOf('.');
  return dot >= 0 ? t.slice(dot + 1) : t;
}

function matches(m: RequestMatch, method: string, path: string, target: string | undefined): boolean {
  if (m.target !== undefined && m.target !== target) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== method) return false;
  if (m.path !== undefined && !m.path.test(path)) return false;
  return true;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function forward(upstream: URL, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Upstream> {
  const h: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k === 'transfer-encoding' || k === 'connection' || k === 'content-length') continue;
    h[k] = v;
  }
  h['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: upstream.hostname, port: upstream.port, method, path, headers: h, agent: false },
      (res) => {
        readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function send(res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer): void {
  const h: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k === 'transfer-encoding' || k === 'connection' || k === 'content-length') continue;
    h[k] = v;
  }
  h['content-length'] = String(body.length);
  res.writeHead(status, h);
  res.end(body);
}

/** Whether PCA signs with `signingAlgorithm` for a CA whose key is `keyAlgorithm`. */
function signingFits(keyAlgorithm: string, signingAlgorithm: string): boolean {
  if (keyAlgorithm.startsWith('RSA_')) return signingAlgorithm.endsWith('WITHRSA');
  if (keyAlgorithm.startsWith('EC_')) return signingAlgorithm.endsWith('WITHECDSA');
  if (keyAlgorithm === 'SM2') return signingAlgorithm === 'SM3WITHSM2';
  return true;
}

function flipOneByte(b: Buffer): Buffer {
  const out = Buffer.from(b);
  const i = Math.floor(out.length / 2);
  if (out.length > 0) out[i] = out[i]! ^ 0x01;
  return out;
}

/** Starts the proxy on a free loopback port in front of `upstreamEndpoint`. */
export async function startFaultProxy(upstreamEndpoint: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamEndpoint);
  let rules: { rule: FaultRule; left: number }[] = [];
  let seen: SeenRequest[] = [];
  /** ACM PCA idempotency: "caArn\0token" → the first certificate ARN. */
  const issuedByToken = new Map<string, string>();
  /** CA ARN → its KeyAlgorithm, from moto's DescribeCertificateAuthority answers. */
  const caKeyAlgorithms = new Map<string, string>();
  const sockets = new Set<Socket>();
  let counter = 0;

  const injected = (res: ServerResponse, status: number, isJson: boolean, type: string, message: string) => {
    const requestId = `certkit-fault-${++counter}`;
    if (isJson) {
      send(
        res,
        status,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        Buffer.from(JSON.stringify({ __type: type, message })),
      );
    } else {
      send(
        res,
        status,
        { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${type}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`),
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const target = targetOf(req.headers);
    const isJson = target !== undefined;
    let body = await readAll(req);
    const record = (fault: SeenRequest['fault'], forwarded: boolean) =>
      seen.push({ method, path, target, headers: req.headers, body, fault, forwarded });

    const active = rules.find((r) => r.left > 0 && matches(r.rule.match, method, path, target));
    if (active !== undefined) active.left -= 1;
    const fault = active?.rule.fault;

    switch (fault?.kind) {
      case 'throttle':
        record('throttle', false);
        return isJson
          ? injected(res, 400, true, 'ThrottlingException', 'Rate exceeded')
          : injected(res, 503, false, 'SlowDown', 'Please reduce your request rate.');
      case 'unavailable':
        record('unavailable', false);
        return injected(res, 503, isJson, 'ServiceUnavailable', 'Service is unavailable');
      case 'reset':
        record('reset', false);
        req.socket.destroy();
        return;
      case 'hang':
        record('hang', false);
        return; // the client gives up on its own (stop() closes the socket)
      case 'requestInProgress':
        record('requestInProgress', false);
        return injected(res, 400, true, 'RequestInProgressException', 'The request is still in progress.');
      case 'error':
        record('error', false);
        return injected(res, fault.status, isJson, fault.type, fault.message);
      case 'bare':
        record('bare', false);
        return send(res, fault.status, { ...fault.headers, 'x-amz-request-id': `certkit-fault-${++counter}` }, Buffer.alloc(0));
      case 'html':
        record('html', false);
        return send(
          res,
          fault.status,
          { 'content-type': 'text/html; charset=utf-8' },
          Buffer.from(
            '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n' +
              '<p>The server encountered an internal error and was unable to complete your request. ' +
              'Either the server is overloaded or there is an error in the application.</p>\n',
          ),
        );
      default:
        break;
    }
    if (fault?.kind === 'corruptBody') body = flipOneByte(body);

    // ACM PCA idempotency, which moto ignores.
    let idemKey: string | undefined;
    if (target === 'IssueCertificate') {
      let j: { CertificateAuthorityArn?: string; IdempotencyToken?: string; SigningAlgorithm?: string } = {};
      try {
        j = JSON.parse(body.toString('utf8')) as typeof j;
        if (j.IdempotencyToken !== undefined) idemKey = `${j.CertificateAuthorityArn}\0${j.IdempotencyToken}`;
      } catch {
        // Not JSON: let moto answer it.
      }
      // PCA refuses a signing algorithm of the other key family (moto signs with anything).
      const keyAlgorithm = j.CertificateAuthorityArn === undefined ? undefined : caKeyAlgorithms.get(j.CertificateAuthorityArn);
      if (keyAlgorithm !== undefined && j.SigningAlgorithm !== undefined && !signingFits(keyAlgorithm, j.SigningAlgorithm)) {
        record('signing-algorithm-refused', false);
        return injected(
          res,
          400,
          true,
          'InvalidArgsException',
          `The signing algorithm ${j.SigningAlgorithm} is not compatible with the key algorithm ${keyAlgorithm} of the CA.`,
        );
      }
      const first = idemKey === undefined ? undefined : issuedByToken.get(idemKey);
      if (first !== undefined) {
        seen.push({ method, path, target, headers: req.headers, body, fault: 'idempotent-replay', forwarded: false });
        // A lost response is lost whether PCA issued or replayed.
        if (fault?.kind === 'dropResponse') {
          req.socket.destroy();
          return;
        }
        return send(
          res,
          200,
          { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `certkit-replay-${++counter}` },
          Buffer.from(JSON.stringify({ CertificateArn: first })),
        );
      }
    }

    let up: Upstream;
    try {
      up = await forward(upstream, method, path, req.headers, body);
    } catch {
      record(fault?.kind, false);
      req.socket.destroy();
      return;
    }
    seen.push({ method, path, target, headers: req.headers, body, fault: fault?.kind, forwarded: true });
    if (idemKey !== undefined && up.status === 200) {
      try {
        const arn = (JSON.parse(up.body.toString('utf8')) as { CertificateArn?: string }).CertificateArn;
        if (arn !== undefined) issuedByToken.set(idemKey, arn);
      } catch {
        // moto answered something else; nothing to remember.
      }
    }
    if (target === 'DescribeCertificateAuthority' && up.status === 200) {
      try {
        const ca = (JSON.parse(up.body.toString('utf8')) as {
          CertificateAuthority?: { Arn?: string; CertificateAuthorityConfiguration?: { KeyAlgorithm?: string } };
        }).CertificateAuthority;
        const keyAlgorithm = ca?.CertificateAuthorityConfiguration?.KeyAlgorithm;
        if (ca?.Arn !== undefined && keyAlgorithm !== undefined) caKeyAlgorithms.set(ca.Arn, keyAlgorithm);
      } catch {
        // Not JSON: nothing to learn.
      }
    }
    if (fault?.kind === 'dropResponse') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'truncateResponse') {
      const h: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) {
        if (v === undefined || k === 'transfer-encoding' || k === 'connection' || k === 'content-length') continue;
        h[k] = v;
      }
      h['content-length'] = String(up.body.length);
      res.writeHead(up.status, h);
      res.write(up.body.subarray(0, Math.floor(up.body.length / 2)), () => req.socket.destroy());
      return;
    }
    if (fault?.kind === 'rewriteJson' && up.status === 200) {
      const edited = fault.edit(JSON.parse(up.body.toString('utf8')) as Record<string, unknown>);
      return send(res, up.status, up.headers, Buffer.from(JSON.stringify(edited)));
    }
    if (fault?.kind === 'rewriteHeaders') return send(res, up.status, fault.edit({ ...up.headers }), up.body);
    send(res, up.status, up.headers, fault?.kind === 'corruptResponse' ? flipOneByte(up.body) : up.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const filter = (m: RequestMatch) => seen.filter((r) => matches(m, r.method, r.path, r.target));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return seen;
    },
    addRule(rule) {
      rules.push({ rule, left: rule.times ?? 1 });
    },
    reset() {
      rules = [];
      seen = [];
    },
    forwarded: (m) => filter(m).filter((r) => r.forwarded),
    seen: filter,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
