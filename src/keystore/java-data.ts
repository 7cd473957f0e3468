/**
 * Java's DataInput / DataOutput encodings, as JKS and JCEKS use them: big-endian integers and
 * "modified UTF-8" strings (`writeUTF`: a 2-byte length, U+0000 as C0 80, and every UTF-16 code
 * unit encoded on its own, so a character outside the BMP is a surrogate pair of 3 bytes each).
 *
 * `JavaDataReader` is bounded: every read checks the bytes left before it allocates anything, and
 * a length read from the input is never trusted further than that.
 */
import { invalid } from '../errors.js';

/** A character above U+007F (in a string decoded byte for byte: a byte above 0x7F). */
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** A bounded big-endian reader over one byte array (Java's DataInputStream, without trust). */
export class JavaDataReader {
  #pos = 0;
  /** The input as a Buffer view (no copy), so reads can decode and copy by offsets. */
  readonly #bytes: Buffer;

  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The offset of the next byte to read. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.#bytes.length - this.#pos;
  }

  /** Throws INVALID_INPUT unless `n` more bytes are there for `what`. */
  need(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw invalid(`${what}: needs ${n} bytes at byte ${this.#pos} but only ${this.remaining} are left (truncated or corrupt)`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.#bytes[this.#pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const p = this.#pos;
    this.#pos += 2;
    return (this.#bytes[p]! << 8) | this.#bytes[p + 1]!;
  }

  /** A signed 32-bit integer (Java `readInt`). */
  i32(what: string): number {
    this.need(4, what);
    const b = this.#bytes;
    const p = this.#pos;
    this.#pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) | 0;
  }

  /** A signed 64-bit integer (Java `readLong`). */
  i64(what: string): bigint {
    this.need(8, what);
    const v = this.#bytes.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }

  /**
   * A signed 64-bit integer (Java `readLong`) as a number when its magnitude is below 2^53 (every
   * date a keystore holds), else as a bigint; no bigint is made for the usual case.
   */
  i64Small(what: string): number | bigint {
    this.need(8, what);
    const b = this.#bytes;
    const p = this.#pos;
    const hi = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) | 0;
    if (hi >= -0x200000 && hi < 0x200000) {
      const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
      this.#pos += 8;
      return hi * 0x1_0000_0000 + lo;
    }
    return this.i64(what);
  }

  /** A non-negative 32-bit length that fits in the bytes left, each item taking at least `minItem` bytes. */
  length(what: string, minItem = 1): number {
    const n = this.i32(what);
    if (n < 0) throw invalid(`${what}: negative length ${n} at byte ${this.#pos - 4}`);
    if (n * minItem > this.remaining) {
      throw invalid(`${what}: length ${n} at byte ${this.#pos - 4} runs past the end (${this.remaining} bytes left)`);
    }
    return n;
  }

  /** `n` bytes, copied (the result never aliases the input). */
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const out = Buffer.allocUnsafe(n);
    this.#bytes.copy(out, 0, this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.#pos += n;
  }

  /** A `writeUTF` string: 2-byte length, then modified UTF-8, decoded as strictly as Java does. */
  utf(what: string): string {
    // u16 and need inlined, their messages made only for an error (two strings an entry otherwise).
    if (this.remaining < 2) this.need(2, `${what} length`);
    const b = this.#bytes;
    const start = this.#pos + 2;
    const n = (b[start - 2]! << 8) | b[start - 1]!;
    this.#pos = start;
    if (n > this.remaining) this.need(n, what);
    const end = start + n;
    // All 1-byte forms (the usual alias) decode byte for byte: decoded so, then tested natively
    // for a byte above 0x7F (a loop over the bytes first cost more, as cold code, than decoding).
    const latin1 = b.toString('latin1', start, end);
    const s = NON_ASCII.test(latin1) ? decodeModifiedUtf8(b.subarray(start, end), what) : latin1;
    this.#pos = end;
    return s;
  }

  /** A view of bytes [start, end) already read (for digests). */
  slice(start: number, end: number): Uint8Array {
    return this.#bytes.subarray(start, end);
  }
}

/**
 * Decodes Java's modified UTF-8 as `DataInputStream.readUTF` does: 1-, 2- and 3-byte forms,
 * each UTF-16 code unit on its own; 4-byte forms and stray continuation bytes are malformed.
 */
export function decodeModifiedUtf8(bytes: Uint8Array, what: string): string {
  // All 1-byte forms (the usual alias): each byte is its own UTF-16 code unit.
  let ascii = true;
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    switch (c >> 4) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
        units.push(c);
        i += 1;
        break;
      case 12: case 13: {
        const c2 = bytes[i + 1];
        if (c2 === undefined || (c2 & 0xc0) !== 0x80) throw invalid(`${what}: malformed modified UTF-8 at byte ${i}`);
        units.push(((c & 0x1f) << 6) | (c2 & 0x3f));
        i += 2;
        break;
      }
      case 14: {
        const c2 = bytes[i + 1];
        const c3 = bytes[i + 2];
        if (c2 === undefined || c3 === undefined || (c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) {
          throw invalid(`${what}: malformed modified UTF-8 at byte ${i}`);
        }
        units.push(((c & 0x0f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f));
        i += 3;
        break;
      }
      default:
        throw invalid(`${what}: malformed modified UTF-8 at byte ${i}`);
    }
  }
  let s = '';
  for (let k = 0; k < units.length; k += 4096) s += String.fromCharCode(...units.slice(k, k + 4096));
  return s;
}

/** Encodes a string as Java's modified UTF-8 (without the length prefix). */
export function encodeModifiedUtf8(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) {
      out.push(c);
    } else if (c <= 0x7ff) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return Buffer.from(out);
}

/** A growing big-endian writer (Java's DataOutputStream). */
export class JavaDataWriter {
  readonly #chunks: Buffer[] = [];

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    this.#chunks.push(b);
    return this;
  }

  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.#chunks.push(b);
    return this;
  }

  i64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.#chunks.push(b);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#chunks.push(Buffer.from(b));
    return this;
  }

  /** `writeUTF`: throws INVALID_INPUT when the encoding is longer than 65535 bytes, as Java refuses it. */
  utf(s: string, what: string): this {
    const enc = encodeModifiedUtf8(s);
    if (enc.length > 0xffff) throw invalid(`${what}: ${enc.length} bytes of modified UTF-8 is more than the 65535 Java allows`);
    return this.u16(enc.length).bytes(enc);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}
