/**
 * PKCS#12 codec against the real tools: stores made by JDK 17 keytool (default and
 * -J-Dkeystore.pkcs12.legacy) and OpenSSL 3 (`pkcs12 -export` default, -legacy, -nomac,
 * unencrypted, without -name, certificates only) are read and asserted exactly; what certkit
 * writes (modern and legacy profiles, truststores) is listed by keytool and read by openssl.
 * Expected fingerprints are what `openssl x509 -fingerprint -sha256` prints.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDer } from '../../src/asn1.js';
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import { rawDer, sequence } from '../../src/keystore/der-read.js';
import * as der from '../../src/keystore/der-write.js';
import type { KeyStoreEntry, PrivateKeyEntry } from '../../src/keystore/model.js';
import { readPkcs12, writePkcs12 } from '../../src/keystore/pkcs12.js';
import { haveTools, run, tool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';

const PASS = 'changeit';
const haveAll = haveTools('openssl', 'keytool');

function errorOf(fn: () => unknown): CertkitError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CertkitError)) throw e;
    return e;
  }
  throw new Error('expected a CertkitError, but it succeeded');
}

const fingerprint = (d: Buffer) => new X509Certificate(d).fingerprint256;

/** True when the PKCS#8 key and the certificate hold the same public key. */
function keyMatches(pkcs8: Buffer, cert: Buffer): boolean {
  const a = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  const b = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return a.equals(b);
}

function pemBody(pem: string, label: string): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (m === null) throw new Error(`no ${label} in output`);
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

/** A small deterministic random source so outputs (and the hostile suite) are reproducible. */
const counting = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff));

/** `keytool -list -v` parsed into alias, entry type and SHA-256 fingerprints (chain order). */
function keytoolList(file: string, storepass = PASS) {
  const out = run(tool('keytool')!, ['-J-Duser.language=en', '-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', storepass]);
  const count = /Your keystore contains (\d+) entr/.exec(out)?.[1];
  const entries = out
    .split(/^Alias name: /m)
    .slice(1)
    .map((block) => ({
      alias: block.split('\n')[0]!.trim(),
      type: /Entry type: (\S+)/.exec(block)?.[1],
      sha256: [...block.matchAll(/SHA256: ([0-9A-F:]+)/g)].map((m) => m[1]),
    }));
  return { count: Number(count), entries };
}

