/**
 * `keystore list` names every signature algorithm as keytool does (MD5withRSA, SHA224withRSA,
 * RSASSA-PSS, SHA1withECDSA, Ed448, ...: no raw OID) and marks what keytool marks: "(disabled)"
 * after MD5withRSA and 512-bit RSA or 192-bit EC keys, "(weak)" after SHA1 signatures and 1024-bit
 * RSA and DSA keys, nothing after a trusted certificate's own signature. The certificates are
 * made here by openssl, the store by keytool; certkit's text is compared with keytool -list -v on
 * the same file, line for line. Then the JSON's creation dates, and JCEKS secret-key algorithms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { javaMediumDate } from '../../src/cli/output.js';
import { keyVerdict, signatureAlgorithmVerdict } from '../../src/x509/weak-algorithms.js';
import { comparable, runUtf8 } from '../keystore/keytool-list.js';
import { ROOT, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run, tool } from '../support/tools.js';

describe('weak and disabled algorithms, as JDK 17 defines them', () => {
  it('signatures', () => {
    expect(['MD2withRSA', 'MD5withRSA', 'SHA1withRSA', 'SHA1withECDSA', 'SHA1withDSA', 'SHA224withRSA', 'SHA256withRSA', 'RSASSA-PSS', 'Ed25519'].map(signatureAlgorithmVerdict)).toEqual([
      'disabled', 'disabled', 'weak', 'weak', 'weak', undefined, undefined, undefined, undefined,
    ]);
  });

  it('keys', () => {
    expect([['RSA', 512], ['RSA', 1023], ['RSA', 1024], ['RSA', 2047], ['RSA', 2048], ['DSA', 1024], ['DSA', 2048], ['EC', 192], ['EC', 224], ['RSASSA-PSS', 1024], ['RSA', undefined]].map(([a, b]) => keyVerdict(a as string, b as number | undefined))).toEqual([
      'disabled', 'disabled', 'weak', 'weak', undefined, 'weak', undefined, 'disabled', undefined, undefined, undefined,
    ]);
  });
});

/** The certificates (self-signed, each with its key): openssl's -newkey and signature options. */
const MADE: readonly (readonly [alias: string, args: readonly string[]])[] = [
  // Imported as trusted certificates (other certificates than the key entries': where one
  // certificate is both, keytool's mark depends on which alias its hash order finds first).
  ['md5-trusted', ['-newkey', 'rsa:2048', '-md5']],
  ['rsa1024-trusted', ['-newkey', 'rsa:1024', '-sha256']],
  ['md5', ['-newkey', 'rsa:2048', '-md5']],
  ['sha1', ['-newkey', 'rsa:2048', '-sha1']],
  ['sha224', ['-newkey', 'rsa:2048', '-sha224']],
  ['rsa1024', ['-newkey', 'rsa:1024', '-sha256']],
  ['rsa512', ['-newkey', 'rsa:512', '-sha256']],
  ['dsa1024', ['-newkey', 'dsa:DSAPARAMS', '-sha256']],
  ['ec-sha384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha384']],
  ['ecdsa-sha1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha1']],
  ['p192', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1', '-sha256']],
  ['secp256k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-sha256']],
  ['ed25519', ['-newkey', 'ed25519']],
  ['ed448', ['-newkey', 'ed448']],
  ['pss', ['-newkey', 'rsa:2048', '-sigopt', 'rsa_padding_mode:pss', '-sha256']],
];

