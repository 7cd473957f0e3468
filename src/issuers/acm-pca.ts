/**
 * The ACM Private CA issuer: IssueCertificate, wait with the SDK waiter while the certificate
 * is "in progress", GetCertificate, and check what came back (leaf key = CSR key, chain in
 * order up to the root).
 *
 * A retried run never mints a second certificate: the IdempotencyToken is derived from the
 * request itself (CSR, CA, validity, algorithm, template), so PCA answers a repeat within its
 * idempotency window with the first certificate's ARN. Beyond that window a rerun resumes
 * from the saved certificate ARN with {@link AcmPcaIssuer.fetchIssued} (`onCertificateArn`
 * hands the ARN to the caller as the wait begins; the issuance completes only once its save has).
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { ACMPCAClient, DescribeCertificateAuthorityCommandOutput, GetCertificateCommandOutput, SigningAlgorithm } from '@aws-sdk/client-acm-pca';
import { callAws, awsError, createAcmPcaClient, type AwsOptions } from '../aws/config.js';
import { CertkitError } from '../errors.js';
import { quoteInput, quotePath } from '../quote.js';
import { decodePemAll, encodePem } from '../pem.js';
import { parseCsr } from '../x509/csr-parse.js';
import type { IssuedCertificate, Issuer, IssueRequest } from './issuer.js';

/** ACM PCA's signing algorithms (`SigningAlgorithm`). */
export const PCA_SIGNING_ALGORITHMS = [
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
  'SM3WITHSM2',
] as const;
export type PcaSigningAlgorithm = (typeof PCA_SIGNING_ALGORITHMS)[number];

/** The template `--template-arn client-auth` stands for. */
export const CLIENT_AUTH_TEMPLATE_ARN = 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1';

const CA_ARN = /^arn:(aws[a-z-]*):acm-pca:([a-z0-9-]+):([0-9]{12}):certificate-authority\/([0-9a-f-]{36})$/;
const TEMPLATE_ARN = /^arn:aws[a-z-]*:acm-pca:::template\/[A-Za-z0-9_]+\/V[0-9]+$/;
/**
 * How long ACM PCA answers a repeated IssueCertificate (same IdempotencyToken) with the first
 * request's certificate: five minutes (the IssueCertificate API reference). After that the same
 * token mints a new certificate.
 */
export const PCA_IDEMPOTENCY_WINDOW_SECONDS = 300;

/** PCA limits IdempotencyToken to 36 characters. */
const TOKEN_LENGTH = 36;

const PARTITION = /^aws(-[a-z]+)*$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What is wrong with a string that is not a CA ARN, in the order a reader would check it by eye:
 * whitespace pasted around it, the service, the partition, the region, the account, the resource
 * type, then the ID.
 */
function caArnProblem(arn: string): string {
  if (arn.trim() !== arn) {
    const where = arn.trimStart() !== arn ? 'starts' : 'ends';
    return `it ${where} with ${/^\s*\n|\n\s*$/.test(arn) ? 'a line break' : 'a space'} (copied with it?)`;
  }
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return 'an ARN has six parts separated by colons, starting arn:';
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (service !== 'acm-pca') {
    const acm = service === 'acm' ? " (an ACM certificate's ARN; the CA that issued it has an acm-pca ARN)" : '';
    return `it is an ARN of the service '${quoteInput(service)}', not acm-pca${acm}`;
  }
  if (resource.startsWith('template/')) return 'it is a template ARN: give it to --template-arn';
  if (partition === '') return 'it names no partition (aws)';
  if (!PARTITION.test(partition)) return `the partition '${quoteInput(partition)}' is not aws, aws-cn or aws-us-gov`;
  if (region === '') return 'it names no region';
  if (!REGION_NAME.test(region)) return `the region '${quoteInput(region)}' is not an AWS region name`;
  if (!/^[0-9]{12}$/.test(account)) return `the account '${quoteInput(account)}' is not 12 digits`;
  if (parts.length > 6) return 'the resource is certificate-authority/ID, with a slash';
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  if (type !== 'certificate-authority') return `the resource type is '${quoteInput(type)}', not certificate-authority`;
  const id = resource.slice(slash + 1);
  if (id.includes('/certificate/')) return "it is the ARN of a certificate the CA issued: the CA's ARN ends at the ID";
  if (id.endsWith('/')) return 'it ends with a slash';
  if (UUID.test(id.toLowerCase())) return 'the ID is in upper case (ACM PCA IDs are lower-case)';
  return `the ID '${quoteInput(id)}' is not a UUID (8-4-4-4-12 hexadecimal digits)`;
}

