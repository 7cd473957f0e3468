/**
 * A minimal DER writer for the structures certkit's keystore codecs build (PKCS#12, PBE
 * parameters). Building bytes directly keeps the output exactly DER: definite minimal lengths,
 * SET OF sorted by encoding, no BER shortcuts.
 */

/** One TLV with a single-byte tag. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const len: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    header = [tag, 0x80 | len.length, ...len];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

export const sequence = (...parts: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(parts));

/** SET OF: the members sorted by their encodings, as DER requires. */
export const setOf = (...parts: Uint8Array[]): Buffer =>
  tlv(0x31, Buffer.concat([...parts].map((p) => Buffer.from(p)).sort(Buffer.compare)));

export const octetString = (b: Uint8Array): Buffer => tlv(0x04, b);

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

/** An OBJECT IDENTIFIER from its dotted form. */
export function objectIdentifier(dotted: string): Buffer {
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
  return tlv(0x06, Buffer.from(out));
}

/** A BMPString (UTF-16 code units, big-endian). */
export function bmpString(s: string): Buffer {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return tlv(0x1e, b);
}

/** `[n] EXPLICIT` around one encoded value. */
export const explicit = (n: number, inner: Uint8Array): Buffer => tlv(0xa0 | n, inner);

/** `[n] IMPLICIT OCTET STRING` (primitive). */
export const implicitOctets = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content);

/** AlgorithmIdentifier with optional parameters (already encoded). */
export const algorithmIdentifier = (oid: string, params?: Uint8Array): Buffer =>
  params === undefined ? sequence(objectIdentifier(oid)) : sequence(objectIdentifier(oid), params);
