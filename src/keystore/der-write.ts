/**
 * A minimal DER writer for the structures certkit builds (PKCS#12, PBE parameters, and through
 * src/x509/tlv.ts its certificates and CSRs). Building bytes directly keeps the output exactly
 * DER: definite minimal lengths, SET OF sorted by encoding, no BER shortcuts.
 *
 * Each TLV is written once into a buffer of its exact size (header and contents lengths are
 * known up front), and OBJECT IDENTIFIERs are encoded once per process: a PKCS#12 truststore of
 * 150 CAs builds about 1,500 TLVs, and the allocations of concatenating headers and parts were
 * most of the writer's cost.
 */

/** Bytes of a DER header (one tag byte and the length) for `n` contents bytes. */
function headerLength(n: number): number {
  if (n < 0x80) return 2;
  let bytes = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes++;
  return 2 + bytes;
}

/** Writes the header of a TLV with `n` contents bytes at `out[pos]`; returns where the contents go. */
function writeHeader(out: Buffer, tag: number, n: number, pos = 0): number {
  out[pos] = tag;
  if (n < 0x80) {
    out[pos + 1] = n;
    return pos + 2;
  }
  const h = headerLength(n);
  out[pos + 1] = 0x80 | (h - 2);
  for (let i = pos + h - 1, v = n; i >= pos + 2; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return pos + h;
}

/** One TLV with a single-byte tag around the concatenation of `parts`. */
function tlvOf(tag: number, parts: readonly Uint8Array[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = Buffer.allocUnsafe(headerLength(n) + n);
  let pos = writeHeader(out, tag, n);
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Part of a `DerNode`: bytes already encoded, or another node. */
export type DerPart = Uint8Array | DerNode;

/**
 * A TLV not yet written: its tag, its parts and so its length. A structure of many values (a
 * certificate safe of 1,000 bags) is built as nodes and written once by `encode` into one buffer
 * of its exact size, instead of allocating and copying at every level.
 */
export class DerNode {
  /** Bytes of the contents. */
  readonly contentLength: number;
  /** Bytes of the whole TLV. */
  readonly length: number;

  constructor(
    readonly tag: number,
    readonly parts: readonly DerPart[],
  ) {
    let n = 0;
    for (let i = 0; i < parts.length; i++) n += parts[i]!.length;
    this.contentLength = n;
    this.length = headerLength(n) + n;
  }
}

/** A node with a single-byte tag around `parts`, in order. */
export const node = (tag: number, parts: readonly DerPart[]): DerNode => new DerNode(tag, parts);

/** The DER bytes of a node (or bytes as they are), in one allocation. */
export function encode(v: DerPart): Buffer {
  const out = Buffer.allocUnsafe(v.length);
  const end = writeInto(out, 0, v);
  if (end !== out.length) throw new RangeError(`DER node wrote ${end} of ${out.length} bytes`);
  return out;
}

function writeInto(out: Buffer, pos: number, v: DerPart): number {
  if (!(v instanceof DerNode)) {
    out.set(v, pos);
    return pos + v.length;
  }
  let p = writeHeader(out, v.tag, v.contentLength, pos);
  for (let i = 0; i < v.parts.length; i++) p = writeInto(out, p, v.parts[i]!);
  return p;
}

/** One TLV with a single-byte tag around the concatenation of `content`. */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  return tlvOf(tag, content);
}

export const sequence = (...parts: Uint8Array[]): Buffer => tlvOf(0x30, parts);

/** SET OF: the members sorted by their encodings, as DER requires. */
export const setOf = (...parts: Uint8Array[]): Buffer => tlvOf(0x31, [...parts].sort(Buffer.compare));

export const octetString = (b: Uint8Array): Buffer => tlvOf(0x04, [b]);

export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);

/** A non-negative INTEGER. */
export function integer(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('negative INTEGER');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** OID nodes already made, by dotted form (a handful of OIDs, written many times each). */
const OID_NODES = new Map<string, DerNode>();

/**
 * An OBJECT IDENTIFIER as a node, made once per OID and shared: `encode` only reads a node's
 * parts (copying them out), so building with it allocates nothing.
 */
export function oidNode(dotted: string): DerNode {
  let n = OID_NODES.get(dotted);
  if (n === undefined) {
    n = new DerNode(0x06, [oidContent(dotted)]);
    if (OID_NODES.size < 256) OID_NODES.set(dotted, n);
  }
  return n;
}

/** An OBJECT IDENTIFIER from its dotted form (new bytes each time). */
export function objectIdentifier(dotted: string): Buffer {
  return encode(oidNode(dotted));
}

/** The contents octets of an OBJECT IDENTIFIER. */
function oidContent(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (arc: bigint) => {
    const b: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) b.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...b);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return Buffer.from(out);
}

/** A BMPString (UTF-16 code units, big-endian). */
export function bmpString(s: string): Buffer {
  const n = s.length * 2;
  const out = Buffer.allocUnsafe(headerLength(n) + n);
  const pos = writeHeader(out, 0x1e, n);
  for (let i = 0; i < s.length; i++) out.writeUInt16BE(s.charCodeAt(i), pos + i * 2);
  return out;
}

/** `[n] EXPLICIT` around one encoded value. */
export const explicit = (n: number, inner: Uint8Array): Buffer => tlvOf(0xa0 | n, [inner]);

/** `[n] IMPLICIT OCTET STRING` (primitive). */
export const implicitOctets = (n: number, content: Uint8Array): Buffer => tlvOf(0x80 | n, [content]);

/** AlgorithmIdentifier with optional parameters (already encoded). */
export const algorithmIdentifier = (oid: string, params?: Uint8Array): Buffer =>
  params === undefined ? sequence(objectIdentifier(oid)) : sequence(objectIdentifier(oid), params);
