/**
 * The one interface every certificate issuer implements (ACM Private CA, the local CA).
 * The pipeline holds an `Issuer` and never knows which adapter it is.
 */
import type { Validity } from './validity.js';

/** What an issuer is asked to sign. */
export interface IssueRequest {
  /** The PKCS#10 certification request, DER. */
  readonly csrDer: Buffer;
  /** How long the certificate is valid (see `parseValidity`). */
  readonly validity: Validity;
  /** e.g. `SHA256WITHRSA`; when absent the issuer picks the one matching its key. */
  readonly signingAlgorithm?: string;
  /** An ACM PCA template ARN (or the shorthand `client-auth`); issuers without templates ignore it. */
  readonly templateArn?: string;
  /**
   * Awaited just before the request that makes a certificate is sent (after the read-only
   * checks, e.g. ACM PCA's DescribeCertificateAuthority, which may run meanwhile). The pipeline
   * saves its resume state here: nothing is minted before a rerun could resume it. An issuer whose
   * service deduplicates requests says how (`sending`), so that the state can record what was
   * sent. A rejection stops the issuance with that error.
   */
  readonly beforeIssue?: (sending?: IssueSending) => Promise<void>;
  /** Called once that request is sent and its answer is awaited: time for other work. */
  readonly whileWaiting?: () => void;
}

/** What an issuer that deduplicates requests is about to send (ACM PCA's IdempotencyToken). */
export interface IssueSending {
  /** The token the request carries: a repeat with it is answered with the same certificate... */
  readonly idempotencyToken: string;
  /** ...for this long after the first request with it; afterwards a repeat mints another one. */
  readonly idempotencyWindowSeconds: number;
}

/** A signed certificate and the chain that leads to the issuing CA's root. */
export interface IssuedCertificate {
  /** The end-entity certificate, DER. */
  readonly leaf: Buffer;
  /** The CA certificates, DER, the leaf's issuer first, up to and including the root. */
  readonly chain: Buffer[];
  /** The issuer's identifier for the certificate (ACM PCA's certificate ARN), when it has one. */
  readonly certificateArn?: string;
}

/** A certificate authority that signs CSRs. */
export interface Issuer {
  /** A short label for progress lines and records, e.g. `acm-pca` or `local-ca`. */
  readonly name: string;
  /** Signs `req.csrDer`; resolves with the leaf and its chain. */
  issue(req: IssueRequest): Promise<IssuedCertificate>;
}
