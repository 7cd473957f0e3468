/**
 * Named malformed-input corpus for the keystores: JKS and JCEKS (keytool-made fixtures) and
 * PKCS#12 (keytool- and openssl-made fixtures). Structural damage behind the integrity digest or
 * MAC is reached by recomputing it (`reseal`, `remac`), so each case tests the check it names and
 * not only the digest. Every case asserts the exact code and message.
 */
import { describe } from 'vitest';
import { readJceks } from '../../src/keystore/jceks.js';
import { readJks } from '../../src/keystore/jks.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { berPkcs12 } from '../keystore/ber.js';
import { genericDer, type Mutation } from './der-cases.js';
import { EXPECTED } from './expected-keystores.js';
import { editAuthSafe, inOctets } from './samples.js';
import {
  appendInside,
  contentAt,
  derAt,
  fixture,
  insertAt,
  javaLayout,
  nest,
  oidTlv,
  patch,
  patchI32,
  removeAt,
  replaceAt,
  reseal,
  runCorpus,
  splice,
  tagAt,
  tlv,
} from './support.js';

const NULL = Buffer.from([0x05, 0x00]);
const i32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const utf = (s: string) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 0xff]), Buffer.from(s, 'latin1')]);

// ---------------------------------------------------------------------------------------------
// JKS and JCEKS: the container they share

interface JavaInput {
  bytes: Buffer;
  storePassword?: string;
  keyPassword?: string;
}

