/**
 * Named malformed-input corpus for the DER formats: certificate, CSR, PKCS#8 (plain and
 * encrypted), PKCS#1 and SEC1 keys. Each starts from a file a real tool made (fixtures/, see
 * fixtures/README.md) and breaks it one way (der-cases.ts for the classes every DER format shares,
 * plus cases for the format's own fields); each case asserts the exact code and message.
 */
import { createECDH } from 'node:crypto';
import { describe } from 'vitest';
import { importPrivateKey } from '../../src/keys.js';
import { decodePem, decodePemAll, decodePemLenient } from '../../src/pem.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { parseCsr } from '../../src/x509/csr-parse.js';
import { genericDer, type Mutation } from './der-cases.js';
import { EXPECTED } from './expected-der.js';
import { appendInside, contentAt, derAt, fixture, oidTlv, removeAt, replaceAt, runCorpus, tagAt, tlv } from './support.js';

const pemDer = (path: string, nth = 0): Buffer => decodePemAll(fixture(path))[nth]!.der;
const NULL = Buffer.from([0x05, 0x00]);
const int = (...b: number[]) => tlv(0x02, Buffer.from(b));

// A keytool-made RSA leaf certificate (the first of openssl's -nodes output), keytool's CSR, and
// the openssl-made keys.
const CERT = pemDer('pem/openssl-nodes-bag-attributes.pem', 1);
const CSR = decodePemLenient(fixture('csr/keytool-new-header.csr'))[0]!.der;
const PKCS8 = decodePem(fixture('keys/rsa-pkcs8.pem')).der;
const ENC = decodePem(fixture('keys/rsa-pkcs8-encrypted.pem')).der;
const ENC_PASS = 'pkcs8-pass';
const PKCS1 = decodePem(fixture('keys/rsa-traditional.pem')).der;
const SEC1 = decodePem(fixture('keys/ec-traditional.pem')).der;
const G = (() => {
  const e = createECDH('prime256v1');
  e.setPrivateKey(Buffer.concat([Buffer.alloc(31), Buffer.from([1])]));
  return e.getPublicKey();
})();

// tbsCertificate: [0] version, serial, signature, issuer, validity, subject, spki, [3] extensions
const certCases: Mutation[] = [
  ...genericDer(CERT),
  ['version 5', () => contentAt(CERT, [0, 0, 0], Buffer.from([4]))],
  ['version field missing', () => removeAt(CERT, [0, 0])],
  ['serial number empty', () => contentAt(CERT, [0, 1], Buffer.alloc(0))],
  ['inner signature algorithm unknown', () => replaceAt(CERT, [0, 2], tlv(0x30, oidTlv('1.2.3.4'), NULL))],
  ['outer signature algorithm unknown', () => replaceAt(CERT, [1], tlv(0x30, oidTlv('1.2.3.4'), NULL))],
  ['inner and outer signature algorithms differ', () => replaceAt(CERT, [1], tlv(0x30, oidTlv('1.2.840.113549.1.1.13'), NULL))],
  ['issuer not a SEQUENCE', () => tagAt(CERT, [0, 3], 0x31)],
  ['validity with one time', () => removeAt(CERT, [0, 4, 1])],
  ['notBefore UTCTime with letters', () => contentAt(CERT, [0, 4, 0], Buffer.from('2501O1000000Z'))],
  ['notBefore month 13', () => contentAt(CERT, [0, 4, 0], Buffer.from('251301000000Z'))],
  // Found by the fuzzer: the time's text was echoed with its carriage return (two-line message).
  ['notBefore UTCTime holding a carriage return', () => contentAt(CERT, [0, 4, 0], Buffer.from('25\r101000000Z'))],
  ['notAfter GeneralizedTime without Z', () => replaceAt(CERT, [0, 4, 1], tlv(0x18, Buffer.from('20491231235959')))],
  ['notAfter of another type (INTEGER)', () => replaceAt(CERT, [0, 4, 1], int(1))],
  ['subject public key BIT STRING with 8 unused bits', () => contentAt(CERT, [0, 6, 1], Buffer.concat([Buffer.from([8]), derAt(CERT, [0, 6, 1]).subarray(6)]))],
  ['extensions [3] empty', () => replaceAt(CERT, [0, 7], Buffer.from([0xa3, 0x00]))],
  ['an extension without a value', () => replaceAt(CERT, [0, 7, 0, 0], tlv(0x30, oidTlv('2.5.29.14')))],
  ['a duplicated extension', () => replaceAt(CERT, [0, 7, 0], tlv(0x30, derAt(CERT, [0, 7, 0, 0]), derAt(CERT, [0, 7, 0, 0])))],
  ['signature BIT STRING empty', () => contentAt(CERT, [2], Buffer.alloc(0))],
  ['a CSR given as a certificate', () => CSR],
  ['a private key given as a certificate', () => PKCS8],
];

