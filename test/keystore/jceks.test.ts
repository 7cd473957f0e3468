/**
 * JCEKS reader against JDK 17 keytool: a store keytool made (RSA and EC keys under a key password
 * that differs from the store password, AES and HMAC secret keys, a trusted certificate, an emoji
 * alias) reads with the aliases, kinds and fingerprints `keytool -list -v` prints; keys match
 * their certificates; the secret key's algorithm is reported. Sun's PBEWithMD5AndTripleDES is
 * checked against the JDK's own cipher, including the salt-halves quirk. Hostile input: every
 * truncation, every byte flip, wrong passwords, hostile serialized objects.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitStatusOf } from '../../src/errors.js';
import { JavaDataWriter } from '../../src/keystore/java-data.js';
import { JCEKS_MAGIC, keystoreDigest } from '../../src/keystore/java-keystore-format.js';
import { decryptPbeWithMd5AndTripleDes } from '../../src/keystore/jceks-key-protector.js';
import { readJceks } from '../../src/keystore/jceks.js';
import type { KeyStore, KeyStoreEntry } from '../../src/keystore/model.js';
import { haveTools, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { catchCertkit, keytoolFingerprint, parseKeytoolList, runUtf8, type ListedEntry } from './keytool-list.js';

const STOREPASS = 'jceks störe'; // the store digest takes any Java chars
const KEYPASS = 'key-pass-1'; // JCEKS key passwords must be printable ASCII (PBEKey)

function listedOf(e: KeyStoreEntry): ListedEntry {
  if (e.kind === 'private-key') return { alias: e.alias, type: 'PrivateKeyEntry', sha256: e.chain.map(keytoolFingerprint) };
  if (e.kind === 'trusted-cert') return { alias: e.alias, type: 'trustedCertEntry', sha256: [keytoolFingerprint(e.cert)] };
  return { alias: e.alias, type: 'SecretKeyEntry', sha256: [] };
}
const byAlias = (a: ListedEntry, b: ListedEntry) => a.alias.localeCompare(b.alias);

describe.skipIf(!haveTools('keytool', 'openssl', 'java'))('JCEKS made by JDK keytool', () => {
  const dir = tempDir('certkit-jceks-');
  const store = join(dir, 'keytool.jceks');
  let listed: ListedEntry[];
  let bytes: Buffer;
  let ks: KeyStore; // read once: each PBEWithMD5AndTripleDES key costs 2 x 200,000 MD5 rounds

  beforeAll(() => {
    const keytool = tool('keytool')!;
    const openssl = tool('openssl')!;
    const common = ['-keystore', store, '-storetype', 'JCEKS', '-storepass', STOREPASS];
    runUtf8(keytool, ['-genkeypair', ...common, '-keypass', KEYPASS, '-alias', 'Server-RSA', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=server-rsa', '-validity', '30']);
    runUtf8(keytool, ['-genkeypair', ...common, '-keypass', KEYPASS, '-alias', 'ec-😀', '-keyalg', 'EC', '-groupname', 'secp384r1', '-dname', 'CN=ec', '-validity', '30']);
    runUtf8(keytool, ['-genseckey', ...common, '-keypass', KEYPASS, '-alias', 'Secret-AES', '-keyalg', 'AES', '-keysize', '128']);
    runUtf8(keytool, ['-genseckey', ...common, '-keypass', 'other-pass', '-alias', 'hmac', '-keyalg', 'HmacSHA256', '-keysize', '256']);
    runUtf8(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=JCEKS CA', '-days', '30']);
    runUtf8(keytool, ['-importcert', '-noprompt', ...common, '-alias', 'CA', '-file', join(dir, 'ca.pem')]);
    listed = parseKeytoolList(runUtf8(keytool, ['-list', '-v', ...common]));
    bytes = readFileSync(store);
    ks = readJceks(bytes, { storePassword: STOREPASS, keyPassword: KEYPASS });
  });

  it('reads the aliases, kinds and fingerprints keytool lists, keys matching their certificates', () => {
    expect(ks.type).toBe('jceks');
    expect(listed.map((e) => e.alias).sort()).toEqual(['ca', 'ec-😀', 'hmac', 'secret-aes', 'server-rsa']);
    expect(ks.entries.map(listedOf).sort(byAlias)).toEqual([...listed].sort(byAlias));
    for (const e of ks.entries) {
      if (e.kind !== 'private-key') continue;
      const fromKey = createPublicKey(createPrivateKey({ key: e.key!, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
      expect(fromKey.equals(new X509Certificate(e.chain[0]!).publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    }
    const ca = ks.entries.find((e) => e.alias === 'ca');
    expect(ca?.kind === 'trusted-cert' && ca.cert.equals(new X509Certificate(readFileSync(join(dir, 'ca.pem'))).raw)).toBe(true);
  });

  it('reports secret keys, with the algorithm when the key password opens the sealed key', () => {
    const secrets = ks.entries.filter((e) => e.kind === 'secret-key');
    expect(secrets.map((e) => [e.alias, e.kind === 'secret-key' ? e.algorithm : '?']).sort()).toEqual([
      ['hmac', undefined], // sealed under another password: reported by kind only
      ['secret-aes', 'AES'],
    ]);
    const listedOnly = readJceks(bytes, { storePassword: STOREPASS, keys: false });
    expect(listedOnly.entries.map((e) => [e.alias, e.kind, e.kind === 'secret-key' ? e.algorithm : e.kind === 'private-key' ? e.key : 'cert']).sort())
      .toEqual([
        ['ca', 'trusted-cert', 'cert'],
        ['ec-😀', 'private-key', undefined],
        ['hmac', 'secret-key', undefined],
        ['secret-aes', 'secret-key', undefined],
        ['server-rsa', 'private-key', undefined],
      ]);
    // Only what `keys` names is opened: the other entries' key passwords are not needed.
    const onlyHmac = readJceks(bytes, { storePassword: STOREPASS, keyPassword: 'other-pass', keys: (alias) => alias === 'hmac' });
    expect(onlyHmac.entries.map((e) => [e.alias, e.kind === 'secret-key' ? e.algorithm : e.kind === 'private-key' ? e.key : 'cert']).sort())
      .toEqual([
        ['ca', 'cert'],
        ['ec-😀', undefined],
        ['hmac', 'HmacSHA256'],
        ['secret-aes', undefined],
        ['server-rsa', undefined],
      ]);
  });

  it('refuses a wrong store password and a wrong key password with BAD_PASSWORD (exit 4)', () => {
    const s = catchCertkit(() => readJceks(bytes, { storePassword: 'jceks store', keyPassword: KEYPASS }));
    expect([s.code, exitStatusOf(s), s.message]).toEqual([
      'BAD_PASSWORD', 4, 'keystore password was incorrect, or the file is corrupt (integrity digest does not match)',
    ]);
    const k = catchCertkit(() => readJceks(bytes, { storePassword: STOREPASS, keyPassword: 'key-pass-2' }));
    expect(k.code).toBe('BAD_PASSWORD');
    expect(k.message).toMatch(/^entry \d '(server-rsa|ec-😀)': key password was incorrect/);
  });

  it('gives INVALID_INPUT for a truncation at every offset, and never succeeds with a flipped byte', () => {
    const opts = { storePassword: STOREPASS, keys: false };
    for (let n = 0; n < bytes.length; n++) {
      const e = catchCertkit(() => readJceks(bytes.subarray(0, n), opts));
      expect([n, e.code]).toEqual([n, 'INVALID_INPUT']);
    }
    for (let i = 0; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i]! ^= 0x80;
      expect([3, 4]).toContain(exitStatusOf(catchCertkit(() => readJceks(bad, opts))));
    }
  });

  it("decrypts what the JDK's own PBEWithMD5AndTripleDES cipher encrypts, including equal salt halves", () => {
    const src = join(dir, 'Pbe.java');
    writeFileSync(src, `import javax.crypto.*; import javax.crypto.spec.*; import java.util.HexFormat;
public class Pbe { public static void main(String[] a) throws Exception {
  SecretKey k = SecretKeyFactory.getInstance("PBEWithMD5AndTripleDES").generateSecret(new PBEKeySpec(a[0].toCharArray()));
  for (int i = 1; i < a.length; i++) {
    Cipher c = Cipher.getInstance("PBEWithMD5AndTripleDES");
    c.init(Cipher.ENCRYPT_MODE, k, new PBEParameterSpec(HexFormat.of().parseHex(a[i]), 1000));
    System.out.println(HexFormat.of().formatHex(c.doFinal("certkit plaintext".getBytes("UTF-8"))));
  }
}}`);
    const salts = ['0102030401020304', '0102030405060708', 'aaaaaaaaaaaaaaaa'];
    const out = runUtf8(tool('java')!, [src, 'pbe-pass', ...salts]).trim().split('\n');
    expect(out).toHaveLength(3);
    salts.forEach((salt, i) => {
      const plain = decryptPbeWithMd5AndTripleDes(Buffer.from(out[i]!, 'hex'), 'pbe-pass', { salt: Buffer.from(salt, 'hex'), iterations: 1000 });
      expect(plain.toString('utf8')).toBe('certkit plaintext');
    });
  });
});

// ---- Pure tests ----------------------------------------------------------------------------------

function jceksWith(body: Buffer, count = 1, password = 'pw'): Buffer {
  const head = new JavaDataWriter().i32(JCEKS_MAGIC | 0).i32(2).i32(count).bytes(body).toBuffer();
  return Buffer.concat([head, keystoreDigest(password, head)]);
}

/** A secret-key entry whose "sealed object" is `stream`. */
function secretEntry(stream: Buffer): Buffer {
  return new JavaDataWriter().i32(3).utf('s', 'alias').i64(0n).bytes(stream).toBuffer();
}

