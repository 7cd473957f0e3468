/**
 * A minimal DER TLV walker for the X.509 readers, used on bytes that `checkDer` (src/asn1.ts)
 * has already validated (definite minimal lengths, in bounds, no trailing bytes), so each step
 * only has to check the shape it expects. It hands out subarrays: the original bytes of a
 * subject Name or a TBSCertificate are kept exactly as they were read.
 */
import { invalid } from '../errors.js';
import { quoteInput } from '../quote.js';

export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  readonly tag: number;
  /** The whole TLV. */
  readonly bytes: Buffer;
  /** The contents octets. */
  readonly content: Buffer;
}

/** Reads the TLV at `pos` in `buf`. Throws INVALID_INPUT naming `what` if it does not fit. */
export function readTlv(buf: Buffer, pos: number, what: string): Tlv & { end: number } {
  if (pos + 2 > buf.length) throw invalid(`${what}: truncated`);
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw invalid(`${what}: unexpected high tag number`);
  let p = pos + 1;
  const first = buf[p++]!;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw invalid(`${what}: bad length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (len > buf.length - p) throw invalid(`${what}: length runs past the end`);
  const end = p + len;
  return { tag, bytes: buf.subarray(pos, end), content: buf.subarray(p, end), end };
}

/** The TLVs inside a constructed value's contents, in order. */
export function children(content: Buffer, what: string): Tlv[] {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < content.length) {
    const t = readTlv(content, pos, what);
    out.push(t);
    pos = t.end;
  }
  return out;
}

/** Encodes a DER length. */
export function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one TLV with a low tag number. */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

/** Decodes an OBJECT IDENTIFIER's contents to dotted form. */
export function decodeOid(content: Buffer, what: string): string {
  if (content.length === 0) throw invalid(`${what}: empty OBJECT IDENTIFIER`);
  let out = '';
  let v = 0;
  let started = false;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (!started && b === 0x80) throw invalid(`${what}: non-minimal OBJECT IDENTIFIER`);
    started = true;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw invalid(`${what}: OBJECT IDENTIFIER arc too large`);
    if ((b & 0x80) === 0) {
      out += out === '' ? (v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`) : `.${v}`;
      v = 0;
      started = false;
    } else if (i === content.length - 1) {
      throw invalid(`${what}: truncated OBJECT IDENTIFIER`);
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
