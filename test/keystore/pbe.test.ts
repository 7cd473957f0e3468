import { generateKeyPairSync, pbkdf2Sync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDer } from '../../src/asn1.js';
import { CertkitError } from '../../src/errors.js';
import { octets, sequence } from '../../src/keystore/der-read.js';
import * as der from '../../src/keystore/der-write.js';
import { decryptPbe, encryptPbe, MAX_PBE_ITERATIONS, parsePbeAlgorithm } from '../../src/keystore/pbe.js';
import { bmpPassword, pkcs12Kdf } from '../../src/keystore/pkcs12-kdf.js';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2DecryptBlock, rc2EncryptBlock, rc2ExpandKey } from '../../src/keystore/rc2.js';
import { haveTools, run, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';

const hex = (s: string) => Buffer.from(s.replace(/[: ]/g, ''), 'hex');

/** Runs `fn` and returns the CertkitError it throws (fails the test if it throws nothing else). */
function errorOf(fn: () => unknown): CertkitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CertkitError);
    return e as CertkitError;
  }
  throw new Error('expected a CertkitError');
}

/** Splits a DER EncryptedPrivateKeyInfo into its AlgorithmIdentifier node and ciphertext. */
function epki(bytes: Uint8Array) {
  const [alg, data] = sequence(parseDer(bytes, 'test EPKI'), 'test EPKI', 2, 2);
  return { alg: alg!, data: octets(data!, 'test data') };
}

/** A fake random source: 0x01 0x02 ... for reproducible output. */
const counting = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i + 1) & 0xff));

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 section 5 test vectors: key, effective key bits, plaintext, ciphertext.
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
  ];
  it.each(vectors)('key %s, %i effective bits', (key, bits, plain, cipher) => {
    const k = rc2ExpandKey(Buffer.from(key, 'hex'), bits);
    const b = Buffer.from(plain, 'hex');
    rc2EncryptBlock(k, b);
    expect(b.toString('hex')).toBe(cipher);
    rc2DecryptBlock(k, b);
    expect(b.toString('hex')).toBe(plain);
  });

  it('a wrong key gives BAD_PASSWORD through the padding check, a partial block INVALID_INPUT', () => {
    const key = hex('0102030405');
    const iv = hex('0001020304050607');
    const ct = rc2CbcEncrypt(key, 40, iv, Buffer.from('certkit RC2 test'));
    expect(rc2CbcDecrypt(key, 40, iv, ct).toString()).toBe('certkit RC2 test');
    // Byte 6 of the last block's plaintext decides the padding; this key makes it invalid.
    expect(errorOf(() => rc2CbcDecrypt(hex('0102030406'), 40, iv, ct)).code).toBe('BAD_PASSWORD');
    expect(errorOf(() => rc2CbcDecrypt(key, 40, iv, ct.subarray(0, 12))).code).toBe('INVALID_INPUT');
  });

  describe.skipIf(!haveTools('openssl'))('against openssl enc with the legacy provider', () => {
    it.each([
      ['rc2-40-cbc', '0102030405', 40],
      ['rc2-cbc', '000102030405060708090a0b0c0d0e0f', 128],
    ] as const)('%s', (cipher, key, bits) => {
      const dir = tempDir();
      const plain = Buffer.from('The quick brown fox jumps over the lazy dog, 44 bytes.');
      const file = join(dir, `${cipher}.in`);
      writeFileSync(file, plain);
      const iv = '1122334455667788';
      const out = join(dir, `${cipher}.out`);
      run(tool('openssl')!, ['enc', `-${cipher}`, '-provider', 'legacy', '-provider', 'default', '-K', key, '-iv', iv, '-in', file, '-out', out]);
      const theirs = readFileSync(out);
      expect(rc2CbcEncrypt(hex(key), bits, hex(iv), plain).equals(theirs)).toBe(true);
      expect(rc2CbcDecrypt(hex(key), bits, hex(iv), theirs).equals(plain)).toBe(true);
    });
  });
});

