/**
 * Round-trip properties (fast-check, fixed seed): parse(encode(m)) equals m for the keystore
 * model (JKS, PKCS#12 modern and legacy: random aliases including non-ASCII and astral
 * characters, random store and key passwords including empty, long and astral), distinguished
 * names (text and DER), PEM; and DER re-encodes byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDer, toDer } from '../../src/asn1.js';
import { jksAlias, readJks, writeJks } from '../../src/keystore/jks.js';
import type { KeyStoreEntry } from '../../src/keystore/model.js';
import { readPkcs12 } from '../../src/keystore/pkcs12-read.js';
import { writePkcs12 } from '../../src/keystore/pkcs12-write.js';
import { PEM_LABELS, decodePem, decodePemAll, encodePem, encodePemAll } from '../../src/pem.js';
import { decodeName, encodeName, formatDname, parseDname } from '../../src/x509/dn.js';
import { EC_CERT, EC_CSR, EC_PKCS8, EC_PKCS8_ENC, EC_SEC1, RSA512_PKCS1, jksSample, p12Sample } from './samples.js';
import { derLen, fixture } from './support.js';

const SEED = 20261123;
const run = (numRuns: number) => ({ seed: SEED, numRuns });
const CHAIN_PEM = fixture('pem/openssl-nodes-bag-attributes.pem');
const [, , INTERMEDIATE, ROOT] = decodePemAll(CHAIN_PEM).map((b) => b.der);
const CREATED = new Date('2026-03-04T05:06:07.089Z');

const password = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 200, maxLength: 260 }),
  fc.constantFrom('pässwörd-€', 'schlüssel-🔑', '𝔭𝔞𝔰𝔰'),
);
const alias = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }), fc.constantFrom('client', 'Clé-Ü', 'trust-🔑', '𝒜𝓁𝒾𝒶𝓈'));

/** 1 to 4 entries: private keys (the P-256 sample) and the fixture CA certificates as trusted entries. */
const entries = (fold: (a: string) => string) =>
  fc
    .tuple(
      fc.uniqueArray(alias, { minLength: 1, maxLength: 4, selector: fold }),
      fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    )
    .map(([aliases, isKey]) => {
      let trusted = 0;
      return aliases.map((a, i): KeyStoreEntry => {
        if (isKey[i] || trusted >= 2) return { kind: 'private-key', alias: a, key: EC_PKCS8, chain: [EC_CERT], created: CREATED };
        return { kind: 'trusted-cert', alias: a, cert: [ROOT!, INTERMEDIATE!][trusted++]!, created: CREATED };
      });
    });

/** The parts of an entry both formats keep. */
const essence = (e: KeyStoreEntry) =>
  e.kind === 'private-key'
    ? { kind: e.kind, alias: e.alias, key: e.key?.toString('hex'), chain: e.chain.map((c) => c.toString('hex')) }
    : e.kind === 'trusted-cert'
      ? { kind: e.kind, alias: e.alias, cert: e.cert.toString('hex') }
      : { kind: e.kind, alias: e.alias };
const byAlias = (a: { alias: string }, b: { alias: string }) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0);

describe('round trips: keystore model', () => {
  it('JKS: read(write(entries)) gives the entries back (aliases lower-cased as JKS stores them)', () => {
    fc.assert(
      fc.property(entries(jksAlias), password, password, (es, storePassword, keyPassword) => {
        const bytes = writeJks(es, { storePassword, keyPassword });
        const back = readJks(bytes, { storePassword, keyPassword });
        expect(back.entries.map(essence)).toEqual(es.map((e) => essence({ ...e, alias: jksAlias(e.alias) })));
        expect(back.entries.map((e) => e.created?.getTime())).toEqual(es.map(() => CREATED.getTime()));
      }),
      run(300),
    );
  });

  for (const profile of ['modern', 'legacy'] as const) {
    it(`PKCS#12 ${profile}: read(write(entries)) gives the entries back, aliases as written`, () => {
      fc.assert(
        fc.property(entries((a) => a.toLowerCase()), password, (es, storePassword) => {
          const bytes = writePkcs12(es, { storePassword, profile, iterations: 1, macIterations: 1 });
          const back = readPkcs12(bytes, { storePassword });
          expect(back.entries.map(essence).sort(byAlias)).toEqual(es.map(essence).sort(byAlias));
        }),
        run(200),
      );
    });
  }

  it('the hostile-suite samples read back to what was written', () => {
    expect(readJks(jksSample(), { storePassword: 'sweep-store', keyPassword: 'sweep-key' }).entries.map(essence)).toEqual([
      { kind: 'private-key', alias: 'client', key: EC_PKCS8.toString('hex'), chain: [EC_CERT.toString('hex')] },
      { kind: 'trusted-cert', alias: 'root-ca', cert: decodePemAll(CHAIN_PEM).at(-1)!.der.toString('hex') },
    ]);
    expect(readPkcs12(p12Sample('legacy'), { storePassword: 'sweep-store' }).entries.map(essence).sort(byAlias)).toEqual([
      { kind: 'private-key', alias: 'client', key: EC_PKCS8.toString('hex'), chain: [EC_CERT.toString('hex')] },
      { kind: 'trusted-cert', alias: 'root-ca', cert: decodePemAll(CHAIN_PEM).at(-1)!.der.toString('hex') },
    ]);
  });
});

