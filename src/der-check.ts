/**
 * The bounded DER scanner: checks that untrusted bytes are exactly one DER TLV (definite, minimal
 * lengths, in bounds, nesting and value counts capped) before anything reads them. Kept apart from
 * asn1js (src/asn1.ts) so that the readers that walk DER themselves (JKS, certificates, names)
 * do not load asn1js's 130 KB at every keystore command.
 */
import { CertkitError } from './errors.js';
import { DER_LIMITS } from './limits.js';

const err = (what: string, message: string) => new CertkitError('INVALID_INPUT', `${what}: ${message}`);

/**
 * Checks that `bytes` is exactly one DER TLV (definite, minimal lengths; nothing after it),
 * nested no deeper than `maxDepth`. Throws INVALID_INPUT / LIMIT_EXCEEDED naming `what`.
 */
export function checkDer(bytes: Uint8Array, what: string, maxDepth: number = DER_LIMITS.maxDepth): void {
  scan(bytes, what, maxDepth, false);
}

/**
 * `checkDer` for the BER that PKCS#12 containers may use (NSS and BouncyCastle write it): a
 * constructed value may also have an indefinite length, closed by an end-of-contents (00 00).
 * Everything else is as strict as DER (minimal lengths and tags, no indefinite primitive), and
 * the same limits hold: size, depth, and every value (a string's segments too) counted.
 */
export function checkBer(bytes: Uint8Array, what: string, maxDepth: number = DER_LIMITS.maxDepth): void {
  scan(bytes, what, maxDepth, true);
}

/** Marks, in `ends`, a value of indefinite length: it ends at its end-of-contents. */
const INDEFINITE = -1;

function scan(bytes: Uint8Array, what: string, maxDepth: number, ber: boolean): void {
  if (bytes.length === 0) throw err(what, 'empty input');
  if (bytes.length > DER_LIMITS.maxBytes) {
    throw new CertkitError('LIMIT_EXCEEDED', `${what}: ${bytes.length} bytes is more than the ${DER_LIMITS.maxBytes}-byte limit`);
  }
  // A pre-order walk without recursion: `ends[d]` is where the value enclosing depth d + 1 ends
  // (a keystore listing checks every certificate, about 100 values each, so this runs a lot), or
  // INDEFINITE; `limits[d]` is the nearest definite end around it, which nothing inside may pass.
  const ends: number[] = [];
  const limits: number[] = [];
  let nodes = 0;
  let depth = 0;
  let pos = 0;
  let end = bytes.length;
  let limit = bytes.length;
  for (;;) {
    if (depth > maxDepth) {
      throw new CertkitError('LIMIT_EXCEEDED', `${what}: nested more than ${maxDepth} levels deep`);
    }
    if (++nodes > DER_LIMITS.maxNodes) {
      throw new CertkitError('LIMIT_EXCEEDED', `${what}: more than ${DER_LIMITS.maxNodes} ASN.1 values`);
    }
    if (end === INDEFINITE && pos + 1 < limit && bytes[pos] === 0 && bytes[pos + 1] === 0) {
      // The end-of-contents of the indefinite value we are in.
      pos += 2;
      depth--;
      end = ends[depth]!;
      limit = limits[depth]!;
      while (depth > 0 && pos === end) {
        depth--;
        end = ends[depth]!;
        limit = limits[depth]!;
      }
      if (depth === 0) break;
      continue;
    }
    if (pos >= limit) throw err(what, `truncated at byte ${pos} (expected a ${end === INDEFINITE ? 'tag or end-of-contents' : 'tag'})`);
    const tag = bytes[pos]!;
    let p = pos + 1;
    if ((tag & 0x1f) === 0x1f) {
      // High tag number form: base-128, at most 4 bytes, minimal.
      let n = 0;
      for (let i = 0; ; i++) {
        if (p >= limit) throw err(what, `truncated in a tag at byte ${p}`);
        const b = bytes[p++]!;
        if (i === 0 && b === 0x80) throw err(what, `non-minimal tag number at byte ${p - 1}`);
        n = n * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) break;
        if (i >= 3) throw err(what, `tag number too large at byte ${pos}`);
      }
      if (n < 31) throw err(what, `non-minimal tag number at byte ${pos}`);
    }
    if (p >= limit) throw err(what, `truncated at byte ${p} (expected a length)`);
    const first = bytes[p++]!;
    let len: number;
    if (first < 0x80) {
      len = first;
    } else if (first === 0x80) {
      if (!ber) throw err(what, `indefinite length at byte ${p - 1} (BER, not DER)`);
      if ((tag & 0x20) === 0) throw err(what, `indefinite length of a primitive value at byte ${p - 1}`);
      // Into an indefinite value's contents: they end at its end-of-contents.
      ends[depth] = end;
      limits[depth] = limit;
      end = INDEFINITE;
      depth++;
      pos = p;
      continue;
    } else {
      const count = first & 0x7f;
      if (count > 4) throw err(what, `length of ${count} bytes at byte ${p - 1} is larger than any input certkit reads`);
      if (p + count > limit) throw err(what, `truncated in a length at byte ${p}`);
      if (bytes[p] === 0) throw err(what, `non-minimal length at byte ${p - 1}`);
      len = 0;
      for (let i = 0; i < count; i++) len = len * 256 + bytes[p++]!;
      if (len < 0x80) throw err(what, `non-minimal length at byte ${p - count - 1}`);
    }
    if (len > limit - p) {
      throw err(what, `length ${len} at byte ${pos} runs past the end (${limit - p} bytes left)`);
    }
    if ((tag & 0x20) !== 0 && len > 0) {
      // Into a constructed value's contents.
      ends[depth] = end;
      limits[depth] = limit;
      end = p + len;
      limit = end;
      depth++;
      pos = p;
      continue;
    }
    pos = p + len;
    // Out of every definite constructed value this was the last part of.
    while (depth > 0 && pos === end) {
      depth--;
      end = ends[depth]!;
      limit = limits[depth]!;
    }
    if (depth === 0) break;
  }
  if (pos !== bytes.length) throw err(what, `${bytes.length - pos} trailing bytes after the ${ber ? 'BER' : 'DER'} structure`);
}

/**
 * The byte arrays `checkDerRecorded` has accepted: checked whole by `checkDer` with its default
 * limits. Weakly held, so recording keeps nothing alive.
 */
const recorded = new WeakSet<Uint8Array>();

/**
 * `checkDer(bytes, what)` with the default limits, then remembers that this very array passed,
 * for `wasDerChecked`. For a reader that hands out arrays it made itself (the JKS reader's
 * certificates), so that a later consumer of exactly those arrays can skip walking them again.
 */
export function checkDerRecorded(bytes: Uint8Array, what: string): void {
  checkDer(bytes, what);
  recorded.add(bytes);
}

/**
 * True when `checkDerRecorded` accepted this very array (the same object; a copy or another view
 * of the same memory is not recorded). Says nothing about changes made to it since.
 */
export function wasDerChecked(bytes: Uint8Array): boolean {
  return recorded.has(bytes);
}
