/**
 * BER-encoded PKCS#12, as NSS (Firefox exports) and BouncyCastle write it: indefinite lengths and
 * constructed OCTET STRINGs in the PFX, the authSafe and the safes. The fixtures keytool and
 * openssl made are re-encoded so (test/keystore/ber.ts), openssl and keytool are asked whether
 * the result is a valid store, and certkit must read from it exactly what it reads from the DER
 * original. What the containers carry (certificates, keys) must stay DER.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { detectKeyStoreType } from '../../src/keystore/detect.js';
import { readKeyStore } from '../../src/keystore/keystore.js';
import type { PrivateKeyEntry } from '../../src/keystore/model.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { EC_CERT, EC_PKCS8 } from '../hostile/samples.js';
import { oidTlv, outcome, tlv } from '../hostile/support.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, runStatus, tool } from '../support/tools.js';
import { berPkcs12, indefinite, segmented } from './ber.js';
import { parseKeytoolList, runUtf8 } from './keytool-list.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const fixture = (p: string) => readFileSync(join(FIXTURES, p));

/** The stores keytool and openssl made, their passwords, and whether openssl needs -legacy (RC2). */
const STORES = [
  ['pkcs12/keytool-default-rsa2048.p12', 'p12-default-pass', false],
  ['pkcs12/keytool-legacy-rsa2048.p12', 'p12-legacy-pass', true],
  ['pkcs12/keytool-trusted-only.p12', 'p12-trusted-pass', false],
  ['pkcs12/openssl-default.p12', 'openssl-pass', false],
  ['pkcs12/openssl-legacy.p12', 'openssl-pass', true],
] as const;

/** Outer only (the authSafe's DER kept, its MAC unchanged) in 7-byte segments; everything in BouncyCastle's 1000. */
const FORMS = [
  ['outer PFX, 7-byte segments', { chunk: 7, inner: false }],
  ['every container, 1000-byte segments', { chunk: 1000, inner: true }],
] as const;

const failure = (fn: () => unknown) => {
  const o = outcome(fn);
  if (o.ok) throw new Error('accepted');
  return [o.code, o.message, o.exit];
};

