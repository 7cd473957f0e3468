/**
 * Passwords round-trip through every writable keystore format (issue 4):
 *
 * 1. 10,000 random passwords (fast-check, fixed seed): empty, ASCII, long (200 to 400 characters),
 *    non-ASCII BMP (Latin, Cyrillic, CJK, ...), astral (emoji, mathematical letters: surrogate
 *    pairs in UTF-16) and mixes. Each one writes and reads back a JKS (as store password, and as
 *    a different key password), and PKCS#12 in both profiles (modern: PBES2/AES + HMAC-SHA256,
 *    legacy: 3DES + HMAC-SHA1). The writers are given ONE iteration for the PBE and the MAC: what
 *    is tested here is how each format encodes the password (UTF-16 bytes in JKS, BMPString for
 *    the PKCS#12 KDF, UTF-8 for PBKDF2), not the KDF's cost. Every 10th password is also checked
 *    to be refused when one character is added (BAD_PASSWORD). No format refuses any of them.
 *    Lone surrogates are not generated: they are not characters, and UTF-8 (PBKDF2) cannot carry them.
 * 2. Twelve chosen passwords, one or more of each class, checked with the real tools both ways:
 *    keytool (LC_ALL=C.UTF-8, passwords in `-storepass:file`/`-keypass:file`) signs a CSR with
 *    the key of a certkit-written JKS (so it verified the store digest and recovered the key);
 *    openssl reads certkit-written PKCS#12 (both profiles, `-passin file:`); certkit reads the
 *    JKS keytool made and the PKCS#12 openssl made with those passwords, and PKCS#12 keytool made
 *    with the ASCII ones. Known tool limits, asserted: keytool makes no store with a password
 *    shorter than 6 characters, and JDK 17 cannot make PKCS#12 with a non-ASCII password.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isCertkitError } from '../../src/errors.js';
import { readJks, writeJks } from '../../src/keystore/jks.js';
import type { KeyStore, KeyStoreEntry } from '../../src/keystore/model.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { writePkcs12 } from '../../src/keystore/pkcs12-write.js';
import { encodePem } from '../../src/pem.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, tool } from '../support/tools.js';
import { EC_CERT, EC_PKCS8 } from './samples.js';

const SEED = 0x9a55_0001;
const RUNS = 10_000;
const fixedRandom = (n: number): Buffer => Buffer.alloc(n, 0x3c);
const NOW = new Date('2026-11-23T12:00:00Z');
const ENTRIES: readonly KeyStoreEntry[] = [{ kind: 'private-key', alias: 'client', key: EC_PKCS8, chain: [EC_CERT], created: NOW }];
const CHEAP = { iterations: 1, macIterations: 1 } as const;

type PasswordClass = 'empty' | 'ascii' | 'long' | 'bmp' | 'astral' | 'mixed';

const chars = (min: number, max: number) =>
  fc.integer({ min, max }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
const ascii = chars(0x20, 0x7e);
const bmp = fc.oneof(chars(0x80, 0x24f), chars(0x400, 0x4ff), chars(0x4e00, 0x9fff), chars(0x80, 0xfffd));
const astral = fc.oneof(chars(0x1f300, 0x1faff), chars(0x1d400, 0x1d7ff), chars(0x10000, 0x10ffff));
const any = fc.oneof(ascii, bmp, astral, chars(0x00, 0x1f));

const password: fc.Arbitrary<[PasswordClass, string]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<[PasswordClass, string]>(['empty', '']) },
  { weight: 4, arbitrary: fc.string({ unit: ascii, minLength: 1, maxLength: 40 }).map((s): [PasswordClass, string] => ['ascii', s]) },
  { weight: 2, arbitrary: fc.string({ unit: any, minLength: 200, maxLength: 400 }).map((s): [PasswordClass, string] => ['long', s]) },
  { weight: 4, arbitrary: fc.string({ unit: bmp, minLength: 1, maxLength: 40 }).map((s): [PasswordClass, string] => ['bmp', s]) },
  { weight: 4, arbitrary: fc.string({ unit: astral, minLength: 1, maxLength: 20 }).map((s): [PasswordClass, string] => ['astral', s]) },
  { weight: 4, arbitrary: fc.string({ unit: any, minLength: 1, maxLength: 60 }).map((s): [PasswordClass, string] => ['mixed', s]) },
);

/** What a read gives back, for comparison: each entry's kind, alias, key and chain bytes. */
function summary(ks: KeyStore): unknown {
  return ks.entries.map((e) => (e.kind === 'private-key' ? [e.kind, e.alias, e.key?.toString('hex'), e.chain.map((c) => c.toString('hex'))] : [e.kind, e.alias]));
}
const EXPECTED = summary({ type: 'jks', entries: ENTRIES });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isCertkitError(e)) return e.code;
    throw e;
  }
  return 'accepted';
}