/** Cases for the JKS/JCEKS container, from a valid store whose first private-key entry has a chain. */
function javaFrameCases(s: Buffer, pass: string, other: Buffer): [string, () => Buffer][] {
  const l = javaLayout(s);
  const key = l.entries.find((e) => e.tag === 1)!;
  const trusted = l.entries.find((e) => e.tag === 2);
  const keyLen = s.readInt32BE(key.keyLenAt!);
  const rs = (b: Buffer) => reseal(b, pass);
  const c0 = key.certs[0]!;
  const withKey = (der: Buffer) => rs(splice(s, key.keyLenAt!, 4 + keyLen, Buffer.concat([i32(der.length), der])));
  const withCert = (der: Buffer) => rs(splice(s, c0.lenAt, 4 + c0.len, Buffer.concat([i32(der.length), der])));
  const keyDer = s.subarray(key.keyAt!, key.keyAt! + keyLen);
  const certDer = s.subarray(c0.derAt, c0.derAt + c0.len);
  const left = (at: number) => s.length - at - 4;
  return [
    ['empty file', () => Buffer.alloc(0)],
    ['the magic alone', () => s.subarray(0, 4)],
    ['31 bytes: one short of the smallest store', () => s.subarray(0, 31)],
    ['the other Java magic', () => patch(s, 0, other.subarray(0, 4))],
    ['magic zero', () => patchI32(s, 0, 0)],
    ['a PKCS#12 file', () => fixture('pkcs12/keytool-default-rsa2048.p12')],
    ['PEM text', () => Buffer.from(`-----BEGIN CERTIFICATE-----\n${certDer.toString('base64')}\n-----END CERTIFICATE-----\n`)],
    ['version 0', () => patchI32(s, 4, 0)],
    ['version 3', () => patchI32(s, 4, 3)],
    ['version -1', () => patchI32(s, 4, -1)],
    ['version 2^31-1', () => patchI32(s, 4, 0x7fffffff)],
    ['version 1 (entries written as version 2)', () => rs(patchI32(s, 4, 1))],
    ['entry count -1', () => patchI32(s, 8, -1)],
    ['entry count 2^31 in a 100-byte file', () => Buffer.concat([patchI32(s.subarray(0, 12), 8, 0x80000000), Buffer.alloc(88)])],
    ['entry count 2^31-1 in a 100-byte file', () => Buffer.concat([patchI32(s.subarray(0, 12), 8, 0x7fffffff), Buffer.alloc(88)])],
    ['entry count 100,001 in a file big enough for it', () => Buffer.concat([patchI32(s.subarray(0, 12), 8, 100_001), Buffer.alloc(100_001 * 18 + 20)])],
    ['entry count 0 with the entries still there', () => rs(patchI32(s, 8, 0))],
    ['entry count one more than the entries', () => rs(patchI32(s, 8, l.count + 1))],
    ['entry tag 0', () => rs(patchI32(s, key.tagAt, 0))],
    ['entry tag 4', () => rs(patchI32(s, key.tagAt, 4))],
    ['entry tag -1', () => rs(patchI32(s, key.tagAt, -1))],
    ['alias length past the end', () => patch(s, key.aliasLenAt, [0xff, 0xff])],
    ['alias with an invalid modified UTF-8 byte', () => rs(patch(s, key.aliasLenAt + 2, [0xff]))],
    ['alias with a stray continuation byte', () => rs(patch(s, key.aliasLenAt + 2, [0x80]))],
    ['alias with a 4-byte UTF-8 sequence (not modified UTF-8)', () => rs(patch(s, key.aliasLenAt + 2, [0xf0, 0x9f, 0x94, 0x91]))],
    ['alias with a truncated 2-byte sequence at its end', () => rs(patch(s, key.dateAt - 1, [0xc3]))],
    ['creation date 2^63-1 ms', () => rs(patch(s, key.dateAt, [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))],
    ['creation date -2^63 ms', () => rs(patch(s, key.dateAt, [0x80, 0, 0, 0, 0, 0, 0, 0]))],
    ['protected key length -1', () => patchI32(s, key.keyLenAt!, -1)],
    ['protected key length 2^31-1', () => patchI32(s, key.keyLenAt!, 0x7fffffff)],
    ['protected key length one past the end', () => patchI32(s, key.keyLenAt!, left(key.keyLenAt!) + 1)],
    ['protected key length 0', () => withKey(Buffer.alloc(0))],
    ['protected key of garbage', () => withKey(Buffer.alloc(keyLen, 0x41))],
    ['protected key: indefinite length (BER)', () => withKey(Buffer.concat([Buffer.from([0x30, 0x80]), keyDer.subarray(4), Buffer.from([0, 0])]))],
    ['protected key with a trailing byte', () => withKey(Buffer.concat([appendInside(keyDer, [], Buffer.alloc(0)), Buffer.from([0])]))],
    ['protected key with an unknown algorithm', () => withKey(replaceAt(keyDer, [0], tlv(0x30, oidTlv('1.2.3.4'), NULL)))],
    ['protected key nested 40 deep', () => withKey(nest(NULL, 40))],
    ['chain length -1', () => patchI32(s, key.chainLenAt!, -1)],
    ['chain length 2^31-1', () => patchI32(s, key.chainLenAt!, 0x7fffffff)],
    ['chain length 65 (more than the limit)', () => rs(Buffer.concat([patchI32(s.subarray(0, l.digestAt), key.chainLenAt!, 65), Buffer.alloc(65 * 6 + 20)]))],
    ['chain length one more than the certificates', () => rs(patchI32(s, key.chainLenAt!, key.certs.length + 1))],
    ['certificate type X.510', () => rs(patch(s, c0.typeLenAt + 2, Buffer.from('X.510')))],
    ['certificate type length past the end', () => patch(s, c0.typeLenAt, [0xff, 0xff])],
    ['certificate type empty', () => rs(splice(s, c0.typeLenAt, 7, utf('')))],
    ['certificate length -1', () => patchI32(s, c0.lenAt, -1)],
    ['certificate length 2^31-1', () => patchI32(s, c0.lenAt, 0x7fffffff)],
    ['certificate length one past the end', () => patchI32(s, c0.lenAt, left(c0.lenAt) + 1)],
    ['certificate length 0', () => withCert(Buffer.alloc(0))],
    ['certificate of garbage', () => withCert(Buffer.alloc(c0.len, 0x41))],
    ['certificate with a trailing byte', () => withCert(Buffer.concat([certDer, Buffer.from([0])]))],
    ['certificate with an indefinite length', () => withCert(Buffer.concat([Buffer.from([0x30, 0x80]), certDer.subarray(4), Buffer.from([0, 0])]))],
    ['certificate nested 40 deep', () => withCert(nest(NULL, 40))],
    ['digest: last byte flipped', () => patch(s, s.length - 1, [s[s.length - 1]! ^ 1])],
    ['digest: first byte flipped', () => patch(s, l.digestAt, [s[l.digestAt]! ^ 0x80])],
    ['digest missing', () => s.subarray(0, l.digestAt)],
    ['digest truncated by one byte', () => s.subarray(0, s.length - 1)],
    ['one trailing byte after the digest', () => Buffer.concat([s, Buffer.from([0])])],
    ['a second copy appended', () => Buffer.concat([s, s])],
    ['a body byte flipped (digest not recomputed)', () => patch(s, key.dateAt + 7, [s[key.dateAt + 7]! ^ 1])],
    ['truncated inside the first alias', () => s.subarray(0, key.aliasLenAt + 3)],
    ['truncated inside the protected key', () => s.subarray(0, key.keyAt! + 10)],
    ['truncated inside certificate 1', () => s.subarray(0, c0.derAt + 10)],
    ...(trusted === undefined
      ? []
      : ([
          ['trusted entry tagged as a private key', () => rs(patchI32(s, trusted.tagAt, 1))],
          ['trusted certificate of garbage', () => rs(patch(s, trusted.certs[0]!.derAt, Buffer.alloc(8, 0x41)))],
        ] as [string, () => Buffer][])),
  ];
}

const JKS = fixture('jks/rsa2048-chain2-storepass-ne-keypass.jks');
const JKS_PASS = 'chain-storepass';
const JKS_KEYPASS = 'chain-keypass';
const TWO = fixture('jks/two-keys-and-trusted.jks');
const JCEKS = fixture('jceks/key-trusted-secret.jceks');
const JCEKS_PASS = 'jceks-storepass';
const JCEKS_KEYPASS = 'jceks-keypass';

const asInput = (bytes: Buffer): JavaInput => ({ bytes });

function jksCases(): [string, () => JavaInput][] {
  const l = javaLayout(JKS);
  const key = l.entries[0]!;
  const keyLen = JKS.readInt32BE(key.keyLenAt!);
  const keyDer = JKS.subarray(key.keyAt!, key.keyAt! + keyLen);
  const withKey = (der: Buffer) => reseal(splice(JKS, key.keyLenAt!, 4 + keyLen, Buffer.concat([i32(der.length), der])), JKS_PASS);
  const keyOctets = (fn: (b: Buffer) => Buffer) => withKey(inOctets(keyDer, [1], fn));
  const two = javaLayout(TWO);
  const b = two.entries.find((e) => TWO.subarray(e.aliasLenAt + 2, e.dateAt).toString() === 'client-b')!;
  const root = two.entries.find((e) => e.tag === 2)!;
  return [
    ...javaFrameCases(JKS, JKS_PASS, JCEKS).map(([n, f]): [string, () => JavaInput] => [n, () => asInput(f())]),
    ['a JCEKS store given to the JKS reader', () => asInput(JCEKS)],
    ['a secret-key entry (tag 3) in a JKS', () => asInput(reseal(patchI32(JKS, key.tagAt, 3), JKS_PASS))],
    ['duplicate alias', () => asInput(reseal(patch(TWO, b.aliasLenAt + 2, Buffer.from('client-a')), 'two-keys-pass'))],
    ['trusted entry tagged as a private key', () => asInput(reseal(patchI32(TWO, root.tagAt, 1), 'two-keys-pass'))],
    ['trusted certificate of garbage', () => asInput(reseal(patch(TWO, root.certs[0]!.derAt, Buffer.alloc(8, 0x41)), 'two-keys-pass'))],
    // Found by the fuzzer: the alias was echoed with its line feed in "entry 1 '...'".
    ['an alias holding a line feed, and a date out of range', () => asInput(reseal(patch(patch(JKS, key.aliasLenAt + 2, [0x0a]), key.dateAt, [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), JKS_PASS))],
    ['duplicate alias differing in case', () => asInput(reseal(patch(TWO, b.aliasLenAt + 2, Buffer.from('CLIENT-A')), 'two-keys-pass'))],
    ['wrong store password', () => ({ bytes: JKS, storePassword: 'wrong', keyPassword: JKS_KEYPASS })],
    ['empty store password', () => ({ bytes: JKS, storePassword: '', keyPassword: JKS_KEYPASS })],
    ['wrong key password', () => ({ bytes: JKS, storePassword: JKS_PASS, keyPassword: 'wrong' })],
    ['store password given as the key password', () => ({ bytes: JKS, storePassword: JKS_PASS, keyPassword: JKS_PASS })],
    ['protected key: check digest truncated by one byte', () => asInput(keyOctets((o) => o.subarray(0, -1)))],
    ['protected key: only the salt', () => asInput(keyOctets((o) => o.subarray(0, 20)))],
    ['protected key: encrypted key byte flipped', () => asInput(keyOctets((o) => patch(o, 30, [o[30]! ^ 1])))],
    ['protected key: check digest byte flipped', () => asInput(keyOctets((o) => patch(o, o.length - 1, [o[o.length - 1]! ^ 1])))],
    ['protected key: algorithm parameters not NULL', () => asInput(withKey(replaceAt(keyDer, [0], tlv(0x30, oidTlv('1.3.6.1.4.1.42.2.17.1.1'), tlv(0x02, Buffer.from([1]))))))],
  ];
}

function jceksCases(): [string, () => JavaInput][] {
  const l = javaLayout(JCEKS);
  const key = l.entries.find((e) => e.tag === 1)!;
  const secret = l.entries.find((e) => e.tag === 3)!;
  const keyLen = JCEKS.readInt32BE(key.keyLenAt!);
  const keyDer = JCEKS.subarray(key.keyAt!, key.keyAt! + keyLen);
  const rs = (b: Buffer) => reseal(b, JCEKS_PASS);
  const withKey = (der: Buffer) => rs(splice(JCEKS, key.keyLenAt!, 4 + keyLen, Buffer.concat([i32(der.length), der])));
  const sealedAt = secret.dateAt + 8;
  const sealed = JCEKS.subarray(sealedAt, secret.end);
  const withSealed = (b: Buffer) => rs(splice(JCEKS, sealedAt, sealed.length, b));
  const withParams = (p: Buffer) => withKey(replaceAt(keyDer, [0, 1], p));
  const pbe = (salt: Buffer, iter: Buffer) => tlv(0x30, tlv(0x04, salt), tlv(0x02, iter));
  return [
    ...javaFrameCases(JCEKS, JCEKS_PASS, JKS).map(([n, f]): [string, () => JavaInput] => [n, () => asInput(f())]),
    ['a JKS store given to the JCEKS reader', () => asInput(JKS)],
    ['wrong store password', () => ({ bytes: JCEKS, storePassword: 'wrong', keyPassword: JCEKS_KEYPASS })],
    ['wrong key password', () => ({ bytes: JCEKS, storePassword: JCEKS_PASS, keyPassword: 'wrong' })],
    ['PBE iteration count 2^31', () => asInput(withParams(pbe(Buffer.alloc(8), Buffer.from([0x00, 0x80, 0, 0, 0]))))],
    ['PBE iteration count 5,000,001', () => asInput(withParams(pbe(Buffer.alloc(8), Buffer.from([0x4c, 0x4b, 0x41]))))],
    ['PBE iteration count 0', () => asInput(withParams(pbe(Buffer.alloc(8), Buffer.from([0]))))],
    ['PBE iteration count -1', () => asInput(withParams(pbe(Buffer.alloc(8), Buffer.from([0xff]))))],
    ['PBE salt of 7 bytes', () => asInput(withParams(pbe(Buffer.alloc(7), Buffer.from([1]))))],
    ['PBE parameters missing', () => asInput(withKey(removeAt(keyDer, [0, 1])))],
    ['ciphertext not a whole block', () => asInput(withKey(inOctets(keyDer, [1], (o) => o.subarray(0, -1))))],
    ['ciphertext last byte flipped', () => asInput(withKey(inOctets(keyDer, [1], (o) => patch(o, o.length - 1, [o[o.length - 1]! ^ 1]))))],
    ['sealed key: stream magic wrong', () => asInput(withSealed(patch(sealed, 0, [0xac, 0xee])))],
    ['sealed key: stream version 6', () => asInput(withSealed(patch(sealed, 2, [0x00, 0x06])))],
    ['sealed key: a null in place of the object', () => asInput(withSealed(Buffer.from([0xac, 0xed, 0x00, 0x05, 0x70])))],
    ['sealed key: unknown type code 0x7f', () => asInput(withSealed(patch(sealed, 4, [0x7f])))],
    ['sealed key: class name length past the end', () => asInput(withSealed(patch(sealed, 6, [0xff, 0xff])))],
    ['sealed key: truncated to its header', () => asInput(withSealed(sealed.subarray(0, 6)))],
    ['sealed key: a back reference to no object', () => asInput(withSealed(Buffer.from([0xac, 0xed, 0x00, 0x05, 0x71, 0x00, 0x7e, 0x00, 0x09])))],
    ['sealed key: 30 nested arrays', () => asInput(withSealed(Buffer.concat([Buffer.from([0xac, 0xed, 0x00, 0x05]), Buffer.from(Array(30).fill([0x75, 0x72, 0x00, 0x01, 0x5b, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x00, 0x78, 0x70, 0x00, 0x00, 0x00, 0x01]).flat())])))],
    ['sealed key: an empty stream', () => asInput(withSealed(Buffer.alloc(0)))],
    ['secret-key entry truncated (stream cut short)', () => asInput(rs(splice(JCEKS, sealedAt + 20, sealed.length - 20)))],
  ];
}

// ---------------------------------------------------------------------------------------------
// PKCS#12

const P12 = fixture('pkcs12/keytool-default-rsa2048.p12');
const P12_PASS = 'p12-default-pass';
const NOMAC = fixture('pkcs12/openssl-nomac.p12');
const NOMAC_PASS = 'openssl-pass';
const LEGACY = fixture('pkcs12/openssl-legacy.p12');

interface P12Input {
  bytes: Buffer;
  storePassword?: string;
  keyPassword?: string;
  allowMissingMac?: boolean;
}

function p12Cases(): [string, () => P12Input][] {
  const mac = (b: Buffer): P12Input => ({ bytes: b });
  const open = (b: Buffer): P12Input => ({ bytes: b, storePassword: NOMAC_PASS, allowMissingMac: true });
  // openssl-nomac: AuthenticatedSafe = [ data { certBag, certBag }, data { pkcs8ShroudedKeyBag } ]
  const safe = (fn: (a: Buffer) => Buffer) => open(inOctets(NOMAC, [1, 1, 0], fn));
  const certSafe = (fn: (sc: Buffer) => Buffer) => safe((a) => inOctets(a, [0, 1, 0], fn));
  const keySafe = (fn: (sc: Buffer) => Buffer) => safe((a) => inOctets(a, [1, 1, 0], fn));
  const withMac = (fn: (a: Buffer) => Buffer) => mac(editAuthSafe(P12, P12_PASS, fn));
  const MAC = [2];
  const ALG = [2, 0, 0];
  const bag = (oid: string, value: Buffer) => tlv(0x30, oidTlv(oid), tlv(0xa0, value));
  const data = (content: Buffer) => tlv(0x30, oidTlv('1.2.840.113549.1.7.1'), tlv(0xa0, tlv(0x04, content)));
  /** P12 in BER, as NSS and BouncyCastle write PKCS#12 (test/keystore/ber.ts). */
  const ber = () => berPkcs12(P12, P12_PASS, { chunk: 1000, inner: true });
  const hmacSha256 = tlv(0x30, oidTlv('1.2.840.113549.2.9'), NULL);
  /** MacData with RFC 9579 PBMAC1 (PBKDF2-HMAC-SHA256, one iteration) asking for a `keyLength`-byte HMAC key. */
  const pbmac1 = (keyLength: number) => {
    const pbkdf2 = tlv(0x30, oidTlv('1.2.840.113549.1.5.12'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), tlv(0x02, Buffer.from([1])), tlv(0x02, Buffer.from([keyLength])), hmacSha256));
    const alg = tlv(0x30, oidTlv('1.2.840.113549.1.5.14'), tlv(0x30, pbkdf2, hmacSha256));
    return tlv(0x30, tlv(0x30, alg, tlv(0x04, Buffer.alloc(32))), tlv(0x04, Buffer.from('NOT USED')), tlv(0x02, Buffer.from([1])));
  };
  return [
    // The PFX may be BER (NSS, BouncyCastle): its outer indefinite length is read (test/keystore/pkcs12-ber.test.ts).
    ...genericDer(P12)
      .filter(([n]) => n !== 'outer length indefinite (BER) with end-of-contents')
      .map(([n, f]): [string, () => P12Input] => [n, () => mac(f())]),
    ['version 2', () => mac(contentAt(P12, [0], Buffer.from([2])))],
    ['version 4', () => mac(contentAt(P12, [0], Buffer.from([4])))],
    ['authSafe content type signedData', () => mac(replaceAt(P12, [1, 0], oidTlv('1.2.840.113549.1.7.2')))],
    ['authSafe content type unknown', () => mac(replaceAt(P12, [1, 0], oidTlv('1.2.3.4')))],
    ['authSafe content absent', () => mac(removeAt(P12, [1, 1]))],
    ['authSafe content not an OCTET STRING', () => mac(tagAt(P12, [1, 1, 0], 0x0c))],
    ['authSafe content [1] instead of [0]', () => mac(tagAt(P12, [1, 1], 0xa1))],
    ['macData missing', () => mac(removeAt(P12, MAC))],
    ['macData missing, allowed: still read', () => ({ bytes: removeAt(P12, MAC), allowMissingMac: true, storePassword: 'wrong' })],
    ['MAC digest algorithm unknown', () => mac(replaceAt(P12, ALG, tlv(0x30, oidTlv('1.2.3.4'), NULL)))],
    ['MAC digest algorithm MD5', () => mac(replaceAt(P12, ALG, tlv(0x30, oidTlv('1.2.840.113549.2.5'), NULL)))],
    ['MAC digest algorithm with parameters', () => mac(replaceAt(P12, ALG, tlv(0x30, oidTlv('2.16.840.1.101.3.4.2.1'), tlv(0x02, Buffer.from([1])))))],
    ['MAC value truncated to 31 bytes', () => mac(contentAt(P12, [2, 0, 1], derAt(P12, [2, 0, 1]).subarray(2, -1)))],
    ['MAC value empty', () => mac(contentAt(P12, [2, 0, 1], Buffer.alloc(0)))],
    ['MAC value last byte flipped', () => mac(contentAt(P12, [2, 0, 1], (() => { const v = Buffer.from(derAt(P12, [2, 0, 1]).subarray(2)); v[31]! ^= 1; return v; })()))],
    ['MAC iterations 0', () => mac(contentAt(P12, [2, 2], Buffer.from([0])))],
    ['MAC iterations -1', () => mac(contentAt(P12, [2, 2], Buffer.from([0xff])))],
    ['MAC iterations 2^31', () => mac(contentAt(P12, [2, 2], Buffer.from([0x00, 0x80, 0, 0, 0])))],
    ['MAC iterations 1,000,001', () => mac(contentAt(P12, [2, 2], Buffer.from([0x0f, 0x42, 0x41])))],
    ['MAC iterations 2^64', () => mac(contentAt(P12, [2, 2], Buffer.from([0x01, 0, 0, 0, 0, 0, 0, 0, 0])))],
    ['MAC salt of 2000 bytes', () => mac(contentAt(P12, [2, 1], Buffer.alloc(2000)))],
    ['macData with only the digest', () => mac(replaceAt(P12, MAC, tlv(0x30, derAt(P12, [2, 0]))))],
    ['PBMAC1 without parameters', () => mac(replaceAt(P12, ALG, tlv(0x30, oidTlv('1.2.840.113549.1.5.14'))))],
    ['PBMAC1 key length 19 (shorter than 20)', () => mac(replaceAt(P12, MAC, pbmac1(19)))],
    ['PBMAC1 key length 1', () => mac(replaceAt(P12, MAC, pbmac1(1)))],
    ['wrong store password', () => ({ bytes: P12, storePassword: 'wrong' })],
    ['empty store password', () => ({ bytes: P12, storePassword: '' })],
    ['wrong key password (MAC right)', () => ({ bytes: P12, storePassword: P12_PASS, keyPassword: 'wrong' })],
    ['legacy store, wrong password', () => ({ bytes: LEGACY, storePassword: 'wrong' })],
    ['AuthenticatedSafe of garbage (MAC recomputed)', () => withMac((a) => Buffer.alloc(a.length, 0x41))],
    ['AuthenticatedSafe nested 40 deep (MAC recomputed)', () => withMac(() => nest(NULL, 40))],
    ['AuthenticatedSafe of 1001 safes (MAC recomputed)', () => withMac(() => tlv(0x30, ...Array<Buffer>(1001).fill(data(tlv(0x30)))))],
    ['safe content type envelopedData (MAC recomputed)', () => withMac((a) => replaceAt(a, [1, 0], oidTlv('1.2.840.113549.1.7.3')))],
    ['safe content type unknown (MAC recomputed)', () => withMac((a) => replaceAt(a, [1, 0], oidTlv('1.2.3.4')))],
    ['encryptedData version 3 (MAC recomputed)', () => withMac((a) => contentAt(a, [1, 1, 0, 0], Buffer.from([3])))],
    ['encryptedData inner type not data (MAC recomputed)', () => withMac((a) => replaceAt(a, [1, 1, 0, 1, 0], oidTlv('1.2.840.113549.1.7.6')))],
    ['encryptedData PBE algorithm unknown (MAC recomputed)', () => withMac((a) => replaceAt(a, [1, 1, 0, 1, 1, 0], oidTlv('1.2.3.4')))],
    ['encryptedData PBKDF2 iterations 2^31 (MAC recomputed)', () => withMac((a) => contentAt(a, [1, 1, 0, 1, 1, 1, 0, 1, 1], Buffer.from([0x00, 0x80, 0, 0, 0])))],
    ['encryptedData PBKDF2 PRF unknown (MAC recomputed)', () => withMac((a) => replaceAt(a, [1, 1, 0, 1, 1, 1, 0, 1, 3], tlv(0x30, oidTlv('1.2.840.113549.2.99'), NULL)))],
    ['encryptedData cipher unknown (MAC recomputed)', () => withMac((a) => replaceAt(a, [1, 1, 0, 1, 1, 1, 1, 0], oidTlv('1.2.3.4')))],
    ['encryptedData IV of 3 bytes (MAC recomputed)', () => withMac((a) => contentAt(a, [1, 1, 0, 1, 1, 1, 1, 1], Buffer.alloc(3)))],
    ['encryptedData ciphertext not a whole block (MAC recomputed)', () => withMac((a) => contentAt(a, [1, 1, 0, 1, 2], Buffer.alloc(17)))],
    ['encryptedData ciphertext flipped (MAC recomputed)', () => withMac((a) => contentAt(a, [1, 1, 0, 1, 2], Buffer.alloc(derAt(a, [1, 1, 0, 1, 2]).length - 4, 0x41)))],
    ['bag type unknown', () => certSafe((sc) => replaceAt(sc, [0, 0], oidTlv('1.2.3.4')))],
    ['bag value missing', () => certSafe((sc) => removeAt(sc, [0, 1]))],
    ['certificate type sdsiCertificate', () => certSafe((sc) => replaceAt(sc, [0, 1, 0, 0], oidTlv('1.2.840.113549.1.9.22.2')))],
    ['certificate bag holding garbage', () => certSafe((sc) => contentAt(sc, [0, 1, 0, 1, 0], Buffer.alloc(40, 0x41)))],
    ['certificate bag holding a certificate with a trailing byte', () => certSafe((sc) => contentAt(sc, [0, 1, 0, 1, 0], Buffer.concat([derAt(sc, [0, 1, 0, 1, 0]).subarray(4), Buffer.from([0])])))],
    ['friendlyName with two values', () => certSafe((sc) => appendInside(sc, [0, 2, 1, 1], tlv(0x1e, Buffer.from([0, 0x61]))))],
    ['friendlyName of odd length', () => certSafe((sc) => replaceAt(sc, [0, 2, 1, 1, 0], tlv(0x1e, Buffer.from([0, 0x61, 0]))))],
    ['localKeyId with no values', () => certSafe((sc) => replaceAt(sc, [0, 2, 0, 1], tlv(0x31)))],
    ['65 attributes on a bag', () => certSafe((sc) => replaceAt(sc, [0, 2], tlv(0x31, ...Array(65).fill(derAt(sc, [0, 2, 0])))))],
    ['SafeContents nested three deep', () => certSafe((sc) => tlv(0x30, bag('1.2.840.113549.1.12.10.1.6', tlv(0x30, bag('1.2.840.113549.1.12.10.1.6', tlv(0x30, bag('1.2.840.113549.1.12.10.1.6', sc)))))))],
    ['shrouded key PBKDF2 iterations 2^31', () => keySafe((sc) => contentAt(sc, [0, 1, 0, 0, 1, 0, 1, 1], Buffer.from([0x00, 0x80, 0, 0, 0])))],
    ['shrouded key cipher unknown', () => keySafe((sc) => replaceAt(sc, [0, 1, 0, 0, 1, 1, 0], oidTlv('1.2.3.4')))],
    ['shrouded key ciphertext of garbage', () => keySafe((sc) => contentAt(sc, [0, 1, 0, 1], Buffer.alloc(derAt(sc, [0, 1, 0, 1]).length - 4, 0x41)))],
    ['shrouded key with the wrong password', () => ({ ...open(NOMAC), keyPassword: 'wrong' })],
    ['a key bag in place of the shrouded key bag', () => keySafe((sc) => replaceAt(sc, [0, 0], oidTlv('1.2.840.113549.1.12.10.1.1')))],
    ['an empty AuthenticatedSafe inside, insertion of a NULL safe', () => safe((a) => insertAt(a, [0], NULL))],
    ['BER: the final end-of-contents missing', () => mac(ber().subarray(0, -2))],
    ['BER: one byte after the final end-of-contents', () => mac(Buffer.concat([ber(), Buffer.from([0])]))],
    ['BER: the authSafe data as a primitive OCTET STRING of indefinite length', () => mac(patch(ber(), ber().indexOf(Buffer.from([0x24, 0x80])), [0x04]))],
    ['BER: an end-of-contents in place of the version', () => mac(patch(ber(), 2, [0, 0, 0]))],
    ['BER: a segment of the authSafe data tagged UTF8String', () => mac(patch(ber(), ber().indexOf(Buffer.from([0x24, 0x80])) + 2, [0x0c]))],
    // From the end: end-of-contents of the PFX, of MacData, the iterations, the salt, of DigestInfo; then the MAC.
    ['BER: the MAC value flipped', () => mac((() => { const b = ber(); const at = b.length - 40; return patch(b, at, [b[at]! ^ 1]); })())],
    ['BER: wrong store password', () => ({ bytes: ber(), storePassword: 'wrong' })],
  ];
}

describe('named corpus: JKS', () =>
  runCorpus('jks', jksCases(), EXPECTED.jks, (i: JavaInput) =>
    readJks(i.bytes, { storePassword: i.storePassword ?? JKS_PASS, keyPassword: i.keyPassword ?? JKS_KEYPASS }),
  ));
describe('named corpus: JCEKS', () =>
  runCorpus('jceks', jceksCases(), EXPECTED.jceks, (i: JavaInput) =>
    readJceks(i.bytes, { storePassword: i.storePassword ?? JCEKS_PASS, keyPassword: i.keyPassword ?? JCEKS_KEYPASS }),
  ));
describe('named corpus: PKCS#12', () =>
  runCorpus('pkcs12', p12Cases(), EXPECTED.pkcs12, (i: P12Input) =>
    readPkcs12(i.bytes, {
      storePassword: i.storePassword ?? P12_PASS,
      ...(i.keyPassword === undefined ? {} : { keyPassword: i.keyPassword }),
      allowMissingMac: i.allowMissingMac === true,
    }),
  ));