describe('BER-encoded PKCS#12', () => {
  const dir = tempDir('certkit-ber-');

  describe.each(STORES)('%s', (path, password, legacy) => {
    const der = fixture(path);

    it.each(FORMS)('%s: detected, read with the same entries, keys and chains as the DER original', async (_name, form) => {
      const ber = berPkcs12(der, password, form);
      expect(ber.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
      expect(detectKeyStoreType(ber)).toBe('pkcs12');
      const want = await readKeyStore(der, { storePassword: password });
      expect(await readKeyStore(ber, { storePassword: password })).toEqual(want);
      expect(await readKeyStore(ber, { storePassword: password, keys: false })).toEqual(await readKeyStore(der, { storePassword: password, keys: false }));
      expect(failure(() => readPkcs12(ber, { storePassword: `${password}-wrong` }))).toEqual([
        'BAD_PASSWORD',
        'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered',
        4,
      ]);
    });

    it.skipIf(!haveTools('openssl', 'keytool')).each(FORMS)('%s: openssl verifies its MAC and keytool lists the entries certkit reads', async (name, form) => {
      const file = join(dir, `${path.replace(/\W/g, '-')}-${form.chunk}.p12`);
      writeFileSync(file, berPkcs12(der, password, form));
      // openssl prints what it checked on stderr: the MAC first, and fails (status 1) if it does not verify.
      const info = runStatus(tool('openssl')!, ['pkcs12', ...(legacy ? ['-legacy'] : []), '-info', '-noout', '-in', file, '-passin', `pass:${password}`]);
      expect([info.status, info.stderr.split('\n')[0]], name).toEqual([0, expect.stringMatching(/^MAC: sha(1|256), Iteration \d+$/)]);
      const listed = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', password]));
      const ours = (await readKeyStore(readFileSync(file), { storePassword: password, keys: false })).entries;
      expect(ours.map((e) => e.alias.toLowerCase()).sort()).toEqual(listed.map((e) => e.alias).sort());
    });
  });

  describe('the store BouncyCastle wrote (fixtures/bouncycastle/ber-ec256.p12, see fixtures/README.md)', () => {
    const bytes = fixture('bouncycastle/ber-ec256.p12');
    const FINGERPRINT = 'CD:76:21:8A:86:B3:C3:FB:D8:69:8C:9E:DF:48:B9:62:73:54:26:CB:42:18:D9:25:E4:3F:24:0B:93:E4:AB:51';

    it('is BER throughout, and certkit reads the entry keytool lists, its key matching its certificate', async () => {
      expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
      expect(bytes.includes(Buffer.from('3080308006092a864886f70d010701a0802480', 'hex'))).toBe(true); // AuthenticatedSafe, data safe: indefinite
      const store = await readKeyStore(bytes, { storePassword: 'bc-ber-pass' });
      expect(store.entries.map((e) => [e.kind, e.alias, e.kind === 'private-key' ? e.chain.map((c) => new X509Certificate(c).fingerprint256) : []])).toEqual([
        ['private-key', 'bc-client', [FINGERPRINT]],
      ]);
      const entry = store.entries[0] as PrivateKeyEntry;
      const spki = createPublicKey(createPrivateKey({ key: entry.key!, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
      expect(spki).toEqual(new X509Certificate(entry.chain[0]!).publicKey.export({ type: 'spki', format: 'der' }));
    });

    it.skipIf(!haveTools('keytool'))('keytool lists the same alias and fingerprint', () => {
      const listed = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-storetype', 'PKCS12', '-keystore', join(FIXTURES, 'bouncycastle/ber-ec256.p12'), '-storepass', 'bc-ber-pass']));
      expect(listed).toEqual([{ alias: 'bc-client', type: 'PrivateKeyEntry', sha256: [FINGERPRINT] }]);
    });
  });

  it('the MAC is over the concatenated content octets: one byte changed inside a segment fails it', () => {
    const ber = berPkcs12(fixture('pkcs12/keytool-default-rsa2048.p12'), 'p12-default-pass', { chunk: 7, inner: false });
    // 24 80, then 9-byte segments (04 07 and 7 content bytes): byte 703 of the authSafe, inside the shrouded key's ciphertext.
    const at = ber.indexOf(Buffer.from([0x24, 0x80])) + 2 + 9 * 100 + 2 + 3;
    const altered = Buffer.from(ber);
    altered[at]! ^= 1;
    expect(failure(() => readPkcs12(altered, { storePassword: 'p12-default-pass' }))).toEqual([
      'BAD_PASSWORD',
      'PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered',
      4,
    ]);
  });

  describe('what the containers carry stays DER', () => {
    const DATA = '1.2.840.113549.1.7.1';
    /** A MAC-less BER PFX with one data safe holding `bags` (read with allowMissingMac). */
    const pfx = (...bags: Buffer[]) => {
      const safe = indefinite(0x30, oidTlv(DATA), indefinite(0xa0, segmented(indefinite(0x30, ...bags), 5)));
      return indefinite(0x30, tlv(0x02, Buffer.from([3])), indefinite(0x30, oidTlv(DATA), indefinite(0xa0, segmented(indefinite(0x30, safe), 9))));
    };
    const bag = (oid: string, value: Buffer) => indefinite(0x30, oidTlv(oid), indefinite(0xa0, value));
    const certBag = (cert: Buffer) => bag('1.2.840.113549.1.12.10.1.3', indefinite(0x30, oidTlv('1.2.840.113549.1.9.22.1'), tlv(0xa0, segmented(cert, 100))));
    const keyBag = (pkcs8: Buffer) => bag('1.2.840.113549.1.12.10.1.1', pkcs8);
    /** A DER SEQUENCE re-encoded with an indefinite outer length. */
    const outerBer = (d: Buffer) => indefinite(0x30, d.subarray(d[1]! & 0x80 ? 2 + (d[1]! & 0x7f) : 2));
    const read = (b: Buffer) => readPkcs12(b, { storePassword: '', allowMissingMac: true });

    it('a DER certificate and key in BER bags are read', () => {
      const store = read(pfx(keyBag(EC_PKCS8), certBag(EC_CERT)));
      expect(store.entries).toEqual([{ kind: 'private-key', alias: '1', key: EC_PKCS8, chain: [EC_CERT] }]);
    });

    it('a BER certificate is refused', () => {
      expect(failure(() => read(pfx(certBag(outerBer(EC_CERT)))))).toEqual([
        'INVALID_INPUT',
        'PKCS#12 safe 1: bag 1: certificate: indefinite length at byte 1 (BER, not DER)',
        3,
      ]);
    });

    it('a BER private key (unencrypted key bag) is refused', () => {
      expect(failure(() => read(pfx(keyBag(outerBer(EC_PKCS8)))))).toEqual([
        'INVALID_INPUT',
        'PKCS#12 safe 1: bag 1: PrivateKeyInfo: indefinite length at byte 1 (BER, not DER)',
        3,
      ]);
    });
  });
});