describe.skipIf(!haveTools('openssl', 'keytool'))('keystore list against keytool -list -v, on a store keytool made', () => {
  const dir = tempDir('certkit-list-alg-');
  const f = (name: string) => join(dir, name);
  const jks = f('algorithms.jks');
  const p12 = f('algorithms.p12');
  const env = { SP: 'changeit' };
  let made: Date;

  beforeAll(() => {
    made = new Date();
    const openssl = tool('openssl')!;
    const keytool = tool('keytool')!;
    run(openssl, ['dsaparam', '-out', f('dsa.params'), '1024']);
    for (const [alias, args] of MADE) {
      const newkey = args.map((a) => a.replace('DSAPARAMS', f('dsa.params')));
      run(openssl, ['req', '-x509', ...newkey, '-nodes', '-keyout', f(`${alias}.key`), '-out', f(`${alias}.pem`), '-subj', `/CN=${alias}`, '-days', '30']);
      if (alias.endsWith('-trusted')) {
        // keytool marks no trust anchor's signature.
        run(keytool, ['-importcert', '-noprompt', '-keystore', jks, '-storetype', 'jks', '-storepass', 'changeit', '-alias', alias, '-file', f(`${alias}.pem`)]);
        continue;
      }
      run(openssl, ['pkcs12', '-export', '-in', f(`${alias}.pem`), '-inkey', f(`${alias}.key`), '-name', alias, '-out', f(`${alias}.p12`), '-passout', 'pass:changeit']);
      run(keytool, ['-importkeystore', '-noprompt', '-srckeystore', f(`${alias}.p12`), '-srcstoretype', 'pkcs12', '-srcstorepass', 'changeit',
        '-destkeystore', jks, '-deststoretype', 'jks', '-deststorepass', 'changeit']);
    }
    run(keytool, ['-importkeystore', '-noprompt', '-srckeystore', jks, '-srcstoretype', 'jks', '-srcstorepass', 'changeit',
      '-destkeystore', p12, '-deststoretype', 'pkcs12', '-deststorepass', 'changeit']);
  }, 120_000);

  it.each([['JKS', () => jks], ['PKCS#12', () => p12]] as const)('%s: every entry as keytool prints it', async (type, path) => {
    const r = await runCli(['keystore', 'list', path(), '--storepass', 'env:SP'], { env });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const theirs = comparable(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', path(), '-storepass', 'changeit']));
    if (type === 'PKCS#12') {
      // A PKCS#12 certificate bag records no date: keytool shows the time it read the file, certkit none.
      const now = `Creation date: ${javaMediumDate(new Date())}`;
      for (const [alias, lines] of theirs) {
        if (lines.includes('Entry type: trustedCertEntry')) theirs.set(alias, lines.filter((l) => l !== now));
      }
    }
    const ours = comparable(r.stdout);
    expect([...ours.keys()].sort()).toEqual(MADE.map(([a]) => a).sort());
    for (const [alias, lines] of theirs) expect([alias, ours.get(alias)]).toEqual([alias, lines]);
  });

  it('the marks and names, as lines', async () => {
    const r = await runCli(['keystore', 'list', jks, '--storepass', 'env:SP'], { env });
    const lines = comparable(r.stdout);
    const pick = (alias: string) => lines.get(alias)!.filter((l) => /^(Signature algorithm name|Subject Public Key Algorithm)/.test(l));
    expect(Object.fromEntries(MADE.map(([a]) => [a, pick(a)]))).toEqual({
      'md5-trusted': ['Signature algorithm name: MD5withRSA', 'Subject Public Key Algorithm: 2048-bit RSA key'],
      'rsa1024-trusted': ['Signature algorithm name: SHA256withRSA', 'Subject Public Key Algorithm: 1024-bit RSA key (weak)'],
      md5: ['Signature algorithm name: MD5withRSA (disabled)', 'Subject Public Key Algorithm: 2048-bit RSA key'],
      sha1: ['Signature algorithm name: SHA1withRSA (weak)', 'Subject Public Key Algorithm: 2048-bit RSA key'],
      sha224: ['Signature algorithm name: SHA224withRSA', 'Subject Public Key Algorithm: 2048-bit RSA key'],
      rsa1024: ['Signature algorithm name: SHA256withRSA', 'Subject Public Key Algorithm: 1024-bit RSA key (weak)'],
      rsa512: ['Signature algorithm name: SHA256withRSA', 'Subject Public Key Algorithm: 512-bit RSA key (disabled)'],
      dsa1024: ['Signature algorithm name: SHA256withDSA', 'Subject Public Key Algorithm: 1024-bit DSA key (weak)'],
      'ec-sha384': ['Signature algorithm name: SHA384withECDSA', 'Subject Public Key Algorithm: 256-bit EC (secp256r1) key'],
      'ecdsa-sha1': ['Signature algorithm name: SHA1withECDSA (weak)', 'Subject Public Key Algorithm: 256-bit EC (secp256r1) key'],
      p192: ['Signature algorithm name: SHA256withECDSA', 'Subject Public Key Algorithm: 192-bit EC (secp192r1) key (disabled)'],
      secp256k1: ['Signature algorithm name: SHA256withECDSA', 'Subject Public Key Algorithm: 256-bit EC (secp256k1) key'],
      ed25519: ['Signature algorithm name: Ed25519', 'Subject Public Key Algorithm: 255-bit Ed25519 key'],
      ed448: ['Signature algorithm name: Ed448', 'Subject Public Key Algorithm: 448-bit Ed448 key'],
      pss: ['Signature algorithm name: RSASSA-PSS', 'Subject Public Key Algorithm: 2048-bit RSA key'],
    });
  });

  it('--json has each entry\'s creation date: the time keytool wrote it (JKS), null where the store keeps none', async () => {
    const r = await runCli(['keystore', 'list', jks, '--storepass', 'env:SP', '--json'], { env });
    const doc = JSON.parse(r.stdout) as { entries: { alias: string; created: string | null }[] };
    const kt = comparable(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', jks, '-storepass', 'changeit']));
    for (const e of doc.entries) {
      const created = new Date(e.created!);
      expect([e.alias, created.toISOString() === e.created, created >= new Date(made.getTime() - 1000) && created <= new Date()]).toEqual([e.alias, true, true]);
      expect([e.alias, `Creation date: ${javaMediumDate(created)}`]).toEqual([e.alias, kt.get(e.alias)!.find((l) => l.startsWith('Creation date: '))]);
    }
    // openssl pkcs12 -export records no date (keytool's PKCS#12 does, in its localKeyId).
    const o = await runCli(['keystore', 'list', f('md5.p12'), '--storepass', 'env:SP', '--json'], { env });
    expect((JSON.parse(o.stdout) as { entries: { alias: string; created: unknown }[] }).entries.map((e) => [e.alias, e.created])).toEqual([['md5', null]]);
  });
});

describe('a JCEKS secret key: its algorithm with --keypass (it is sealed with the key password)', () => {
  const JCEKS = join(ROOT, 'fixtures/jceks/key-trusted-secret.jceks');
  const env = { SP: 'jceks-storepass', KP: 'jceks-keypass', BAD: 'wrong' };
  const secretBlock = (text: string) => text.slice(text.indexOf('Alias name: aes-key'), text.indexOf('*****', text.indexOf('Alias name: aes-key'))).trimEnd();

  it('text and JSON; without --keypass, or with a wrong one, no algorithm', async () => {
    const withKey = await runCli(['keystore', 'list', JCEKS, '--storepass', 'env:SP', '--keypass', 'env:KP'], { env });
    expect([withKey.status, withKey.stderr]).toEqual([0, '']);
    expect(secretBlock(withKey.stdout)).toBe('Alias name: aes-key\nCreation date: Nov 23, 2026\nEntry type: SecretKeyEntry\nKey algorithm: AES');
    const without = await runCli(['keystore', 'list', JCEKS, '--storepass', 'env:SP'], { env });
    expect(secretBlock(without.stdout)).toBe('Alias name: aes-key\nCreation date: Nov 23, 2026\nEntry type: SecretKeyEntry');
    // Everything else is the same.
    expect(withKey.stdout.replace('Key algorithm: AES\n', '')).toBe(without.stdout);

    const json = async (extra: string[]) => {
      const r = await runCli(['keystore', 'list', JCEKS, '--storepass', 'env:SP', '--json', ...extra], { env });
      return (JSON.parse(r.stdout) as { entries: { alias: string; keyAlgorithm: string | null }[] }).entries.find((e) => e.alias === 'aes-key')!.keyAlgorithm;
    };
    expect([await json(['--keypass', 'env:KP']), await json([]), await json(['--keypass', 'env:BAD'])]).toEqual(['AES', null, null]);
  });

  it('the fixture is what keytool says it is', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'fixtures/manifest.json'), 'utf8')) as { fixtures: { path: string; entries: { alias: string; kind: string }[] }[] };
    const entries = manifest.fixtures.find((x) => x.path === 'jceks/key-trusted-secret.jceks')!.entries;
    expect(entries.find((e) => e.alias === 'aes-key')?.kind).toBe('secret-key');
  });
});
