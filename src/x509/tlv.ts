/**
 * A minimal DER TLV walker for the X.509 readers, used on bytes that `checkDer` (src/der-check.ts)
 * has already validated (definite minimal lengths, in bounds, no trailing bytes), so each step
 * only has to check the shape it expects. It locates TLVs by offsets in the buffer (`TlvAt`) and
 * makes a subarray only when `bytes` or `content` is asked for: the original bytes of a subject
 * Name or a TBSCertificate are kept exactly as they were read.
 */
import { invalid } from '../errors.js';
import { tlv } from '../keystore/der-write.js';
import { quoteInput } from '../quote.js';

/** What a value is called in errors: the name, or a function that makes it only when an error needs it. */
export type What = string | (() => string);

const named = (what: What): string => (typeof what === 'string' ? what : what());

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  readonly tag: number;
  /** The whole TLV. */
  readonly bytes: Buffer;
  /** The contents octets. */
  readonly content: Buffer;
}

/**
 * A TLV located in a buffer by offsets. `bytes` and `content` are subarrays made when asked
 * for: walks that only look at tags, offsets and single bytes allocate no Buffer at all (a
 * listing of 1,000 certificates made two per TLV, a good part of its time).
 */
export class TlvAt implements Tlv {
  // Declared, not defined: with class-field semantics each would first be defined as undefined
  // and then assigned (and a field initializer called), for every one of the tens of thousands
  // of TLVs a listing of many certificates makes. The constructor assigns each exactly once.
  /** The buffer the TLV is in. */
  declare readonly buf: Buffer;
  declare readonly tag: number;
  /** Offset of the identifier octet. */
  declare readonly start: number;
  /** Offset of the first contents octet. */
  declare readonly contentStart: number;
  /** Offset just past the TLV. */
  declare readonly end: number;

  constructor(buf: Buffer, tag: number, start: number, contentStart: number, end: number) {
    this.buf = buf;
    this.tag = tag;
    this.start = start;
    this.contentStart = contentStart;
    this.end = end;
  }

