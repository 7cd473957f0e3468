/**
 * Keystore format detection by content, never by file name: a PKCS#12 file named `.jks` is
 * common (JDK 9+ keytool writes PKCS#12 by default, whatever the extension).
 *
 *   FEEDFEED                                   → jks
 *   CECECECE                                   → jceks
 *   SEQUENCE whose first element is INTEGER 3 (PFX version) → pkcs12; the SEQUENCE may have a
 *   definite length or BER's indefinite one (30 80: NSS and BouncyCastle write PKCS#12 so)
 */
import { invalid } from '../errors.js';
import type { KeyStoreType } from './model.js';

/** Reads a DER length at `p`; returns [length, offset after it] or undefined if malformed. */
function derLength(b: Uint8Array, p: number): [number, number] | undefined {
  const first = b[p];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, p + 1];
  const n = first & 0x7f;
  if (n === 0 || n > 4 || p + 1 + n > b.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[p + 1 + i]!;
  return [len, p + 1 + n];
}

/** Detects JKS, JCEKS or PKCS#12 from the first bytes; anything else → INVALID_INPUT. */
export function detectKeyStoreType(bytes: Uint8Array): KeyStoreType {
  if (bytes.length >= 4) {
    const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (magic === 0xfeedfeed) return 'jks';
    if (magic === 0xcececece) return 'jceks';
  }
  if (bytes[0] === 0x30) {
    const outer = bytes[1] === 0x80 ? ([0, 2] as [number, number]) : derLength(bytes, 1);
    if (outer !== undefined) {
      const p = outer[1];
      // INTEGER, length 1, value 3.
      if (bytes[p] === 0x02 && bytes[p + 1] === 0x01 && bytes[p + 2] === 0x03) return 'pkcs12';
    }
  }
  throw invalid('not a JKS, JCEKS or PKCS#12 keystore');
}