/** Checks an ACM PCA CA ARN; returns its region. USAGE error, saying what is wrong, when it is not one. */
export function parseCaArn(arn: string): { partition: string; region: string; account: string; id: string } {
  const m = CA_ARN.exec(arn);
  if (m === null) {
    throw new CertkitError('USAGE', `--ca-arn '${quoteInput(arn)}' is not an ACM PCA certificate authority ARN: ${caArnProblem(arn)}`, {
      hint: 'expected arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID',
    });
  }
  return { partition: m[1]!, region: m[2]!, account: m[3]!, id: m[4]! };
}

/** `client-auth` → the EndEntityClientAuthCertificate/V1 template ARN; a full template ARN is checked. */
export function resolveTemplateArn(text: string): string {
  if (text === 'client-auth') return CLIENT_AUTH_TEMPLATE_ARN;
  if (!TEMPLATE_ARN.test(text)) {
    throw new CertkitError('USAGE', `--template-arn '${quoteInput(text)}' is not an ACM PCA template ARN`, {
      hint: 'use client-auth or arn:aws:acm-pca:::template/NAME/V1',
    });
  }
  return text;
}

/** Normalises a `--signing-algorithm` (case-insensitive); USAGE error when PCA has no such algorithm. */
export function parseSigningAlgorithm(text: string): PcaSigningAlgorithm {
  const up = text.toUpperCase();
  const found = PCA_SIGNING_ALGORITHMS.find((a) => a === up);
  if (found === undefined) {
    throw new CertkitError('USAGE', `--signing-algorithm '${quoteInput(text)}' is not one ACM PCA knows`, {
      hint: `use one of ${PCA_SIGNING_ALGORITHMS.join(', ')}`,
    });
  }
  return found;
}

/** Which signing algorithms a CA with this `KeyAlgorithm` can use; the first is the default. */
export function signingAlgorithmsFor(keyAlgorithm: string): readonly PcaSigningAlgorithm[] | undefined {
  if (keyAlgorithm.startsWith('RSA_')) return ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA'];
  switch (keyAlgorithm) {
    case 'EC_prime256v1':
      return ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA'];
    case 'EC_secp384r1':
      return ['SHA384WITHECDSA', 'SHA256WITHECDSA', 'SHA512WITHECDSA'];
    case 'EC_secp521r1':
      return ['SHA512WITHECDSA', 'SHA256WITHECDSA', 'SHA384WITHECDSA'];
    case 'SM2':
      return ['SM3WITHSM2'];
    default:
      return undefined;
  }
}

/**
 * The signing algorithm to ask for: the explicit one if it suits the CA's key family, else the
 * family's default. A mismatch is refused here, before IssueCertificate is sent.
 */
export function chooseSigningAlgorithm(caKeyAlgorithm: string, explicit?: string): PcaSigningAlgorithm {
  const allowed = signingAlgorithmsFor(caKeyAlgorithm);
  const wanted = explicit === undefined ? undefined : parseSigningAlgorithm(explicit);
  if (allowed === undefined) {
    if (wanted !== undefined) return wanted;
    throw new CertkitError('UNSUPPORTED', `the CA's key algorithm ${caKeyAlgorithm} is not one certkit knows`, {
      hint: 'pass --signing-algorithm',
    });
  }
  if (wanted === undefined) return allowed[0]!;
  if (!allowed.includes(wanted)) {
    throw new CertkitError(
      'USAGE',
      `--signing-algorithm ${wanted} does not match the CA's ${caKeyAlgorithm} key (use ${allowed.join(' or ')})`,
    );
  }
  return wanted;
}

