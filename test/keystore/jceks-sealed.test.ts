/**
 * JCEKS secret-key entries in every sealed-object form that matters (crafted bytes, jceks-craft.ts):
 * those the JDK reads are read, with their algorithm; those it cannot read are reported
 * `unreadable` with the reason, the same in the library model, `keystore list` and
 * `keystore list --json`. The JDK 17 KeyStore API (what keytool runs) judges each form.
 *
 * | id  | sealed object                                         | JDK 17            | certkit                        |
 * |-----|-------------------------------------------------------|-------------------|--------------------------------|
 * | K1  | as keytool -genseckey writes it                       | reads AES         | AES                            |
 * | K2  | sealAlg "Blowfish" (the JDK ignores it)               | reads AES         | AES                            |
 * | K3  | sealAlg null                                          | reads AES         | AES                            |
 * | K4  | paramsAlg "AES" (the JDK ignores it)                  | reads AES         | AES                            |
 * | K5  | paramsAlg null                                        | reads AES         | AES                            |
 * | U1  | a plain javax.crypto.SealedObject                     | refuses the store | unreadable, without a password |
 * | U2  | no PBE parameters                                     | cannot read       | unreadable, without a password |
 * | U3  | no encrypted content                                  | cannot read       | unreadable, without a password |
 * | U4  | 7 bytes of encrypted content                          | cannot read       | unreadable, without a password |
 * | U5  | a 7-byte salt                                         | cannot read       | unreadable, without a password |
 * | U6  | 5,000,001 iterations (no KDF work is done)            | cannot read       | unreadable, without a password |
 * | U7  | sealed content of another class, with an "algorithm"  | cannot read       | unreadable once opened         |
 * | U8  | sealed content that is a String                       | cannot read       | unreadable once opened         |
 * | W1  | as keytool writes it, under another key password      | wrong password    | neither (not opened)           |
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { readJceks } from '../../src/keystore/jceks.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, tool } from '../support/tools.js';
import { jceksOfSecrets, keytoolSealed, pbeParameters, sealedObjectStream, sealWithPbe, secretKeySpecStream } from './jceks-craft.js';
import { runUtf8 } from './keytool-list.js';

const PW = 'craft-pass';
const aes = secretKeySpecStream('AES', Buffer.alloc(16, 7));
const salt = Buffer.from('0102030405060708', 'hex');
const good = keytoolSealed(aes, PW);

const FORMS: readonly { id: string; stream: Buffer; jdk: string; model: { algorithm?: string; unreadable?: string }; needsPassword?: boolean }[] = [
  { id: 'K1', stream: sealedObjectStream(good), jdk: 'OK AES', model: { algorithm: 'AES' } },
  { id: 'K2', stream: sealedObjectStream({ ...good, sealAlg: 'Blowfish' }), jdk: 'OK AES', model: { algorithm: 'AES' } },
  { id: 'K3', stream: sealedObjectStream({ ...good, sealAlg: null }), jdk: 'OK AES', model: { algorithm: 'AES' } },
  { id: 'K4', stream: sealedObjectStream({ ...good, paramsAlg: 'AES' }), jdk: 'OK AES', model: { algorithm: 'AES' } },
  { id: 'K5', stream: sealedObjectStream({ ...good, paramsAlg: null }), jdk: 'OK AES', model: { algorithm: 'AES' } },
  {
    id: 'U1',
    stream: sealedObjectStream({ ...good, className: 'javax.crypto.SealedObject' }),
    jdk: 'LOAD java.io.IOException: Invalid secret key format',
    model: { unreadable: 'sealed as a javax.crypto.SealedObject, which keytool refuses (with the whole store: "Invalid secret key format")' },
  },
  {
    id: 'U2',
    stream: sealedObjectStream({ ...good, encodedParams: null }),
    jdk: 'FAIL java.security.UnrecoverableKeyException: Cannot get algorithm parameters',
    model: { unreadable: 'the sealed object has no PBE parameters' },
  },
  {
    id: 'U3',
    stream: sealedObjectStream({ ...good, encryptedContent: null }),
    jdk: 'FAIL java.lang.IllegalArgumentException: Null input buffer',
    model: { unreadable: 'the sealed object has no encrypted content' },
  },
  {
    id: 'U4',
    stream: sealedObjectStream({ ...good, encryptedContent: Buffer.alloc(7) }),
    jdk: 'FAIL java.security.UnrecoverableKeyException: Input length must be multiple of 8 when decrypting with padded cipher',
    model: { unreadable: 'the encrypted content of 7 bytes is not a whole number of 3DES blocks' },
  },
  {
    id: 'U5',
    stream: sealedObjectStream({ ...good, encodedParams: pbeParameters(salt.subarray(0, 7), 20), encryptedContent: sealWithPbe(aes, PW, salt, 20) }),
    jdk: 'FAIL java.security.UnrecoverableKeyException: Salt must be 8 bytes long',
    model: { unreadable: 'PBE parameters: salt must be 8 bytes, not 7' },
  },
  {
    id: 'U6',
    stream: sealedObjectStream({ ...good, encodedParams: pbeParameters(salt, 5_000_001) }),
    jdk: 'FAIL java.security.UnrecoverableKeyException: PBE iteration count too large',
    model: { unreadable: 'PBE parameters: iteration count 5000001 is more than the 5000000 the JDK allows' },
  },
  {
    id: 'U7',
    stream: sealedObjectStream(keytoolSealed(secretKeySpecStream('AES', Buffer.alloc(16, 7), 'com.example.NotAKey'), PW)),
    jdk: 'FAIL java.security.UnrecoverableKeyException: com.example.NotAKey',
    model: { unreadable: 'the sealed content is a com.example.NotAKey, not a SecretKeySpec or KeyRep' },
    needsPassword: true,
  },
  {
    id: 'U8',
    stream: sealedObjectStream(keytoolSealed(Buffer.from('aced0005740003414553', 'hex'), PW)),
    jdk: 'FAIL java.lang.ClassCastException',
    model: { unreadable: 'the sealed content is not a key object' },
    needsPassword: true,
  },
  { id: 'W1', stream: sealedObjectStream(keytoolSealed(aes, 'another-pass')), jdk: 'FAIL java.security.UnrecoverableKeyException', model: {} },
];

/** Loads each store with the JDK's JCEKS KeyStore and asks it for the one key, as keytool does. */
const JDK_GET_KEY = `import java.io.*; import java.security.*;
public class GetKey { public static void main(String[] a) throws Exception {
  for (int i = 1; i < a.length; i++) {
    KeyStore ks = KeyStore.getInstance("JCEKS");
    try (InputStream in = new FileInputStream(a[i])) { ks.load(in, a[0].toCharArray()); }
    catch (Exception e) { System.out.println("LOAD " + e); continue; }
    String alias = ks.aliases().nextElement();
    try { System.out.println("OK " + ks.getKey(alias, a[0].toCharArray()).getAlgorithm()); }
    catch (Exception e) { System.out.println("FAIL " + e); }
  }
}}`;

