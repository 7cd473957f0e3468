/**
 * The one door through which untrusted DER enters asn1js.
 *
 * asn1js decodes BER: it accepts indefinite lengths, non-minimal lengths and (unless asked)
 * trailing bytes. Every structure certkit reads (certificates, CSRs, PKCS#8, the DER inside JKS)
 * is DER, so `parseDer` first walks the TLV headers with a bounded scanner that checks each
 * length against the bytes left before anything is allocated, refuses BER-only forms and caps
 * nesting; only then does asn1js build its objects. The one exception is the PKCS#12 container
 * (PFX, AuthenticatedSafe, SafeContents), which NSS and BouncyCastle write in BER, as OpenSSL and
 * the JDK read it: `parseBer` allows indefinite lengths there, under the same limits.
 */
import * as asn1js from 'asn1js';
import { checkBer, checkDer } from './der-check.js';
import { CertkitError } from './errors.js';
import { DER_LIMITS } from './limits.js';

/** Limits for untrusted DER (src/limits.ts), documented in the README ("Security and reliability"). */
export { DER_LIMITS };
/** The bounded DER scanner (src/der-check.ts), re-exported: `parseDer` runs it first. */
export { checkDer };

const err = (what: string, message: string) => new CertkitError('INVALID_INPUT', `${what}: ${message}`);

/** Decodes one DER structure after `checkDer`; `what` names it in errors ("certificate 2"). */
export function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  checkDer(bytes, what);
  return decode(bytes, what, 'DER');
}

/**
 * Decodes one structure that may also use BER's indefinite lengths, after `checkBer` (same
 * limits). Only for the PKCS#12 containers NSS and BouncyCastle write that way; what they carry
 * (certificates, keys) is still read with `parseDer` / `checkDer`.
 */
export function parseBer(bytes: Uint8Array, what: string): asn1js.AsnType {
  checkBer(bytes, what);
  return decode(bytes, what, 'BER');
}

function decode(bytes: Uint8Array, what: string, form: 'DER' | 'BER'): asn1js.AsnType {
  let res: ReturnType<typeof asn1js.fromBER>;
  try {
    res = asn1js.fromBER(bytes, {
      maxDepth: DER_LIMITS.maxDepth + 1,
      maxNodes: DER_LIMITS.maxNodes,
    });
  } catch (e) {
    // asn1js throws plain Errors on some malformed primitives (a GeneralizedTime of non-digits).
    throw new CertkitError('INVALID_INPUT', `${what}: not valid ${form} (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (res.offset === -1 || res.result.error) {
    throw err(what, `not valid ${form} (${res.result.error || 'decoding failed'})`);
  }
  return res.result;
}

/** Encodes an asn1js value to DER as a Buffer. */
export function toDer(value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Buffer {
  return Buffer.from(value.toBER(false));
}
