/**
 * A public key's size and curve read straight from its SubjectPublicKeyInfo DER, without loading
 * the key into OpenSSL (`crypto.createPublicKey` costs about 0.25 ms a key, most of a listing's
 * time per certificate).
 *
 * The answer must be exactly what `createPublicKey(...).asymmetricKeyDetails` says, so only the
 * shapes that are fully understood here are answered: RSA (rsaEncryption with NULL parameters,
 * minimal positive INTEGERs), EC on P-256/P-384/P-521 with an uncompressed point that is on the
 * curve, and Ed25519/Ed448 (no size, no curve). Anything else (DSA, other curves, compressed
 * points, RSASSA-PSS parameters, any odd encoding) returns undefined and the caller asks
 * node:crypto, as before. One EC key is answered here although node:crypto cannot be asked: the
 * point at infinity (see `ecDetails`).
 *
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 *   RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 *   ECPoint (uncompressed) ::= 04 || X || Y
 */
import { childrenOf, decodeOidAt, readTlv, type TlvAt } from './tlv.js';

/** What `keyDetailsFromSpki` knows: RSA modulus bits or EC curve bits, and the EC curve. */
export interface SpkiKeyDetails {
  /** RSA modulus bits or EC curve bits; undefined for keys without one (Ed25519). */
  readonly keySize: number | undefined;
  /** "P-256", "P-384" or "P-521" for EC keys; undefined for others. */
  readonly curve: string | undefined;
}

const RSA = '1.2.840.113549.1.1.1';
const EC = '1.2.840.10045.2.1';
const EDWARDS = new Set(['1.3.101.112', '1.3.101.113']);

interface Curve {
  readonly name: string;
  readonly bits: number;
  /** Field element length in bytes. */
  readonly len: number;
  readonly p: bigint;
  readonly b: bigint;
}

// FIPS 186-4 D.1.2: the NIST prime curves (a = -3 for all three).
const CURVES: ReadonlyMap<string, Curve> = new Map([
  [
    '1.2.840.10045.3.1.7',
    {
      name: 'P-256',
      bits: 256,
      len: 32,
      p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
      b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    },
  ],
  [
    '1.3.132.0.34',
    {
      name: 'P-384',
      bits: 384,
      len: 48,
      p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
      b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    },
  ],
  [
    '1.3.132.0.35',
    {
      name: 'P-521',
      bits: 521,
      len: 66,
      p: (1n << 521n) - 1n,
      b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    },
  ],
]);

/** Bit length of a minimal positive DER INTEGER's contents; undefined unless minimal, positive and non-zero. */
function positiveIntegerBits(t: TlvAt | undefined): number | undefined {
  if (t === undefined || t.tag !== 0x02) return undefined;
  const { buf, end } = t;
  let p = t.contentStart;
  if (p === end || (buf[p]! & 0x80) !== 0) return undefined; // empty or negative
  if (buf[p] === 0) {
    if (p + 1 === end || (buf[p + 1]! & 0x80) === 0) return undefined; // zero, or a non-minimal leading zero
    p++;
  }
  return (end - p - 1) * 8 + (32 - Math.clz32(buf[p]!));
}

/** Where the key bits of a BIT STRING with no unused bits start; undefined otherwise. */
function keyBitsStart(bitString: TlvAt): number | undefined {
  if (bitString.tag !== 0x03 || bitString.length < 2 || bitString.at(0) !== 0) return undefined;
  return bitString.contentStart + 1;
}

/** RSA details of the key bits `buf[start, end)`, read in place; `alg` is the AlgorithmIdentifier's parts. */
function rsaDetails(alg: readonly TlvAt[], buf: Buffer, start: number, end: number): SpkiKeyDetails | undefined {
  if (alg.length !== 2 || alg[1]!.tag !== 0x05 || alg[1]!.length !== 0) return undefined;
  const seq = readTlv(buf, start, 'RSAPublicKey', end);
  if (seq.tag !== 0x30 || seq.end !== end) return undefined;
  const ints = childrenOf(seq, 'RSAPublicKey');
  if (ints.length !== 2) return undefined;
  const bits = positiveIntegerBits(ints[0]);
  if (bits === undefined || positiveIntegerBits(ints[1]) === undefined) return undefined;
  return { keySize: bits, curve: undefined };
}

