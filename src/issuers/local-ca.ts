/**
 * A local development CA, kept in a directory (`./certkit-ca/` by default, like mkcert's CAROOT):
 *
 *     ca-key.pem   the root's private key, PKCS#8 PEM, mode 0600
 *     ca.pem       the self-signed root certificate (basicConstraints CA, keyCertSign + cRLSign, SKI)
 *
 * `createLocalCaIssuer` signs CSRs with it behind the same `Issuer` interface as ACM PCA, so
 * `certkit client` works on a machine with no AWS account. Leaves get digitalSignature (plus
 * keyEncipherment for RSA keys), extendedKeyUsage clientAuth, SKI/AKI, a random 128-bit
 * positive serial and the requested validity. The CSR's signature is verified before signing.
 */
import { createPublicKey, randomBytes as nodeRandomBytes, X509Certificate } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

import { CertkitError, errnoOf, invalid } from '../errors.js';
import {
  defaultSignatureAlgorithm,
  exportPkcs8Pem,
  generateKeyPair,
  importPrivateKey,
  type KeyObject,
  type KeySpec,
  type SignatureAlgorithm,
} from '../keys.js';
import { fileKind } from '../file-kind.js';
import { OWN_FILE_LIMITS } from '../limits.js';
import { encodePem, readPemOrDer } from '../pem.js';
import { limitExceeded, readFileLimited } from '../read-limited.js';
import { checkArtifacts, PUBLIC_MODE, writeArtifacts, writeFileAtomic } from '../sinks/directory.js';
import { buildCertificate, randomSerial } from '../x509/cert-builder.js';
import { parseCsr } from '../x509/csr-parse.js';
import type { IssuedCertificate, Issuer, IssueRequest } from './issuer.js';
import { parseValidity, type Validity } from './validity.js';

/** Where `certkit client` and `certkit ca init` keep the local CA unless `--ca-dir` says otherwise. */
export const DEFAULT_CA_DIR = 'certkit-ca';
export const CA_KEY_FILE = 'ca-key.pem';
export const CA_CERT_FILE = 'ca.pem';
/** The local CA's subject unless `--dname` says otherwise. */
export const DEFAULT_CA_SUBJECT = 'CN=certkit local development CA,O=certkit';
/** The local CA's validity unless told otherwise (10 years, as mkcert). */
export const DEFAULT_CA_VALIDITY = '10y';

/** A loaded local CA. */
export interface LocalCa {
  /** The CA directory, absolute. */
  readonly dir: string;
  readonly key: KeyObject;
  /** The root certificate, DER. */
  readonly cert: Buffer;
}

export interface InitLocalCaOptions {
  /** Key type of the CA key (default rsa2048). */
  readonly keyType?: KeySpec;
  /** The CA's subject, keytool -dname syntax (default DEFAULT_CA_SUBJECT). */
  readonly subject?: string;
  /** `10y`, `3650d` or an end date (default DEFAULT_CA_VALIDITY). */
  readonly validity?: string | Validity;
  /** Replace an existing CA. */
  readonly force?: boolean;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Buffer;
  /** Directory a relative `dir` resolves against (default process.cwd()). */
  readonly cwd?: string;
}

function absolute(dir: string, cwd: string | undefined): string {
  return isAbsolute(dir) ? dir : resolve(cwd ?? process.cwd(), dir);
}

/**
 * Creates a local CA in `dir`: a fresh key (`ca-key.pem`, 0600, PKCS#8) and a self-signed root
 * (`ca.pem`). EXISTS if either file is there and `force` is not set; nothing is written then.
 * The key is published first and the certificate second (see `openLocalCa` for why that order
 * makes a crash in between recoverable).
 */
export async function initLocalCa(dir: string, options: InitLocalCaOptions = {}): Promise<LocalCa> {
  const now = (options.now ?? (() => new Date()))();
  const rnd = options.randomBytes ?? nodeRandomBytes;
  const force = options.force ?? false;
  const cwd = options.cwd;
  const validity =
    options.validity === undefined || typeof options.validity === 'string'
      ? parseValidity(options.validity ?? DEFAULT_CA_VALIDITY, now)
      : options.validity;
  const names = [CA_KEY_FILE, CA_CERT_FILE].map((name) => ({ name, data: Buffer.alloc(0), sensitive: true }));
  await checkArtifacts(dir, names, { force, ...(cwd === undefined ? {} : { cwd }) });

  const { privateKey, publicKey } = await generateKeyPair(options.keyType ?? 'rsa2048');
  const subject = options.subject ?? DEFAULT_CA_SUBJECT;
  const cert = buildCertificate({
    subject,
    publicKey,
    signingKey: privateKey,
    serial: randomSerial(rnd),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: validity.notAfter,
    isCA: true,
    pathLen: 0,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  });
  await writeArtifacts(
    dir,
    [
      { name: CA_KEY_FILE, data: Buffer.from(exportPkcs8Pem(privateKey), 'utf8'), sensitive: true },
      { name: CA_CERT_FILE, data: Buffer.from(encodePem('CERTIFICATE', cert), 'utf8'), sensitive: false },
    ],
    { force, ...(cwd === undefined ? {} : { cwd }) },
  );
  return { dir: absolute(dir, cwd), key: privateKey, cert };
}

