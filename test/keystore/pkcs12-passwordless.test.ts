/**
 * Passwordless PKCS#12 (JDK 18+ cacerts, cert-manager's passwordless keystores, openssl
 * `-nomac -certpbe NONE -keypbe NONE`): no MAC and nothing encrypted. Opened with the empty
 * password it is read, marked `unprotected`; opened with a real one, or holding anything
 * encrypted, the missing MAC is refused as before (the CLI side is in test/cli/keystore.test.ts).
 */
import { describe, expect, it } from 'vitest';

import { CertkitError } from '../../src/errors.js';
import * as der from '../../src/keystore/der-write.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { authSafeOf, EC_CERT, EC_PKCS8, p12Sample, STORE_PASS } from '../hostile/samples.js';
import { derAt } from '../hostile/support.js';

const DATA = '1.2.840.113549.1.7.1';
const bag = (oid: string, value: Buffer, ...attrs: Buffer[]) =>
  der.sequence(der.objectIdentifier(oid), der.explicit(0, value), ...(attrs.length === 0 ? [] : [der.setOf(...attrs)]));
const localKeyId = der.sequence(der.objectIdentifier('1.2.840.113549.1.9.21'), der.setOf(der.octetString(Buffer.from('k1'))));
const keyBag = bag('1.2.840.113549.1.12.10.1.1', EC_PKCS8, localKeyId);
const certBag = bag('1.2.840.113549.1.12.10.1.3', der.sequence(der.objectIdentifier('1.2.840.113549.1.9.22.1'), der.explicit(0, der.octetString(EC_CERT))), localKeyId);
const dataSafe = (...bags: Buffer[]) => der.sequence(der.objectIdentifier(DATA), der.explicit(0, der.octetString(der.sequence(...bags))));
/** A PFX without MacData around `safes`. */
const pfx = (...safes: Buffer[]) => der.sequence(der.integer(3), der.sequence(der.objectIdentifier(DATA), der.explicit(0, der.octetString(der.sequence(...safes)))));

const PASSWORDLESS = pfx(dataSafe(certBag), dataSafe(keyBag));
const ENTRY = { kind: 'private-key', alias: '1', key: EC_PKCS8, chain: [EC_CERT] };

function refusal(fn: () => unknown): [string, string, string | undefined] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertkitError) return [e.code, e.message, e.hint];
    throw e;
  }
  throw new Error('accepted');
}
const MISSING_MAC = ['INTEGRITY', 'PKCS#12 file has no integrity MAC', 'it cannot be checked against tampering; allow a missing MAC only if you trust its source'];

describe('passwordless PKCS#12', () => {
  it('opened with the empty password: read as keytool reads it, marked unprotected (keys read or not)', () => {
    expect(readPkcs12(PASSWORDLESS, { storePassword: '' })).toEqual({ type: 'pkcs12', entries: [ENTRY], unprotected: true });
    expect(readPkcs12(PASSWORDLESS, { storePassword: '', keys: false })).toEqual({
      type: 'pkcs12',
      entries: [{ kind: 'private-key', alias: '1', chain: [EC_CERT] }],
      unprotected: true,
    });
  });

  it('opened with a real password: the missing MAC is refused (INTEGRITY, exit 4), its hint naming no CLI option', () => {
    expect(refusal(() => readPkcs12(PASSWORDLESS, { storePassword: STORE_PASS }))).toEqual(MISSING_MAC);
    expect(readPkcs12(PASSWORDLESS, { storePassword: STORE_PASS, allowMissingMac: true })).toEqual({ type: 'pkcs12', entries: [ENTRY], unprotected: true });
  });

  it('anything encrypted makes it no passwordless store: an encrypted safe, or a shrouded key even when keys are not read', () => {
    const sample = p12Sample('modern');
    // The sample's AuthenticatedSafe: [ data { shrouded key bag }, encryptedData { certificates } ].
    const authSafe = authSafeOf(sample);
    const safes = [derAt(authSafe, [0]), derAt(authSafe, [1])];
    for (const [shown, store] of [
      ['encrypted safe', pfx(dataSafe(keyBag), safes[1]!)],
      ['shrouded key', pfx(dataSafe(certBag), safes[0]!)],
    ] as const) {
      expect(refusal(() => readPkcs12(store, { storePassword: '' })), shown).toEqual(MISSING_MAC);
      expect(refusal(() => readPkcs12(store, { storePassword: '', keys: false })), shown).toEqual(MISSING_MAC);
    }
  });

  it('a store with a MAC is not marked', () => {
    expect(Object.keys(readPkcs12(p12Sample('modern'), { storePassword: STORE_PASS }))).toEqual(['type', 'entries']);
  });
});
