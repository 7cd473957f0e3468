/**
 * The one door through which untrusted DER enters asn1js.
 *
 * asn1js decodes BER: it accepts indefinite lengths, non-minimal lengths and (unless asked)
 * trailing bytes. Every structure certkit reads (certificates, CSRs, PKCS#8, PKCS#12, the DER
 * inside JKS) is DER, so `parseDer` first walks the TLV headers with a bounded scanner that
 * checks each length against the bytes left before anything is allocated, refuses BER-only
 * forms and caps nesting; only then does asn1js build its objects.
 */
import * as asn1js from 'asn1js';
import { checkDer } from './der-check.js';
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
  let res: ReturnType<typeof asn1js.fromBER>;
  try {
    res = asn1js.fromBER(bytes, {
      maxDepth: DER_LIMITS.maxDepth + 1,
      maxNodes: DER_LIMITS.maxNodes,
    });
  } catch (e) {
    // asn1js throws plain Errors on some malformed primitives (a GeneralizedTime of non-digits).
    throw new CertkitError('INVALID_INPUT', `${what}: not valid DER (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (res.offset === -1 || res.result.error) {
    throw err(what, `not valid DER (${res.result.error || 'decoding failed'})`);
  }
  return res.result;
}

/** Encodes an asn1js value to DER as a Buffer. */
export function toDer(value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Buffer {
  return Buffer.from(value.toBER(false));
}