const store = jceksOfSecrets(FORMS.map((f) => [f.id.toLowerCase(), f.stream] as const), PW);

/** What a listing (no key opened) knows of each form: only what its structure says. */
const unopened = (f: (typeof FORMS)[number]) => (f.needsPassword === true || f.model.unreadable === undefined ? {} : { unreadable: f.model.unreadable });
const created = new Date(1_767_225_600_000);

describe('JCEKS sealed secret keys: read as the JDK reads them, or unreadable with the reason', () => {
  const dir = tempDir('certkit-jceks-sealed-');
  const path = join(dir, 'sealed-forms.jceks');
  beforeAll(() => writeFileSync(path, store));

  it('the library model, with the key password and without (keys: false)', () => {
    expect(readJceks(store, { storePassword: PW }).entries).toEqual(
      FORMS.map((f) => ({ kind: 'secret-key', alias: f.id.toLowerCase(), ...f.model, created })),
    );
    expect(readJceks(store, { storePassword: PW, keys: false }).entries).toEqual(
      FORMS.map((f) => ({ kind: 'secret-key', alias: f.id.toLowerCase(), ...unopened(f), created })),
    );
  });

  it('keystore list and list --json say the same (the listing opens no key)', async () => {
    const text = await runCli(['keystore', 'list', path, '--storepass', 'env:SP'], { env: { SP: PW } });
    expect([text.status, text.stderr]).toEqual([0, '']);
    const blocks = text.stdout.split(/^(?=Alias name: )/m).slice(1);
    expect(blocks.map((b) => b.split('\n').slice(2, -1).filter((l) => l !== '' && !l.startsWith('***')))).toEqual(
      FORMS.map((f) => ['Entry type: SecretKeyEntry', ...Object.values(unopened(f)).map((why) => `Unreadable: ${why}`)]),
    );
    const json = await runCli(['keystore', 'list', path, '--storepass', 'env:SP', '--json'], { env: { SP: PW } });
    expect([json.status, json.stderr]).toEqual([0, '']);
    expect((JSON.parse(json.stdout) as { entries: unknown[] }).entries).toEqual(
      FORMS.map((f) => ({
        alias: f.id.toLowerCase(),
        kind: 'secret-key',
        keyAlgorithm: null,
        ...unopened(f),
        created: '2026-01-01T00:00:00.000Z', // the date jceksOfSecrets stores
        chain: [],
      })),
    );
  });

  it.skipIf(!haveTools('java'))('the JDK 17 KeyStore API (keytool) reads exactly the forms certkit reads', () => {
    const files = FORMS.map((f) => {
      const file = join(dir, `${f.id}.jceks`);
      writeFileSync(file, jceksOfSecrets([[f.id.toLowerCase(), f.stream]], PW));
      return file;
    });
    const src = join(dir, 'GetKey.java');
    writeFileSync(src, JDK_GET_KEY);
    const verdicts = runUtf8(tool('java')!, [src, PW, ...files]).trim().split('\n');
    expect(FORMS.map((f, i) => [f.id, verdicts[i]!.startsWith(f.jdk)])).toEqual(FORMS.map((f) => [f.id, true]));
    expect(FORMS.map((f, i) => [f.id, verdicts[i]!.startsWith('OK'), f.model.algorithm !== undefined])).toEqual(
      FORMS.map((f) => [f.id, f.model.algorithm !== undefined, f.model.algorithm !== undefined]),
    );
  });
});
