/**
 * PKCS#12 reader refusals found after the hostile suites (issue 4): two entries under one alias
 * (compared case-insensitively, as Java and certkit's JKS reader do), and an encryptedData safe
 * whose encryptedContent is absent — with the MAC recomputed it used to be read as an empty safe,
 * its certificates silently dropped. Also the cosmetic fixes of the reader's messages.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { exitStatusOf } from '../../src/errors.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { EC_CERT, EC_PKCS8, editAuthSafe, p12Sample, STORE_PASS } from '../hostile/samples.js';
import { contentAt, derAt, parseTree, removeAt, tlv } from '../hostile/support.js';

const bmp = (s: string) => Buffer.from(s, 'utf16le').swap16();
const failure = (fn: () => unknown): [string, string, number] => {
  try {
    fn();
  } catch (e) {
    const err = e as { code: string; message: string };
    return [err.code, err.message, exitStatusOf(e)];
  }
  throw new Error('did not fail');
};

/** A second P-256 key with a self-signed certificate. */
function otherKeyEntry(alias: string): KeyStoreEntry {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cert = buildCertificate({ subject: 'CN=bravo', publicKey: privateKey, signingKey: privateKey, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') });
  return { kind: 'private-key', alias, key: privateKey.export({ type: 'pkcs8', format: 'der' }), chain: [cert] };
}

/** A store with key entries 'alpha' and 'bravo', the second key bag's friendlyName rewritten to `to` (5 characters), MAC recomputed. */
function twoKeysRenamed(to: string): Buffer {
  const pfx = p12Sample('modern', [{ kind: 'private-key', alias: 'alpha', key: EC_PKCS8, chain: [EC_CERT] }, otherKeyEntry('bravo')]);
  return editAuthSafe(pfx, STORE_PASS, (authSafe) => {
    const from = bmp('bravo');
    const at = authSafe.indexOf(from);
    expect([at > 0, authSafe.indexOf(from, at + 1)]).toEqual([true, -1]); // only the key bag's name is in clear
    return Buffer.concat([authSafe.subarray(0, at), bmp(to), authSafe.subarray(at + from.length)]);
  });
}

describe('PKCS#12 reader refusals', () => {
  it('as written, the two-key store reads as alpha and bravo', () => {
    const pfx = p12Sample('modern', [{ kind: 'private-key', alias: 'alpha', key: EC_PKCS8, chain: [EC_CERT] }, otherKeyEntry('bravo')]);
    expect(readPkcs12(pfx, { storePassword: STORE_PASS }).entries.map((e) => [e.kind, e.alias])).toEqual([
      ['private-key', 'alpha'],
      ['private-key', 'bravo'],
    ]);
  });

  it.each([
    ['alpha', "entry 2 'alpha': duplicate alias (entry 1 has the same alias; PKCS#12 aliases are case-insensitive in Java)"],
    ['ALPHA', "entry 2 'ALPHA': duplicate alias (entry 1 has the same alias; PKCS#12 aliases are case-insensitive in Java)"],
  ])('two key bags named %s and alpha: INVALID_INPUT naming the alias (exit 3)', (to, message) => {
    expect(failure(() => readPkcs12(twoKeysRenamed(to), { storePassword: STORE_PASS }))).toEqual(['INVALID_INPUT', message, 3]);
  });

  it('an encryptedData safe without its encryptedContent (MAC recomputed) is refused, not read as empty', () => {
    const pfx = p12Sample('modern');
    // Which safe is the encryptedData one (1.2.840.113549.1.7.6).
    const safes = parseTree(Buffer.from(parseTree(derAt(pfx, [1, 1, 0])).content)).children!;
    const index = safes.findIndex((s) => s.children![0]!.content.toString('hex') === '2a864886f70d010706');
    expect(index).toBeGreaterThanOrEqual(0);
    const cut = editAuthSafe(pfx, STORE_PASS, (a) => removeAt(a, [index, 1, 0, 1, 2]));
    expect(failure(() => readPkcs12(cut, { storePassword: STORE_PASS }))).toEqual([
      'INVALID_INPUT',
      `PKCS#12 safe ${index + 1}: encryptedData has no encrypted content`,
      3,
    ]);
  });

  it('messages: a huge version is not printed, the MAC iteration count has one prefix, a primitive SEQUENCE says so', () => {
    const pfx = p12Sample('modern');
    const huge = contentAt(pfx, [0], Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(199, 0xff)]));
    expect(failure(() => readPkcs12(huge, { storePassword: STORE_PASS }))).toEqual(['UNSUPPORTED', 'PKCS#12 version is not supported (expected 3)', 3]);
    const v2p64 = contentAt(pfx, [0], Buffer.from([0x01, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(failure(() => readPkcs12(v2p64, { storePassword: STORE_PASS }))).toEqual(['UNSUPPORTED', 'PKCS#12 version 18446744073709551616 is not supported (expected 3)', 3]);
    const iter0 = contentAt(pfx, [2, 2], Buffer.from([0]));
    expect(failure(() => readPkcs12(iter0, { storePassword: STORE_PASS }))).toEqual(['INVALID_INPUT', 'PKCS#12 MAC: iteration count 0 is not positive', 3]);
    const iterHuge = contentAt(pfx, [2, 2], Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(99, 0xff)]));
    expect(failure(() => readPkcs12(iterHuge, { storePassword: STORE_PASS }))).toEqual(['LIMIT_EXCEEDED', "PKCS#12 MAC: iteration count is more than certkit's limit of 1000000 for a MAC", 3]);
    const primitive = Buffer.concat([Buffer.from([0x10]), pfx.subarray(1)]);
    expect(failure(() => readPkcs12(primitive, { storePassword: STORE_PASS }))).toEqual(['INVALID_INPUT', 'PKCS#12 PFX: expected constructed SEQUENCE, found primitive SEQUENCE', 3]);
    expect(tlv(0x02, Buffer.from([3])).equals(derAt(pfx, [0]))).toBe(true);
  });
});
