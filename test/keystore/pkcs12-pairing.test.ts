/**
 * Keys are paired with their certificates one way, whether the keys are decrypted (export,
 * convert) or not (list): by localKeyId, preferring among certificates that share it the one
 * whose friendlyName is the key's, then by friendlyName, then keytool's single-key fallback; never
 * by public key, which only a decrypted key shows. The stores are built here with bags that
 * repeat one localKeyId; keytool judges the pairing, and the CLI's list and export must agree.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import * as der from '../../src/keystore/der-write.js';
import { readKeyStore } from '../../src/keystore/keystore.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { encryptPbe } from '../../src/keystore/pbe.js';
import { bmpPassword, pkcs12Kdf } from '../../src/keystore/pkcs12-kdf.js';
import { buildCertificate } from '../../src/x509/cert-builder.js';
import { fingerprint } from '../../src/x509/certificate.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, tool } from '../support/tools.js';
import { parseKeytoolList, runUtf8 } from './keytool-list.js';

const PASS = 'pairing-pass';
const DATA = '1.2.840.113549.1.7.1';
const fixedRandom = (n: number) => Buffer.alloc(n, 0x33);

/** A P-256 key (PKCS#8) and its self-signed certificate. */
function keyAndCert(cn: string): { pkcs8: Buffer; cert: Buffer } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cert = buildCertificate({ subject: `CN=${cn}`, publicKey: privateKey, signingKey: privateKey, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') });
  return { pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }), cert };
}

const attrs = (a: { name?: string; id?: string }) => {
  const out: Buffer[] = [];
  if (a.name !== undefined) out.push(der.sequence(der.objectIdentifier('1.2.840.113549.1.9.20'), der.setOf(der.bmpString(a.name))));
  if (a.id !== undefined) out.push(der.sequence(der.objectIdentifier('1.2.840.113549.1.9.21'), der.setOf(der.octetString(Buffer.from(a.id)))));
  return out.length === 0 ? [] : [der.setOf(...out)];
};
const shroudedBag = (pkcs8: Buffer, a: { name?: string; id?: string }) => {
  const { algorithm, ciphertext } = encryptPbe(pkcs8, PASS, { scheme: 'pbes2', prf: 'sha256', cipher: 'aes-256-cbc', iterations: 1 }, fixedRandom);
  return der.sequence(der.objectIdentifier('1.2.840.113549.1.12.10.1.2'), der.explicit(0, der.sequence(algorithm, der.octetString(ciphertext))), ...attrs(a));
};
const certBag = (cert: Buffer, a: { name?: string; id?: string }) =>
  der.sequence(
    der.objectIdentifier('1.2.840.113549.1.12.10.1.3'),
    der.explicit(0, der.sequence(der.objectIdentifier('1.2.840.113549.1.9.22.1'), der.explicit(0, der.octetString(cert)))),
    ...attrs(a),
  );

/** One data safe of `bags`, with an HMAC-SHA256 MAC (PKCS#12 KDF, one iteration) under PASS. */
function store(...bags: Buffer[]): Buffer {
  const authSafe = der.sequence(der.sequence(der.objectIdentifier(DATA), der.explicit(0, der.octetString(der.sequence(...bags)))));
  const salt = Buffer.alloc(8, 0x44);
  const mac = createHmac('sha256', pkcs12Kdf('sha256', bmpPassword(PASS, true), salt, 3, 1, 32)).update(authSafe).digest();
  const macData = der.sequence(der.sequence(der.algorithmIdentifier('2.16.840.1.101.3.4.2.1', der.nullValue()), der.octetString(mac)), der.octetString(salt), der.integer(1));
  return der.sequence(der.integer(3), der.sequence(der.objectIdentifier(DATA), der.explicit(0, der.octetString(authSafe))), macData);
}

/** Alias, kind and chain fingerprints of each entry. */
const shape = (entries: readonly KeyStoreEntry[]) =>
  entries.map((e) => [e.alias, e.kind, (e.kind === 'private-key' ? e.chain : e.kind === 'trusted-cert' ? [e.cert] : []).map((c) => fingerprint(c, 'sha256'))]);

const A = keyAndCert('pairing a');
const B = keyAndCert('pairing b');
const fp = (c: Buffer) => fingerprint(c, 'sha256');

