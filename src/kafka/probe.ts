/**
 * `certkit probe`'s library half: does each Kafka broker accept this client identity, and does it
 * answer? For each address, a TLS connection with the client certificate, then Kafka's
 * ApiVersions v0 and Metadata v1 requests (src/kafka/wire.ts). The result for each broker says
 * `tls` and `kafka`, each "ok" or what failed in words a user can act on, with a stable `cause`
 * code and a `hint`; the report adds the Kafka principal the brokers derive from the certificate
 * (src/kafka/principal.ts), which is what ACLs must name.
 *
 * How failures are told apart, since TLS itself rarely says why:
 * - Before connecting, the identity is checked locally: a key that does not belong to the
 *   certificate is reported without a connection (`key-mismatch`); the certificate's validity
 *   dates are kept to explain a refusal.
 * - A broker that refuses the client certificate sends a TLS alert, under TLS 1.3 only after the
 *   handshake looked complete to the client, so `tls` is "ok" only once the broker has answered
 *   the first Kafka request. A refusal (bad_certificate, certificate_unknown, unknown_ca, ...) is
 *   `certificate-expired` or `certificate-not-yet-valid` when the local dates say so, and
 *   otherwise `untrusted-ca`: Java brokers (and so Amazon MSK) send the same alert for both.
 * - A connection closed during the TLS handshake is retried once without TLS: a broker that then
 *   answers ApiVersions is a plaintext listener (`plaintext-port`, 9092 on MSK).
 * - A broker that answers ApiVersions over TLS but drops the connection at Metadata wants SASL
 *   first (`sasl-port`: 9096 SASL/SCRAM and 9098 IAM on MSK).
 * - Refused, unresolved and silent addresses are `refused`, `unresolved` and `timeout`.
 *
 * Bounded: each broker has one deadline (default 10 s) for everything, the plaintext retry
 * included; sockets are destroyed when it passes. Brokers are probed at the same time.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';

import { CertkitError, errnoOf } from '../errors.js';
import { exportPkcs8Pem } from '../keys.js';
import { encodePem } from '../pem.js';
import { parseCertificate } from '../x509/certificate.js';
import { kafkaPrincipal } from './principal.js';
import {
  API_KEY,
  decodeApiVersionsResponseV0,
  decodeMetadataResponseV1,
  encodeApiVersionsRequestV0,
  encodeMetadataRequestV1,
  kafkaErrorName,
  ResponseFramer,
  type ApiVersionsResponse,
  type MetadataBroker,
} from './wire.js';

/** Each broker's deadline unless told otherwise. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** One `host:port`, as given and parsed. */
export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
  /** As the user wrote it (`b-1.example:9094`, `[::1]:9094`). */
  readonly text: string;
}

/**
 * Parses `HOST:PORT[,HOST:PORT…]` (each argument may hold several, as MSK's bootstrap strings
 * do; IPv6 literals in brackets). USAGE naming the bad one.
 */
export function parseBrokerAddresses(args: readonly string[]): BrokerAddress[] {
  const out: BrokerAddress[] = [];
  for (const arg of args) {
    for (const raw of arg.split(',')) {
      const text = raw.trim();
      if (text === '') continue;
      const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):([0-9]{1,5})$/.exec(text);
      const port = m === null ? NaN : Number(m[3]);
      if (m === null || !(port >= 1 && port <= 65535)) {
        throw new CertkitError('USAGE', `'${text}' is not HOST:PORT (for example b-1.mycluster.abc123.c2.kafka.us-east-1.amazonaws.com:9094)`);
      }
      out.push({ host: m[1] ?? m[2]!, port, text });
    }
  }
  if (out.length === 0) throw new CertkitError('USAGE', 'no broker address given (HOST:PORT[,HOST:PORT…])');
  return out;
}

/** The client identity: its certificate chain (DER, leaf first) and private key. */
export interface ProbeIdentity {
  readonly chain: readonly Buffer[];
  readonly key: KeyObject;
}

export interface ProbeOptions {
  readonly addresses: readonly BrokerAddress[];
  readonly identity: ProbeIdentity;
  /** CA certificates (DER) trusted for the brokers' certificates; default Node's root store. */
  readonly ca?: readonly Buffer[];
  /** Deadline for each broker, everything included (default DEFAULT_PROBE_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Clock for the certificate's validity (default `new Date()`). */
  readonly now?: () => Date;
  /** Kafka client id sent with the requests (default `certkit-probe`). */
  readonly clientId?: string;
}