/**
 * The IdempotencyToken for one issuance: the first 36 hex digits of SHA-256 over the CA ARN and
 * every request field (CSR DER, validity, signing algorithm, template), so the same request
 * always gets the same token and a different one never shares it.
 */
export function idempotencyToken(
  caArn: string,
  req: { csrDer: Uint8Array; validityType: string; validityValue: number; signingAlgorithm: string; templateArn?: string },
): string {
  const h = createHash('sha256');
  const field = (s: string | Uint8Array) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len).update(b);
  };
  field('certkit-pca-idempotency-v1');
  field(caArn);
  field(req.csrDer);
  field(`${req.validityType}:${req.validityValue}`);
  field(req.signingAlgorithm);
  field(req.templateArn ?? '');
  return h.digest('hex').slice(0, TOKEN_LENGTH);
}

/** The CSR's SubjectPublicKeyInfo, DER, normalised through node:crypto. */
function csrPublicKeyDer(csrDer: Uint8Array): Buffer {
  return parseCsr(csrDer).publicKey.export({ type: 'spki', format: 'der' });
}

/** Most certificates accepted in one GetCertificate answer (real chains have 2 to 4). */
const MAX_CHAIN = 16;

/** The CERTIFICATE blocks of a PEM text, DER, in order; any other block is refused. */
function certificatesFromPem(text: string, what: string): Buffer[] {
  let blocks;
  try {
    blocks = decodePemAll(text);
  } catch (e) {
    throw e instanceof CertkitError ? e.withContext(what) : e;
  }
  if (blocks.length > MAX_CHAIN) throw new CertkitError('LIMIT_EXCEEDED', `${what}: more than ${MAX_CHAIN} certificates`);
  const other = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (other !== undefined) throw new CertkitError('INVALID_INPUT', `${what}: a "${other.label}" PEM block where a certificate belongs`);
  return blocks.map((b) => b.der);
}

function x509(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (e) {
    throw new CertkitError('INVALID_INPUT', `${what}: not an X.509 certificate`, { cause: e });
  }
}

