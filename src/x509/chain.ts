/**
 * Certificate chains: putting a bag of certificates in order (leaf first, as keystores and
 * `client_cert.pem` hold them), checking each link's signature, and checking that a certificate
 * belongs to a private key.
 *
 * `ACM PCA GetCertificate` returns the leaf and the chain separately; users paste files together
 * in any order, so ordering is by content: the issuer Name bytes (and key identifiers, when both
 * sides carry them) must match, and where that leaves a choice, the signature decides.
 */
import * as crypto from 'node:crypto';
import { CertkitError, invalid } from '../errors.js';
import { spkiDer } from '../keys.js';
import { MAX_CHAIN_LENGTH } from '../limits.js';
import { parseCertificate, type CertificateInfo } from './certificate.js';
import { quoteInput } from '../quote.js';

/** The longest chain certkit orders or verifies (src/limits.ts). */
export { MAX_CHAIN_LENGTH };

interface Node {
  readonly info: CertificateInfo;
  readonly x509: crypto.X509Certificate;
  readonly index: number;
}

function load(certs: readonly Uint8Array[]): Node[] {
  if (certs.length === 0) throw invalid('no certificates given');
  if (certs.length > MAX_CHAIN_LENGTH) {
    throw new CertkitError('LIMIT_EXCEEDED', `${certs.length} certificates is more than the ${MAX_CHAIN_LENGTH} a chain may hold`);
  }
  return certs.map((c, i) => {
    const info = parseCertificate(c, `certificate ${i + 1}`);
    return { info, x509: new crypto.X509Certificate(info.der), index: i };
  });
}

const label = (n: Node) => `certificate ${n.index + 1} (${n.info.subjectText})`;
const selfIssued = (n: Node) => n.info.issuerDer.equals(n.info.subjectDer);

/** Name (and key identifier, if both carry one) says `parent` may have issued `child`. */
function namesLink(child: Node, parent: Node): boolean {
  if (!child.info.issuerDer.equals(parent.info.subjectDer)) return false;
  const aki = child.info.authorityKeyId;
  const ski = parent.info.subjectKeyId;
  return aki === undefined || ski === undefined || aki.equals(ski);
}

function signedBy(child: Node, parent: Node): boolean {
  try {
    return child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * Orders certificates leaf → root. Input may come in any order; exact duplicates are dropped.
 * Throws INVALID_INPUT when the set is not one chain (two leaves, a certificate that links to
 * nothing, a cycle, an ambiguous issuer) and LIMIT_EXCEEDED past MAX_CHAIN_LENGTH certificates.
 */
export function orderChain(certs: readonly Uint8Array[]): Buffer[] {
  const seen = new Set<string>();
  const unique = load(certs).filter((n) => {
    if (seen.has(n.info.sha256)) return false;
    seen.add(n.info.sha256);
    return true;
  });
  const parentOf = (child: Node, pool: readonly Node[]): Node | undefined => {
    if (selfIssued(child) && signedBy(child, child)) return undefined;
    const candidates = pool.filter((p) => p !== child && namesLink(child, p));
    if (candidates.length <= 1) return candidates[0];
    const signing = candidates.filter((p) => signedBy(child, p));
    if (signing.length === 1) return signing[0];
    throw invalid(`${label(child)} has ${candidates.length} possible issuers in the set; give one chain`);
  };
  const parents = new Map<Node, Node | undefined>(unique.map((n) => [n, parentOf(n, unique)]));
  const isParent = new Set([...parents.values()].filter((p): p is Node => p !== undefined));
  const leaves = unique.filter((n) => !isParent.has(n));
  if (leaves.length === 0) throw invalid('the certificates form a cycle: every one issues another, so none is the leaf');
  if (leaves.length > 1) {
    throw invalid(`the certificates are not one chain: ${leaves.map(label).join(' and ')} are both leaves`);
  }
  const chain: Node[] = [];
  const visited = new Set<Node>();
  for (let n: Node | undefined = leaves[0]; n !== undefined; n = parents.get(n)) {
    if (visited.has(n)) throw invalid(`the certificates form a cycle at ${label(n)}`);
    visited.add(n);
    chain.push(n);
  }
  const stray = unique.filter((n) => !visited.has(n));
  if (stray.length > 0) {
    throw invalid(`${stray.map(label).join(', ')} ${stray.length === 1 ? 'is' : 'are'} not part of the chain from ${label(chain[0]!)}`);
  }
  return chain.map((n) => n.info.der);
}

export interface VerifyChainOptions {
  /** When given, every certificate must be valid at this time. */
  readonly now?: Date;
}

/**
 * Verifies an ordered chain (leaf first): each certificate is named and signed by the next, and
 * every issuer is a CA. With `trustAnchors`, the last certificate must be one of them or be
 * signed by one. Throws VERIFY_FAILED saying which link fails; INVALID_INPUT for unreadable input.
 */
export function verifyChain(chain: readonly Uint8Array[], trustAnchors?: readonly Uint8Array[], options: VerifyChainOptions = {}): void {
  const nodes = load(chain);
  const fail = (m: string) => new CertkitError('VERIFY_FAILED', m);
  if (options.now !== undefined) {
    const t = options.now.getTime();
    for (const n of nodes) {
      if (t < n.info.notBefore.getTime()) throw fail(`${label(n)} is not valid before ${n.info.notBefore.toISOString()}`);
      if (t > n.info.notAfter.getTime()) throw fail(`${label(n)} expired at ${n.info.notAfter.toISOString()}`);
    }
  }
  for (let i = 0; i + 1 < nodes.length; i++) {
    const child = nodes[i]!;
    const parent = nodes[i + 1]!;
    if (!child.info.issuerDer.equals(parent.info.subjectDer)) {
      throw fail(`${label(child)} names issuer "${quoteInput(child.info.issuerText)}", but the next certificate is ${label(parent)}`);
    }
    if (!parent.info.isCA) throw fail(`${label(parent)} issues ${label(child)} but is not a CA (basicConstraints)`);
    if (!signedBy(child, parent)) throw fail(`${label(child)}: signature does not verify with the key of ${label(parent)}`);
  }
  if (trustAnchors === undefined) return;
  const anchors = trustAnchors.map((a, i) => {
    const info = parseCertificate(a, `trust anchor ${i + 1}`);
    return { info, x509: new crypto.X509Certificate(info.der), index: i } satisfies Node;
  });
  const last = nodes[nodes.length - 1]!;
  if (anchors.some((a) => a.info.der.equals(last.info.der))) return;
  const issuers = anchors.filter((a) => namesLink(last, a));
  if (issuers.length === 0) throw fail(`${label(last)} is not issued by any trusted CA (no trusted certificate has its issuer's name "${quoteInput(last.info.issuerText)}" and key identifier)`);
  if (!issuers.some((a) => signedBy(last, a))) throw fail(`${label(last)}: signature does not verify with the trusted CA's key`);
}

/**
 * True when the certificate's public key is the private key's public half (SubjectPublicKeyInfo
 * compared after both pass through node:crypto, so encodings of the same key compare equal).
 */
export function certificateMatchesKey(certDer: Uint8Array, privateKey: crypto.KeyObject): boolean {
  const info = parseCertificate(certDer);
  if (info.publicKey === undefined) return false;
  return spkiDer(info.publicKey).equals(spkiDer(privateKey));
}