/**
 * Why a broker did not accept the identity or did not answer; stable, for callers to switch on.
 */
export type ProbeCause =
  | 'key-mismatch'
  | 'untrusted-ca'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'broker-untrusted'
  | 'hostname-mismatch'
  | 'plaintext-port'
  | 'sasl-port'
  | 'tls-failed'
  | 'not-kafka'
  | 'kafka-error'
  | 'closed'
  | 'timeout'
  | 'refused'
  | 'unresolved'
  | 'unreachable';

/** A certificate as the report shows it. */
export interface ProbeCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface BrokerProbe {
  /** The address as given. */
  readonly address: string;
  /** True when the broker accepted the identity and answered both requests. */
  readonly ok: boolean;
  /** "ok", or the TLS failure in words. */
  readonly tls: string;
  /** "ok", or the Kafka failure in words ("not reached" when TLS failed). */
  readonly kafka: string;
  readonly cause?: ProbeCause;
  /** What to do about it. */
  readonly hint?: string;
  /** The negotiated TLS version (`TLSv1.3`). */
  readonly tlsVersion?: string;
  /** The broker's own certificate, when the handshake got that far. */
  readonly serverCertificate?: ProbeCertificate;
  /** The brokers the Metadata answer lists. */
  readonly brokers?: readonly MetadataBroker[];
  /** The active controller's node id as Metadata gives it (-1: not said). */
  readonly controllerId?: number;
}

export interface ProbeReport {
  /** `User:CN=…`: the principal brokers give this certificate (ACLs name it). */
  readonly principal: string;
  /**
   * The principal a broker on a newer JDK (25) gives it, when that differs: only for subjects
   * with non-ASCII TeletexString or BMPString values (src/kafka/principal.ts).
   */
  readonly principalNewerJdk?: string;
  readonly certificate: ProbeCertificate;
  /** True when every broker is ok. */
  readonly ok: boolean;
  readonly brokers: readonly BrokerProbe[];
}

const MSK_TLS_PORTS = 'mutual TLS is 9094, or 9194 with public access';

/** TLS alert numbers (RFC 8446 6.2) by name, for messages. */
const ALERT_NAMES: Readonly<Record<number, string>> = {
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  112: 'unrecognized_name',
  116: 'certificate_required',
};

/** Alerts a server sends when it does not accept the client's certificate. */
const CLIENT_CERT_ALERTS = new Set([
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'unknown_ca',
  'access_denied',
  'certificate_required',
]);

/** The TLS alert an OpenSSL error reports (`SSL alert number 46`, `ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN`). */
function alertOf(e: unknown): string | undefined {
  const message = e instanceof Error ? e.message : '';
  const n = /SSL alert number (\d+)/.exec(message);
  if (n !== null) return ALERT_NAMES[Number(n[1])] ?? `alert ${n[1]}`;
  const code = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(errnoOf(e) ?? '');
  return code === null ? undefined : code[1]!.toLowerCase();
}

function view(der: Buffer, what: string): ProbeCertificate {
  const c = parseCertificate(der, what);
  return { subject: c.subjectText, issuer: c.issuerText, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() };
}

/** What the identity's own dates and key say, checked once before any connection. */
interface LocalFacts {
  readonly leaf: ProbeCertificate;
  readonly keyMatches: boolean;
  /** "expired on …" / "not valid until …" for the first certificate of the chain out of its dates. */
  readonly expired?: string;
  readonly notYetValid?: string;
}

function localFacts(identity: ProbeIdentity, now: Date): LocalFacts {
  const leafDer = identity.chain[0];
  if (leafDer === undefined) throw new CertkitError('INVALID_INPUT', 'the client certificate chain is empty');
  const leaf = view(leafDer, 'client certificate');
  const keyMatches = new X509Certificate(leafDer).checkPrivateKey(identity.key);
  let expired: string | undefined;
  let notYetValid: string | undefined;
  identity.chain.forEach((der, i) => {
    const c = parseCertificate(der, i === 0 ? 'client certificate' : `chain certificate ${i + 1}`);
    const which = i === 0 ? 'the client certificate' : `its CA certificate ${c.subjectText}`;
    if (expired === undefined && c.notAfter.getTime() < now.getTime()) expired = `${which} expired on ${c.notAfter.toISOString()}`;
    if (notYetValid === undefined && c.notBefore.getTime() > now.getTime()) notYetValid = `${which} is not valid until ${c.notBefore.toISOString()}`;
  });
  return { leaf, keyMatches, ...(expired === undefined ? {} : { expired }), ...(notYetValid === undefined ? {} : { notYetValid }) };
}