describe.skipIf(!haveAll)('PKCS#12 interop with keytool and openssl', () => {
  const dir = tempDir('certkit-p12-');
  const f = (name: string) => join(dir, name);
  let openssl: string;
  let keytool: string;
  /** keytool-style SHA-256 fingerprints of root, intermediate and leaf, from openssl. */
  const fp: Record<string, string> = {};
  let leafKey: Buffer; // PKCS#8 DER as openssl encodes it
  let rootDer: Buffer;
  let interDer: Buffer;
  let leafDer: Buffer;

  const fpOf = (pemFile: string) =>
    run(openssl, ['x509', '-noout', '-fingerprint', '-sha256', '-in', pemFile]).trim().split('=')[1]!;
  const certDer = (pemFile: string) => {
    run(openssl, ['x509', '-in', pemFile, '-outform', 'DER', '-out', `${pemFile}.der`]);
    return readFileSync(`${pemFile}.der`);
  };
  /** What `openssl pkcs12 -info -noout` prints (on stderr) about a store's algorithms. */
  const opensslInfo = (file: string, legacy: boolean) =>
    run('sh', ['-c', `"${openssl}" pkcs12 ${legacy ? '-legacy' : ''} -info -noout -in "${file}" -passin pass:${PASS} 2>&1`]).trim().split('\n');

  beforeAll(() => {
    openssl = tool('openssl')!;
    keytool = tool('keytool')!;
    const o = (...args: string[]) => run(openssl, args);
    // root (RSA) -> intermediate (RSA) -> leaf (EC P-256)
    o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('root.key'), '-out', f('root.pem'), '-subj', '/CN=certkit test root', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign');
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('inter.key'), '-out', f('inter.csr'), '-subj', '/CN=certkit test intermediate');
    writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n');
    o('x509', '-req', '-in', f('inter.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-set_serial', '2', '-days', '30', '-extfile', f('ca.ext'), '-out', f('inter.pem'));
    o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=glue-client');
    o('x509', '-req', '-in', f('leaf.csr'), '-CA', f('inter.pem'), '-CAkey', f('inter.key'), '-set_serial', '3', '-days', '30', '-out', f('leaf.pem'));
    // `openssl pkey -outform DER` would print the traditional (SEC1) form; pkcs8 -topk8 gives PKCS#8.
    o('pkcs8', '-topk8', '-nocrypt', '-in', f('leaf.key'), '-outform', 'DER', '-out', f('leaf.p8.der'));
    leafKey = readFileSync(f('leaf.p8.der'));
    for (const n of ['root', 'inter', 'leaf']) fp[n] = fpOf(f(`${n}.pem`));
    rootDer = certDer(f('root.pem'));
    interDer = certDer(f('inter.pem'));
    leafDer = certDer(f('leaf.pem'));
    // The chain file in scrambled order: the reader must order it leaf -> root itself.
    writeFileSync(f('scrambled.pem'), ['root', 'leaf', 'inter'].map((n) => readFileSync(f(`${n}.pem`), 'utf8')).join(''));
  });

  describe('reads what openssl pkcs12 -export writes', () => {
    const exportP12 = (name: string, ...args: string[]) => {
      run(openssl, ['pkcs12', '-export', '-in', f('scrambled.pem'), '-inkey', f('leaf.key'), '-out', f(name), '-passout', `pass:${PASS}`, ...args]);
      return readFileSync(f(name));
    };
    const expectClient = (entries: readonly KeyStoreEntry[], alias: string) => {
      expect(entries.map((e) => [e.kind, e.alias])).toEqual([['private-key', alias]]);
      const e = entries[0] as PrivateKeyEntry;
      expect(e.chain.map(fingerprint)).toEqual([fp.leaf, fp.inter, fp.root]);
      expect(e.key!.equals(leafKey)).toBe(true);
      expect(keyMatches(e.key!, e.chain[0]!)).toBe(true);
    };

    it('default (PBES2/AES-256, HMAC-SHA256)', () => {
      expectClient(readPkcs12(exportP12('ossl-default.p12', '-name', 'client'), { storePassword: PASS }).entries, 'client');
    });

    it('-legacy (RC2-40 certificates, 3DES key, HMAC-SHA1)', () => {
      const bytes = exportP12('ossl-legacy.p12', '-legacy', '-name', 'client');
      expect(opensslInfo(f('ossl-legacy.p12'), true)).toEqual([
        'MAC: sha1, Iteration 2048',
        'MAC length: 20, salt length: 8',
        'PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048',
        'Certificate bag',
        'Certificate bag',
        'Certificate bag',
        'PKCS7 Data',
        'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
      ]);
      expectClient(readPkcs12(bytes, { storePassword: PASS }).entries, 'client');
    });

    it('-keypbe NONE -certpbe NONE (unencrypted keyBag and certificates, with a MAC)', () => {
      expectClient(readPkcs12(exportP12('ossl-plain.p12', '-keypbe', 'NONE', '-certpbe', 'NONE', '-name', 'client'), { storePassword: PASS }).entries, 'client');
    });

    it('without -name: alias "1", as keytool lists it', () => {
      const bytes = exportP12('ossl-noname.p12');
      expectClient(readPkcs12(bytes, { storePassword: PASS }).entries, '1');
      expect(keytoolList(f('ossl-noname.p12')).entries.map((e) => [e.alias, e.type])).toEqual([['1', 'PrivateKeyEntry']]);
    });

    it('-nomac: refused with INTEGRITY (exit 4) unless a missing MAC is allowed', () => {
      const bytes = exportP12('ossl-nomac.p12', '-nomac', '-name', 'client');
      const e = errorOf(() => readPkcs12(bytes, { storePassword: PASS }));
      expect([e.code, e.message, exitStatusOf(e)]).toEqual(['INTEGRITY', 'PKCS#12 file has no integrity MAC', 4]);
      expectClient(readPkcs12(bytes, { storePassword: PASS, allowMissingMac: true }).entries, 'client');
    });

    it('an empty password (`-passout pass:`)', () => {
      run(openssl, ['pkcs12', '-export', '-in', f('scrambled.pem'), '-inkey', f('leaf.key'), '-out', f('ossl-empty.p12'), '-passout', 'pass:', '-name', 'client']);
      expectClient(readPkcs12(readFileSync(f('ossl-empty.p12')), { storePassword: '' }).entries, 'client');
      expect(errorOf(() => readPkcs12(readFileSync(f('ossl-empty.p12')), { storePassword: 'x' })).code).toBe('BAD_PASSWORD');
    });

    it('-nokeys with CA certificates: reported as trusted-cert entries (keytool would show none)', () => {
      run(openssl, ['pkcs12', '-export', '-nokeys', '-in', f('scrambled.pem'), '-out', f('ossl-certs.p12'), '-passout', `pass:${PASS}`]);
      const ks = readPkcs12(readFileSync(f('ossl-certs.p12')), { storePassword: PASS });
      expect(ks.entries.map((e) => [e.kind, e.alias, e.kind === 'trusted-cert' ? fingerprint(e.cert) : ''])).toEqual([
        ['trusted-cert', '1', fp.root],
        ['trusted-cert', '2', fp.leaf],
        ['trusted-cert', '3', fp.inter],
      ]);
      expect(keytoolList(f('ossl-certs.p12')).count).toBe(0);
    });

    it('keys: false lists entries without decrypting keys', () => {
      const bytes = exportP12('ossl-default-2.p12', '-name', 'client');
      const ks = readPkcs12(bytes, { storePassword: PASS, keyPassword: 'not the key password', keys: false });
      expect(ks.entries).toEqual([{ kind: 'private-key', alias: 'client', chain: [leafDer, interDer, rootDer] }]);
    });

    it('a wrong password is BAD_PASSWORD (exit 4)', () => {
      const e = errorOf(() => readPkcs12(exportP12('ossl-default-3.p12', '-name', 'client'), { storePassword: 'wrong' }));
      expect([e.code, e.message, exitStatusOf(e)]).toEqual([
        'BAD_PASSWORD', 'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered', 4]);
    });
  });

  describe('reads what keytool writes', () => {
    let modern: Buffer;
    let legacy: Buffer;
    beforeAll(() => {
      const k = (...args: string[]) => run(keytool, ['-J-Duser.language=en', ...args]);
      const common = ['-storetype', 'PKCS12', '-storepass', PASS];
      k('-genkeypair', '-alias', 'client', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=keytool client', '-validity', '30', '-keystore', f('kt-modern.p12'), ...common);
      k('-importcert', '-noprompt', '-alias', 'root', '-file', f('root.pem'), '-keystore', f('kt-modern.p12'), ...common);
      k('-genseckey', '-alias', 'aes', '-keyalg', 'AES', '-keysize', '128', '-keystore', f('kt-modern.p12'), ...common);
      k('-J-Dkeystore.pkcs12.legacy', '-genkeypair', '-alias', 'legacy', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=keytool legacy', '-validity', '30', '-keystore', f('kt-legacy.p12'), ...common);
      modern = readFileSync(f('kt-modern.p12'));
      legacy = readFileSync(f('kt-legacy.p12'));
    });

    /** The client certificate (the one with a localKeyId) and its localKeyId, via openssl. */
    const clientCert = (file: string, ...extra: string[]) => {
      const out = run(openssl, ['pkcs12', ...extra, '-in', f(file), '-nokeys', '-clcerts', '-passin', `pass:${PASS}`]);
      // openssl prints "Bag Attributes" blocks, each followed by its bag (a secret bag's too):
      // take the block holding the client certificate.
      const block = out.split('Bag Attributes').find((b) => b.includes('BEGIN CERTIFICATE'))!;
      const id = /localKeyID: ([0-9A-F ]+)/.exec(block)![1]!.trim().split(' ').map((h) => parseInt(h, 16));
      return { der: pemBody(block, 'CERTIFICATE'), localKeyId: Buffer.from(id).toString('latin1') };
    };

    it('JDK 17 default: private key, trusted certificate and secret key', () => {
      const client = clientCert('kt-modern.p12');
      expect(client.localKeyId).toMatch(/^Time \d+$/);
      const ks = readPkcs12(modern, { storePassword: PASS });
      expect(ks.type).toBe('pkcs12');
      expect(ks.entries.map((e) => [e.kind, e.alias])).toEqual([
        // In the order of the bags: keytool puts keys and secret keys in the first safe.
        ['private-key', 'client'],
        ['secret-key', 'aes'],
        ['trusted-cert', 'root'],
      ]);
      const [key, secret, root] = ks.entries as [PrivateKeyEntry, KeyStoreEntry, KeyStoreEntry];
      expect(key.chain.map(fingerprint)).toEqual([fingerprint(client.der)]);
      expect(keyMatches(key.key!, key.chain[0]!)).toBe(true);
      expect(key.created).toEqual(new Date(Number(client.localKeyId.slice(5))));
      expect(root.kind === 'trusted-cert' && fingerprint(root.cert)).toBe(fp.root);
      expect(secret).toEqual({ kind: 'secret-key', alias: 'aes', algorithm: 'AES' });
    });

    it('JDK -J-Dkeystore.pkcs12.legacy (RC2-40 certificates, 3DES key, SHA-1 MAC, 50000/100000 iterations)', () => {
      expect(opensslInfo(f('kt-legacy.p12'), true)).toEqual([
        'MAC: sha1, Iteration 100000',
        'MAC length: 20, salt length: 20',
        'PKCS7 Data',
        'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000',
        'PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 50000',
        'Certificate bag',
      ]);
      const client = clientCert('kt-legacy.p12', '-legacy');
      const ks = readPkcs12(legacy, { storePassword: PASS });
      expect(ks.entries.map((e) => [e.kind, e.alias])).toEqual([['private-key', 'legacy']]);
      const key = ks.entries[0] as PrivateKeyEntry;
      expect(key.chain.map(fingerprint)).toEqual([fingerprint(client.der)]);
      expect(keyMatches(key.key!, key.chain[0]!)).toBe(true);
    });
  });

  describe('what certkit writes', () => {
    const client = (): PrivateKeyEntry => ({ kind: 'private-key', alias: 'client', key: leafKey, chain: [leafDer, interDer, rootDer], created: new Date(1_700_000_000_123) });
    const root = (): KeyStoreEntry => ({ kind: 'trusted-cert', alias: 'root', cert: rootDer });

    it.each(['modern', 'legacy'] as const)('%s profile: keytool lists it, openssl reads it, certkit re-reads it byte-exact', (profile) => {
      const entries = [client(), root()];
      const bytes = writePkcs12(entries, { storePassword: PASS, profile });
      const file = f(`certkit-${profile}.p12`);
      writeFileSync(file, bytes);

      expect(readPkcs12(bytes, { storePassword: PASS }).entries).toEqual(entries);

      const listed = keytoolList(file);
      expect(listed.count).toBe(2);
      expect(listed.entries).toEqual([
        { alias: 'client', type: 'PrivateKeyEntry', sha256: [fp.leaf, fp.inter, fp.root] },
        { alias: 'root', type: 'trustedCertEntry', sha256: [fp.root] },
      ]);

      const legacyFlag = profile === 'legacy' ? ['-legacy'] : [];
      // openssl verifies the MAC and decrypts: the key it extracts is ours, byte for byte.
      const keyPem = run(openssl, ['pkcs12', ...legacyFlag, '-in', file, '-nodes', '-nocerts', '-passin', `pass:${PASS}`]);
      expect(pemBody(keyPem, 'PRIVATE KEY').equals(leafKey)).toBe(true);
      const certsPem = run(openssl, ['pkcs12', ...legacyFlag, '-in', file, '-nokeys', '-passin', `pass:${PASS}`]);
      expect((certsPem.match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(3);
    });

    it('modern profile parameters are JDK 17 keytool\'s; legacy uses 3DES and a SHA-1 MAC', () => {
      const info = (profile: 'modern' | 'legacy') => {
        const file = f(`certkit-params-${profile}.p12`);
        writeFileSync(file, writePkcs12([client(), root()], { storePassword: PASS, profile }));
        return opensslInfo(file, profile === 'legacy');
      };
      expect(info('modern')).toEqual([
        'MAC: sha256, Iteration 10000',
        'MAC length: 32, salt length: 20',
        'PKCS7 Data',
        'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256',
        'PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256',
        'Certificate bag',
        'Certificate bag',
        'Certificate bag',
      ]);
      expect(info('legacy')).toEqual([
        'MAC: sha1, Iteration 100000',
        'MAC length: 20, salt length: 20',
        'PKCS7 Data',
        'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000',
        'PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000',
        'Certificate bag',
        'Certificate bag',
        'Certificate bag',
      ]);
    });

    it('a truststore (certificates only) lists as trustedCertEntry in keytool', () => {
      const entries: KeyStoreEntry[] = [root(), { kind: 'trusted-cert', alias: 'intermediate', cert: interDer }];
      const bytes = writePkcs12(entries, { storePassword: PASS });
      writeFileSync(f('certkit-trust.p12'), bytes);
      expect(keytoolList(f('certkit-trust.p12')).entries).toEqual([
        { alias: 'intermediate', type: 'trustedCertEntry', sha256: [fp.inter] },
        { alias: 'root', type: 'trustedCertEntry', sha256: [fp.root] },
      ]);
      expect(readPkcs12(bytes, { storePassword: PASS }).entries).toEqual(entries);
    });

    it.each([
      ['empty', ''],
      ['non-ASCII', 'pässwörd'],
      ['outside the BMP', 'p😀ss'],
    ])('openssl reads both profiles with an %s password (BMPString MAC, UTF-8 PBKDF2)', (_, password) => {
      for (const profile of ['modern', 'legacy'] as const) {
        const file = f(`certkit-pw-${profile}.p12`);
        writeFileSync(file, writePkcs12([client()], { storePassword: password, profile, iterations: 2048, macIterations: 2048 }));
        const out = run(openssl, ['pkcs12', ...(profile === 'legacy' ? ['-legacy'] : []), '-in', file, '-nodes', '-passin', `pass:${password}`]);
        expect(pemBody(out, 'PRIVATE KEY').equals(leafKey)).toBe(true);
        expect((out.match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(3);
        expect(readPkcs12(readFileSync(file), { storePassword: password }).entries).toEqual([client()]);
      }
    });

    it.skipIf(!haveTools('java'))('the JDK KeyStore API loads both profiles and recovers the key with a separate key password', () => {
      // One JVM for all stores: prints "alias algorithm base64(key.getEncoded()) chainLength".
      writeFileSync(f('P12Check.java'), [
        'import java.io.FileInputStream; import java.security.*; import java.util.*;',
        'public class P12Check { public static void main(String[] a) throws Exception {',
        '  for (int i = 0; i < a.length; i += 3) {',
        '    KeyStore ks = KeyStore.getInstance("PKCS12");',
        '    try (FileInputStream in = new FileInputStream(a[i])) { ks.load(in, a[i + 1].toCharArray()); }',
        '    for (String alias : Collections.list(ks.aliases())) {',
        '      if (!ks.isKeyEntry(alias)) { System.out.println(alias + " trusted"); continue; }',
        '      Key k = ks.getKey(alias, a[i + 2].toCharArray());',
        '      System.out.println(alias + " " + k.getAlgorithm() + " " + Base64.getEncoder().encodeToString(k.getEncoded()) + " " + ks.getCertificateChain(alias).length);',
        '    }',
        '  }',
        '}}',
      ].join('\n'));
      // An RSA key: Java's PKCS#8 encoding of RSA keys is the same as OpenSSL's, so bytes compare.
      run(openssl, ['pkcs8', '-topk8', '-nocrypt', '-in', f('root.key'), '-outform', 'DER', '-out', f('root.p8.der')]);
      const rsaKey = readFileSync(f('root.p8.der'));
      const entry: PrivateKeyEntry = { kind: 'private-key', alias: 'rsa', key: rsaKey, chain: [rootDer] };
      const args: string[] = [];
      for (const profile of ['modern', 'legacy'] as const) {
        const file = f(`certkit-java-${profile}.p12`);
        writeFileSync(file, writePkcs12([entry], { storePassword: PASS, keyPassword: 'keypass1', profile }));
        args.push(file, PASS, 'keypass1');
      }
      const out = run(tool('java')!, [f('P12Check.java'), ...args]).trim().split('\n');
      const expected = `rsa RSA ${rsaKey.toString('base64')} 1`;
      expect(out).toEqual([expected, expected]);
    });

    it('a key password other than the store password (as the JDK API can make)', () => {
      const bytes = writePkcs12([client()], { storePassword: PASS, keyPassword: 'keypass1', randomBytes: counting });
      expect(readPkcs12(bytes, { storePassword: PASS, keyPassword: 'keypass1' }).entries).toEqual([client()]);
      const e = errorOf(() => readPkcs12(bytes, { storePassword: PASS }));
      expect([e.code, exitStatusOf(e)]).toEqual(['BAD_PASSWORD', 4]);
      expect(e.message).toBe('PKCS#12 safe 1: bag 1: private key: decryption failed (wrong password or corrupt data)');
    });
  });
});

describe('PKCS#12 writer and reader without external tools', () => {
  // A small store: one fresh P-256 key and a fixed certificate (HOSTILE_CERT), 1 iteration,
  // deterministic salts and IVs, so every truncation and byte change below is reproducible.
  let small: Buffer;
  let entries: KeyStoreEntry[];
  beforeAll(async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = privateKey.export({ type: 'pkcs8', format: 'der' });
    const cert = Buffer.from(HOSTILE_CERT, 'base64');
    entries = [
      { kind: 'private-key', alias: 'k', key, chain: [cert], created: new Date(1_700_000_000_000) },
    ];
    small = writePkcs12(entries, { storePassword: PASS, iterations: 1, macIterations: 1, randomBytes: counting });
  });

  it('round-trips keys and certificates byte-exact, with unique localKeyIds for same-millisecond keys', () => {
    expect(readPkcs12(small, { storePassword: PASS }).entries).toEqual(entries);
    const two = [entries[0]!, { ...(entries[0] as PrivateKeyEntry), alias: 'k2' }];
    const back = readPkcs12(writePkcs12(two, { storePassword: PASS, iterations: 1, macIterations: 1 }), { storePassword: PASS }).entries;
    expect(back.map((e) => [e.alias, e.created?.getTime()])).toEqual([['k', 1_700_000_000_000], ['k2', 1_700_000_000_001]]);
  });

  it('refuses to write what it cannot: duplicate aliases, missing keys, secret keys', () => {
    const e = entries[0] as PrivateKeyEntry;
    const cases: [KeyStoreEntry[], string, string][] = [
      [[e, { ...e, alias: 'K' }], 'INVALID_INPUT', "entry 2 'K': duplicate alias (PKCS#12 aliases are case-insensitive in Java)"],
      [[{ kind: 'private-key', alias: 'x', chain: e.chain }], 'INVALID_INPUT', "entry 1 'x': the private key was not read, so it cannot be written"],
      [[{ ...e, chain: [] }], 'INVALID_INPUT', "entry 1 'k': a private-key entry needs its certificate chain"],
      [[{ kind: 'secret-key', alias: 's' }], 'UNSUPPORTED', "entry 1 's': secret-key entries cannot be written (certkit does not hold secret keys)"],
    ];
    for (const [input, code, message] of cases) {
      const err = errorOf(() => writePkcs12(input, { storePassword: PASS }));
      expect([err.code, err.message]).toEqual([code, message]);
    }
    expect(errorOf(() => writePkcs12(entries, { storePassword: PASS, iterations: 5_000_001 })).code).toBe('USAGE');
  });

  describe('hostile input', () => {
    const HOSTILE_CODES = ['INVALID_INPUT', 'UNSUPPORTED', 'LIMIT_EXCEEDED', 'BAD_PASSWORD', 'INTEGRITY'];

    it('zero-length input', () => {
      const e = errorOf(() => readPkcs12(new Uint8Array(0), { storePassword: PASS }));
      expect([e.code, e.message, exitStatusOf(e)]).toEqual(['INVALID_INPUT', 'PKCS#12 PFX: empty input', 3]);
    });

    it('every truncation is INVALID_INPUT (exit 3)', () => {
      for (let n = 1; n < small.length; n++) {
        const e = errorOf(() => readPkcs12(small.subarray(0, n), { storePassword: PASS }));
        expect(e.code, `truncated to ${n}`).toBe('INVALID_INPUT');
      }
      const e = errorOf(() => readPkcs12(Buffer.concat([small, Buffer.from([0])]), { storePassword: PASS }));
      expect(e.message).toBe('PKCS#12 PFX: 1 trailing bytes after the BER structure');
    });

    it('no single-byte change succeeds', () => {
      // Every byte outside the MAC-protected authSafe content (PFX header, MacData) with three
      // masks; inside it (where any change must fail the MAC) every byte with a rotating mask.
      const [, authSafe] = sequence(parseDer(small, 'pfx'), 'pfx', 3, 3);
      const start = small.indexOf(rawDer(authSafe!)) + 24;
      const end = start + rawDer(authSafe!).length - 30;
      const seen = new Set<string>();
      for (let i = 0; i < small.length; i++) {
        const masks = i < start || i >= end ? [0x01, 0x80, 0xff] : [[0x01, 0x80, 0xff][i % 3]!];
        for (const mask of masks) {
          const b = Buffer.from(small);
          b[i]! ^= mask;
          const e = errorOf(() => readPkcs12(b, { storePassword: PASS }));
          expect(HOSTILE_CODES, `byte ${i} ^ ${mask}: ${e.message}`).toContain(e.code);
          seen.add(e.code);
        }
      }
      expect([...seen].sort()).toEqual(['BAD_PASSWORD', 'INVALID_INPUT', 'UNSUPPORTED']);
    });

    it('random input is INVALID_INPUT', () => {
      let seed = 12345;
      const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      for (let i = 0; i < 200; i++) {
        const b = Buffer.from(Array.from({ length: 1 + (i * 37) % 3000 }, next));
        if (i % 2 === 0) b[0] = 0x30; // looks like a SEQUENCE
        const e = errorOf(() => readPkcs12(b, { storePassword: PASS }));
        expect(e.code).toBe('INVALID_INPUT');
      }
    });

    it('a wrong password is BAD_PASSWORD', () => {
      const e = errorOf(() => readPkcs12(small, { storePassword: 'changeiT' }));
      expect([e.code, exitStatusOf(e)]).toEqual(['BAD_PASSWORD', 4]);
    });

    /** Rebuilds `small` with its MacData's parts replaced. */
    const withMac = (edit: (parts: { alg: Buffer; digest: Buffer; salt: Buffer; iter: Buffer }) => Buffer) => {
      const [version, authSafe, macData] = sequence(parseDer(small, 'pfx'), 'pfx', 3, 3);
      const [digestInfo, salt, iter] = sequence(macData!, 'mac', 3, 3);
      const [alg, digest] = sequence(digestInfo!, 'digestInfo', 2, 2);
      const mac = edit({ alg: rawDer(alg!), digest: rawDer(digest!), salt: rawDer(salt!), iter: rawDer(iter!) });
      return der.sequence(rawDer(version!), rawDer(authSafe!), mac);
    };

    it('a MAC claiming 2^31 iterations is refused before any work (LIMIT_EXCEEDED, exit 3)', () => {
      const bytes = withMac((m) => der.sequence(der.sequence(m.alg, m.digest), m.salt, der.integer(2 ** 31)));
      const e = errorOf(() => readPkcs12(bytes, { storePassword: PASS }));
      expect([e.code, e.message, exitStatusOf(e)]).toEqual([
        'LIMIT_EXCEEDED', "PKCS#12 MAC: iteration count 2147483648 is more than certkit's limit of 1000000 for a MAC", 3]);
    });

    it('unknown MAC algorithms are UNSUPPORTED; PBMAC1 without its parameters INVALID_INPUT', () => {
      const mac = (oid: string) => withMac((m) => der.sequence(der.sequence(der.algorithmIdentifier(oid, der.nullValue()), m.digest), m.salt, m.iter));
      const e1 = errorOf(() => readPkcs12(mac('1.2.840.113549.2.5'), { storePassword: PASS }));
      expect([e1.code, e1.message]).toEqual(['UNSUPPORTED', 'PKCS#12 MAC: MAC digest algorithm 1.2.840.113549.2.5 is not supported']);
      const e2 = errorOf(() => readPkcs12(mac('1.2.840.113549.1.5.14'), { storePassword: PASS }));
      expect([e2.code, e2.message]).toEqual(['INVALID_INPUT', 'PKCS#12 MAC: PBMAC1 parameters: expected SEQUENCE, found NULL']);
    });
  });

  describe('PBMAC1 (RFC 9579)', () => {
    const a1 = Buffer.from(RFC9579_A1, 'base64');

    it('verifies the RFC 9579 A.1 example and reads its key and certificate', () => {
      const ks = readPkcs12(a1, { storePassword: '1234' });
      expect(ks.entries.map((e) => [e.kind, e.alias])).toEqual([['private-key', '1']]);
      const e = ks.entries[0] as PrivateKeyEntry;
      expect(e.chain.length).toBe(1);
      expect(keyMatches(e.key!, e.chain[0]!)).toBe(true);
      expect(new X509Certificate(e.chain[0]!).subject).toBe('C=XX\nST=qq\nL=ww\nO=ee\nOU=rr\nCN=tt');
      const bad = errorOf(() => readPkcs12(a1, { storePassword: '12345' }));
      expect([bad.code, bad.message]).toEqual(['BAD_PASSWORD', 'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered']);
    });

    /** A.1 with its PBMAC1 PBKDF2 iteration count replaced (A.4 of the RFC uses 2049). */
    const withPbmac1Iterations = (n: number) => {
      const i = a1.indexOf(Buffer.from('020208000201200c', 'hex').subarray(0, 7), 2500);
      expect(i).toBeGreaterThan(0);
      const copy = Buffer.from(a1);
      copy.writeUInt16BE(n, i + 2);
      return copy;
    };

    it('refuses A.1 with a changed iteration count (RFC 9579 A.4) and limits the count before deriving', () => {
      expect(errorOf(() => readPkcs12(withPbmac1Iterations(2049), { storePassword: '1234' })).code).toBe('BAD_PASSWORD');
      const [version, authSafe, macData] = sequence(parseDer(a1, 'a1'), 'a1', 3, 3);
      const [digestInfo, salt, iter] = sequence(macData!, 'mac', 3, 3);
      const [, digest] = sequence(digestInfo!, 'digestInfo', 2, 2);
      const pbkdf2 = der.algorithmIdentifier('1.2.840.113549.1.5.12', der.sequence(
        der.octetString(Buffer.alloc(8)), der.integer(2 ** 31), der.integer(32), der.algorithmIdentifier('1.2.840.113549.2.9', der.nullValue())));
      const alg = der.algorithmIdentifier('1.2.840.113549.1.5.14', der.sequence(pbkdf2, der.algorithmIdentifier('1.2.840.113549.2.9', der.nullValue())));
      const huge = der.sequence(rawDer(version!), rawDer(authSafe!), der.sequence(der.sequence(alg, rawDer(digest!)), rawDer(salt!), rawDer(iter!)));
      const e = errorOf(() => readPkcs12(huge, { storePassword: '1234' }));
      expect([e.code, e.message]).toEqual(['LIMIT_EXCEEDED', "PKCS#12 MAC: PBMAC1: iteration count 2147483648 is more than certkit's limit of 1000000 for a MAC"]);
    });

    /** A MAC-less PFX whose one safe is encryptedData under `algorithm`. */
    const encryptedSafe = (algorithm: Buffer) => {
      const ed = der.sequence(der.integer(0), der.sequence(der.objectIdentifier('1.2.840.113549.1.7.1'), algorithm, der.implicitOctets(0, Buffer.alloc(32))));
      const ci = der.sequence(der.objectIdentifier('1.2.840.113549.1.7.6'), der.explicit(0, ed));
      const authSafe = der.sequence(der.objectIdentifier('1.2.840.113549.1.7.1'), der.explicit(0, der.octetString(der.sequence(ci))));
      return der.sequence(der.integer(3), authSafe);
    };

    it('an encrypted safe with 2^31 PBE iterations or an unknown cipher is refused', () => {
      const huge = encryptedSafe(der.algorithmIdentifier('1.2.840.113549.1.12.1.3', der.sequence(der.octetString(Buffer.alloc(8)), der.integer(2 ** 31))));
      const e1 = errorOf(() => readPkcs12(huge, { storePassword: PASS, allowMissingMac: true }));
      expect([e1.code, e1.message]).toEqual(['LIMIT_EXCEEDED', "PKCS#12 safe 1: encrypted safe: iteration count 2147483648 is more than certkit's limit of 5000000"]);
      const unknown = encryptedSafe(der.algorithmIdentifier('1.2.3.4', der.nullValue()));
      const e2 = errorOf(() => readPkcs12(unknown, { storePassword: PASS, allowMissingMac: true }));
      expect([e2.code, e2.message]).toEqual(['UNSUPPORTED', 'PKCS#12 safe 1: encrypted safe: encryption algorithm 1.2.3.4 is not supported']);
      // Without allowMissingMac the missing MAC is reported first.
      expect(errorOf(() => readPkcs12(huge, { storePassword: PASS })).code).toBe('INTEGRITY');
    });

    /** A MAC-less PFX with one unencrypted safe holding `bags`. */
    const plainSafe = (...bags: Buffer[]) => {
      const safe = der.sequence(der.objectIdentifier('1.2.840.113549.1.7.1'), der.explicit(0, der.octetString(der.sequence(...bags))));
      const authSafe = der.sequence(der.objectIdentifier('1.2.840.113549.1.7.1'), der.explicit(0, der.octetString(der.sequence(safe))));
      return der.sequence(der.integer(3), authSafe);
    };
    const cert = () => Buffer.from(HOSTILE_CERT, 'base64');
    const bag = (oid: string, value: Buffer, ...attrs: Buffer[]) =>
      der.sequence(der.objectIdentifier(oid), der.explicit(0, value), ...(attrs.length > 0 ? [der.setOf(...attrs)] : []));
    const certBag = (type = '1.2.840.113549.1.9.22.1') =>
      bag('1.2.840.113549.1.12.10.1.3', der.sequence(der.objectIdentifier(type), der.explicit(0, der.octetString(cert()))));
    const nested = (depth: number): Buffer =>
      depth === 0 ? certBag() : bag('1.2.840.113549.1.12.10.1.6', der.sequence(nested(depth - 1)));
    const read = (bytes: Buffer) => readPkcs12(bytes, { storePassword: PASS, allowMissingMac: true });

    it('reads nested SafeContents up to two levels, refuses deeper nesting', () => {
      expect(read(plainSafe(nested(2))).entries).toEqual([{ kind: 'trusted-cert', alias: '1', cert: cert() }]);
      const e = errorOf(() => read(plainSafe(nested(3))));
      expect([e.code, e.message]).toEqual(['LIMIT_EXCEEDED', 'PKCS#12 safe 1: bag 1: bag 1: bag 1: SafeContents nested more than 2 deep']);
    });

    it('names unsupported bag types, certificate types and content types', () => {
      const e1 = errorOf(() => read(plainSafe(bag('1.2.3.4', der.nullValue()))));
      expect([e1.code, e1.message]).toEqual(['UNSUPPORTED', 'PKCS#12 safe 1: bag 1: bag type 1.2.3.4 is not supported']);
      const e2 = errorOf(() => read(plainSafe(certBag('1.2.840.113549.1.9.22.2'))));
      expect([e2.code, e2.message]).toEqual(['UNSUPPORTED', 'PKCS#12 safe 1: bag 1: certificate type 1.2.840.113549.1.9.22.2 is not supported (only X.509)']);
      const signed = der.sequence(der.integer(3), der.sequence(der.objectIdentifier('1.2.840.113549.1.7.2'), der.explicit(0, der.sequence())));
      const e3 = errorOf(() => read(signed));
      expect([e3.code, e3.message]).toEqual(['UNSUPPORTED', 'PKCS#12 authSafe: public-key integrity mode (signedData) is not supported; only password integrity']);
    });

    it('a certificate bag that is not a certificate is INVALID_INPUT', () => {
      const notCert = bag('1.2.840.113549.1.12.10.1.3', der.sequence(der.objectIdentifier('1.2.840.113549.1.9.22.1'), der.explicit(0, der.octetString(der.sequence(der.integer(1))))));
      const e = errorOf(() => read(plainSafe(notCert)));
      expect([e.code, e.message]).toEqual(['INVALID_INPUT', 'PKCS#12 safe 1: bag 1: not a valid X.509 certificate']);
    });

    it('a PFX version other than 3 is UNSUPPORTED', () => {
      const [, authSafe, macData] = sequence(parseDer(small, 'pfx'), 'pfx', 3, 3);
      const e = errorOf(() => readPkcs12(der.sequence(der.integer(2), rawDer(authSafe!), rawDer(macData!)), { storePassword: PASS }));
      expect([e.code, e.message]).toEqual(['UNSUPPORTED', 'PKCS#12 version 2 is not supported (expected 3)']);
    });
  });
});

// CN=hostile, self-signed P-256 certificate (any fixed certificate works; its key is not used).
const HOSTILE_CERT =
  'MIIBejCCAR+gAwIBAgIUV6iqZgoX0UEEmiR9P+PTwf0/6X0wCgYIKoZIzj0EAwIwEjEQMA4GA1UEAwwHaG9zdGlsZTAeFw0yNjExMjMxMDQ5MjRaFw0zNjExMjAxMDQ5MjRaMBIxEDAOBgNVBAMMB2hvc3RpbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQujl6AvnxcxBadM5pqJ46VcvXBggLQzYcACVHBkmTEliI1QfdDov1nlXMKAFf2bBMMLz6Sefq+/8R3x4eilVRio1MwUTAdBgNVHQ4EFgQUeMM9hCU131gAVCkcuwQavlFd38gwHwYDVR0jBBgwFoAUeMM9hCU131gAVCkcuwQavlFd38gwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAsIO3z0fc1KU4TvzzbYhKEZX1J9uz4P0lRla5uXJglzUCIQCJLmEWlrwCH8+C+4SKgIQ5tnRtbq+x1GgbmHiPnWiS/g==';

// RFC 9579 Appendix A.1: "Valid PKCS #12 File with SHA-256 HMAC and PRF", password "1234"
// (also in OpenJDK's test/jdk/sun/security/pkcs12/PBMAC1Encoding.java).
const RFC9579_A1 = [
  'MIIKigIBAzCCCgUGCSqGSIb3DQEHAaCCCfYEggnyMIIJ7jCCBGIGCSqGSIb3DQEH',
  'BqCCBFMwggRPAgEAMIIESAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqG',
  'SIb3DQEFDDAcBAg9pxXxY2yscwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQME',
  'ASoEEK7yYaFQDi1pYwWzm9F/fs+AggPgFIT2XapyaFgDppdvLkdvaF3HXw+zjzKb',
  '7xFC76DtVPhVTWVHD+kIss+jsj+XyvMwY0aCuAhAG/Dig+vzWomnsqB5ssw5/kTb',
  '+TMQ5PXLkNeoBmB6ArKeGc/QmCBQvQG/a6b+nXSWmxNpP+71772dmWmB8gcSJ0kF',
  'Fj75NrIbmNiDMCb71Q8gOzBMFf6BpXf/3xWAJtxyic+tSNETfOJa8zTZb0+lV0w9',
  '5eUmDrPUpuxEVbb0KJtIc63gRkcfrPtDd6Ii4Zzbzj2Evr4/S4hnrQBsiryVzJWy',
  'IEjaD0y6+DmG0JwMgRuGi1wBoGowi37GMrDCOyOZWC4n5wHLtYyhR6JaElxbrhxP',
  'H46z2USLKmZoF+YgEQgYcSBXMgP0t36+XQocFWYi2N5niy02TnctwF430FYsQlhJ',
  'Suma4I33E808dJuMv8T/soF66HsD4Zj46hOf4nWmas7IaoSAbGKXgIa7KhGRJvij',
  'xM3WOX0aqNi/8bhnxSA7fCmIy/7opyx5UYJFWGBSmHP1pBHBVmx7Ad8SAsB9MSsh',
  'nbGjGiUk4h0QcOi29/M9WwFlo4urePyI8PK2qtVAmpD3rTLlsmgzguZ69L0Q/CFU',
  'fbtqsMF0bgEuh8cfivd1DYFABEt1gypuwCUtCqQ7AXK2nQqOjsQCxVz9i9K8NDeD',
  'aau98VAl0To2sk3/VR/QUq0PRwU1jPN5BzUevhE7SOy/ImuJKwpGqqFljYdrQmj5',
  'jDe+LmYH9QGVRlfN8zuU+48FY8CAoeBeHn5AAPml0PYPVUnt3/jQN1+v+CahNVI+',
  'La8q1Nen+j1R44aa2I3y/pUgtzXRwK+tPrxTQbG030EU51LYJn8amPWmn3w75ZIA',
  'MJrXWeKj44de7u4zdUsEBVC2uM44rIHM8MFjyYAwYsey0rcp0emsaxzar+7ZA67r',
  'lDoXvvS3NqsnTXHcn3T9tkPRoee6L7Dh3x4Od96lcRwgdYT5BwyH7e34ld4VTUmJ',
  'bDEq7Ijvn4JKrwQJh1RCC+Z/ObfkC42xAm7G010u3g08xB0Qujpdg4a7VcuWrywF',
  'c7hLNquuaF4qoDaVwYXHH3iuX6YlJ/3siTKbYCVXPEZOAMBP9lF/OU76UMJBQNfU',
  '0xjDx+3AhUVgnGuCsmYlK6ETDp8qOZKGyV0KrNSGtqLx3uMhd7PETeW+ML3tDQ/0',
  'X9fMkcZHi4C2fXnoHV/qa2dGhBj4jjQ0Xh1poU6mxGn2Mebe2hDsBZkkBpnn7pK4',
  'wP/VqXdQTwqEuvzGHLVFsCuADe40ZFBmtBrf70wG7ZkO8SUZ8Zz1IX3+S024g7yj',
  'QRev/6x6TtkwggWEBgkqhkiG9w0BBwGgggV1BIIFcTCCBW0wggVpBgsqhkiG9w0B',
  'DAoBAqCCBTEwggUtMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhTxzw+',
  'VptrYAICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEK9nSqc1I2t4tMVG',
  'bWHpdtQEggTQzCwI7j34gCTvfj6nuOSndAjShGv7mN2j7WMV0pslTpq2b9Bn3vn1',
  'Y0JMvL4E7sLrUzNU02pdOcfCnEpMFccNv2sQrLp1mOCKxu8OjSqHZLoKVL0ROVsZ',
  '8dMECLLigDlPKRiSyLErl14tErX4/zbkUaWMROO28kFbTbubQ8YoHlRUwsKW1xLg',
  'vfi0gRkG/zHXRfQHjX/8NStv7hXlehn7/Gy2EKPsRFhadm/iUHAfmCMkMgHTU248',
  'JER9+nsXltd59H+IeDpj/kbxZ+YvHow9XUZKu828d3MQnUpLZ1BfJGhMBPVwbVUD',
  'A40CiQBVdCoGtPJyalL28xoS3H0ILFCnwQOr6u0HwleNJPGHq78HUyH6Hwxnh0b0',
  '5o163r6wTFZn5cMOxpbs/Ttd+3TrxmrYpd2XnuRme3cnaYJ0ILvpc/8eLLR7SKjD',
  'T4JhZ0h/CfcV2WWvhpQugkY0pWrZ+EIMneB1dZB96mJVLxOi148OeSgi0PsxZMNi',
  'YM33rTpwQT5WqOsEyDwUQpne5b8Kkt/s7EN0LJNnPyJJRL1LcqOdr6j+6YqRtPa7',
  'a9oWJqMcuTP+bqzGRJh+3HDlFBw2Yzp9iadv4KmB2MzhStLUoi2MSjvnnkkd5Led',
  'sshAd6WbKfF7kLAHQHT4Ai6dMEO4EKkEVF9JBtxCR4JEn6C98Lpg+Lk+rfY7gHOf',
  'ZxtgGURwgXRY3aLUrdT55ZKgk3ExVKPzi5EhdpAau7JKhpOwyKozAp/OKWMNrz6h',
  'obu2Mbn1B+IA60psYHHxynBgsJHv7WQmbYh8HyGfHgVvaA8pZCYqxxjpLjSJrR8B',
  'Bu9H9xkTh7KlhxgreXYv19uAYbUd95kcox9izad6VPnovgFSb+Omdy6PJACPj6hF',
  'W6PJbucP0YPpO0VtWtQdZZ3df1P0hZ7qvKwOPFA+gKZSckgqASfygiP9V3Zc8jIi',
  'wjNzoDM2QT+UUJKiiGYXJUEOO9hxzFHlGj759DcNRhpgl5AgR57ofISD9yBuCAJY',
  'PQ/aZHPFuRTrcVG3RaIbCAS73nEznKyFaLOXfzyfyaSmyhsH253tnyL1MejC+2bR',
  'Eko/yldgFUxvU5JI+Q3KJ6Awj+PnduHXx71E4UwSuu2xXYMpxnQwI6rroQpZBX82',
  'HhqgcLV83P8lpzQwPdHjH5zkoxmWdC0+jU/tcQfNXYpJdyoaX7tDmVclLhwl9ps/',
  'O841pIsNLJWXwvxG6B+3LN/kw4QjwN194PopiOD7+oDm5mhttO78CrBrRxHMD/0Q',
  'qniZjKzSZepxlZq+J792u8vtMnuzzChxu0Bf3PhIXcJNcVhwUtr0yKe/N+NvC0tm',
  'p8wyik/BlndxN9eKbdTOi2wIi64h2QG8nOk66wQ/PSIJYwZl6eDNEQSzH/1mGCfU',
  'QnUT17UC/p+Qgenf6Auap2GWlvsJrB7u/pytz65rtjt/ouo6Ih6EwWqwVVpGXZD0',
  '7gVWH0Ke/Vr6aPGNvkLcmftPuDZsn9jiig3guhdeyRVf10Ox369kKWcG75q77hxE',
  'IzSzDyUlBNbnom9SIjut3r+qVYmWONatC6q/4D0I42Lnjd3dEyZx7jmH3g/S2ASM',
  'FzWr9pvXc61dsYOkdZ4PYa9XPUZxXFagZsoS3F1sU799+IJVU0tC0MExJTAjBgkq',
  'hkiG9w0BCRUxFgQUwWO5DorvVWYF3BWUmAw0rUEajScwfDBtMEkGCSqGSIb3DQEF',
  'DjA8MCwGCSqGSIb3DQEFDDAfBAhvRzw4sC4xcwICCAACASAwDAYIKoZIhvcNAgkF',
  'ADAMBggqhkiG9w0CCQUABCB6pW2FOdcCNj87zS64NUXG36K5aXDnFHctIk5Bf4kG',
  '3QQITk9UIFVTRUQCAQE=',
].join('');
