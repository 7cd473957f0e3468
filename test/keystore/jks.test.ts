/**
 * JKS codec against the judge, JDK 17 keytool, both ways:
 * - read: stores keytool made (RSA + EC keys with storepass ≠ keypass, non-ASCII passwords, a
 *   mixed-case alias and an emoji alias, a trusted cert) give the aliases, entry kinds and SHA-256
 *   fingerprints `keytool -list -v` prints, and keys that match their certificates;
 * - write: what writeJks writes, keytool lists with the expected aliases, types and fingerprints,
 *   and `keytool -importkeystore -srckeypass` opens its keys (so the key protection is right);
 *   with keytool's salts and dates fed back in, writeJks reproduces keytool's file byte for byte;
 * - hostile input: truncation at every offset, every single-byte flip, huge counts, lengths past
 *   the end, duplicates, wrong passwords, zero-length and random files.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitStatusOf } from '../../src/errors.js';
import { JavaDataWriter, decodeModifiedUtf8, encodeModifiedUtf8 } from '../../src/keystore/java-data.js';
import { JKS_MAGIC, keystoreDigest, readJavaKeyStoreFrame, writeJavaKeyStoreFrame } from '../../src/keystore/java-keystore-format.js';
import { parseEncryptedPrivateKeyInfo, protectJksKey, recoverJksKey } from '../../src/keystore/jks-key-protector.js';
import { readJks, writeJks } from '../../src/keystore/jks.js';
import type { KeyStoreEntry, PrivateKeyEntry, TrustedCertEntry } from '../../src/keystore/model.js';
import { haveTools, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';
import { catchCertkit, keytoolFingerprint, parseKeytoolList, runUtf8, type ListedEntry } from './keytool-list.js';

const STOREPASS = 'störe pass'; // non-ASCII: JKS passwords are UTF-16BE, and keytool handles them
const KEYPASS = 'kéy-pass-2';

function spkiOfPrivate(pkcs8: Buffer): Buffer {
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
}
function spkiOfCert(der: Buffer): Buffer {
  return new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
}
function pemCertDer(path: string): Buffer {
  return new X509Certificate(readFileSync(path)).raw;
}
function pemKeyDer(path: string): Buffer {
  return createPrivateKey(readFileSync(path)).export({ type: 'pkcs8', format: 'der' });
}

describe.skipIf(!haveTools('keytool', 'openssl'))('JKS with JDK keytool', () => {
  const dir = tempDir('certkit-jks-');
  let keytool: string;
  let openssl: string;
  const ktStore = join(dir, 'keytool.jks');
  let ktListed: ListedEntry[];

  beforeAll(() => {
    keytool = tool('keytool')!;
    openssl = tool('openssl')!;
    const common = ['-keystore', ktStore, '-storetype', 'JKS', '-storepass', STOREPASS];
    runUtf8(keytool, ['-genkeypair', ...common, '-keypass', KEYPASS, '-alias', 'Client-RSA', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=client-rsa, O=certkit', '-validity', '30']);
    runUtf8(keytool, ['-genkeypair', ...common, '-keypass', KEYPASS, '-alias', 'Émoji😀-EC', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=emoji-ec', '-validity', '30']);
    runUtf8(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=Test Root CA', '-days', '30']);
    runUtf8(keytool, ['-importcert', '-noprompt', ...common, '-alias', 'Root CA', '-file', join(dir, 'ca.pem')]);
    ktListed = parseKeytoolList(runUtf8(keytool, ['-list', '-v', ...common]));
  });

  describe('reading what keytool wrote', () => {
    it('lists the aliases, kinds and fingerprints keytool lists, with keys matching their certificates', () => {
      const store = readJks(readFileSync(ktStore), { storePassword: STOREPASS, keyPassword: KEYPASS });
      expect(store.type).toBe('jks');
      // keytool lower-cased the aliases when it wrote them.
      expect(ktListed.map((e) => e.alias).sort()).toEqual(['client-rsa', 'root ca', 'émoji😀-ec']);
      const mine = store.entries.map((e) => ({
        alias: e.alias,
        type: e.kind === 'private-key' ? 'PrivateKeyEntry' : e.kind === 'trusted-cert' ? 'trustedCertEntry' : 'SecretKeyEntry',
        sha256: e.kind === 'private-key' ? e.chain.map(keytoolFingerprint) : e.kind === 'trusted-cert' ? [keytoolFingerprint(e.cert)] : [],
      }));
      const byAlias = (a: ListedEntry, b: ListedEntry) => a.alias.localeCompare(b.alias);
      expect(mine.sort(byAlias)).toEqual([...ktListed].sort(byAlias));
      for (const e of store.entries) {
        if (e.kind !== 'private-key') continue;
        expect(e.chain).toHaveLength(1);
        expect(spkiOfPrivate(e.key!).equals(spkiOfCert(e.chain[0]!))).toBe(true);
      }
      const ca = store.entries.find((e) => e.alias === 'root ca') as TrustedCertEntry;
      expect(ca.cert.equals(pemCertDer(join(dir, 'ca.pem')))).toBe(true);
    });

    it('stores the emoji alias as six bytes of modified UTF-8, and reads it back', () => {
      const bytes = readFileSync(ktStore);
      const emoji = Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
      expect(encodeModifiedUtf8('😀')).toEqual(emoji);
      expect(bytes.includes(Buffer.concat([Buffer.from('moji', 'latin1'), emoji, Buffer.from('-ec')]))).toBe(true);
    });

    it('rewrites keytool\'s file byte for byte when given its salts and dates', () => {
      const bytes = readFileSync(ktStore);
      const store = readJks(bytes, { storePassword: STOREPASS, keyPassword: KEYPASS });
      const frame = readJavaKeyStoreFrame(bytes, { magic: JKS_MAGIC, format: 'JKS', storePassword: STOREPASS });
      const salts = frame.entries
        .filter((e) => e.tag === 1)
        .map((e) => parseEncryptedPrivateKeyInfo(e.protectedKey).encryptedData.subarray(0, 20));
      expect(salts).toHaveLength(2);
      let next = 0;
      const again = writeJks(store.entries, {
        storePassword: STOREPASS,
        keyPassword: KEYPASS,
        randomBytes: (n) => {
          expect(n).toBe(20);
          return Buffer.from(salts[next++]!);
        },
      });
      expect(again.equals(bytes)).toBe(true);
    });

    it('lists without key passwords when keys: false, and refuses a wrong key password', () => {
      const bytes = readFileSync(ktStore);
      const listed = readJks(bytes, { storePassword: STOREPASS, keys: false });
      expect(listed.entries.map((e) => [e.alias, e.kind, e.kind === 'private-key' ? e.key : 'n/a'])).toEqual(
        frameOrder(bytes).map((a) => [a.alias, a.kind, a.kind === 'private-key' ? undefined : 'n/a']),
      );
      const e = catchCertkit(() => readJks(bytes, { storePassword: STOREPASS, keyPassword: 'wrong' }));
      expect(e.code).toBe('BAD_PASSWORD');
      expect(exitStatusOf(e)).toBe(4);
      expect(e.message).toMatch(/^entry \d '(client-rsa|émoji😀-ec)': key password was incorrect/);
      // The store password is not the key password here: defaulting to it fails the same way.
      expect(catchCertkit(() => readJks(bytes, { storePassword: STOREPASS })).code).toBe('BAD_PASSWORD');
    });

    it('refuses a wrong store password with exit status 4', () => {
      const e = catchCertkit(() => readJks(readFileSync(ktStore), { storePassword: 'store pass', keyPassword: KEYPASS }));
      expect(e.code).toBe('BAD_PASSWORD');
      expect(exitStatusOf(e)).toBe(4);
      expect(e.message).toBe('keystore password was incorrect, or the file is corrupt (integrity digest does not match)');
    });
  });

  function frameOrder(bytes: Buffer): { alias: string; kind: string }[] {
    return readJavaKeyStoreFrame(bytes, { magic: JKS_MAGIC, format: 'JKS', storePassword: STOREPASS }).entries.map((e) => ({
      alias: e.alias,
      kind: e.tag === 1 ? 'private-key' : 'trusted-cert',
    }));
  }

  describe('writing for keytool', () => {
    let entries: KeyStoreEntry[];
    const created = new Date('2026-01-02T03:04:05.678Z');
    const out = join(dir, 'certkit.jks');
    let written: Buffer;

    beforeAll(() => {
      const f = (n: string) => join(dir, n);
      runUtf8(openssl, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-subj', '/CN=leaf-rsa', '-out', f('leaf.csr')]);
      runUtf8(openssl, ['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-days', '30', '-out', f('leaf.pem')]);
      runUtf8(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', f('ec.key'), '-out', f('ec.pem'), '-subj', '/CN=ec-self', '-days', '30']);
      entries = [
        { kind: 'private-key', alias: 'Leaf-RSA', key: pemKeyDer(f('leaf.key')), chain: [pemCertDer(f('leaf.pem')), pemCertDer(f('ca.pem'))], created },
        { kind: 'private-key', alias: 'ec😀key', key: pemKeyDer(f('ec.key')), chain: [pemCertDer(f('ec.pem'))] },
        { kind: 'trusted-cert', alias: 'MyCA', cert: pemCertDer(f('ca.pem')), created },
      ];
      written = writeJks(entries, { storePassword: STOREPASS, keyPassword: KEYPASS, now: () => created });
      writeFileSync(out, written);
    });

    it('is listed by keytool -list -v with lower-cased aliases, entry types and openssl\'s fingerprints', () => {
      const listed = parseKeytoolList(runUtf8(keytool, ['-list', '-v', '-keystore', out, '-storepass', STOREPASS]));
      const fp = (n: string) => /Fingerprint=([0-9A-F:]+)/.exec(runUtf8(openssl, ['x509', '-in', join(dir, n), '-noout', '-fingerprint', '-sha256']))![1]!;
      expect([...listed].sort((a, b) => a.alias.localeCompare(b.alias))).toEqual([
        { alias: 'ec😀key', type: 'PrivateKeyEntry', sha256: [fp('ec.pem')] },
        { alias: 'leaf-rsa', type: 'PrivateKeyEntry', sha256: [fp('leaf.pem'), fp('ca.pem')] },
        { alias: 'myca', type: 'trustedCertEntry', sha256: [fp('ca.pem')] },
      ]);
    });

    it('has keys keytool -importkeystore opens with -srckeypass (checked with openssl pkcs12)', () => {
      const p12 = join(dir, 'converted.p12');
      // keytool takes -srckeypass only together with -srcalias: one import per key entry.
      for (const alias of ['leaf-rsa', 'ec😀key']) {
        runUtf8(keytool, ['-importkeystore', '-noprompt', '-srckeystore', out, '-srcstoretype', 'JKS', '-srcstorepass', STOREPASS,
          '-srcalias', alias, '-srckeypass', KEYPASS, '-destkeystore', p12, '-deststoretype', 'PKCS12', '-deststorepass', 'p12-pass']);
      }
      const pem = runUtf8(openssl, ['pkcs12', '-in', p12, '-passin', 'pass:p12-pass', '-nodes', '-nocerts']);
      const keys = [...pem.matchAll(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g)]
        .map((m) => createPrivateKey(m[0]).export({ type: 'pkcs8', format: 'der' }).toString('hex'))
        .sort();
      const expected = entries.filter((e): e is PrivateKeyEntry => e.kind === 'private-key').map((e) => e.key!.toString('hex')).sort();
      expect(keys).toEqual(expected);
    });

    it('reads back what it wrote, byte-exact', () => {
      const back = readJks(written, { storePassword: STOREPASS, keyPassword: KEYPASS });
      expect(back).toEqual({
        type: 'jks',
        entries: entries.map((e) => ({ ...e, alias: e.alias.toLowerCase(), created })),
      });
    });
  });
});

// ---- Pure tests: no tools needed ----------------------------------------------------------------

/** A small valid JKS (one EC P-256 key, self-signed certificate) written deterministically. */
function smallStore(): { bytes: Buffer; key: Buffer; cert: Buffer } {
  // A fixed P-256 key and a certificate for it, generated once with openssl (provenance:
  // `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=t -days 3650`).
  const key = Buffer.from(SMALL_KEY, 'base64');
  const cert = Buffer.from(SMALL_CERT, 'base64');
  const bytes = writeJks([{ kind: 'private-key', alias: 'client', key, chain: [cert], created: new Date(0) }], {
    storePassword: 'storepass',
    keyPassword: 'keypass',
    randomBytes: (n) => Buffer.alloc(n, 7),
  });
  return { bytes, key, cert };
}

