/**
 * Checks on a client credential (`certkit verify`, and the pipeline's check of what an issuer
 * returned): the key belongs to the certificate, each certificate is signed by the next up to a
 * trust anchor, the leaf may be used for TLS client authentication, and nothing has expired or is
 * about to. Every failure is a CertkitError VERIFY_FAILED (exit 3) with one line saying which.
 */
import { X509Certificate } from 'node:crypto';

import { CertkitError, invalid } from './errors.js';
import type { KeyObject } from './keys.js';
import { readPemOrDerAll } from './pem.js';
import { parseCertificate } from './x509/certificate.js';
import { certificateMatchesKey, verifyChain } from './x509/chain.js';

/** id-kp-clientAuth (RFC 5280). */
export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

function fail(message: string, hint?: string): CertkitError {
  return new CertkitError('VERIFY_FAILED', message, hint === undefined ? {} : { hint });
}

function x509(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (e) {
    throw invalid(`${what} is not a valid X.509 certificate`, { cause: e });
  }
}

/** The subject as keytool prints it ("CN=client, O=example"). */
function subjectOf(c: X509Certificate): string {
  return parseCertificate(c.raw).subjectText;
}

function issuerOf(c: X509Certificate): string {
  return parseCertificate(c.raw).issuerText;
}

function isSelfSigned(c: X509Certificate): boolean {
  return c.checkIssued(c) && c.verify(c.publicKey);
}

/** True when `parent` issued `child`: names (and key identifiers) match and the signature verifies. */
function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/**
 * The pipeline's check of an issuer's answer: `leaf` belongs to `key`, each certificate of
 * `leaf, ...chain` is signed by the next, and the chain ends at a self-signed root. Returns that
 * root (DER), the trust anchor written as `ca.pem`. VERIFY_FAILED otherwise.
 */
export function checkIssuedChain(key: KeyObject, leaf: Buffer, chain: readonly Buffer[]): Buffer {
  x509(leaf, 'the issued certificate');
  if (!certificateMatchesKey(leaf, key)) {
    throw fail('the issued certificate does not belong to the generated key', 'the CA returned a certificate for another request');
  }
  if (chain.length === 0) {
    throw fail('the issuer returned no certificate chain', 'an ACM PCA CA must be activated (its CA certificate installed) before it returns chains');
  }
  const rootDer = chain[chain.length - 1]!;
  // Names, signatures and basicConstraints of every link, up to the root as the anchor.
  verifyChain([leaf, ...chain], [rootDer]);
  const root = x509(rootDer, `chain certificate ${chain.length}`);
  if (!isSelfSigned(root)) throw fail(`the chain does not end at a self-signed root (it ends at ${subjectOf(root)})`);
  return rootDer;
}

/**
 * Parses `--expiring-within`: a count of days (`30d`), hours (`12h`) or weeks (`2w`); a bare
 * number is days. Returns milliseconds. USAGE for anything else.
 */
export function parseDuration(text: string, option = '--expiring-within'): number {
  const m = /^([0-9]{1,6})([dhw]?)$/.exec(text.trim());
  if (m === null) throw new CertkitError('USAGE', `${option} '${text}': expected a duration such as 30d, 12h or 2w`);
  const n = Number(m[1]);
  const unit = m[2] === 'h' ? 3_600_000 : m[2] === 'w' ? 7 * 86_400_000 : 86_400_000;
  return n * unit;
}

export interface VerifyInput {
  /** The certificate chain file's contents (PEM, leaf first, or one DER certificate). */
  readonly cert: string | Uint8Array;
  /** The private key; checked to belong to the leaf when given. */
  readonly key?: KeyObject;
  /** The trusted CA certificate(s) file's contents; without it the chain must end at a self-signed root. */
  readonly ca?: string | Uint8Array;
  /** Fail if any certificate expires within this many milliseconds of `now`. */
  readonly expiringWithinMs?: number;
  readonly now: Date;
}

export interface VerifyReport {
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  /** Whole days until the leaf expires (rounded down). */
  readonly daysLeft: number;
  /** SHA-256 fingerprint of the leaf, keytool's form. */
  readonly sha256: string;
  /** Subjects of the path, leaf first, anchor last. */
  readonly path: readonly string[];
  /** The anchor's subject and whether it came from `--ca` (trusted) or is the chain's own root. */
  readonly anchor: string;
  readonly anchorTrusted: boolean;
  readonly keyMatches?: boolean;
  readonly clientAuth: true;
}

/** One failed check of {@link checkCredential}: what failed, and what to do when there is something to say. */
export interface VerifyProblem {
  readonly message: string;
  readonly hint?: string;
}

/**
 * Everything {@link checkCredential} found. `ok` when `problems` is empty; the description of the
 * leaf is there either way, and the path as far as it was followed.
 */
export interface VerifyResult extends Omit<VerifyReport, 'clientAuth' | 'keyMatches' | 'anchor' | 'anchorTrusted'> {
  readonly ok: boolean;
  /** Every failed check, in the order of the checks (key, path, anchor, usage, validity). */
  readonly problems: readonly VerifyProblem[];
  readonly anchor: string | null;
  readonly anchorTrusted: boolean;
  readonly keyMatches?: boolean;
  readonly clientAuth: boolean;
}