/**
 * A CA file, through the bounded reader: READ_FAILED naming it when it is missing, unreadable or
 * not a regular file (a FIFO is not waited on, a device such as /dev/zero not read), LIMIT_EXCEEDED
 * past OWN_FILE_LIMITS.maxLocalCaFileBytes.
 */
async function readCaFile(path: string, shown: string): Promise<Buffer> {
  const max = OWN_FILE_LIMITS.maxLocalCaFileBytes;
  try {
    return await readFileLimited(path, max, limitExceeded('file', shown, max), {
      check: (st) => {
        if (!st.isFile()) throw new CertkitError('READ_FAILED', `cannot read: it is ${fileKind(st)}, not a regular file`, { file: shown });
      },
    });
  } catch (e) {
    if (e instanceof CertkitError) throw e;
    throw new CertkitError('READ_FAILED', errnoOf(e) === 'ENOENT' ? 'no such file' : 'cannot read', { file: shown, cause: e });
  }
}

/** True when `dir` holds a local CA (both files present and readable). */
export async function localCaExists(dir: string, cwd?: string): Promise<boolean> {
  const abs = absolute(dir, cwd);
  try {
    await Promise.all([readCaFile(join(abs, CA_KEY_FILE), CA_KEY_FILE), readCaFile(join(abs, CA_CERT_FILE), CA_CERT_FILE)]);
    return true;
  } catch {
    return false;
  }
}

/** What `dir` holds: both CA files, neither, or only one of them. */
export type LocalCaState = 'complete' | 'absent' | 'key-only' | 'cert-only';

async function present(path: string, shown: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return false;
    throw new CertkitError('READ_FAILED', 'cannot read', { file: shown, cause: e });
  }
}

/** Which of the two CA files `dir` holds (see `openLocalCa`). */
export async function localCaState(dir: string, cwd?: string): Promise<LocalCaState> {
  const abs = absolute(dir, cwd);
  const [key, cert] = await Promise.all([present(join(abs, CA_KEY_FILE), join(dir, CA_KEY_FILE)), present(join(abs, CA_CERT_FILE), join(dir, CA_CERT_FILE))]);
  return key ? (cert ? 'complete' : 'key-only') : cert ? 'cert-only' : 'absent';
}

export interface OpenLocalCaOptions {
  /** Key type of a new CA's key (default rsa2048); not used when a key is already there. */
  readonly keyType?: KeySpec;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Buffer;
  readonly cwd?: string;
}

/** A CA from `openLocalCa`, and whether it was loaded, made, or completed from a key alone. */
export interface OpenedLocalCa {
  readonly ca: LocalCa;
  readonly how: 'loaded' | 'created' | 'completed';
}

/**
 * The local CA for `certkit client` (made on first use), crash-safe as a unit.
 *
 * `initLocalCa` publishes `ca-key.pem` first and `ca.pem` second, each atomically, so a process
 * killed in between leaves a key without a certificate, never the other way round. That state is
 * an unfinished CA: nothing can have been signed with it, since signing loads both files. It is
 * completed, not replaced: a self-signed root (default subject and validity) is made for the key
 * already there and published beside it without overwriting anything. Completing instead of
 * replacing never destroys a private key, so it is also safe if a user deleted `ca.pem` by
 * mistake (the new root has the same key and subject key identifier). A certificate without its
 * key is not something certkit leaves: it is refused (READ_FAILED on `ca-key.pem`), as a key that
 * does not parse is (INVALID_INPUT naming it).
 */
export async function openLocalCa(dir: string, options: OpenLocalCaOptions = {}): Promise<OpenedLocalCa> {
  const cwd = options.cwd;
  const state = await localCaState(dir, cwd);
  if (state === 'absent') {
    const ca = await madeByOneRun(dir, () => initLocalCa(dir, {
      ...(options.keyType === undefined ? {} : { keyType: options.keyType }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.randomBytes === undefined ? {} : { randomBytes: options.randomBytes }),
      ...(cwd === undefined ? {} : { cwd }),
    }));
    return { ca, how: 'created' };
  }
  if (state === 'key-only') {
    const keyShown = join(dir, CA_KEY_FILE);
    const keyBytes = await readCaFile(join(absolute(dir, cwd), CA_KEY_FILE), keyShown);
    let key: KeyObject;
    try {
      key = importPrivateKey(keyBytes);
    } catch (e) {
      throw e instanceof CertkitError ? e.forFile(keyShown) : e;
    }
    const now = (options.now ?? (() => new Date()))();
    const cert = buildCertificate({
      subject: DEFAULT_CA_SUBJECT,
      publicKey: createPublicKey(key),
      signingKey: key,
      serial: randomSerial(options.randomBytes ?? nodeRandomBytes),
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: parseValidity(DEFAULT_CA_VALIDITY, now).notAfter,
      isCA: true,
      pathLen: 0,
      keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
    });
    await madeByOneRun(dir, () =>
      writeFileAtomic(join(dir, CA_CERT_FILE), Buffer.from(encodePem('CERTIFICATE', cert), 'utf8'), {
        mode: PUBLIC_MODE,
        ...(cwd === undefined ? {} : { cwd }),
      }),
    );
    return { ca: { dir: absolute(dir, cwd), key, cert }, how: 'completed' };
  }
  return { ca: await loadLocalCa(dir, cwd === undefined ? {} : { cwd }), how: 'loaded' };
}