/** A store framed by hand: header fields as given, then `body`, then a correct digest. */
function handMade(version: number, count: number, body: Buffer, password = 'storepass'): Buffer {
  const head = new JavaDataWriter().i32(JKS_MAGIC | 0).i32(version).i32(count).bytes(body).toBuffer();
  return Buffer.concat([head, keystoreDigest(password, head)]);
}

describe('JKS key protection', () => {
  it('round-trips and matches the known layout: salt, XOR keystream, SHA-1 check', () => {
    const { key } = smallStore();
    const salt = Buffer.alloc(20, 0xab);
    const epki = protectJksKey(key, 'pw', salt);
    const parts = parseEncryptedPrivateKeyInfo(epki);
    expect(parts.algorithm).toBe('1.3.6.1.4.1.42.2.17.1.1');
    // What keytool writes: the AlgorithmIdentifier carries a NULL parameter.
    expect(epki.subarray(0, 19).toString('hex')).toBe(`3081${(epki.length - 3).toString(16)}300e060a2b060104012a021101010500`);
    expect(parts.encryptedData.length).toBe(20 + key.length + 20);
    expect(parts.encryptedData.subarray(0, 20)).toEqual(salt);
    expect(recoverJksKey(epki, 'pw')).toEqual(key);
    const e = catchCertkit(() => recoverJksKey(epki, 'pW'));
    expect(e.code).toBe('BAD_PASSWORD');
  });
});

