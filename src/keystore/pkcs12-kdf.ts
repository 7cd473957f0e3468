/**
 * The PKCS#12 key derivation function (RFC 7292, Appendix B.2) and its password encoding
 * (Appendix B.1): the password as a BMPString, big-endian UTF-16, followed by two zero bytes.
 *
 * Used for the PKCS#12 MAC key (ID 3) and for the legacy pbeWithSHAAnd... ciphers (ID 1 key,
 * ID 2 IV). Not used by PBES2, which derives with PBKDF2 over the UTF-8 password.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { CertkitError } from '../errors.js';

export type Pkcs12KdfHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512-224' | 'sha512-256';

/** Purpose byte of RFC 7292 B.3: 1 key material, 2 IV, 3 MAC key. */
export type Pkcs12KdfId = 1 | 2 | 3;

/** Digest output (u) and input block (v) sizes in bytes. */
const SIZES: Record<Pkcs12KdfHash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
  'sha512-224': { u: 28, v: 128 },
  'sha512-256': { u: 32, v: 128 },
};

/** The digest output size of `hash` in bytes. */
export function digestSize(hash: Pkcs12KdfHash): number {
  return SIZES[hash].u;
}

/**
 * The password as RFC 7292 B.1 encodes it: UTF-16BE code units and a 0x0000 terminator.
 *
 * An empty password has two encodings in the wild: OpenSSL's `pass:` with nothing after it gives
 * the terminator alone (two zero bytes); Java (and OpenSSL's "no password", NULL) gives zero bytes.
 * `emptyAsNone` selects the latter. Readers try both (OpenSSL's `pkcs12` command does the same).
 */
export function bmpPassword(password: string, emptyAsNone = false): Buffer {
  if (password.length === 0 && emptyAsNone) return Buffer.alloc(0);
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

function fill(src: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  if (src.length === 0) return out;
  for (let i = 0; i < length; i++) out[i] = src[i % src.length]!;
  return out;
}

/** Iterations hashed between two yields to the event loop in `pkcs12KdfAsync` (about 2 ms). */
const ITERATIONS_PER_SLICE = 1024;

function checkKdfIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new CertkitError('INVALID_INPUT', `PKCS#12 key derivation: iteration count ${iterations} is not a positive integer`);
  }
}

/** RFC 7292 B.2's inputs, in the order every form of the derivation takes them. */
type KdfArgs = [hash: Pkcs12KdfHash, password: Uint8Array, salt: Uint8Array, id: Pkcs12KdfId, iterations: number, length: number];

/**
 * The derivation as a generator: it yields after every `ITERATIONS_PER_SLICE` hashes, so the
 * async form can let I/O run between slices; the sync form runs it to the end at once.
 */
function* derive(...[hash, password, salt, id, iterations, length]: KdfArgs): Generator<void, Buffer, void> {
  checkKdfIterations(iterations); // runs at the first next(), before any hashing
  const { u, v } = SIZES[hash];
  const d = Buffer.alloc(v, id);
  const s = fill(salt, v * Math.ceil(salt.length / v));
  const p = fill(password, v * Math.ceil(password.length / v));
  const i = Buffer.concat([s, p]);
  const out = Buffer.alloc(length);
  for (let pos = 0; ; ) {
    let a = createHash(hash).update(d).update(i).digest();
    // The one-shot hash is ~1.5x faster than createHash for these tiny inputs (Node >= 20.12).
    for (let r = 1; r < iterations; r++) {
      a = oneShotHash(hash, a, 'buffer');
      if (r % ITERATIONS_PER_SLICE === 0) yield;
    }
    a.copy(out, pos, 0, Math.min(u, length - pos));
    pos += u;
    if (pos >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, with B = A repeated to v bytes.
    const b = fill(a, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}

/**
 * RFC 7292 B.2: derives `length` bytes for purpose `id` from the encoded `password` (see
 * `bmpPassword`) and `salt`, hashing `iterations` times. Callers check the iteration count
 * against their limit before calling (see `checkIterations` in pbe.ts).
 */
export function pkcs12Kdf(...args: KdfArgs): Buffer {
  const g = derive(...args);
  for (;;) {
    const r = g.next();
    if (r.done === true) return r.value;
  }
}

/**
 * `pkcs12Kdf`, the same bytes, without holding the main thread: node:crypto has no iterated
 * hash, so the 10,000 hashes of a MAC key (~25 ms) run here in slices of about 2 ms with the
 * event loop served in between, so network answers and file writes proceed meanwhile.
 */
export async function pkcs12KdfAsync(...args: KdfArgs): Promise<Buffer> {
  const g = derive(...args);
  for (;;) {
    const r = g.next();
    if (r.done === true) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
