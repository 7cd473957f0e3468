/**
 * `keystore export --alias A --keypass P` decrypts only entry A's key, as
 * `keytool -importkeystore -srcalias A -srckeypass P` does: another entry under another key
 * password is no obstacle. The stores are made in the test by the real tools: keytool makes a JKS
 * with two key entries under different key passwords, and the JDK's KeyStore API (keytool cannot)
 * copies them into a PKCS#12 keeping each entry's own key password. The Java program also prints
 * each key's PKCS#8 encoding, the value the exported PEM must hold.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { readKeyStore } from '../../src/keystore/keystore.js';
import { decodePemAll } from '../../src/pem.js';
import { keytoolFingerprint, parseKeytoolList, runUtf8 } from '../keystore/keytool-list.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, tool } from '../support/tools.js';

const STOREPASS = 'two-passwords-store';
const KEYPASS = { alpha: 'alpha-key-pass', beta: 'beta-key-pass' } as const;
const env = { SP: STOREPASS, KA: KEYPASS.alpha, KB: KEYPASS.beta };

/** Loads the JKS, prints "alias base64(PKCS#8)" per key, writes the PKCS#12 with each key's own password. */
const COPY_TO_PKCS12 = `import java.io.*; import java.security.*; import java.security.cert.Certificate; import java.util.Base64;
public class CopyToPkcs12 { public static void main(String[] a) throws Exception {
  char[] sp = a[2].toCharArray();
  KeyStore jks = KeyStore.getInstance("JKS");
  try (InputStream in = new FileInputStream(a[0])) { jks.load(in, sp); }
  KeyStore p12 = KeyStore.getInstance("PKCS12");
  p12.load(null, null);
  for (int i = 3; i < a.length; i += 2) {
    char[] kp = a[i + 1].toCharArray();
    Key k = jks.getKey(a[i], kp);
    Certificate[] chain = jks.getCertificateChain(a[i]);
    p12.setKeyEntry(a[i], k, kp, chain);
    System.out.println(a[i] + " " + Base64.getEncoder().encodeToString(k.getEncoded()));
  }
  try (OutputStream out = new FileOutputStream(a[1])) { p12.store(out, sp); }
}}`;

/** A PKCS#8 key as OpenSSL re-encodes it: the same key whatever optional fields the encoder kept. */
const pkcs8 = (der: Buffer) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' });

describe.skipIf(!haveTools('keytool', 'java'))('keystore export --alias with entries under different key passwords', () => {
  const dir = tempDir('certkit-export-alias-');
  const jks = join(dir, 'two-keypasses.jks');
  const p12 = join(dir, 'two-keypasses.p12');
  const javaKeys = new Map<string, Buffer>();
  /** The chains' SHA-256 fingerprints as keytool lists them, alpha then beta. */
  let chains: string[][];

  beforeAll(() => {
    const keytool = tool('keytool')!;
    for (const alias of ['alpha', 'beta'] as const) {
      runUtf8(keytool, [
        '-genkeypair', '-keystore', jks, '-storetype', 'JKS', '-storepass', STOREPASS, '-keypass', KEYPASS[alias],
        '-alias', alias, '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', `CN=${alias}`, '-validity', '30',
      ]);
    }
    const listed = parseKeytoolList(runUtf8(keytool, ['-list', '-v', '-keystore', jks, '-storepass', STOREPASS]));
    chains = ['alpha', 'beta'].map((a) => listed.find((e) => e.alias === a)!.sha256);
    const src = join(dir, 'CopyToPkcs12.java');
    writeFileSync(src, COPY_TO_PKCS12);
    const out = runUtf8(tool('java')!, [src, jks, p12, STOREPASS, 'alpha', KEYPASS.alpha, 'beta', KEYPASS.beta]);
    for (const line of out.trim().split('\n')) {
      const [alias, b64] = line.split(' ');
      javaKeys.set(alias!, Buffer.from(b64!, 'base64'));
    }
  });

  it.each([
    ['JKS made by keytool', () => jks],
    ['PKCS#12 made by the JDK KeyStore API', () => p12],
  ])('%s: each alias exports with its own key password alone, the key the JDK reads', async (_what, store) => {
    for (const [alias, kp] of [['alpha', 'env:KA'], ['BETA', 'env:KB']] as const) {
      const r = await runCli(['keystore', 'export', store(), '--storepass', 'env:SP', '--alias', alias, '--keypass', kp, '--cert-out', '-', '--key-out', '-'], { env });
      expect([alias, r.status, r.stderr]).toEqual([alias, 0, '']);
      const blocks = decodePemAll(r.stdout);
      expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
      expect(pkcs8(blocks[1]!.der).equals(pkcs8(javaKeys.get(alias.toLowerCase())!))).toBe(true);
    }
  });

  it.each([
    // A JKS key's own password: the hint names the option that gives it.
    ['JKS', () => jks, "entry 1 'beta': key password was incorrect (the protected key does not decrypt with it) (give the key's own password with --keypass)"],
    ['PKCS#12', () => p12, 'PKCS#12 safe 1: bag 2: private key: decryption failed (wrong password or corrupt data)'],
  ])('%s: the chosen entry under a wrong key password is still exit 4, naming that entry', async (_what, store, message) => {
    const r = await runCli(['keystore', 'export', store(), '--storepass', 'env:SP', '--alias', 'beta', '--keypass', 'env:KA', '--key-out', '-'], { env });
    expect(r).toEqual({ status: 4, stdout: '', stderr: `certkit: ${store()}: ${message}\n` });
  });

  it('the library decrypts only the keys the `keys` function accepts, and lists every chain as keytool does', async () => {
    for (const path of [jks, p12]) {
      const store = await readKeyStore(readFileSync(path), { storePassword: STOREPASS, keyPassword: KEYPASS.beta, keys: (a) => a === 'beta' });
      const entries = [...store.entries].sort((x, y) => x.alias.localeCompare(y.alias));
      expect(entries.map((e) => [e.alias, e.kind, e.kind === 'private-key' && e.key !== undefined])).toEqual([
        ['alpha', 'private-key', false],
        ['beta', 'private-key', true],
      ]);
      expect(entries.map((e) => (e.kind === 'private-key' ? e.chain.map(keytoolFingerprint) : []))).toEqual(chains);
    }
  });
});