// CertificationRequest: info { version, subject, spki, [0] attributes }, algorithm, signature
const csrCases: Mutation[] = [
  ...genericDer(CSR),
  ['version 1', () => contentAt(CSR, [0, 0], Buffer.from([1]))],
  ['attributes [0] missing', () => removeAt(CSR, [0, 3])],
  ['subject replaced by a NULL', () => replaceAt(CSR, [0, 1], NULL)],
  ['public key algorithm unknown', () => replaceAt(CSR, [0, 2, 0], tlv(0x30, oidTlv('1.2.3.4.5'), NULL))],
  ['signature algorithm unknown', () => replaceAt(CSR, [1], tlv(0x30, oidTlv('1.2.3.4'), NULL))],
  ['signature BIT STRING empty', () => contentAt(CSR, [2], Buffer.alloc(0))],
  ['an attribute without values', () => replaceAt(CSR, [0, 3], tlv(0xa0, tlv(0x30, oidTlv('1.2.840.113549.1.9.14'))))],
  ['a certificate given as a CSR', () => CERT],
];

// PrivateKeyInfo: version, algorithm { rsaEncryption, NULL }, OCTET STRING { RSAPrivateKey }
const pkcs8Cases: Mutation[] = [
  ...genericDer(PKCS8),
  ['version 5', () => contentAt(PKCS8, [0], Buffer.from([5]))],
  ['algorithm OID unknown', () => replaceAt(PKCS8, [1], tlv(0x30, oidTlv('1.2.3.4.5'), NULL))],
  ['algorithm says EC with no curve', () => replaceAt(PKCS8, [1], tlv(0x30, oidTlv('1.2.840.10045.2.1')))],
  ['algorithm says EC on secp256k1', () => replaceAt(PKCS8, [1], tlv(0x30, oidTlv('1.2.840.10045.2.1'), oidTlv('1.3.132.0.10')))],
  ['algorithm says Ed25519', () => replaceAt(PKCS8, [1], tlv(0x30, oidTlv('1.3.101.112')))],
  ['key OCTET STRING empty', () => contentAt(PKCS8, [2], Buffer.alloc(0))],
  ['key OCTET STRING of garbage', () => contentAt(PKCS8, [2], Buffer.alloc(64, 0x41))],
  ['RSA modulus zero', () => contentAt(PKCS8, [2], contentAt(PKCS1, [1], Buffer.from([0])))],
  ['key OCTET STRING holds a truncated RSAPrivateKey', () => contentAt(PKCS8, [2], PKCS1.subarray(0, 100))],
  ['a certificate given as a key', () => CERT],
];

// EncryptedPrivateKeyInfo: { pbes2 { pbkdf2 { salt, iterations, prf }, aes-256-cbc IV } }, ciphertext
const ITER = [0, 1, 0, 1, 1];
const encCases: Mutation[] = [
  ...genericDer(ENC),
  ['iteration count 0', () => contentAt(ENC, ITER, Buffer.from([0]))],
  ['iteration count -1', () => contentAt(ENC, ITER, Buffer.from([0xff]))],
  ['iteration count 2^31', () => contentAt(ENC, ITER, Buffer.from([0x00, 0x80, 0, 0, 0]))],
  ['iteration count 2^64', () => contentAt(ENC, ITER, Buffer.from([0x01, 0, 0, 0, 0, 0, 0, 0, 0]))],
  ['iteration count 5,000,001', () => contentAt(ENC, ITER, Buffer.from([0x4c, 0x4b, 0x41]))],
  ['iteration count missing', () => removeAt(ENC, ITER)],
  ['PRF unknown', () => replaceAt(ENC, [0, 1, 0, 1, 2], tlv(0x30, oidTlv('1.2.840.113549.2.99'), NULL))],
  ['KDF scrypt without parameters', () => replaceAt(ENC, [0, 1, 0], tlv(0x30, oidTlv('1.3.6.1.4.1.11591.4.11')))],
  ['KDF unknown', () => replaceAt(ENC, [0, 1, 0, 0], oidTlv('1.2.3.4'))],
  ['cipher unknown', () => replaceAt(ENC, [0, 1, 1, 0], oidTlv('1.2.3.4'))],
  ['scheme unknown (not PBES2)', () => replaceAt(ENC, [0, 0], oidTlv('1.2.3.4'))],
  ['scheme RC4 (PKCS#12 PBE)', () => replaceAt(ENC, [0], tlv(0x30, oidTlv('1.2.840.113549.1.12.1.1'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), int(1))))],
  ['PKCS#12 PBE with 2^31 iterations', () => replaceAt(ENC, [0], tlv(0x30, oidTlv('1.2.840.113549.1.12.1.3'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), int(0x00, 0x80, 0, 0, 0))))],
  ['PBES1 with 2^31 iterations', () => replaceAt(ENC, [0], tlv(0x30, oidTlv('1.2.840.113549.1.5.10'), tlv(0x30, tlv(0x04, Buffer.alloc(8)), int(0x00, 0x80, 0, 0, 0))))],
  ['IV of 3 bytes', () => contentAt(ENC, [0, 1, 1, 1], Buffer.alloc(3))],
  ['ciphertext not a whole block', () => contentAt(ENC, [1], derAt(ENC, [1]).subarray(4, -1))],
  ['ciphertext empty', () => contentAt(ENC, [1], Buffer.alloc(0))],
  ['ciphertext last byte flipped', () => contentAt(ENC, [1], Buffer.concat([derAt(ENC, [1]).subarray(4, -1), Buffer.from([derAt(ENC, [1]).at(-1)! ^ 1])]))],
  ['salt of 2000 bytes', () => contentAt(ENC, [0, 1, 0, 1, 0], Buffer.alloc(2000))],
];

// RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv
const pkcs1Cases: Mutation[] = [
  ...genericDer(PKCS1),
  ['version 1 without other primes', () => contentAt(PKCS1, [0], Buffer.from([1]))],
  ['only 8 integers', () => removeAt(PKCS1, [8])],
  ['modulus zero', () => contentAt(PKCS1, [1], Buffer.from([0]))],
  ['public exponent zero', () => contentAt(PKCS1, [2], Buffer.from([0]))],
  ['public exponent 2^64+1', () => contentAt(PKCS1, [2], Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 1]))],
  ['an OCTET STRING in place of d', () => tagAt(PKCS1, [3], 0x04)],
  ['an extra INTEGER at the end', () => appendInside(PKCS1, [], int(7))],
];

// ECPrivateKey: version 1, privateKey OCTET STRING, [0] curve OID, [1] public key
const sec1Cases: Mutation[] = [
  // The public key [1] is optional in SEC1: removing the last value leaves a valid key.
  ...genericDer(SEC1).filter(([n]) => n !== 'last value removed'),
  ['version 2', () => contentAt(SEC1, [0], Buffer.from([2]))],
  ['private key empty', () => contentAt(SEC1, [1], Buffer.alloc(0))],
  ['private key of 33 0xff bytes', () => contentAt(SEC1, [1], Buffer.alloc(33, 0xff))],
  ['curve unknown', () => replaceAt(SEC1, [2, 0], oidTlv('1.2.3.4'))],
  ['curve secp256k1', () => replaceAt(SEC1, [2, 0], oidTlv('1.3.132.0.10'))],
  ['curve parameters missing', () => removeAt(SEC1, [2])],
  ['public key not on the curve', () => contentAt(SEC1, [3, 0], Buffer.concat([Buffer.from([0, 4]), Buffer.alloc(64, 0x01)]))],
  ['public key BIT STRING empty', () => contentAt(SEC1, [3, 0], Buffer.alloc(0))],
  // The generator G: the public key of private value 1, not of the file's private value.
  ['public key of another private value', () => contentAt(SEC1, [3, 0], Buffer.concat([Buffer.from([0]), G]))],
];

describe('named corpus: DER certificate', () => runCorpus('certificate', certCases, EXPECTED.certificate, (b: Buffer) => parseCertificate(b)));
describe('named corpus: CSR', () => runCorpus('csr', csrCases, EXPECTED.csr, (b: Buffer) => parseCsr(b)));
describe('named corpus: PKCS#8', () => runCorpus('pkcs8', pkcs8Cases, EXPECTED.pkcs8, (b: Buffer) => importPrivateKey(b)));
describe('named corpus: encrypted PKCS#8', () =>
  runCorpus('encrypted-pkcs8', encCases, EXPECTED['encrypted-pkcs8'], (b: Buffer) => importPrivateKey(b, { passphrase: ENC_PASS })));
describe('named corpus: PKCS#1 RSA key', () => runCorpus('pkcs1', pkcs1Cases, EXPECTED.pkcs1, (b: Buffer) => importPrivateKey(b)));
describe('named corpus: SEC1 EC key', () => runCorpus('sec1', sec1Cases, EXPECTED.sec1, (b: Buffer) => importPrivateKey(b)));