  get bytes(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  get content(): Buffer {
    return this.buf.subarray(this.contentStart, this.end);
  }

  /** The number of contents octets. */
  get length(): number {
    return this.end - this.contentStart;
  }

  /** Contents octet `i` (undefined past the end). */
  at(i: number): number | undefined {
    const p = this.contentStart + i;
    return p < this.end ? this.buf[p] : undefined;
  }

  /** True when `other` holds the same bytes (tag, length and contents). */
  sameBytes(other: TlvAt): boolean {
    // A loop: these are short (an AlgorithmIdentifier, a Name), and Buffer#compare with offsets
    // validated its four arguments at a cost of several loop runs per call.
    const n = this.end - this.start;
    if (other.end - other.start !== n) return false;
    const a = this.buf;
    const b = other.buf;
    for (let i = 0; i < n; i++) if (a[this.start + i] !== b[other.start + i]) return false;
    return true;
  }
}

/**
 * Reads the TLV at `pos` in `buf`, which must end by `limit` (default: the end of `buf`).
 * Throws INVALID_INPUT naming `what` if it does not fit.
 */
export function readTlv(buf: Buffer, pos: number, what: What, limit = buf.length): TlvAt {
  const end = tlvEnd(buf, pos, what, limit);
  return new TlvAt(buf, buf[pos]!, pos, headerEnd(buf, pos), end);
}

/** Where the TLV at `pos` ends, with every check `readTlv` makes (and the same errors). */
function tlvEnd(buf: Buffer, pos: number, what: What, limit: number): number {
  if (pos + 2 > limit) throw invalid(`${named(what)}: truncated`);
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw invalid(`${named(what)}: unexpected high tag number`);
  let p = pos + 1;
  const first = buf[p++]!;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw invalid(`${named(what)}: bad length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (len > limit - p) throw invalid(`${named(what)}: length runs past the end`);
  return p + len;
}

/** Where the contents of the TLV at `pos` start (its header checked by `tlvEnd`). */
function headerEnd(buf: Buffer, pos: number): number {
  const first = buf[pos + 1]!;
  return first & 0x80 ? pos + 2 + (first & 0x7f) : pos + 2;
}

/** The TLVs inside a constructed value's contents, in order. */
export function children(content: Buffer, what: What): TlvAt[] {
  return walkChildren(content, 0, content.length, what);
}

/** The TLVs inside `t`'s contents, in order, read in place (no copies, no subarrays). */
export function childrenOf(t: TlvAt, what: What): TlvAt[] {
  return walkChildren(t.buf, t.contentStart, t.end, what);
}

/** Where each child ends, from `walkChildren`'s one pass (not reentrant: nothing it calls walks). */
const childEnds: number[] = [];

function walkChildren(buf: Buffer, pos: number, end: number, what: What): TlvAt[] {
  // One checked pass notes where each child ends; the array is then made at its size (growing it
  // by push left garbage that a listing of many certificates spent a good part of its collections
  // on, and counting first walked every child twice).
  let n = 0;
  for (let p = pos; p < end; n++) childEnds[n] = p = tlvEnd(buf, p, what, end);
  const out = new Array<TlvAt>(n);
  for (let i = 0; i < n; i++) {
    const e = childEnds[i]!;
    out[i] = new TlvAt(buf, buf[pos]!, pos, headerEnd(buf, pos), e);
    pos = e;
  }
  if (n > 256) childEnds.length = 0; // kept small between walks
  return out;
}

/** Encodes one TLV with a low tag number (the DER writer's: one buffer of the exact size). */
export { tlv };

/** Decodes an OBJECT IDENTIFIER's contents to dotted form. */
export function decodeOid(content: Buffer, what: string): string {
  return decodeOidAt(content, 0, content.length, what);
}

/**
 * The dotted forms already decoded, by a hash of their contents octets (certificates repeat a
 * few dozen OIDs); a hit is confirmed byte for byte, so a collision only costs a decode.
 */
const OID_CACHE = new Map<number, { readonly bytes: Uint8Array; readonly oid: string }>();
const OID_CACHE_MAX = 512;

/** `decodeOid` of the contents octets `buf[start, end)`, read in place. */
export function decodeOidAt(buf: Uint8Array, start: number, end: number, what: What): string {
  let h = end - start;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  const hit = OID_CACHE.get(h);
  if (hit !== undefined && hit.bytes.length === end - start) {
    let same = true;
    for (let i = 0; i < hit.bytes.length; i++) {
      if (hit.bytes[i] !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit.oid;
  }
  const oid = decodeOidSlow(buf, start, end, what);
  if (hit === undefined && OID_CACHE.size < OID_CACHE_MAX) OID_CACHE.set(h, { bytes: Uint8Array.from(buf.subarray(start, end)), oid });
  return oid;
}

function decodeOidSlow(buf: Uint8Array, start: number, end: number, what: What): string {
  if (end === start) throw invalid(`${named(what)}: empty OBJECT IDENTIFIER`);
  let out = '';
  let v = 0;
  let started = false;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (!started && b === 0x80) throw invalid(`${named(what)}: non-minimal OBJECT IDENTIFIER`);
    started = true;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw invalid(`${named(what)}: OBJECT IDENTIFIER arc too large`);
    if ((b & 0x80) === 0) {
      out += out === '' ? (v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`) : `.${v}`;
      v = 0;
      started = false;
    } else if (i === end - 1) {
      throw invalid(`${named(what)}: truncated OBJECT IDENTIFIER`);
    }
  }
  return out;
}

/** Encodes a dotted OID to an OBJECT IDENTIFIER TLV. */
export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map((a) => Number(a));
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0) || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! >= 40)) {
    throw invalid(`"${quoteInput(oid)}" is not a valid OBJECT IDENTIFIER`);
  }
  const out: number[] = [];
  const push = (n: number) => {
    const bytes = [n & 0x7f];
    n = Math.floor(n / 128);
    while (n > 0) {
      bytes.unshift((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(...bytes);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Buffer.from(out));
}