describe('JKS hostile input', () => {
  const opts = { storePassword: 'storepass', keyPassword: 'keypass' };

  it('reads the small store (control)', () => {
    const { bytes, key, cert } = smallStore();
    expect(readJks(bytes, opts)).toEqual({
      type: 'jks',
      entries: [{ kind: 'private-key', alias: 'client', key, chain: [cert], created: new Date(0) }],
    });
  });

  it('gives INVALID_INPUT (exit 3) for a truncation at every offset', () => {
    const { bytes } = smallStore();
    for (let n = 0; n < bytes.length; n++) {
      const e = catchCertkit(() => readJks(bytes.subarray(0, n), opts));
      expect([n, e.code, exitStatusOf(e)]).toEqual([n, 'INVALID_INPUT', 3]);
    }
  });

  it('never succeeds when any single byte is flipped', () => {
    const { bytes } = smallStore();
    for (let i = 0; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i]! ^= 0x01;
      const e = catchCertkit(() => readJks(bad, opts));
      expect([3, 4]).toContain(exitStatusOf(e));
    }
  });

  it('refuses a wrong store password and a wrong key password with BAD_PASSWORD', () => {
    const { bytes } = smallStore();
    const s = catchCertkit(() => readJks(bytes, { storePassword: 'storepasS', keyPassword: 'keypass' }));
    expect([s.code, s.message]).toEqual(['BAD_PASSWORD', 'keystore password was incorrect, or the file is corrupt (integrity digest does not match)']);
    const k = catchCertkit(() => readJks(bytes, { storePassword: 'storepass', keyPassword: 'keypasS' }));
    expect([k.code, k.message]).toEqual(['BAD_PASSWORD', "entry 1 'client': key password was incorrect (the protected key does not decrypt with it)"]);
    // Listing without keys never skips the integrity check.
    expect(catchCertkit(() => readJks(bytes, { storePassword: 'storepasS', keys: false })).code).toBe('BAD_PASSWORD');
    expect(readJks(bytes, { storePassword: 'storepass', keyPassword: 'wrong', keys: false }).entries.map((e) => [e.alias, e.kind, 'key' in e]))
      .toEqual([['client', 'private-key', false]]);
  });

  it('rejects an entry count of 0x7fffffff or 2^31 in a 100-byte file at once', () => {
    const bytes = handMade(2, 0x7fffffff, Buffer.alloc(68));
    expect(bytes.length).toBe(100);
    const e = catchCertkit(() => readJks(bytes, opts));
    expect([e.code, e.message]).toEqual(['INVALID_INPUT', 'entry count 2147483647 cannot fit in the 88 bytes that follow (truncated or corrupt)']);
    // 2^31 reads as a negative Java int.
    const neg = catchCertkit(() => readJks(handMade(2, 0x80000000 | 0, Buffer.alloc(68)), opts));
    expect([neg.code, neg.message]).toEqual(['INVALID_INPUT', 'entry count -2147483648 is negative']);
  });

  it('rejects an alias length past the end, a huge chain length and a huge certificate length, with context', () => {
    const alias = handMade(2, 1, new JavaDataWriter().i32(2).u16(0xffff).bytes(Buffer.alloc(20)).toBuffer());
    let e = catchCertkit(() => readJks(alias, opts));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^entry 1: alias: needs 65535 bytes at byte 18 but only 40 are left/);

    const chain = handMade(2, 1, new JavaDataWriter().i32(1).utf('x', 'a').i64(0n).i32(2).bytes(Buffer.from([5, 0])).i32(0x7fffffff).toBuffer());
    e = catchCertkit(() => readJks(chain, opts));
    expect(e.message).toMatch(/^entry 1 'x': chain length: length 2147483647 at byte \d+ runs past the end/);

    const cert = handMade(2, 1, new JavaDataWriter().i32(1).utf('x', 'a').i64(0n).i32(2).bytes(Buffer.from([5, 0]))
      .i32(2).utf('X.509', 't').i32(3).bytes(Buffer.from([0x30, 1, 0])).utf('X.509', 't').i32(1000).toBuffer());
    e = catchCertkit(() => readJks(cert, opts));
    expect(e.message).toMatch(/^entry 1 'x' → certificate 2: certificate length: length 1000 at byte \d+ runs past the end/);
  });

  it('rejects zero-length, random and foreign input, trailing bytes and a wrong magic', () => {
    expect(catchCertkit(() => readJks(Buffer.alloc(0), opts)).message).toBe('not a JKS keystore: 0 bytes is too short');
    let seed = 42;
    const rnd = Buffer.alloc(4096).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    expect(catchCertkit(() => readJks(rnd, opts)).code).toBe('INVALID_INPUT');
    const { bytes } = smallStore();
    const trailing = catchCertkit(() => readJks(Buffer.concat([bytes, Buffer.from([0])]), opts));
    expect([trailing.code, trailing.message]).toEqual(['INVALID_INPUT', '1 trailing bytes after the integrity digest']);
    const jceks = Buffer.from(bytes);
    jceks.writeUInt32BE(0xcececece, 0);
    expect(catchCertkit(() => readJks(jceks, opts)).message).toBe('not a JKS keystore (magic cececece)');
    const v3 = Buffer.from(bytes);
    v3.writeUInt32BE(3, 4);
    expect(catchCertkit(() => readJks(v3, opts)).code).toBe('UNSUPPORTED');
  });

  it('rejects aliases that differ only in case, as keytool treats them', () => {
    const { cert } = smallStore();
    const bytes = writeJavaKeyStoreFrame(JKS_MAGIC, [
      { tag: 2, alias: 'client', created: new Date(0), cert },
      { tag: 2, alias: 'Client', created: new Date(0), cert },
    ], 'storepass');
    const e = catchCertkit(() => readJks(bytes, opts));
    expect([e.code, e.message]).toEqual(['INVALID_INPUT', "entry 2 'Client': duplicate alias (entry 1 has the same alias; JKS aliases are case-insensitive)"]);
  });

  it('rejects a secret-key entry (tag 3), which only JCEKS can hold', () => {
    const bytes = handMade(2, 1, new JavaDataWriter().i32(3).utf('s', 'a').i64(0n).bytes(Buffer.alloc(8)).toBuffer());
    const e = catchCertkit(() => readJks(bytes, opts));
    expect([e.code, e.message]).toEqual(['INVALID_INPUT', "entry 1 's': secret-key entry (tag 3): a JKS keystore cannot hold secret keys"]);
  });

  it('rejects malformed modified UTF-8 (a 4-byte UTF-8 sequence) in an alias', () => {
    const body = new JavaDataWriter().i32(2).u16(4).bytes(Buffer.from('f09f9880', 'hex')).i64(0n).bytes(Buffer.alloc(8)).toBuffer();
    const e = catchCertkit(() => readJks(handMade(2, 1, body), opts));
    expect([e.code, e.message]).toEqual(['INVALID_INPUT', 'entry 1: alias: malformed modified UTF-8 at byte 0']);
  });

  it('reads version 1 (no certificate type) and U+0000 in an alias (C0 80)', () => {
    const { cert } = smallStore();
    expect(encodeModifiedUtf8('a\u0000b')).toEqual(Buffer.from([0x61, 0xc0, 0x80, 0x62]));
    const body = new JavaDataWriter().i32(2).utf('a\u0000b', 'a').i64(1234n).i32(cert.length).bytes(cert).toBuffer();
    expect(readJks(handMade(1, 1, body), opts)).toEqual({
      type: 'jks',
      entries: [{ kind: 'trusted-cert', alias: 'a\u0000b', cert, created: new Date(1234) }],
    });
  });
});