/** Probes every broker (at the same time) with the identity. Never throws for a broker's failure. */
export async function probeBrokers(options: ProbeOptions): Promise<ProbeReport> {
  const now = (options.now ?? (() => new Date()))();
  const facts = localFacts(options.identity, now);
  const principal = kafkaPrincipal(options.identity.chain[0]!);
  const byType = kafkaPrincipal(options.identity.chain[0]!, { decoding: 'by-type' });
  const brokers = await Promise.all(
    options.addresses.map((address) =>
      facts.keyMatches
        ? probeOne(address, options, facts)
        : Promise.resolve<BrokerProbe>({
            address: address.text,
            ok: false,
            tls: 'not attempted: the private key does not belong to the client certificate',
            kafka: 'not reached',
            cause: 'key-mismatch',
            hint: 'give the key the certificate was issued for (private_key.pem from the same certkit client run)',
          }),
    ),
  );
  return {
    principal,
    ...(byType === principal ? {} : { principalNewerJdk: byType }),
    certificate: facts.leaf,
    ok: brokers.every((b) => b.ok),
    brokers,
  };
}

type Stage = 'connecting' | 'handshake' | 'api-versions' | 'metadata';

const STAGE_WORDS: Readonly<Record<Stage, string>> = {
  connecting: 'while connecting',
  handshake: 'during the TLS handshake',
  'api-versions': 'waiting for the answer to ApiVersions',
  metadata: 'waiting for the answer to Metadata',
};

interface Failure {
  readonly tls: string;
  readonly kafka: string;
  readonly cause: ProbeCause;
  readonly hint?: string;
}

/** A TLS-level failure: Kafka was never reached. */
const tlsFailure = (tls: string, cause: ProbeCause, hint?: string): Failure => ({ tls, kafka: 'not reached', cause, ...(hint === undefined ? {} : { hint }) });