describe('PKCS#12 KDF (RFC 7292 B.2)', () => {
  it('encodes passwords as BMPString with a two-zero terminator', () => {
    expect(bmpPassword('changeit').toString('hex')).toBe('006300680061006e00670065006900740000');
    expect(bmpPassword('pässwörd').toString('hex')).toBe('007000e400730073007700f6007200640000');
    expect(bmpPassword('😀').toString('hex')).toBe('d83dde000000'); // UTF-16 surrogates, as OpenSSL and Java
    expect(bmpPassword('').toString('hex')).toBe('0000'); // OpenSSL's `pass:` (empty)
    expect(bmpPassword('', true).toString('hex')).toBe(''); // Java's empty char[] and OpenSSL's NULL
  });

  // Expected values printed by OpenSSL 3.0.19, e.g.
  //   openssl kdf -keylen 24 -kdfopt digest:SHA1 -kdfopt hexpass:<bmpPassword hex> \
  //     -kdfopt hexsalt:0102030405060708 -kdfopt iter:2048 -kdfopt id:1 PKCS12KDF
  it.each([
    ['sha1', 'changeit', '0102030405060708', 1, 2048, 24, 'A1:3A:1C:F3:5E:A9:E6:28:CD:82:C5:70:91:0A:DC:D5:48:1C:D9:78:FF:F8:89:65'],
    ['sha1', 'changeit', '0102030405060708', 2, 2048, 8, 'EF:00:9E:6F:45:89:AF:95'],
    ['sha256', 'changeit', '0102030405060708090a0b0c0d0e0f101112131415', 3, 10000, 32,
      '8A:F0:41:20:69:0A:43:A3:31:7F:D9:A8:56:6E:FD:F7:23:44:04:50:12:01:D3:5D:0D:6E:FF:D2:84:EE:5E:9D'],
    ['sha512', 'changeit', '01020304', 3, 3, 64,
      '37:E1:26:C7:32:0D:DA:33:A1:21:BD:DE:C8:DB:86:8C:B7:21:00:EA:F0:53:16:FF:ED:BC:CD:D4:C4:C0:70:AB:64:1E:10:C8:8B:A4:BA:99:B5:27:B1:87:58:D2:17:43:30:B1:54:20:4F:E9:4B:6D:36:27:39:5F:39:57:EF:4E'],
    ['sha1', 'pässwörd', '0102030405060708', 1, 100, 24, 'CA:87:5E:8B:A9:6D:1E:8C:A2:87:09:5E:D4:04:7B:CE:F2:5C:F6:61:63:E7:65:D7'],
  ] as const)('%s %s id %i, %i iterations, %i bytes', (hash, pw, salt, id, iter, len, expected) => {
    expect(pkcs12Kdf(hash, bmpPassword(pw), hex(salt), id, iter, len).equals(hex(expected))).toBe(true);
  });

  it('derives from both encodings of the empty password (openssl kdf hexpass:0000 and hexpass:)', () => {
    expect(pkcs12Kdf('sha1', bmpPassword(''), hex('0102030405060708'), 1, 1, 5).toString('hex')).toBe('2bbd27af16');
    expect(pkcs12Kdf('sha1', bmpPassword('', true), hex('0102030405060708'), 1, 1, 24).equals(
      hex('39:D3:77:6B:5E:1E:17:A1:DB:1C:B6:DB:5E:BE:A0:5D:6E:A2:FC:0E:DF:0C:48:CF'))).toBe(true);
  });
});