describe('writeJks', () => {
  const opts = { storePassword: 'storepass', keyPassword: 'keypass', randomBytes: (n: number) => Buffer.alloc(n, 1), now: () => new Date(5) };

  it('is deterministic given its randomness and clock, and defaults the key password to the store password', () => {
    const { key, cert } = smallStore();
    const entries: KeyStoreEntry[] = [{ kind: 'private-key', alias: 'K', key, chain: [cert] }];
    expect(writeJks(entries, opts).equals(writeJks(entries, opts))).toBe(true);
    const same = writeJks(entries, { storePassword: 'sp', randomBytes: opts.randomBytes, now: opts.now });
    expect(readJks(same, { storePassword: 'sp' }).entries).toEqual([{ kind: 'private-key', alias: 'k', key, chain: [cert], created: new Date(5) }]);
  });

  it('refuses what keytool could not hold', () => {
    const { key, cert } = smallStore();
    const dup = catchCertkit(() => writeJks([
      { kind: 'trusted-cert', alias: 'CA', cert },
      { kind: 'trusted-cert', alias: 'ca', cert },
    ], opts));
    expect([dup.code, dup.message]).toEqual(['INVALID_INPUT', "entry 2 'ca': duplicate alias: entry 1 has the same alias once lower-cased, as JKS stores aliases"]);
    expect(catchCertkit(() => writeJks([{ kind: 'secret-key', alias: 's' }], opts)).code).toBe('UNSUPPORTED');
    expect(catchCertkit(() => writeJks([{ kind: 'private-key', alias: 'k', chain: [cert] }], opts)).message)
      .toBe("entry 1 'k': private-key entry has no key (was it read with keys: false?)");
    expect(catchCertkit(() => writeJks([{ kind: 'private-key', alias: 'k', key, chain: [] }], opts)).code).toBe('INVALID_INPUT');
    expect(catchCertkit(() => writeJks([{ kind: 'trusted-cert', alias: 'x'.repeat(65536), cert }], opts)).code).toBe('INVALID_INPUT');
    expect(catchCertkit(() => writeJks([{ kind: 'trusted-cert', alias: 'x', cert: Buffer.from([0x30, 0x05]) }], opts)).code).toBe('INVALID_INPUT');
  });
});