// Distinguished names: random RDNs of string attributes; every value written with \XX escapes of
// its UTF-8 bytes (keytool's syntax), or plain when it is plain. Values do not start or end with
// whitespace: formatDname prints them as Java's AVA.toString does (quoted, or for a tab or CR not
// even that) and, as in Java, whitespace at the edges of a value is dropped when it is read back.
const KEYWORDS = ['CN', 'O', 'OU', 'L', 'ST', 'STREET', 'T', 'SURNAME', 'GIVENNAME', '2.5.4.97'];
const escapeValue = (v: string) =>
  /^[A-Za-z0-9][A-Za-z0-9 ._-]*[A-Za-z0-9]$/.test(v) ? v : [...Buffer.from(v, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
const dnText = fc
  .array(fc.array(fc.tuple(fc.constantFrom(...KEYWORDS), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((v) => !/^[ \t\r\n]|[ \t\r\n]$/.test(v))), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((rdns) => rdns.map((avas) => avas.map(([k, v]) => `${k}=${escapeValue(v)}`).join(' + ')).join(', '));

describe('round trips: distinguished names and PEM', () => {
  it('parseDname(formatDname(dn)) and decodeName(encodeName(dn)) give dn back; the DER is stable', () => {
    fc.assert(
      fc.property(dnText, (text) => {
        const dn = parseDname(text);
        expect(parseDname(formatDname(dn)), 'text').toEqual(dn);
        const der = encodeName(dn);
        // The AVAs of a multi-valued RDN come back in DER SET OF order, not the text's.
        const sorted = (d: typeof dn) => d.map((rdn) => rdn.map((a) => JSON.stringify(a)).sort());
        expect(sorted(decodeName(der)), 'DER').toEqual(sorted(dn));
        expect(encodeName(decodeName(der)).toString('hex'), 'DER stable').toBe(der.toString('hex'));
      }),
      run(1000),
    );
  });

  it('a name typed with characters outside the BMP keeps them (regression: each half became U+FFFD)', () => {
    const dn = parseDname('CN=😀 client, O="𝔠𝔢𝔯𝔱 + kit"');
    expect(dn.map((rdn) => rdn.map((a) => a.value))).toEqual([['😀 client'], ['𝔠𝔢𝔯𝔱 + kit']]);
    expect(decodeName(encodeName(dn))).toEqual(dn);
  });

  it('decodePem(encodePem(label, der)) gives label and der back, one block and many', () => {
    const block = fc.record({ label: fc.constantFrom(...PEM_LABELS), der: fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((u) => Buffer.from(u)) });
    fc.assert(
      fc.property(block, ({ label, der }) => {
        expect(decodePem(encodePem(label, der), { label })).toEqual({ label, der });
      }),
      run(500),
    );
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), (blocks) => {
        expect(decodePemAll(encodePemAll(blocks))).toEqual(blocks);
      }),
      run(200),
    );
  });
});

// DER trees with definite minimal lengths, minimal INTEGERs and valid UTF-8: parse then re-encode.
const minimalInteger = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((v) => {
  let hex = (v < 0n ? (1n << 80n) + v : v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if (v < 0n) {
    while (b.length > 1 && b[0] === 0xff && (b[1]! & 0x80) !== 0) b = b.subarray(1);
  } else {
    while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
    if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  }
  return b;
});
const prim = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), derLen(content.length), content]);
const derTree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(Buffer.from([0x05, 0x00])),
    minimalInteger.map((c) => prim(0x02, c)),
    fc.uint8Array({ maxLength: 300 }).map((u) => prim(0x04, Buffer.from(u))),
    fc.string({ unit: 'binary', maxLength: 20 }).map((s) => prim(0x0c, Buffer.from(s, 'utf8'))),
    fc.uint8Array({ maxLength: 20 }).map((u) => prim(0x80, Buffer.from(u))),
    fc.array(tie('node') as fc.Arbitrary<Buffer>, { maxLength: 5 }).map((cs) => prim(0x30, Buffer.concat(cs))),
    fc.array(tie('node') as fc.Arbitrary<Buffer>, { maxLength: 3 }).map((cs) => prim(0xa1, Buffer.concat(cs))),
  ),
})).node as fc.Arbitrary<Buffer>;

describe('round trips: DER', () => {
  it('every sample re-encodes byte for byte', () => {
    const samples = [EC_CERT, EC_CSR, EC_PKCS8, EC_PKCS8_ENC, EC_SEC1, RSA512_PKCS1, p12Sample('modern'), p12Sample('legacy'), fixture('pkcs12/keytool-default-rsa2048.p12'), fixture('pkcs12/openssl-legacy.p12')];
    for (const s of samples) expect(toDer(parseDer(s, 'sample')).equals(s)).toBe(true);
  });
  it('random DER trees re-encode byte for byte', () => {
    fc.assert(
      fc.property(derTree, (der) => {
        expect(toDer(parseDer(der, 'tree')).toString('hex')).toBe(der.toString('hex'));
      }),
      run(2000),
    );
  });
});