function issued(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/**
 * Checks GetCertificate's answer and puts it in the Issuer shape: the leaf's key must be the
 * CSR's, and the chain is ordered leaf's issuer first, up to the root (every link verified).
 */
export function assembleIssued(
  certificatePem: string,
  chainPem: string | undefined,
  csrDer: Uint8Array | undefined,
  certificateArn: string,
): IssuedCertificate {
  const what = `certificate ${certificateArn}`;
  const leaves = certificatesFromPem(certificatePem, what);
  if (leaves.length !== 1) throw new CertkitError('INVALID_INPUT', `${what}: expected one certificate, got ${leaves.length}`);
  const leafDer = leaves[0]!;
  const leaf = x509(leafDer, what);
  if (csrDer !== undefined) {
    const leafKey = leaf.publicKey.export({ type: 'spki', format: 'der' });
    if (!leafKey.equals(csrPublicKeyDer(csrDer))) {
      throw new CertkitError('VERIFY_FAILED', `${what}: its public key is not the CSR's`);
    }
  }
  if (chainPem === undefined || chainPem.trim() === '') {
    throw new CertkitError('AWS', `${what} came without a certificate chain`, {
      hint: 'is the CA activated (its CA certificate imported)?',
    });
  }
  const pool = certificatesFromPem(chainPem, `chain of ${what}`).map((der) => ({ der, cert: x509(der, `chain of ${what}`) }));
  const chain: Buffer[] = [];
  let current = leaf;
  while (pool.length > 0) {
    const i = pool.findIndex((c) => issued(current, c.cert));
    if (i < 0) break;
    const [next] = pool.splice(i, 1);
    chain.push(next!.der);
    current = next!.cert;
    if (issued(current, current)) break; // reached a self-signed root
  }
  if (chain.length === 0) {
    throw new CertkitError('VERIFY_FAILED', `${what}: the chain ACM PCA returned does not contain its issuer`);
  }
  if (pool.length > 0) {
    throw new CertkitError('VERIFY_FAILED', `${what}: the chain ACM PCA returned holds ${pool.length} certificate(s) off the path to the root`);
  }
  return { leaf: leafDer, chain, certificateArn };
}

export interface AcmPcaIssuerOptions {
  /** The issuing CA. The PCA calls go to the region its ARN names (`aws.region` is not used). */
  readonly caArn: string;
  readonly aws?: AwsOptions;
  /** An already built client (tests, or a caller sharing one); otherwise one is made lazily. */
  readonly client?: ACMPCAClient;
  /** The longest wait for a certificate still "in progress" (seconds, default 60). */
  readonly maxWaitSeconds?: number;
  /** Waiter delays between polls (seconds; default 1 and 5). */
  readonly minDelaySeconds?: number;
  readonly maxDelaySeconds?: number;
  /**
   * Called with the certificate ARN as soon as IssueCertificate answers; the first GetCertificate
   * is sent meanwhile, and `issue` resolves only after what this returns has (its rejection is
   * the issuance's error).
   */
  readonly onCertificateArn?: (certificateArn: string) => void | Promise<void>;
  /** Told, at each poll PCA answers "still in progress", how many seconds the wait has lasted. */
  readonly onWaiting?: (seconds: number) => void;
  /** The clock the wait is measured with (milliseconds; default Date.now). */
  readonly now?: () => number;
}

export interface AcmPcaIssuer extends Issuer {
  readonly name: 'acm-pca';
  readonly caArn: string;
  /**
   * Fetches (waiting while it is in progress) a certificate already issued by this CA, e.g. from
   * a saved ARN after an interrupted run. With `csrDer`, checks the leaf carries the CSR's key.
   */
  fetchIssued(certificateArn: string, csrDer?: Uint8Array): Promise<IssuedCertificate>;
  /**
   * Sends the next `issue`'s DescribeCertificateAuthority now (read-only), so that its round trip
   * overlaps the caller's other work (`certkit client`: the preflight's requests). The answer,
   * or its error, is the one that `issue` then checks; a later `issue` asks again. Idempotent
   * until that `issue`.
   */
  prepare(): void;
  /** Releases the client's sockets (only a client this issuer made). */
  close(): void;
}

export const DEFAULT_MAX_WAIT_SECONDS = 60;

/**
 * An Issuer backed by ACM Private CA. Nothing is loaded or sent until `issue`, `fetchIssued` or `prepare`;
 * argument errors (CA ARN, wait bounds) are thrown here.
 */
export function createAcmPcaIssuer(options: AcmPcaIssuerOptions): AcmPcaIssuer {
  const caArn = options.caArn;
  const { region: arnRegion } = parseCaArn(caArn);
  const maxWait = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const minDelay = options.minDelaySeconds ?? 1;
  const maxDelay = options.maxDelaySeconds ?? 5;
  if (!(minDelay >= 1 && maxDelay >= minDelay && maxWait > minDelay && maxWait <= 3600)) {
    throw new CertkitError('USAGE', `wait bounds must satisfy 1 <= min delay <= max delay and min delay < max wait <= 3600 s`);
  }
  // A CA lives in the region its ARN names; calls signed for any other region would not find it.
  const awsOpts: AwsOptions = { ...options.aws, region: arnRegion };
  let clientPromise: Promise<ACMPCAClient> | undefined = options.client ? Promise.resolve(options.client) : undefined;
  const ownsClient = options.client === undefined;
  const client = () => (clientPromise ??= createAcmPcaClient(awsOpts));

  /**
   * The `certkit pca fetch` command that picks the certificate up later, reaching AWS as this
   * issuer does: with its --endpoint-url and --profile, and its --region when that is not the
   * CA's (PCA calls go to the CA's region anyway). It must run as printed: `pca fetch` requires --out.
   */
  function fetchCommand(certificateArn: string): string {
    const aws = options.aws ?? {};
    const words = ['certkit', 'pca', 'fetch', '--ca-arn', caArn, '--certificate-arn', certificateArn, '--out', 'client_cert.pem'];
    if (aws.endpointUrl !== undefined && aws.endpointUrl !== '') words.push('--endpoint-url', aws.endpointUrl);
    if (aws.profile !== undefined && aws.profile !== '') words.push('--profile', aws.profile);
    if (aws.region !== undefined && aws.region !== '' && aws.region !== arnRegion) words.push('--region', aws.region);
    return words.map(quotePath).join(' ');
  }

  async function waitAndGet(certificateArn: string, csrDer: Uint8Array | undefined): Promise<IssuedCertificate> {
    const c = await client();
    const pca = await import('../aws/sdk/acm-pca.js');
    // This SDK's waiter retries on ANY error until it times out; a non-retryable error
    // (AccessDenied, ResourceNotFound...) must fail at once, so the client it polls with
    // records the error and aborts the wait.
    let fatal: { error: unknown } | undefined;
    const abortController = new AbortController();
    const now = options.now ?? Date.now;
    const started = now();
    const watched = {
      config: c.config,
      send: async (command: Parameters<ACMPCAClient['send']>[0]) => {
        try {
          return await c.send(command);
        } catch (e) {
          if ((e as { name?: unknown } | null)?.name !== 'RequestInProgressException') {
            fatal = { error: e };
            abortController.abort();
          } else {
            options.onWaiting?.(Math.round((now() - started) / 1000));
          }
          throw e;
        }
      },
    } as unknown as ACMPCAClient;
    const input = { CertificateAuthorityArn: caArn, CertificateArn: certificateArn };
    const result = await pca.waitForCertificateIssued(
      { client: watched, maxWaitTime: maxWait, minDelay, maxDelay, abortController },
      input,
    );
    if (fatal !== undefined) throw awsError(fatal.error, 'ACM PCA GetCertificate', { file: certificateArn });
    if (result.state !== 'SUCCESS') {
      throw new CertkitError('AWS', `certificate ${certificateArn} was still being issued after ${maxWait} s`, {
        hint: `fetch it later with: ${fetchCommand(certificateArn)}`,
      });
    }
    let out = result.reason as GetCertificateCommandOutput | undefined;
    if (out?.Certificate === undefined) {
      out = await callAws('ACM PCA GetCertificate', () => c.send(new pca.GetCertificateCommand(input)), {
        file: certificateArn,
      });
    }
    if (out.Certificate === undefined) {
      throw new CertkitError('AWS', `ACM PCA GetCertificate returned no certificate for ${certificateArn}`);
    }
    return assembleIssued(out.Certificate, out.CertificateChain, csrDer, certificateArn);
  }

  async function describe(): Promise<DescribeCertificateAuthorityCommandOutput> {
    const c = await client();
    const pca = await import('../aws/sdk/acm-pca.js');
    return callAws('ACM PCA DescribeCertificateAuthority', () => c.send(new pca.DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn })), {
      file: caArn,
    });
  }
  /** A DescribeCertificateAuthority `prepare` sent, for the next `issue`. */
  let prepared: Promise<DescribeCertificateAuthorityCommandOutput> | undefined;

  return {
    name: 'acm-pca',
    caArn,
    prepare(): void {
      if (prepared !== undefined) return;
      prepared = describe();
      prepared.catch(() => undefined); // its error is issue()'s to report
    },
    async issue(req: IssueRequest): Promise<IssuedCertificate> {
      const describing = prepared;
      prepared = undefined;
      // Everything that can be checked locally is checked before the first request (or, after
      // prepare(), before the first that is not read-only).
      csrPublicKeyDer(req.csrDer);
      const explicit = req.signingAlgorithm === undefined ? undefined : parseSigningAlgorithm(req.signingAlgorithm);
      const templateArn = req.templateArn === undefined ? undefined : resolveTemplateArn(req.templateArn);
      const described = await (describing ?? describe());
      const c = await client();
      const pca = await import('../aws/sdk/acm-pca.js');
      const ca = described.CertificateAuthority;
      if (ca?.Status !== undefined && ca.Status !== 'ACTIVE') {
        throw new CertkitError('AWS', `the CA is ${ca.Status}, not ACTIVE: it cannot issue certificates`, { file: caArn });
      }
      const keyAlgorithm = ca?.CertificateAuthorityConfiguration?.KeyAlgorithm;
      if (keyAlgorithm === undefined) {
        throw new CertkitError('AWS', 'DescribeCertificateAuthority returned no key algorithm', { file: caArn });
      }
      const signingAlgorithm = chooseSigningAlgorithm(keyAlgorithm, explicit);
      const token = idempotencyToken(caArn, {
        csrDer: req.csrDer,
        validityType: req.validity.type,
        validityValue: req.validity.value,
        signingAlgorithm,
        ...(templateArn === undefined ? {} : { templateArn }),
      });
      await req.beforeIssue?.({ idempotencyToken: token, idempotencyWindowSeconds: PCA_IDEMPOTENCY_WINDOW_SECONDS });
      const issuing = callAws(
        'ACM PCA IssueCertificate',
        () =>
          c.send(
            new pca.IssueCertificateCommand({
              CertificateAuthorityArn: caArn,
              // PCA reads the CSR as PEM (moto answers DER with an HTTP 500).
              Csr: Buffer.from(encodePem('CERTIFICATE REQUEST', req.csrDer), 'ascii'),
              // This SDK's enum predates SM3WITHSM2; the service takes the string.
              SigningAlgorithm: signingAlgorithm as SigningAlgorithm,
              Validity: { Type: req.validity.type, Value: req.validity.value },
              IdempotencyToken: token,
              ...(templateArn === undefined ? {} : { TemplateArn: templateArn }),
            }),
          ),
        { file: caArn },
      );
      req.whileWaiting?.();
      const issuedOut = await issuing;
      const certificateArn = issuedOut.CertificateArn;
      if (certificateArn === undefined || !certificateArn.startsWith(`${caArn}/certificate/`)) {
        throw new CertkitError('AWS', `IssueCertificate returned an unexpected certificate ARN '${certificateArn ?? ''}'`, {
          file: caArn,
        });
      }
      // The ARN is saved (for a rerun to fetch it) while the first GetCertificate is in flight;
      // both are awaited, a failed save first: it is the error then.
      const saving = options.onCertificateArn?.(certificateArn);
      const getting = waitAndGet(certificateArn, req.csrDer);
      getting.catch(() => undefined); // awaited below, after the save
      await saving;
      return await getting;
    },
    async fetchIssued(certificateArn: string, csrDer?: Uint8Array): Promise<IssuedCertificate> {
      if (!certificateArn.startsWith(`${caArn}/certificate/`) || !/^[0-9a-f]{32}$/.test(certificateArn.slice(caArn.length + 13))) {
        throw new CertkitError('USAGE', `--certificate-arn '${certificateArn}' is not a certificate of ${caArn}`);
      }
      if (csrDer !== undefined) csrPublicKeyDer(csrDer);
      return waitAndGet(certificateArn, csrDer);
    },
    close(): void {
      if (ownsClient && clientPromise !== undefined) {
        void clientPromise.then((c) => c.destroy(), () => undefined);
      }
    },
  };
}