/** EC details of the key bits `buf[start, end)`, read in place; `alg` is the AlgorithmIdentifier's parts. */
function ecDetails(alg: readonly TlvAt[], buf: Buffer, start: number, end: number): SpkiKeyDetails | undefined {
  const len = end - start;
  // The point at infinity: OpenSSL loads such a key, but Node 20 then aborts the whole process
  // (an assertion in GetEcKeyDetail) when asked for its details. It has no size worth reporting.
  if (len === 1 && buf[start] === 0x00) return { keySize: undefined, curve: undefined };
  if (alg.length !== 2 || alg[1]!.tag !== 0x06) return undefined;
  const curve = CURVES.get(decodeOidAt(alg[1]!.buf, alg[1]!.contentStart, alg[1]!.end, 'EC curve'));
  if (curve === undefined || len !== 1 + 2 * curve.len || buf[start] !== 0x04) return undefined;
  const x = BigInt('0x' + buf.toString('hex', start + 1, start + 1 + curve.len));
  const y = BigInt('0x' + buf.toString('hex', start + 1 + curve.len, end));
  const { p, b } = curve;
  if (x >= p || y >= p) return undefined;
  // On the curve: y² = x³ - 3x + b (mod p), as OpenSSL checks when it loads the point.
  if ((y * y - (x * x * x - 3n * x + b)) % p !== 0n) return undefined;
  return { keySize: curve.bits, curve: curve.name };
}

/**
 * Key size and curve of a SubjectPublicKeyInfo (the whole SEQUENCE's DER, already checked by
 * `checkDer`), or undefined when only node:crypto can tell. Never throws on odd input: it
 * answers undefined and leaves the verdict to node:crypto.
 */
export function keyDetailsFromSpki(spki: Buffer): SpkiKeyDetails | undefined {
  try {
    const top = readTlv(spki, 0, 'subjectPublicKeyInfo');
    if (top.tag !== 0x30 || top.end !== spki.length) return undefined;
    const parts = childrenOf(top, 'subjectPublicKeyInfo');
    if (parts.length !== 2 || parts[0]!.tag !== 0x30) return undefined;
    const alg = childrenOf(parts[0]!, 'algorithm');
    if (alg[0]?.tag !== 0x06) return undefined;
    return keyDetailsFromSpkiParts(parts, alg, decodeOidAt(spki, alg[0].contentStart, alg[0].end, 'key algorithm'));
  } catch {
    return undefined;
  }
}

/**
 * `keyDetailsFromSpki` for a SubjectPublicKeyInfo its caller has already taken apart in place
 * (a certificate's, inside bytes `checkDer` checked whole): `parts` are the SEQUENCE's parts,
 * whose first is the AlgorithmIdentifier SEQUENCE; `alg` are that SEQUENCE's parts, the first an
 * OID; `oid` is that OID decoded. The same answers, without walking or copying the SPKI again.
 */
export function keyDetailsFromSpkiParts(parts: readonly TlvAt[], alg: readonly TlvAt[], oid: string): SpkiKeyDetails | undefined {
  try {
    if (parts.length !== 2) return undefined;
    if (EDWARDS.has(oid)) return alg.length === 1 ? { keySize: undefined, curve: undefined } : undefined;
    const bitString = parts[1]!;
    const start = keyBitsStart(bitString);
    if (start === undefined) return undefined;
    if (oid === RSA) return rsaDetails(alg, bitString.buf, start, bitString.end);
    if (oid === EC) return ecDetails(alg, bitString.buf, start, bitString.end);
    return undefined;
  } catch {
    return undefined;
  }
}
