/**
 * Integrity is never skipped: flipping any single byte of a JKS or PKCS#12 store (each position,
 * one flip each, XOR 0xff) never yields a store that reads. The failure is a CertkitError with
 * exit 3 (the flip broke the structure) or 4 (digest / MAC / decryption failed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readJceks } from '../../src/keystore/jceks.js';
import { readJks } from '../../src/keystore/jks.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { KEY_PASS, STORE_PASS, jksSample, p12Sample } from './samples.js';
import { fixture, mustFail, setByte } from './support.js';

const summary: string[] = [];
afterAll(() => {
  process.stdout.write(`${summary.join('\n')}\n`);
});

function flipAll(name: string, sample: Buffer, read: (b: Buffer) => unknown): void {
  expect(() => read(sample)).not.toThrow();
  const problems: string[] = [];
  for (let i = 0; i < sample.length; i++) {
    const p = mustFail(() => read(setByte(sample, i, sample[i]! ^ 0xff)));
    if (p !== undefined) problems.push(`byte ${i}: ${p}`);
  }
  summary.push(`integrity ${name}: ${sample.length} single-byte flips, ${sample.length - problems.length} refused, ${problems.length} accepted or mishandled`);
  expect(problems.slice(0, 10)).toEqual([]);
}

describe('integrity: every single-byte flip is refused', () => {
  it('JKS written by certkit (key password ≠ store password)', () =>
    flipAll('JKS (certkit)', jksSample(), (b) => readJks(b, { storePassword: STORE_PASS, keyPassword: KEY_PASS })));
  it('JKS written by keytool (3-certificate chain)', () =>
    flipAll('JKS (keytool)', fixture('jks/rsa2048-chain2-storepass-ne-keypass.jks'), (b) =>
      readJks(b, { storePassword: 'chain-storepass', keyPassword: 'chain-keypass' }),
    ));
  it('JKS read without keys: the digest alone still refuses every flip', () =>
    flipAll('JKS (keys: false)', jksSample(), (b) => readJks(b, { storePassword: STORE_PASS, keys: false })));
  it('JCEKS written by keytool, keys not read', () =>
    flipAll('JCEKS (keytool, keys: false)', fixture('jceks/key-trusted-secret.jceks'), (b) =>
      readJceks(b, { storePassword: 'jceks-storepass', keys: false }),
    ));
  it('PKCS#12, modern profile', () => flipAll('PKCS#12 modern', p12Sample('modern'), (b) => readPkcs12(b, { storePassword: STORE_PASS })));
  it('PKCS#12, legacy profile', () => flipAll('PKCS#12 legacy', p12Sample('legacy'), (b) => readPkcs12(b, { storePassword: STORE_PASS })));
  it('PKCS#12 read without keys: the MAC alone still refuses every flip', () =>
    flipAll('PKCS#12 (keys: false)', p12Sample('modern'), (b) => readPkcs12(b, { storePassword: STORE_PASS, keys: false })));
});