/** The other password: a different key password for JKS, never equal to `p`. */
const otherOf = (p: string) => `${p}·key`;

describe('10,000 random passwords round-trip through JKS and both PKCS#12 profiles', () => {
  it(`${RUNS} passwords (seed 0x${SEED.toString(16)})`, () => {
    const tally: Record<PasswordClass, number> = { empty: 0, ascii: 0, long: 0, bmp: 0, astral: 0, mixed: 0 };
    let stores = 0;
    let wrong = 0;
    let astralChars = 0;
    let i = 0;
    fc.assert(
      fc.property(password, ([cls, p]) => {
        tally[cls]++;
        if ([...p].some((c) => c.codePointAt(0)! > 0xffff)) astralChars++;
        // JKS: p as the store password, and as the key password under another store password.
        const jks = writeJks(ENTRIES, { storePassword: p, keyPassword: otherOf(p), randomBytes: fixedRandom, now: () => NOW });
        expect(summary(readJks(jks, { storePassword: p, keyPassword: otherOf(p) }))).toEqual(EXPECTED);
        const jks2 = writeJks(ENTRIES, { storePassword: otherOf(p), keyPassword: p, randomBytes: fixedRandom, now: () => NOW });
        expect(summary(readJks(jks2, { storePassword: otherOf(p), keyPassword: p }))).toEqual(EXPECTED);
        const p12 = (['modern', 'legacy'] as const).map((profile) => {
          const bytes = writePkcs12(ENTRIES, { storePassword: p, profile, ...CHEAP, randomBytes: fixedRandom, now: () => NOW });
          expect(summary(readPkcs12(bytes, { storePassword: p }))).toEqual(EXPECTED);
          return bytes;
        });
        stores += 4;
        if (i++ % 10 === 0) {
          const bad = `${p}x`;
          expect([
            refusal(() => readJks(jks, { storePassword: bad, keyPassword: otherOf(p) })),
            refusal(() => readJks(jks2, { storePassword: otherOf(p), keyPassword: bad })),
            ...p12.map((b) => refusal(() => readPkcs12(b, { storePassword: bad }))),
          ]).toEqual(['BAD_PASSWORD', 'BAD_PASSWORD', 'BAD_PASSWORD', 'BAD_PASSWORD']);
          wrong += 4;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const classes = Object.entries(tally).map(([k, v]) => `${v} ${k}`).join(', ');
    console.log(
      `passwords round-trip: ${RUNS} passwords (${classes}; ${astralChars} with astral characters), ${stores} stores written and read back ` +
        `(JKS store password, JKS key password, PKCS#12 modern, PKCS#12 legacy), 0 refused; ${wrong} reads with a wrong password all BAD_PASSWORD`,
    );
    expect(Object.values(tally).reduce((a, b) => a + b, 0)).toBe(RUNS);
    for (const v of Object.values(tally)) expect(v).toBeGreaterThan(0);
  }, 600_000);
});

/** The chosen passwords, each with its class: none has a line break (tools read the first line of a file). */
const SAMPLE: readonly [string, string][] = [
  ['ascii', 'changeit'],
  ['empty', ''],
  ['short ascii', 'abc'],
  ['long ascii', Array.from({ length: 200 }, (_, k) => String.fromCharCode(0x21 + ((k * 7) % 94))).join('')],
  ['ascii with spaces and shell characters', ` sp a"c'e$\`\\;| `],
  ['latin-1', 'pässwörd-ÿ'],
  ['cyrillic', 'пароль-секрет'],
  ['cjk', '密码口令测试'],
  ['astral emoji', '😀🔑🚀-key'],
  ['astral mathematical letters', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢𝔭𝔞𝔰𝔰'],
  ['long mixed', 'Ünïcødé-😀-密码-'.repeat(14)],
  ['bmp symbols', '€™✓∑≠→★'],
];
const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);
/** keytool's error line (its stdout and stderr interleave). */
const errorLine = (out: string) => out.split('\n').filter((l) => l.startsWith('keytool error:')).join('\n');

describe.skipIf(!haveTools('keytool', 'openssl'))('12 chosen passwords with keytool and openssl, both ways', () => {
  const dir = tempDir('certkit-pw-interop-');
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  const keytool = (args: string[]) => {
    const r = spawnSync(tool('keytool')!, ['-J-Dfile.encoding=UTF-8', '-J-Dsun.stdout.encoding=UTF-8', ...args], { env, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const openssl = (args: string[]) => {
    const r = spawnSync(tool('openssl')!, args, { env, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const ourSpki = createPublicKey(createPrivateKey({ key: EC_PKCS8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'pem' }).toString();
  const keyPem = join(dir, 'key.pem');
  const certPem = join(dir, 'cert.pem');
  writeFileSync(keyPem, encodePem('PRIVATE KEY', EC_PKCS8));
  writeFileSync(certPem, encodePem('CERTIFICATE', EC_CERT));

  it.each(SAMPLE.map(([cls, p], n) => [n + 1, cls, p] as const))('password %i (%s): certkit → keytool/openssl, and back', (n, _cls, p) => {
    const pw = join(dir, `pw-${n}`);
    writeFileSync(pw, `${p}\n`, 'utf8');

    // certkit JKS → keytool: -certreq loads the store (digest checked) and recovers the key with the password.
    const jks = join(dir, `certkit-${n}.jks`);
    writeFileSync(jks, writeJks(ENTRIES, { storePassword: p, randomBytes: fixedRandom, now: () => NOW }));
    const csrFile = join(dir, `csr-${n}.pem`);
    const req = keytool(['-certreq', '-alias', 'client', '-keystore', jks, '-storetype', 'JKS', '-storepass:file', pw, '-keypass:file', pw, '-file', csrFile]);
    const shown = [n, req.status, req.out.replace(/\s*Warning:\n[^\n]*proprietary format[^\n]*/, '').trim()];
    expect(shown).toEqual([n, 0, '']);
    expect(openssl(['req', '-in', csrFile, '-noout', '-verify', '-pubkey'])).toEqual({ status: 0, out: `${ourSpki}Certificate request self-signature verify OK\n` });

    // certkit PKCS#12 → openssl, both profiles: key and certificate come out as written.
    for (const profile of ['modern', 'legacy'] as const) {
      const p12 = join(dir, `certkit-${n}-${profile}.p12`);
      writeFileSync(p12, writePkcs12(ENTRIES, { storePassword: p, profile, randomBytes: fixedRandom, now: () => NOW }));
      const r = openssl(['pkcs12', '-in', p12, '-passin', `file:${pw}`, '-nodes', '-nocerts']);
      expect([n, profile, r.status]).toEqual([n, profile, 0]);
      expect(createPublicKey(createPrivateKey(r.out)).export({ type: 'spki', format: 'pem' })).toBe(ourSpki);
    }

    // openssl PKCS#12 → certkit.
    const fromOpenssl = join(dir, `openssl-${n}.p12`);
    const e = openssl(['pkcs12', '-export', '-inkey', keyPem, '-in', certPem, '-name', 'client', '-passout', `file:${pw}`, '-out', fromOpenssl]);
    expect([n, e.status, e.out]).toEqual([n, 0, '']);
    expect(summary(readPkcs12(readFileSync(fromOpenssl), { storePassword: p }))).toEqual(EXPECTED);
    expect(refusal(() => readPkcs12(readFileSync(fromOpenssl), { storePassword: `${p}x` }))).toBe('BAD_PASSWORD');

    // keytool JKS (and PKCS#12 for ASCII passwords) → certkit.
    const made = join(dir, `keytool-${n}.jks`);
    const gen = (file: string, type: string) =>
      keytool(['-genkeypair', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', `CN=pw ${n}`, '-alias', 'made', '-storetype', type, '-keystore', file, '-storepass:file', pw, '-keypass:file', pw]);
    const g = gen(made, 'JKS');
    if ([...p].length < 6) {
      expect([n, g.status, errorLine(g.out)]).toEqual([n, 1, 'keytool error: java.lang.Exception: Key password must be at least 6 characters']);
      return;
    }
    expect([n, g.status]).toEqual([n, 0]);
    const ks = readJks(readFileSync(made), { storePassword: p });
    expect(ks.entries.map((x) => [x.kind, x.alias])).toEqual([['private-key', 'made']]);
    const chain = (ks.entries[0] as unknown as { chain: Buffer[] }).chain;
    expect(new X509Certificate(chain[0]!).subject).toBe(`CN=pw ${n}`);
    expect(refusal(() => readJks(readFileSync(made), { storePassword: `${p}x` }))).toBe('BAD_PASSWORD');

    const madeP12 = join(dir, `keytool-${n}.p12`);
    const g12 = gen(madeP12, 'PKCS12');
    if (!isAscii(p)) {
      // JDK 17's PBE keys refuse non-ASCII passwords.
      expect([n, g12.status, errorLine(g12.out)]).toEqual([
        n,
        1,
        'keytool error: java.security.KeyStoreException: Key protection algorithm not found: java.security.UnrecoverableKeyException: Encrypt Private Key failed: getSecretKey failed: Password is not ASCII',
      ]);
      return;
    }
    expect([n, g12.status]).toEqual([n, 0]);
    const ks12 = readPkcs12(readFileSync(madeP12), { storePassword: p });
    expect(ks12.entries.map((x) => [x.kind, x.alias])).toEqual([['private-key', 'made']]);
    const leaf12 = (ks12.entries[0] as unknown as { chain: Buffer[] }).chain[0]!;
    expect(new X509Certificate(leaf12).subject).toBe(`CN=pw ${n}`);
  }, 120_000);
});