describe('PBES2 and PKCS#12 PBE', () => {
  const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });

  it('writes PBES2 byte-exact: PBKDF2-HMAC-SHA256 over UTF-8, AES-256-CBC, parameters as JDK 17 writes them', () => {
    const enc = encryptPbe(Buffer.from('hello, PBES2'), 'pässwörd', { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 1000 }, counting);
    // Same layout as keytool's output (salt 20, iterations, key length 32, hmacWithSHA256 + NULL, AES-256-CBC IV).
    expect(enc.algorithm.toString('hex')).toBe(
      '306606092a864886f70d01050d3059303806092a864886f70d01050c302b0414' +
        '0102030405060708090a0b0c0d0e0f1011121314' + '020203e8' + '020120' +
        '300c06082a864886f70d02090500' + '301d060960864801650304012a0410' + '0102030405060708090a0b0c0d0e0f10',
    );
    // K = `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:pässwörd -kdfopt hexsalt:0102...14 -kdfopt iter:1000 PBKDF2`
    //   = 371E7CD7...1EA966 (the password as UTF-8, as OpenSSL and JDK 17 use it in PBKDF2);
    // ciphertext = `printf 'hello, PBES2' | openssl enc -aes-256-cbc -K $K -iv 0102...10`.
    expect(pbkdf2Sync(Buffer.from('pässwörd', 'utf8'), counting(20), 1000, 32, 'sha256').toString('hex')).toBe(
      '371e7cd79a5ccd59e1675d33c9772d339dc36b482daae86559ad5d37521ea966',
    );
    expect(enc.ciphertext.toString('hex')).toBe('7afb46fdfe6b3661f4c5bbd83db5c0a9');
    const alg = parseDer(enc.algorithm, 'alg');
    expect(decryptPbe(alg, enc.ciphertext, 'pässwörd', 'test').toString()).toBe('hello, PBES2');
    expect(errorOf(() => decryptPbe(alg, enc.ciphertext, 'passwörd', 'test')).code).toBe('BAD_PASSWORD');
  });

  it('parses the parameters it writes', () => {
    const enc = encryptPbe(Buffer.alloc(3), 'x', { scheme: 'pkcs12-3des', iterations: 2048, saltLength: 8 }, counting);
    expect(parsePbeAlgorithm(parseDer(enc.algorithm, 'alg'), 'test')).toEqual({
      scheme: 'pkcs12', oid: '1.2.840.113549.1.12.1.3', name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', salt: counting(8), iterations: 2048,
    });
    const enc2 = encryptPbe(Buffer.alloc(3), 'x', { scheme: 'pbes2', prf: 'sha512', cipher: 'aes-128-cbc', iterations: 7, saltLength: 8 }, counting);
    expect(parsePbeAlgorithm(parseDer(enc2.algorithm, 'alg'), 'test')).toEqual({
      scheme: 'pbes2', prf: 'sha512', cipher: 'aes-128-cbc', salt: counting(8), iterations: 7, iv: counting(16),
    });
  });

  describe.skipIf(!haveTools('openssl'))('interop with openssl pkcs8', () => {
    const dir = tempDir();
    const keyFile = join(dir, 'key.der');
    writeFileSync(keyFile, pkcs8);
    const legacy = ['-provider', 'legacy', '-provider', 'default'];
    it.each([
      ['PBES2 AES-256 SHA-256', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']],
      ['PBES2 AES-128 SHA-1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
      ['PBES2 AES-192 SHA-512', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512']],
      ['PBES2 3DES SHA-384', ['-v2', 'des-ede3-cbc', '-v2prf', 'hmacWithSHA384']],
      ['PBES2 AES-256 SHA-224', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA224']],
      ['PKCS#12 3DES', ['-v1', 'PBE-SHA1-3DES']],
      ['PKCS#12 2-key 3DES', ['-v1', 'PBE-SHA1-2DES']],
      ['PKCS#12 RC2-40', ['-v1', 'PBE-SHA1-RC2-40', ...legacy]],
      ['PKCS#12 RC2-128', ['-v1', 'PBE-SHA1-RC2-128', ...legacy]],
    ])('decrypts what openssl encrypts: %s', (name, args) => {
      const out = join(dir, `${name.replace(/[^a-z0-9]/gi, '_')}.der`);
      run(tool('openssl')!, ['pkcs8', '-topk8', '-inform', 'DER', '-in', keyFile, '-outform', 'DER', '-out', out, '-passout', 'pass:pässwörd', '-iter', '1000', ...args]);
      const { alg, data } = epki(readFileSync(out));
      expect(decryptPbe(alg, data, 'pässwörd', 'key').equals(pkcs8)).toBe(true);
    });

    it.each([
      ['PBES2', { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 2048 }],
      ['PKCS#12 3DES', { scheme: 'pkcs12-3des', iterations: 2048 }],
    ] as const)('openssl decrypts what certkit encrypts: %s', (name, spec) => {
      const enc = encryptPbe(pkcs8, 'pässwörd', spec);
      const file = join(dir, `ours-${name.replace(/[^a-z0-9]/gi, '_')}.der`);
      writeFileSync(file, der.sequence(enc.algorithm, der.octetString(enc.ciphertext)));
      const out = join(dir, `ours-${name.replace(/[^a-z0-9]/gi, '_')}.plain`);
      // `openssl pkcs8` would print the traditional form; `pkey` prints PKCS#8.
      run(tool('openssl')!, ['pkey', '-inform', 'DER', '-in', file, '-passin', 'pass:pässwörd', '-outform', 'DER', '-out', out]);
      // pkey re-encodes EC keys its own way, so compare with pkey's encoding of the plaintext.
      const reference = run(tool('openssl')!, ['pkey', '-inform', 'DER', '-in', keyFile, '-outform', 'PEM']);
      const ours = run(tool('openssl')!, ['pkey', '-inform', 'DER', '-in', out, '-outform', 'PEM']);
      expect(ours).toBe(reference);
    });
  });

  describe('hostile parameters', () => {
    const pbes2 = (iter: number | bigint, kdf = '1.2.840.113549.1.5.12', prf = '1.2.840.113549.2.9', cipher = '2.16.840.1.101.3.4.1.42') =>
      parseDer(
        der.algorithmIdentifier('1.2.840.113549.1.5.13', der.sequence(
          der.algorithmIdentifier(kdf, der.sequence(der.octetString(Buffer.alloc(8)), der.integer(iter), der.algorithmIdentifier(prf, der.nullValue()))),
          der.algorithmIdentifier(cipher, der.octetString(Buffer.alloc(16))),
        )),
        'alg',
      );
    const p12 = (oid: string, iter: number | bigint) =>
      parseDer(der.algorithmIdentifier(oid, der.sequence(der.octetString(Buffer.alloc(8)), der.integer(iter))), 'alg');

    it('refuses 2^31 iterations before deriving anything', () => {
      const e1 = errorOf(() => decryptPbe(pbes2(2n ** 31n), Buffer.alloc(16), 'pw', 'key'));
      expect([e1.code, e1.message]).toEqual(['LIMIT_EXCEEDED', "key: iteration count 2147483648 is more than certkit's limit of 5000000"]);
      expect(errorOf(() => decryptPbe(p12('1.2.840.113549.1.12.1.3', 2n ** 31n), Buffer.alloc(16), 'pw', 'key')).code).toBe('LIMIT_EXCEEDED');
      expect(errorOf(() => decryptPbe(p12('1.2.840.113549.1.12.1.3', 2n ** 200n), Buffer.alloc(16), 'pw', 'key')).code).toBe('LIMIT_EXCEEDED');
      expect(errorOf(() => decryptPbe(p12('1.2.840.113549.1.12.1.3', MAX_PBE_ITERATIONS + 1), Buffer.alloc(16), 'pw', 'key')).code).toBe('LIMIT_EXCEEDED');
      expect(errorOf(() => decryptPbe(pbes2(0), Buffer.alloc(16), 'pw', 'key')).code).toBe('INVALID_INPUT');
    });

    it('names unsupported algorithms', () => {
      const cases: [ReturnType<typeof parseDer>, string][] = [
        [p12('1.2.840.113549.1.12.1.1', 1), 'key: RC4-based PBE (1.2.840.113549.1.12.1.1) is not supported'],
        [p12('1.2.840.113549.1.5.3', 1), 'key: encryption algorithm 1.2.840.113549.1.5.3 is not supported'],
        [pbes2(1, '1.3.6.1.4.1.11591.4.11'), 'key: PBES2 key derivation 1.3.6.1.4.1.11591.4.11 is not supported (only PBKDF2)'],
        [pbes2(1, undefined, '1.2.840.113549.2.5'), 'key: PBKDF2 PRF 1.2.840.113549.2.5 is not supported'],
        [pbes2(1, undefined, undefined, '2.16.840.1.101.3.4.1.46'), 'key: PBES2 encryption scheme 2.16.840.1.101.3.4.1.46 is not supported'],
      ];
      for (const [alg, message] of cases) {
        const e = errorOf(() => decryptPbe(alg, Buffer.alloc(16), 'pw', 'key'));
        expect([e.code, e.message]).toEqual(['UNSUPPORTED', message]);
      }
    });

    it('refuses ciphertext that is not whole blocks, and writing with a bad iteration count', () => {
      expect(errorOf(() => decryptPbe(pbes2(1), Buffer.alloc(15), 'pw', 'key')).code).toBe('INVALID_INPUT');
      expect(errorOf(() => decryptPbe(pbes2(1), Buffer.alloc(0), 'pw', 'key')).code).toBe('INVALID_INPUT');
      expect(errorOf(() => encryptPbe(Buffer.alloc(1), 'pw', { scheme: 'pkcs12-3des', iterations: 0 })).code).toBe('USAGE');
    });
  });
});