function probeOne(address: BrokerAddress, options: ProbeOptions, facts: LocalFacts): Promise<BrokerProbe> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const clientId = options.clientId ?? 'certkit-probe';
  const where = `${address.host}:${address.port}`;

  return new Promise<BrokerProbe>((resolve) => {
    let stage: Stage = 'connecting';
    let settled = false;
    // Set once the connection has ended and its result is being worked out (the plaintext retry
    // runs after the TLS socket closed, and its 'close' must not start another).
    let ending = false;
    let timer: NodeJS.Timeout | undefined;
    let socket: tls.TLSSocket | undefined;
    let serverCertificate: ProbeCertificate | undefined;
    let tlsVersion: string | undefined;
    let apiVersions: ApiVersionsResponse | undefined;

    const base = (): Pick<BrokerProbe, 'address' | 'tlsVersion' | 'serverCertificate'> => ({
      address: address.text,
      ...(tlsVersion === undefined ? {} : { tlsVersion }),
      ...(serverCertificate === undefined ? {} : { serverCertificate }),
    });
    const settle = (result: BrokerProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const fail = (f: Failure): void => settle({ ...base(), ok: false, ...f, ...(f.hint === undefined ? {} : { hint: f.hint }) });

    timer = setTimeout(() => {
      fail({
        ...(stage === 'connecting' || stage === 'handshake'
          ? tlsFailure(`no answer within ${timeoutMs / 1000} s ${STAGE_WORDS[stage]}`, 'timeout')
          : { tls: 'ok', kafka: `no answer within ${timeoutMs / 1000} s ${STAGE_WORDS[stage]}: is this a Kafka broker?`, cause: 'timeout' as const }),
        hint:
          stage === 'connecting'
            ? 'check the address, and that a firewall or (on AWS) a security group lets this machine reach the port'
            : 'a TLS server that is not Kafka, or a broker too busy to answer; try a longer --timeout',
      });
    }, timeoutMs);

    try {
      socket = tls.connect({
      host: address.host,
      port: address.port,
      ...(isIP(address.host) === 0 ? { servername: address.host } : {}),
      key: exportPkcs8Pem(options.identity.key),
      cert: options.identity.chain.map((c) => encodePem('CERTIFICATE', c)).join(''),
      ...(options.ca === undefined ? {} : { ca: options.ca.map((c) => encodePem('CERTIFICATE', c)) }),
      // Checked below, so that an untrusted broker still shows its certificate in the report.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      });
    } catch (e) {
      // The TLS stack refused the identity itself (a key type or certificate OpenSSL will not use).
      return fail(tlsFailure(`not attempted: the TLS stack refused the client identity: ${(e as Error).message}`, 'tls-failed'));
    }
    const sock = socket;

    sock.once('connect', () => {
      if (stage === 'connecting') stage = 'handshake';
    });

    sock.once('secureConnect', () => {
      stage = 'api-versions';
      tlsVersion = sock.getProtocol() ?? undefined;
      const peer = sock.getPeerCertificate(false);
      if (peer !== null && peer.raw !== undefined) {
        try {
          serverCertificate = view(peer.raw, 'broker certificate');
        } catch {
          // Shown only when it parses; the TLS stack has accepted it either way.
        }
      }
      // Node checks the host name too and reports a mismatch as an authorization error.
      const identityError = tls.checkServerIdentity(address.host, peer);
      if (identityError !== undefined) {
        return fail(
          tlsFailure(`the broker's certificate is not for ${address.host}: ${identityError.message}`, 'hostname-mismatch', 'connect with a name the broker certificate lists'),
        );
      }
      if (!sock.authorized) {
        const why = String(sock.authorizationError ?? 'not trusted');
        return fail(
          tlsFailure(
            `the broker's certificate is not trusted (${why}${serverCertificate === undefined ? '' : `; issuer ${serverCertificate.issuer}`})`,
            'broker-untrusted',
            options.ca === undefined
              ? "give the CA that signs the brokers' certificates with --ca; Amazon MSK's brokers use Amazon Trust Services certificates, which are trusted without it"
              : "the CA given with --ca did not sign the broker's certificate; give the one that did",
          ),
        );
      }
      sock.write(encodeApiVersionsRequestV0(1, clientId));
    });

    const framer = new ResponseFramer();
    sock.on('data', (chunk: Buffer) => {
      let responses: Buffer[];
      try {
        responses = framer.push(chunk);
      } catch (e) {
        return fail({ tls: 'ok', kafka: `the server accepted the TLS connection but ${(e as Error).message}`, cause: 'not-kafka' });
      }
      for (const payload of responses) {
        if (settled) return;
        try {
          if (stage === 'api-versions') {
            apiVersions = decodeApiVersionsResponseV0(payload);
            if (apiVersions.correlationId !== 1) throw new Error(`answer to request ${apiVersions.correlationId}, not to request 1`);
            if (apiVersions.errorCode !== 0) {
              return fail({ tls: 'ok', kafka: `ApiVersions failed: ${kafkaErrorName(apiVersions.errorCode)}`, cause: 'kafka-error' });
            }
            const metadata = apiVersions.apiKeys.find((k) => k.apiKey === API_KEY.METADATA);
            if (metadata === undefined || metadata.minVersion > 1 || metadata.maxVersion < 1) {
              const range = metadata === undefined ? 'does not list Metadata' : `serves Metadata v${metadata.minVersion} to v${metadata.maxVersion}`;
              return fail({ tls: 'ok', kafka: `the broker ${range}; certkit probe asks with v1`, cause: 'kafka-error' });
            }
            stage = 'metadata';
            sock.write(encodeMetadataRequestV1(2, clientId));
          } else if (stage === 'metadata') {
            const md = decodeMetadataResponseV1(payload);
            if (md.correlationId !== 2) throw new Error(`answer to request ${md.correlationId}, not to request 2`);
            return settle({ ...base(), ok: true, tls: 'ok', kafka: 'ok', brokers: md.brokers, controllerId: md.controllerId });
          }
        } catch (e) {
          return fail({ tls: 'ok', kafka: `the answer is not Kafka's: ${(e as Error).message}`, cause: 'not-kafka' });
        }
      }
    });

    const ended = (e?: unknown): void => {
      if (settled || ending) return;
      ending = true;
      const alert = e === undefined ? undefined : alertOf(e);
      if (alert !== undefined && (stage === 'handshake' || stage === 'api-versions') && CLIENT_CERT_ALERTS.has(alert)) {
        return fail(refusedCertificate(alert, facts));
      }
      if (alert !== undefined) {
        return fail(tlsFailure(`TLS failed ${STAGE_WORDS[stage]}: the server sent alert ${alert}`, 'tls-failed'));
      }
      const code = errnoOf(e);
      if (stage === 'connecting' || (stage === 'handshake' && (code === 'ECONNREFUSED' || code === 'ENOTFOUND'))) {
        if (code === 'ECONNREFUSED') return fail(tlsFailure(`connection refused: nothing listens on ${where}`, 'refused', `check the port: on Amazon MSK ${MSK_TLS_PORTS}`));
        if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail(tlsFailure(`${address.host} does not resolve (${code})`, 'unresolved', 'check the host name'));
        if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
          return fail(tlsFailure(`${where} cannot be reached (${code})`, 'unreachable', 'check the route, a firewall, or (on AWS) the security groups'));
        }
      }
      if (stage === 'handshake' || stage === 'connecting') {
        // Closed (or answered with something that is not TLS) during the handshake: a plaintext listener?
        const why = e instanceof Error ? e.message : 'the server closed the connection';
        void speaksPlaintextKafka(address, deadline, clientId).then((plaintext) => {
          if (plaintext) {
            fail(
              tlsFailure(
                `this is a plaintext Kafka port: ${where} answered Kafka without TLS`,
                'plaintext-port',
                `use the TLS listener: on Amazon MSK 9092 is plaintext, ${MSK_TLS_PORTS}`,
              ),
            );
          } else {
            fail(tlsFailure(`TLS failed during the handshake: ${why}`, 'tls-failed', 'is this a TLS port?'));
          }
        });
        return;
      }
      if (stage === 'metadata') {
        return fail({
          tls: 'ok',
          kafka: 'the broker answered ApiVersions but closed the connection at Metadata: this listener wants SASL authentication first',
          cause: 'sasl-port',
          hint: `use the mutual-TLS listener: on Amazon MSK 9096 is SASL/SCRAM and 9098 IAM, ${MSK_TLS_PORTS}`,
        });
      }
      // api-versions: closed after the handshake without an answer or an alert.
      const why = e instanceof Error ? `: ${e.message}` : '';
      return fail({
        tls: `the server closed the connection after the TLS handshake without answering${why}`,
        kafka: 'not reached',
        cause: 'closed',
        hint: 'a broker that refused the client certificate, or a TLS server that is not Kafka; see the broker log',
      });
    };
    sock.on('error', (e) => ended(e));
    sock.on('close', () => ended());
  });
}

/** The failure for a TLS alert refusing the client certificate, explained by the local facts. */
function refusedCertificate(alert: string, facts: LocalFacts): Failure {
  const said = `the broker sent TLS alert ${alert}`;
  if (facts.expired !== undefined) {
    return tlsFailure(`the broker refused the client certificate: ${facts.expired} (${said})`, 'certificate-expired', 'issue a new certificate: certkit client --out DIR --force');
  }
  if (facts.notYetValid !== undefined) {
    return tlsFailure(
      `the broker refused the client certificate: ${facts.notYetValid} (${said})`,
      'certificate-not-yet-valid',
      "check this machine's clock and the broker's",
    );
  }
  if (alert === 'certificate_required') {
    return tlsFailure(`the broker requires a client certificate and got none (${said})`, 'tls-failed');
  }
  return tlsFailure(
    `the broker does not trust the client certificate's CA (${facts.leaf.issuer}): ${said}`,
    'untrusted-ca',
    "add that CA to the brokers' truststore; on Amazon MSK: aws kafka update-security --cluster-arn CLUSTER_ARN --current-version VERSION " +
      "--client-authentication 'Tls={CertificateAuthorityArnList=[CA_ARN]}'",
  );
}

/**
 * True when `address` answers a plaintext ApiVersions v0 request with a Kafka ApiVersions
 * response before `deadline`; false on anything else (never throws).
 */
function speaksPlaintextKafka(address: BrokerAddress, deadline: number, clientId: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    const finish = (v: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const sock: Socket = netConnect({ host: address.host, port: address.port });
    const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
    const framer = new ResponseFramer();
    sock.once('connect', () => sock.write(encodeApiVersionsRequestV0(1, clientId)));
    sock.on('data', (chunk: Buffer) => {
      try {
        const [payload] = framer.push(chunk);
        if (payload !== undefined) finish(decodeApiVersionsResponseV0(payload).correlationId === 1);
      } catch {
        finish(false);
      }
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  });
}