const SMALL_KEY =
  'MHcCAQEEIOm9RCUzhLevLZjbfN6orqwWdgghu0LhHQ7Ae1dqRrfPoAoGCCqGSM49AwEHoUQDQgAEPB4I90GAUokvao/VAG0gqAtW4nCwkTQ/x1JEVg1GfKaRERuxrbZmf60SuR68n9Wb3kZx+RoCJj6pQckOOs8bHA==';
const SMALL_CERT =
  'MIIBbDCCAROgAwIBAgIUexKtm5Q00c1OAMQ6C3BPL2Eg0F4wCgYIKoZIzj0EAwIwDDEKMAgGA1UEAwwBdDAeFw0yNjExMjMxMDQ1MTFaFw0zNjExMjAxMDQ1MTFaMAwxCjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ8Hgj3QYBSiS9qj9UAbSCoC1bicLCRND/HUkRWDUZ8ppERG7GttmZ/rRK5Hryf1ZveRnH5GgImPqlByQ46zxsco1MwUTAdBgNVHQ4EFgQU/hTN16ddjOeZ6Tp3oYmDNuNmZJowHwYDVR0jBBgwFoAU/hTN16ddjOeZ6Tp3oYmDNuNmZJowDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAbKhaNEa6+3bsglkKT02oqRa1+ZcFHVmOiNW6M1mJDlwIgAfT/6CGwpP1HDBaQm2Zb9D5S8l2sNf3HWpCLNvS9GOk=';

describe('decodeModifiedUtf8', () => {
  it('1-byte forms only (the ASCII shortcut): every byte 0x00-0x7f is its own code unit', () => {
    const all = Buffer.from(Array.from({ length: 128 }, (_, i) => i));
    expect(decodeModifiedUtf8(all, 'alias')).toBe(String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i)));
    expect(decodeModifiedUtf8(all.subarray(97, 100), 'alias')).toBe('abc');
    expect(decodeModifiedUtf8(Buffer.alloc(0), 'alias')).toBe('');
  });

  it('mixed forms go through the full decoder: 2- and 3-byte forms, the 6-byte surrogate pair, and malformed bytes', () => {
    expect(decodeModifiedUtf8(encodeModifiedUtf8('clé-ü trust-🔑 \u0000'), 'alias')).toBe('clé-ü trust-🔑 \u0000');
    expect(encodeModifiedUtf8('🔑').length).toBe(6);
    expect(() => decodeModifiedUtf8(Buffer.from([0x61, 0x80]), 'alias')).toThrow('alias: malformed modified UTF-8 at byte 1');
  });
});