describe('JCEKS hostile input', () => {
  const opts = { storePassword: 'pw' };

  it('rejects a sealed object with an array length past the end', () => {
    const stream = Buffer.concat([
      Buffer.from('aced0005', 'hex'),
      Buffer.from([0x75, 0x72]), new JavaDataWriter().utf('[B', 'n').toBuffer(), Buffer.alloc(8), Buffer.from([0x02, 0, 0, 0x78, 0x70]),
      Buffer.from('7fffffff', 'hex'),
    ]);
    const e = catchCertkit(() => readJceks(jceksWith(secretEntry(stream)), opts));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^entry 1 's': sealed secret key: array length: length 2147483647 at byte \d+ runs past the end/);
  });

  it('caps the nesting of a sealed object (LIMIT_EXCEEDED, exit 3)', () => {
    const level = Buffer.concat([Buffer.from([0x73, 0x72]), new JavaDataWriter().utf('a', 'n').toBuffer(), Buffer.alloc(8), Buffer.from([0x02, 0, 0])]);
    const stream = Buffer.concat([Buffer.from('aced0005', 'hex'), ...Array<Buffer>(200).fill(level)]);
    const e = catchCertkit(() => readJceks(jceksWith(secretEntry(stream)), opts));
    expect([e.code, exitStatusOf(e)]).toEqual(['LIMIT_EXCEEDED', 3]);
    expect(e.message).toMatch(/^entry 1 's': sealed secret key: serialized object: nested more than 24 levels deep/);
  });

  it('rejects a sealed object that is not a serialization stream, and a reference to a handle that does not exist', () => {
    let e = catchCertkit(() => readJceks(jceksWith(secretEntry(Buffer.from('00000000', 'hex'))), opts));
    expect(e.message).toBe("entry 1 's': sealed secret key: not a Java serialization stream (magic 0, version 0)");
    e = catchCertkit(() => readJceks(jceksWith(secretEntry(Buffer.from('aced000571007e0009', 'hex'))), opts));
    expect(e.message).toBe("entry 1 's': sealed secret key: serialized object: reference to unknown handle 8257545");
  });

  it('rejects zero-length input and a JKS magic', () => {
    expect(catchCertkit(() => readJceks(Buffer.alloc(0), opts)).message).toBe('not a JCEKS keystore: 0 bytes is too short');
    const jks = jceksWith(Buffer.alloc(0), 0);
    jks.writeUInt32BE(0xfeedfeed, 0);
    expect(catchCertkit(() => readJceks(jks, opts)).message).toBe('not a JCEKS keystore (magic feedfeed)');
  });

  it('reads an empty store whose digest is right', () => {
    expect(readJceks(jceksWith(Buffer.alloc(0), 0), opts)).toEqual({ type: 'jceks', entries: [] });
  });
});