/** Both keys and both certificates share localKeyId "X"; names tell them apart (keytool's "full match"). */
const SAME_ID = store(shroudedBag(A.pkcs8, { name: 'a', id: 'X' }), shroudedBag(B.pkcs8, { name: 'b', id: 'X' }), certBag(A.cert, { name: 'a', id: 'X' }), certBag(B.cert, { name: 'b', id: 'X' }));
/** Unnamed keys share "X", their certificates "Z": nothing pairs them but their public keys. */
const KEYS_APART = store(shroudedBag(A.pkcs8, { id: 'X' }), shroudedBag(B.pkcs8, { id: 'X' }), certBag(A.cert, { name: 'one', id: 'Z' }), certBag(B.cert, { name: 'two', id: 'Z' }));

describe('PKCS#12: one pairing of keys and certificates', () => {
  it('bags sharing one localKeyId: each key gets the certificate of its own name, whether its key is decrypted or not', async () => {
    const want = [
      ['a', 'private-key', [fp(A.cert)]],
      ['b', 'private-key', [fp(B.cert)]],
    ];
    expect(shape((await readKeyStore(SAME_ID, { storePassword: PASS, keys: false })).entries)).toEqual(want);
    expect(shape((await readKeyStore(SAME_ID, { storePassword: PASS })).entries)).toEqual(want);
  });

  it('keys whose localKeyId no certificate shares: the same entries listed and exported (not paired by public key only when decrypted)', async () => {
    const want = [
      ['1', 'private-key', []],
      ['2', 'private-key', []],
      ['one', 'trusted-cert', [fp(A.cert)]],
      ['two', 'trusted-cert', [fp(B.cert)]],
    ];
    expect(shape((await readKeyStore(KEYS_APART, { storePassword: PASS, keys: false })).entries)).toEqual(want);
    expect(shape((await readKeyStore(KEYS_APART, { storePassword: PASS })).entries)).toEqual(want);
  });

  it('by friendlyName when no localKeyId matches, as keytool', async () => {
    const byName = store(shroudedBag(A.pkcs8, { name: 'a', id: 'X' }), certBag(B.cert, { name: 'other', id: 'Y' }), certBag(A.cert, { name: 'A', id: 'Y' }));
    expect(shape((await readKeyStore(byName, { storePassword: PASS, keys: false })).entries)).toEqual([
      ['a', 'private-key', [fp(A.cert)]],
      ['other', 'trusted-cert', [fp(B.cert)]],
    ]);
  });

  describe.skipIf(!haveTools('keytool'))('judged by keytool, and by the CLI', () => {
    const dir = tempDir('certkit-pairing-');
    const files = { 'same-id.p12': SAME_ID, 'keys-apart.p12': KEYS_APART };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);

    it('keytool pairs the keys sharing one localKeyId as certkit does', () => {
      const listed = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-storetype', 'PKCS12', '-keystore', join(dir, 'same-id.p12'), '-storepass', PASS]));
      expect(listed.map((e) => [e.alias, e.type, e.sha256]).sort()).toEqual([
        ['a', 'PrivateKeyEntry', [fp(A.cert)]],
        ['b', 'PrivateKeyEntry', [fp(B.cert)]],
      ]);
    });

    it.each(Object.keys(files))('%s: every alias `keystore list` shows, `keystore export --alias` finds, with the same chain', async (name) => {
      const file = join(dir, name);
      const l = await runCli(['keystore', 'list', file, '--storepass', 'env:SP', '--json'], { env: { SP: PASS } });
      expect([l.status, l.stderr]).toEqual([0, '']);
      const listed = (JSON.parse(l.stdout) as { entries: { alias: string; kind: string; chain: { sha256: string }[] }[] }).entries;
      for (const e of listed) {
        const key = e.kind === 'private-key' ? ['--key-out', join(dir, `${name}-${e.alias}.key`), '--force'] : [];
        const args = ['keystore', 'export', file, '--storepass', 'env:SP', '--alias', e.alias, '--cert-out', '-', ...key];
        const x = await runCli(args, { env: { SP: PASS } });
        expect([e.alias, x.status], x.stderr).toEqual([e.alias, 0]);
        const exported = x.stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
        const shown = exported.map((pem) => fp(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')));
        expect([e.alias, shown]).toEqual([e.alias, e.chain.map((c) => c.sha256)]);
      }
    });
  });
});
