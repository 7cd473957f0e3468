/**
 * RC2 in CBC mode (RFC 2268), for reading PKCS#12 files made with pbeWithSHAAnd40BitRC2-CBC
 * (what `openssl pkcs12 -legacy`, Java 8 and JDK `-J-Dkeystore.pkcs12.legacy` use for the
 * certificate safe) and pbeWithSHAAnd128BitRC2-CBC.
 *
 * Why our own: Node's OpenSSL 3 keeps RC2 in the "legacy" provider, which Node does not load
 * (`crypto.getCiphers()` has no rc2 and `createDecipheriv('rc2-40-cbc', ...)` fails with
 * "unsupported"). RC2 is a ~100-line cipher with published test vectors; writing it here is
 * smaller and easier to audit than depending on node-forge for one legacy cipher. Encryption is
 * included so tests can round-trip and compare against `openssl enc -provider legacy`.
 * certkit never writes RC2 in a keystore.
 */
import { CertkitError } from '../errors.js';

// RFC 2268 section 2: the "PITABLE", a permutation of 0..255 from the digits of pi.
const PITABLE = Buffer.from(
  [
    'd978f9c419ddb5ed28e9fd794aa0d89d',
    'c67e37832b76538e624c6488448bfba2',
    '179a59f587b34f1361456d8d09817d32',
    'bd8f40eb86b77b0bf09521225c6b4e82',
    '54d66593ce60b21c7356c014a78cf1dc',
    '1275ca1f3bbee4d1423dd430a33cb626',
    '6fbf0eda4669075727f21d9bbc944303',
    'f811c7f690ef3ee706c3d52fc8661ed7',
    '08e8eade8052eef784aa72ac354d6a2a',
    '961ad2715a1549744b9fd05e0418a4ec',
    'c2e0416e0f51cbcc2491af50a1f47039',
    '997c3a8523b8b47afc02365b25559731',
    '2d5dfa98e38a92ae05df2910676cbac9',
    'd300e6cfe19ea82c6316013f58e289a9',
    '0d38341bab33ffb0bb480c5fb9b1cd2e',
    'c5f3db47e5a59c770aa62068fe7fc1ad',
  ].join(''),
  'hex',
);

/** RFC 2268 section 2: expands `key` to 64 16-bit subkeys for `effectiveBits` effective key bits. */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new CertkitError('INVALID_INPUT', `RC2 key of ${key.length} bytes`);
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) {
    throw new CertkitError('INVALID_INPUT', `RC2 effective key size ${effectiveBits}`);
  }
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  for (let i = t; i < 128; i++) l[i] = PITABLE[(l[i - 1]! + l[i - t]!) & 0xff]!;
  l[128 - t8] = PITABLE[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[l[i + 1]! ^ l[i + t8]!]!;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  return k;
}

const S = [1, 2, 3, 5] as const;
const rol = (x: number, s: number) => ((x << s) | (x >>> (16 - s))) & 0xffff;
const ror = (x: number, s: number) => ((x >>> s) | (x << (16 - s))) & 0xffff;

/** Encrypts one 8-byte block in place (RFC 2268 section 3). */
export function rc2EncryptBlock(k: Uint16Array, b: Uint8Array, off = 0): void {
  const r = [0, 1, 2, 3].map((i) => b[off + 2 * i]! | (b[off + 2 * i + 1]! << 8));
  let j = 0;
  const mix = () => {
    for (let i = 0; i < 4; i++) {
      const x = r[i]! + k[j++]! + (r[(i + 3) & 3]! & r[(i + 2) & 3]!) + (~r[(i + 3) & 3]! & r[(i + 1) & 3]!);
      r[i] = rol(x & 0xffff, S[i]!);
    }
  };
  const mash = () => {
    for (let i = 0; i < 4; i++) r[i] = (r[i]! + k[r[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
  for (let i = 0; i < 4; i++) {
    b[off + 2 * i] = r[i]! & 0xff;
    b[off + 2 * i + 1] = r[i]! >> 8;
  }
}

/** Decrypts one 8-byte block in place (RFC 2268 section 4). */
export function rc2DecryptBlock(k: Uint16Array, b: Uint8Array, off = 0): void {
  const r = [0, 1, 2, 3].map((i) => b[off + 2 * i]! | (b[off + 2 * i + 1]! << 8));
  let j = 63;
  const rmix = () => {
    for (let i = 3; i >= 0; i--) {
      const x = ror(r[i]!, S[i]!) - k[j--]! - (r[(i + 3) & 3]! & r[(i + 2) & 3]!) - (~r[(i + 3) & 3]! & r[(i + 1) & 3]!);
      r[i] = x & 0xffff;
    }
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) r[i] = (r[i]! - k[r[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let n = 0; n < 5; n++) rmix();
  rmash();
  for (let n = 0; n < 6; n++) rmix();
  rmash();
  for (let n = 0; n < 5; n++) rmix();
  for (let i = 0; i < 4; i++) {
    b[off + 2 * i] = r[i]! & 0xff;
    b[off + 2 * i + 1] = r[i]! >> 8;
  }
}

/**
 * RC2-CBC decryption with PKCS#7 padding removed. A bad padding (the usual sign of a wrong
 * password) throws BAD_PASSWORD.
 */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Buffer {
  if (iv.length !== 8) throw new CertkitError('INVALID_INPUT', `RC2-CBC IV of ${iv.length} bytes, expected 8`);
  if (data.length === 0 || data.length % 8 !== 0) {
    throw new CertkitError('INVALID_INPUT', `RC2-CBC ciphertext of ${data.length} bytes is not a whole number of blocks`);
  }
  const k = rc2ExpandKey(key, effectiveBits);
  const out = Buffer.from(data);
  let prev = Buffer.from(iv);
  for (let off = 0; off < out.length; off += 8) {
    const c = Buffer.from(out.subarray(off, off + 8));
    rc2DecryptBlock(k, out, off);
    for (let i = 0; i < 8; i++) out[off + i]! ^= prev[i]!;
    prev = c;
  }
  const pad = out[out.length - 1]!;
  let ok = pad >= 1 && pad <= 8;
  for (let i = 1; ok && i <= pad; i++) ok = out[out.length - i] === pad;
  if (!ok) throw new CertkitError('BAD_PASSWORD', 'RC2 decryption failed (bad padding): wrong password or corrupt data');
  return out.subarray(0, out.length - pad);
}

/** RC2-CBC encryption with PKCS#7 padding (tests only; certkit never writes RC2). */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Buffer {
  if (iv.length !== 8) throw new CertkitError('INVALID_INPUT', `RC2-CBC IV of ${iv.length} bytes, expected 8`);
  const k = rc2ExpandKey(key, effectiveBits);
  const pad = 8 - (data.length % 8);
  const out = Buffer.concat([Buffer.from(data), Buffer.alloc(pad, pad)]);
  let prev: Uint8Array = iv;
  for (let off = 0; off < out.length; off += 8) {
    for (let i = 0; i < 8; i++) out[off + i]! ^= prev[i]!;
    rc2EncryptBlock(k, out, off);
    prev = out.subarray(off, off + 8);
  }
  return out;
}