/**
 * Runs `make` (which writes CA files that were missing a moment ago, never over existing ones).
 * Its EXISTS means another run made them in between: the CA is there now, complete or about to
 * be, and this run just did not make it. `--force` (EXISTS's usual hint) is no answer: `client
 * --force` never touches the CA. So the error says what happened and that a rerun uses that CA.
 */
async function madeByOneRun<T>(dir: string, make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (e) {
    if (!(e instanceof CertkitError) || e.code !== 'EXISTS') throw e;
    throw new CertkitError('EXISTS', 'another certkit run made the local CA here at the same time', {
      file: dir,
      hint: 'run the command again: it will use that CA',
      cause: e,
    });
  }
}

/**
 * Loads the local CA in `dir`: READ_FAILED if a file is missing, INVALID_INPUT if they are not a
 * key and a CA certificate, VERIFY_FAILED if the key does not belong to the certificate.
 */
export async function loadLocalCa(dir: string, options: { cwd?: string } = {}): Promise<LocalCa> {
  const abs = absolute(dir, options.cwd);
  const keyShown = join(dir, CA_KEY_FILE);
  const certShown = join(dir, CA_CERT_FILE);
  // One after the other, so a missing CA always names the same file.
  const keyBytes = await readCaFile(join(abs, CA_KEY_FILE), keyShown);
  const certBytes = await readCaFile(join(abs, CA_CERT_FILE), certShown);
  let key: KeyObject;
  try {
    key = importPrivateKey(keyBytes);
  } catch (e) {
    throw e instanceof CertkitError ? e.forFile(keyShown) : e;
  }
  let cert: Buffer;
  try {
    cert = readPemOrDer(certBytes, 'CERTIFICATE').der;
  } catch (e) {
    throw e instanceof CertkitError ? e.forFile(certShown) : e;
  }
  let x: X509Certificate;
  try {
    x = new X509Certificate(cert);
  } catch (e) {
    throw invalid('not a valid X.509 certificate', { file: certShown, cause: e });
  }
  if (!x.ca) throw invalid('not a CA certificate (basicConstraints CA is not set)', { file: certShown });
  if (!x.checkPrivateKey(key)) {
    throw new CertkitError('VERIFY_FAILED', `${CA_KEY_FILE} does not belong to ${CA_CERT_FILE}`, { file: dir });
  }
  return { dir: abs, key, cert };
}

export interface LocalCaIssuerOptions {
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Buffer;
}

/** Signs client certificates with a local CA, as an `Issuer` (chain = [the root]). */
export function createLocalCaIssuer(ca: LocalCa, options: LocalCaIssuerOptions = {}): Issuer {
  const now = options.now ?? (() => new Date());
  const rnd = options.randomBytes ?? nodeRandomBytes;
  return {
    name: 'local-ca',
    async issue(req: IssueRequest): Promise<IssuedCertificate> {
      await req.beforeIssue?.();
      const csr = parseCsr(req.csrDer);
      if (!csr.signatureValid) {
        throw new CertkitError('VERIFY_FAILED', 'the CSR signature does not verify (the request was altered or is not signed by its key)');
      }
      const t = now();
      const notAfter = req.validity.notAfter;
      if (notAfter.getTime() <= t.getTime()) throw new CertkitError('USAGE', 'the requested validity ends in the past');
      const caNotAfter = new Date(new X509Certificate(ca.cert).validTo);
      if (notAfter.getTime() > caNotAfter.getTime()) {
        throw new CertkitError('USAGE', `the requested validity ends after the local CA expires (${caNotAfter.toISOString()})`, {
          hint: 'ask for a shorter --validity, or make a new CA with certkit ca init --force',
        });
      }
      const signatureAlgorithm: SignatureAlgorithm = (req.signingAlgorithm as SignatureAlgorithm | undefined) ?? defaultSignatureAlgorithm(ca.key);
      const isRsa = csr.publicKey.asymmetricKeyType === 'rsa';
      const leaf = buildCertificate({
        subject: csr.subjectDer,
        issuerCertificate: ca.cert,
        publicKey: csr.publicKey,
        signingKey: ca.key,
        signatureAlgorithm,
        serial: randomSerial(rnd),
        notBefore: new Date(t.getTime() - 60_000),
        notAfter,
        isCA: false,
        keyUsage: isRsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
        extKeyUsage: ['clientAuth'],
        subjectAltNames: csr.subjectAltNames,
      });
      return { leaf, chain: [ca.cert] };
    },
  };
}
