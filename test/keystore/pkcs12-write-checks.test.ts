/**
 * The PKCS#12 writer without asn1js (issue 5): its PKCS#8 check gives the refusals the
 * asn1js-based check gave (messages recorded from it), the DER writer's header lengths at every
 * boundary, and `writePkcs12Async` (secrets derived side by side) writes the bytes
 * `writePkcs12` writes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import * as der from '../../src/keystore/der-write.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { writePkcs12, writePkcs12Async } from '../../src/keystore/pkcs12-write.js';
import { EC_CERT, EC_PKCS8, EC_SEC1, RSA512_PKCS1, ROOT_CA } from '../hostile/samples.js';
import { errorOf } from '../support/errors.js';


const CHEAP = { storePassword: 'pw', iterations: 1, macIterations: 1 } as const;
const keyEntry = (key: Buffer): KeyStoreEntry => ({ kind: 'private-key', alias: 'k', key, chain: [EC_CERT] });

/** Deterministic "random" bytes, so two writes can be compared byte for byte. */
function counterRandom(): (n: number) => Buffer {
  let i = 0;
  return (n) => Buffer.from(Array.from({ length: n }, () => (i++ * 37 + 11) & 0xff));
}

describe('PKCS#12 writer: the PKCS#8 check', () => {
  // Each message is what the asn1js-based check (parseDer + der-read.ts) said for the same key.
  it.each([
    ['a PKCS#1 RSA key', RSA512_PKCS1, "entry 1 'k': private key: PrivateKeyInfo: expected 3 to 5 items, found 9"],
    ['a SEC1 EC key', EC_SEC1, "entry 1 'k': private key: algorithm: expected SEQUENCE, found OCTET STRING"],
    ['a negative version', '30090201ff300206000400', "entry 1 'k': private key: version: negative INTEGER"],
    ['a non-minimal version', '300c020200013002060004020000', "entry 1 'k': private key: version: non-minimal INTEGER"],
    ['an empty version', '30080200300206000400', "entry 1 'k': private key: version: empty INTEGER"],
    ['a [0] in place of the SEQUENCE', 'a003020100', "entry 1 'k': private key: PrivateKeyInfo: expected SEQUENCE, found [0]"],
    ['a primitive SEQUENCE', '1003020100', "entry 1 'k': private key: PrivateKeyInfo: expected constructed SEQUENCE, found primitive SEQUENCE"],
    ['a primitive algorithm SEQUENCE', '300702010010000400', "entry 1 'k': private key: algorithm: expected constructed SEQUENCE, found primitive SEQUENCE"],
    ['an algorithm of 3 items', '300d02010030060500050005000400', "entry 1 'k': private key: algorithm: expected 1 to 2 items, found 3"],
    ['a trailing byte', Buffer.concat([EC_PKCS8, Buffer.from([0])]), "entry 1 'k': private key: PrivateKeyInfo: 1 trailing bytes after the DER structure"],
  ])('%s: INVALID_INPUT', (_, key, message) => {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'hex') : key;
    expect(errorOf(() => writePkcs12([keyEntry(bytes)], CHEAP))).toBe(`INVALID_INPUT: ${message}`);
  });

  it('a PKCS#8 key is written', () => {
    expect(writePkcs12([keyEntry(EC_PKCS8)], CHEAP).subarray(0, 1)).toEqual(Buffer.from([0x30]));
  });
});

describe('DER writer', () => {
  it.each([
    [0, '0400'],
    [0x7f, '047f'],
    [0x80, '048180'],
    [0xff, '0481ff'],
    [0x100, '04820100'],
    [0xffff, '0482ffff'],
    [0x10000, '0483010000'],
  ])('an OCTET STRING of %i bytes has the minimal length header %s', (n, header) => {
    const out = der.octetString(Buffer.alloc(n, 0xab));
    expect(out.subarray(0, header.length / 2).toString('hex')).toBe(header);
    expect(out.length).toBe(header.length / 2 + n);
    expect(out.subarray(header.length / 2).equals(Buffer.alloc(n, 0xab))).toBe(true);
  });

  it('SET OF sorts its members by encoding; SEQUENCE keeps their order', () => {
    const a = der.integer(2);
    const b = der.integer(1);
    expect(der.setOf(a, b).toString('hex')).toBe('3106020101020102');
    expect(der.sequence(a, b).toString('hex')).toBe('3006020102020101');
  });

  it('OIDs, BMPStrings and INTEGERs as DER has them; a cached OID cannot be changed through a result', () => {
    const first = der.objectIdentifier('1.2.840.113549.1.12.10.1.2');
    expect(first.toString('hex')).toBe('060b2a864886f70d010c0a0102');
    first.fill(0);
    expect(der.objectIdentifier('1.2.840.113549.1.12.10.1.2').toString('hex')).toBe('060b2a864886f70d010c0a0102');
    expect(der.bmpString('ab€').toString('hex')).toBe('1e060061006220ac');
    expect([der.integer(0), der.integer(127), der.integer(128), der.integer(10_000)].map((b) => b.toString('hex'))).toEqual([
      '020100',
      '02017f',
      '02020080',
      '02022710',
    ]);
  });
});

describe('DER nodes', () => {
  it('a node tree encodes to the bytes the Buffer builders make, long and short lengths mixed', () => {
    const big = Buffer.alloc(300, 0x5a);
    const tree = der.node(0x30, [der.oidNode('1.2.840.113549.1.7.1'), der.node(0xa0, [der.node(0x04, [big])]), der.integer(5)]);
    const flat = der.sequence(der.objectIdentifier('1.2.840.113549.1.7.1'), der.explicit(0, der.octetString(big)), der.integer(5));
    expect(der.encode(tree).equals(flat)).toBe(true);
    expect(flat.subarray(0, 4).toString('hex')).toBe('30820142');
    expect([tree.length, tree.contentLength]).toEqual([flat.length, flat.length - 4]);
  });
});

describe('writePkcs12Async', () => {
  const entries: KeyStoreEntry[] = [
    { kind: 'private-key', alias: 'client', key: EC_PKCS8, chain: [EC_CERT, ROOT_CA], created: new Date('2026-11-23T10:00:00Z') },
    { kind: 'trusted-cert', alias: 'root', cert: ROOT_CA, created: new Date('2026-11-23T10:00:00Z') },
  ];

  it.each(['modern', 'legacy'] as const)('%s: the same bytes as writePkcs12', async (profile) => {
    const opts = { storePassword: 'changeit', profile, iterations: 3, macIterations: 5 };
    const sync = writePkcs12(entries, { ...opts, randomBytes: counterRandom() });
    const async = await writePkcs12Async(entries, { ...opts, randomBytes: counterRandom() });
    expect(async.equals(sync)).toBe(true);
    expect(createHash('sha256').update(async).digest('hex')).toBe(createHash('sha256').update(sync).digest('hex'));
  });

  it('refuses what writePkcs12 refuses', async () => {
    await expect(writePkcs12Async([keyEntry(EC_SEC1)], CHEAP)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: "entry 1 'k': private key: algorithm: expected SEQUENCE, found OCTET STRING",
    });
  });
});