/**
 * `certkit verify`: runs every check (a failed one does not stop the others) and returns what
 * each found. Throws only for input that is not certificates at all (INVALID_INPUT).
 */
export function checkCredential(input: VerifyInput): VerifyResult {
  const certs = readPemOrDerAll(input.cert, 'CERTIFICATE').map((b, i) => x509(b.der, i === 0 ? 'the certificate' : `chain certificate ${i}`));
  const cas = input.ca === undefined ? undefined : readPemOrDerAll(input.ca, 'CERTIFICATE').map((b, i) => x509(b.der, `CA certificate ${i + 1}`));
  const leaf = certs[0]!;
  const problems: VerifyProblem[] = [];
  const problem = (message: string, hint?: string) => void problems.push(hint === undefined ? { message } : { message, hint });

  let keyMatches: boolean | undefined;
  if (input.key !== undefined) {
    keyMatches = leaf.checkPrivateKey(input.key);
    if (!keyMatches) problem(`the private key does not belong to the certificate (${subjectOf(leaf)})`);
  }

  // The path: the certificates as given, each signed by the next.
  let linked = true;
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!issuedBy(certs[i]!, certs[i + 1]!)) {
      linked = false;
      problem(`certificate ${i + 1} (${subjectOf(certs[i]!)}) is not signed by the next in the file (${subjectOf(certs[i + 1]!)})`);
    }
  }
  // Every issuer on the path must be a CA (basicConstraints), as a TLS server checks.
  if (linked) {
    try {
      verifyChain(certs.map((c) => c.raw));
    } catch (e) {
      if (!(e instanceof CertkitError) || e.code !== 'VERIFY_FAILED') throw e;
      problem(e.message, e.hint);
    }
  }
  const top = certs[certs.length - 1]!;
  let anchor: X509Certificate | undefined;
  let anchorTrusted = false;
  const path = [...certs];
  if (cas !== undefined) {
    const same = cas.find((c) => c.raw.equals(top.raw));
    const parent = same ?? cas.find((c) => issuedBy(top, c));
    if (parent === undefined) {
      problem(`the chain does not reach the given CA (it ends at ${subjectOf(top)}, issued by ${issuerOf(top)})`);
    } else {
      if (same === undefined) path.push(parent);
      anchor = parent;
      anchorTrusted = true;
    }
  } else if (!isSelfSigned(top)) {
    problem(`the chain ends at ${subjectOf(top)}, which is not a self-signed root`, 'give the CA certificate with --ca');
  } else {
    anchor = top;
  }

  // Client authentication: extendedKeyUsage must list clientAuth.
  const eku = leaf.keyUsage;
  const clientAuth = eku !== undefined && eku.includes(CLIENT_AUTH_OID);
  if (!clientAuth) {
    problem(`the certificate (${subjectOf(leaf)}) is not for TLS client authentication (no clientAuth extended key usage)`);
  }

  // Validity, for every certificate of the path.
  const now = input.now.getTime();
  const within = input.expiringWithinMs ?? 0;
  for (const [i, c] of path.entries()) {
    const what = i === 0 ? 'the certificate' : `CA certificate ${subjectOf(c)}`;
    const from = new Date(c.validFrom).getTime();
    const to = new Date(c.validTo).getTime();
    if (now < from) problem(`${what} is not valid yet (from ${new Date(from).toISOString()})`);
    else if (now > to) problem(`${what} expired on ${new Date(to).toISOString()}`);
    else if (to - now < within) problem(`${what} expires on ${new Date(to).toISOString()}, within ${Math.ceil(within / 86_400_000)} days`, 'renew it');
  }

  const notAfter = new Date(leaf.validTo);
  return {
    ok: problems.length === 0,
    problems,
    subject: subjectOf(leaf),
    issuer: issuerOf(leaf),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now) / 86_400_000),
    sha256: leaf.fingerprint256.toUpperCase(),
    path: path.map(subjectOf),
    anchor: anchor === undefined ? null : subjectOf(anchor),
    anchorTrusted,
    ...(keyMatches === undefined ? {} : { keyMatches }),
    clientAuth,
  };
}

/** A problem as the CertkitError (VERIFY_FAILED, exit 3) that reports it. */
export function verifyProblemError(p: VerifyProblem): CertkitError {
  return fail(p.message, p.hint);
}

/**
 * The library's one-call check: throws VERIFY_FAILED naming the first failed check
 * ({@link checkCredential} has them all); returns a short report on success.
 */
export function verifyCredential(input: VerifyInput): VerifyReport {
  const r = checkCredential(input);
  const first = r.problems[0];
  if (first !== undefined) throw verifyProblemError(first);
  return {
    subject: r.subject,
    issuer: r.issuer,
    notAfter: r.notAfter,
    daysLeft: r.daysLeft,
    sha256: r.sha256,
    path: r.path,
    anchor: r.anchor!,
    anchorTrusted: r.anchorTrusted,
    ...(r.keyMatches === undefined ? {} : { keyMatches: r.keyMatches }),
    clientAuth: true,
  };
}
