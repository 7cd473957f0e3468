/**
 * `certkit keystore list|convert|export` and `truststore create` end to end (in process), judged by
 * keytool and by the fixtures' manifest (values the real tools printed).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { aliasList } from '../../src/cli/truststore-create.js';
import { decodePemAll } from '../../src/pem.js';
import { comparable, parseKeytoolList, runUtf8 } from '../keystore/keytool-list.js';
import { ROOT, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, runStatus, tool } from '../support/tools.js';

interface ManifestCert { subject: string; sha1: string; sha256: string }
interface ManifestEntry { alias: string; kind: string; chain?: ManifestCert[]; sha256?: string }
interface ManifestFixture { path: string; type: string; storePassword: string; keyPasswords?: Record<string, string>; entries: ManifestEntry[] }
const manifest = JSON.parse(readFileSync(join(ROOT, 'fixtures/manifest.json'), 'utf8')) as { fixtures: ManifestFixture[] };
const fixture = (p: string) => manifest.fixtures.find((f) => f.path === p)!;
const fx = (p: string) => join(ROOT, 'fixtures', p);
const sha256 = (der: Buffer) => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

const dir = tempDir('certkit-cli-ks-');
const CHAIN = 'jks/rsa2048-chain2-storepass-ne-keypass.jks';
const CHAIN_ENV = { SP: 'chain-storepass', KP: 'chain-keypass' };

describe('keystore list', () => {
  it('prints the JSON shape DESIGN.md documents, exactly', async () => {
    const r = await runCli(['keystore', 'list', fx(CHAIN), '--storepass', 'env:SP', '--json'], { env: CHAIN_ENV });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ca = 'CN=certkit fixture root CA, O=certkit fixtures';
    const inter = 'CN=certkit fixture intermediate CA, O=certkit fixtures';
    const times = { notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2049-12-26T00:00:00.000Z' };
    expect(JSON.parse(r.stdout)).toEqual({
      type: 'jks',
      entries: [
        {
          alias: 'client',
          kind: 'private-key',
          created: '2026-11-23T10:41:28.274Z',
          keyAlgorithm: 'RSA',
          chain: [
            { subject: 'CN=chain client, OU=fixtures, O=certkit fixtures, C=DE', issuer: inter, serial: '84d3fdd842761b85', ...times, sha256: fixture(CHAIN).entries[0]!.chain![0]!.sha256 },
            { subject: inter, issuer: ca, serial: '4c7dfdc343138563', ...times, sha256: fixture(CHAIN).entries[0]!.chain![1]!.sha256 },
            { subject: ca, issuer: ca, serial: '62881046956da396', ...times, sha256: fixture(CHAIN).entries[0]!.chain![2]!.sha256 },
          ],
        },
      ],
    });
    expect(Object.keys(JSON.parse(r.stdout).entries[0].chain[0])).toEqual(['subject', 'issuer', 'serial', 'notBefore', 'notAfter', 'sha256']);
  });

  it.each(manifest.fixtures.filter((f) => ['jks', 'pkcs12', 'jceks'].includes(f.type) && !('allowMissingMac' in f)).map((f) => [f.path] as const))(
    '%s: aliases, entry kinds and fingerprints as the manifest (the real tools) has them',
    async (path) => {
      const f = fixture(path);
      const r = await runCli(['keystore', 'list', fx(path), '--storepass', 'env:SP', '--json'], { env: { SP: f.storePassword } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const doc = JSON.parse(r.stdout) as { type: string; entries: { alias: string; kind: string; chain: { subject: string; sha256: string }[] }[] };
      expect(doc.type).toBe(f.type);
      const got = doc.entries.map((e) => ({ alias: e.alias, kind: e.kind, chain: e.chain.map((c) => [c.subject, c.sha256]) }));
      const want = f.entries.map((e) => ({
        alias: e.alias,
        kind: e.kind,
        chain: (e.chain ?? []).map((c) => [c.subject, c.sha256]),
      }));
      const byAlias = (a: { alias: string }, b: { alias: string }) => a.alias.localeCompare(b.alias);
      expect(got.sort(byAlias)).toEqual(want.sort(byAlias));
    },
  );

  it('a PKCS#12 without a MAC is refused (exit 4) unless --allow-missing-mac says so', async () => {
    const f = fixture('pkcs12/openssl-nomac.p12');
    const args = ['keystore', 'list', 'fixtures/pkcs12/openssl-nomac.p12', '--storepass', 'env:SP', '--json'];
    const r = await runCli(args, { env: { SP: f.storePassword }, cwd: ROOT });
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'certkit: fixtures/pkcs12/openssl-nomac.p12: PKCS#12 file has no integrity MAC (it cannot be checked against tampering; --allow-missing-mac reads it anyway, only if you trust its source)\n',
    );
    // Its key is encrypted: without a password it is no passwordless store either.
    const none = await runCli(['keystore', 'list', 'fixtures/pkcs12/openssl-nomac.p12', '--json'], { cwd: ROOT });
    expect([none.status, none.stderr]).toEqual([4, r.stderr]);
    const ok = await runCli([...args, '--allow-missing-mac'], { env: { SP: f.storePassword }, cwd: ROOT });
    expect([ok.status, ok.stderr]).toEqual([0, 'certkit: note: fixtures/pkcs12/openssl-nomac.p12 has no integrity MAC: nothing protects it against tampering\n']);
    const doc = JSON.parse(ok.stdout) as { entries: { alias: string; kind: string; chain: { sha256: string }[] }[] };
    expect(doc.entries.map((e) => [e.alias, e.kind, e.chain.map((c) => c.sha256)])).toEqual(
      f.entries.map((e) => [e.alias, e.kind, e.chain!.map((c) => c.sha256)]),
    );
  });

  describe.skipIf(!haveTools('openssl', 'keytool'))('passwordless PKCS#12 (no MAC, nothing encrypted)', () => {
    const NOTE = (f: string) => `certkit: note: ${f} has no integrity MAC: nothing protects it against tampering\n`;
    const REFUSED = (f: string) =>
      `certkit: ${f}: PKCS#12 file has no integrity MAC (it cannot be checked against tampering; --allow-missing-mac reads it anyway, only if you trust its source)\n`;
    const openssl = (args: string[]) => runUtf8(tool('openssl')!, args);
    const key = join(dir, 'pwless.key');
    const cert = join(dir, 'pwless.crt');
    /** What `openssl pkcs12 -export -nomac -certpbe NONE -keypbe NONE -passout pass:` writes: a key bag and a certificate bag, in the clear. */
    const withKey = join(dir, 'pwless-openssl.p12');
    /** What JDK 18+ cacerts is: certificates only, written by keytool with no MAC and no encryption. */
    const trusts = join(dir, 'pwless-keytool.p12');
    const cn = 'CN=certkit passwordless';
    let fingerprint = '';

    it('made by openssl and keytool: openssl sees no MAC; keytool lists the truststore without a password', () => {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', `/${cn.replace(', ', '/')}`, '-days', '30']);
      openssl(['pkcs12', '-export', '-nomac', '-certpbe', 'NONE', '-keypbe', 'NONE', '-passout', 'pass:', '-inkey', key, '-in', cert, '-name', 'pwless', '-out', withKey]);
      runUtf8(tool('keytool')!, ['-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE', '-J-Dkeystore.pkcs12.macAlgorithm=NONE', '-importcert', '-noprompt',
        '-alias', 'pwless-ca', '-file', cert, '-keystore', trusts, '-storetype', 'pkcs12', '-storepass', 'unused-pass']);
      const info = runStatus(tool('openssl')!, ['pkcs12', '-info', '-noout', '-in', withKey, '-passin', 'pass:']);
      expect([info.status, info.stderr.split('\n')[0]]).toEqual([0, 'Warning: MAC is absent!']);
      const listed = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', trusts]));
      fingerprint = listed[0]!.sha256[0]!;
      expect(listed).toEqual([{ alias: 'pwless-ca', type: 'trustedCertEntry', sha256: [fingerprint] }]);
    });

    it('listed without --storepass, with one note on stderr', async () => {
      const r = await runCli(['keystore', 'list', withKey, '--json']);
      expect([r.status, r.stderr]).toEqual([0, NOTE(withKey)]);
      const doc = JSON.parse(r.stdout) as { entries: { alias: string; kind: string; chain: { subject: string; sha256: string }[] }[] };
      expect(doc.entries.map((e) => [e.alias, e.kind, e.chain.map((c) => [c.subject, c.sha256])])).toEqual([['pwless', 'private-key', [[cn, fingerprint]]]]);
      const t = await runCli(['keystore', 'list', trusts, '--json']);
      expect([t.status, t.stderr]).toEqual([0, NOTE(trusts)]);
      expect((JSON.parse(t.stdout) as { entries: { alias: string; kind: string }[] }).entries.map((e) => [e.alias, e.kind])).toEqual([['pwless-ca', 'trusted-cert']]);
    });

    it('the empty password is the same as none', async () => {
      const r = await runCli(['keystore', 'list', withKey, '--storepass', 'env:EMPTY', '--json'], { env: { EMPTY: '' } });
      expect([r.status, r.stderr]).toEqual([0, NOTE(withKey)]);
    });

    it('its key is exported without --storepass, as openssl wrote it', async () => {
      const r = await runCli(['keystore', 'export', withKey, '--key-out', '-']);
      expect([r.status, r.stderr]).toEqual([0, NOTE(withKey)]);
      const want = openssl(['pkey', '-in', key]);
      expect(r.stdout).toBe(want);
    });

    it('opened with a real password it is refused (exit 4, naming --allow-missing-mac), unless --allow-missing-mac', async () => {
      const args = ['keystore', 'list', withKey, '--storepass', 'env:SP', '--json'];
      const r = await runCli(args, { env: { SP: 'a-real-password' } });
      expect(r).toEqual({ status: 4, stdout: '', stderr: REFUSED(withKey) });
      const ok = await runCli([...args, '--allow-missing-mac'], { env: { SP: 'a-real-password' } });
      expect([ok.status, ok.stderr]).toEqual([0, NOTE(withKey)]);
    });

    it('a store with a password, opened without one, says the option was not given (exit 4)', async () => {
      const r = await runCli(['keystore', 'list', fx(CHAIN)]);
      expect(r).toEqual({
        status: 4,
        stdout: '',
        stderr: `certkit: ${fx(CHAIN)}: keystore password was incorrect, or the file is corrupt (integrity digest does not match) (--storepass was not given: this store has a password)\n`,
      });
      const p12 = await runCli(['keystore', 'convert', fx('pkcs12/keytool-default-rsa2048.p12'), join(dir, 'never.jks'), '--deststorepass', 'env:D'], { env: { D: 'dest-pass' } });
      expect(p12).toEqual({
        status: 4,
        stdout: '',
        stderr: `certkit: ${fx('pkcs12/keytool-default-rsa2048.p12')}: PKCS#12 MAC: MAC check failed: wrong store password, or the file was altered (--srcstorepass was not given: this store has a password)\n`,
      });
    });
  });

  describe.skipIf(!haveTools('keytool'))('against keytool -list -v', () => {
    it.each([
      ['jks/two-keys-and-trusted.jks', 'JKS', 3],
      ['jceks/key-trusted-secret.jceks', 'JCEKS', 3],
      ['pkcs12/keytool-default-rsa2048.p12', 'PKCS12', 1],
    ] as const)('%s: the same alias, entry type, owner, issuer, serial, validity, fingerprints and key lines as keytool', async (p, type, n) => {
      const f = fixture(p);
      const r = await runCli(['keystore', 'list', fx(p), '--storepass', 'env:SP'], { env: { SP: f.storePassword } });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n').slice(0, 4)).toEqual([`Keystore type: ${type}`, '', `Your keystore contains ${n} ${n === 1 ? 'entry' : 'entries'}`, '']);
      const kt = runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', fx(p), '-storepass', f.storePassword]);
      const ours = comparable(r.stdout);
      const theirs = comparable(kt);
      expect([...ours.keys()].sort()).toEqual(f.entries.map((e) => e.alias).sort());
      // (keytool's PKCS#12 creation date is the "Time <ms>" in its localKeyId: certkit reads the same.)
      for (const [alias, lines] of theirs) expect(ours.get(alias)).toEqual(lines);
    });
  });
});

describe('keystore convert and export', () => {
  it('JKS → PKCS#12 → JKS keeps aliases and chains; export gives back the original key and chain', async () => {
    const env = { ...CHAIN_ENV, P12: 'p12-pass' };
    const p12 = join(dir, 'conv.p12');
    const jks = join(dir, 'conv.jks');
    let r = await runCli(['keystore', 'convert', fx(CHAIN), p12, '--srcstorepass', 'env:SP', '--srckeypass', 'env:KP', '--deststorepass', 'env:P12'], { env });
    expect(r).toEqual({ status: 0, stdout: '', stderr: `certkit: wrote ${p12} (PKCS12, 1 entry from JKS)\n` });
    r = await runCli(['keystore', 'convert', p12, jks, '--srcstorepass', 'env:P12', '--deststorepass', 'env:SP', '--destkeypass', 'env:KP'], { env });
    expect(r).toEqual({ status: 0, stdout: '', stderr: `certkit: wrote ${jks} (JKS, 1 entry from PKCS12)\n` });
    expect(statSync(p12).mode & 0o777).toBe(0o600);
    expect(statSync(jks).mode & 0o777).toBe(0o600);

    const want = fixture(CHAIN).entries[0]!.chain!.map((c) => c.sha256);
    for (const [store, pass] of [[p12, 'p12-pass'], [jks, 'chain-storepass']] as const) {
      const l = await runCli(['keystore', 'list', store, '--storepass', `env:P`, '--json'], { env: { P: pass } });
      const doc = JSON.parse(l.stdout);
      expect(doc.entries.map((e: { alias: string; kind: string }) => [e.alias, e.kind])).toEqual([['client', 'private-key']]);
      expect(doc.entries[0].chain.map((c: { sha256: string }) => c.sha256)).toEqual(want);
    }

    // The original key and chain, from the fixture, against the round-tripped store.
    const orig = await runCli(['keystore', 'export', fx(CHAIN), '--storepass', 'env:SP', '--keypass', 'env:KP', '--cert-out', '-', '--key-out', '-'], { env });
    const back = await runCli(['keystore', 'export', jks, '--storepass', 'env:SP', '--keypass', 'env:KP', '--cert-out', '-', '--key-out', '-'], { env });
    expect(orig.status).toBe(0);
    expect(back.stdout).toBe(orig.stdout);
    const blocks = decodePemAll(back.stdout);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE', 'PRIVATE KEY']);
    expect(blocks.slice(0, 3).map((b) => sha256(b.der))).toEqual(want);
    expect(back.stdout).not.toMatch(/Bag Attributes|localKeyID|friendlyName/);
  });

  describe.skipIf(!haveTools('keytool'))('keytool reads what convert writes', () => {
    it('lists the converted JKS and PKCS#12 with the same alias, entry type and fingerprints', async () => {
      const src = fx('jks/two-keys-and-trusted.jks');
      const env = { SP: 'two-keys-pass' };
      const outP12 = join(dir, 'two.p12');
      const outJks = join(dir, 'two-back.jks');
      expect((await runCli(['keystore', 'convert', src, outP12, '--srcstorepass', 'env:SP', '--deststorepass', 'env:SP'], { env })).status).toBe(0);
      expect((await runCli(['keystore', 'convert', outP12, outJks, '--srcstorepass', 'env:SP', '--deststorepass', 'env:SP'], { env })).status).toBe(0);
      const want = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', src, '-storepass', 'two-keys-pass']));
      const byAlias = (a: { alias: string }, b: { alias: string }) => a.alias.localeCompare(b.alias);
      for (const out of [outP12, outJks]) {
        const got = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', out, '-storepass', 'two-keys-pass']));
        expect(got.sort(byAlias)).toEqual([...want].sort(byAlias));
      }
    });
  });

  it.skipIf(!haveTools('openssl'))('--profile picks the PKCS#12 protection openssl reports (modern by default, legacy 3DES + SHA-1)', async () => {
    const info = async (profile: string[]) => {
      const out = join(dir, `profile-${profile.join('') || 'default'}.p12`);
      const r = await runCli(['keystore', 'convert', fx(CHAIN), out, '--srcstorepass', 'env:SP', '--srckeypass', 'env:KP', '--deststorepass', 'env:SP', ...profile], { env: CHAIN_ENV });
      expect(r.status).toBe(0);
      const o = spawnSync(tool('openssl')!, ['pkcs12', '-info', '-noout', '-in', out, '-passin', 'pass:chain-storepass'], { encoding: 'utf8' });
      expect(o.status).toBe(0);
      return o.stderr.split('\n').filter((l) => /^(MAC:|Shrouded Keybag|PKCS7 Encrypted data)/.test(l));
    };
    const modern = [
      'MAC: sha256, Iteration 10000',
      'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256',
      'PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256',
    ];
    expect(await info([])).toEqual(modern);
    expect(await info(['--profile', 'modern'])).toEqual(modern);
    expect(await info(['--profile', 'legacy'])).toEqual([
      'MAC: sha1, Iteration 100000',
      'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000',
      'PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000',
    ]);
  });

  it('export of an openssl-made PKCS#12 gives the key byte for byte as openssl pkcs8 wrote it, 0600', async () => {
    const f = fixture('pkcs12/openssl-default.p12');
    const certOut = join(dir, 'os-chain.pem');
    const keyOut = join(dir, 'os-key.pem');
    const r = await runCli(['keystore', 'export', fx(f.path), '--storepass', 'env:SP', '--cert-out', certOut, '--key-out', keyOut], { env: { SP: f.storePassword } });
    expect(r).toEqual({ status: 0, stdout: '', stderr: `certkit: wrote ${certOut} and ${keyOut} (entry 'openssl-client', chain of 2)\n` });
    expect(readFileSync(keyOut, 'utf8')).toBe(readFileSync(fx('keys/rsa-pkcs8.pem'), 'utf8'));
    expect(statSync(keyOut).mode & 0o777).toBe(0o600);
    expect(statSync(certOut).mode & 0o777).toBe(0o644);
    expect(decodePemAll(readFileSync(certOut)).map((b) => sha256(b.der))).toEqual(f.entries[0]!.chain!.map((c) => c.sha256));
  });

  it('without -out options prints only the chain; the key is printed only with --key-out -', async () => {
    const env = CHAIN_ENV;
    const r = await runCli(['keystore', 'export', fx(CHAIN), '--storepass', 'env:SP'], { env });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(decodePemAll(r.stdout).map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE']);
    const k = await runCli(['keystore', 'export', fx(CHAIN), '--storepass', 'env:SP', '--keypass', 'env:KP', '--key-out', '-'], { env });
    expect(k.status).toBe(0);
    expect(decodePemAll(k.stdout).map((b) => b.label)).toEqual(['PRIVATE KEY']);
  });

  it('asks for --alias when several keys are present, and exports the one named', async () => {
    const env = { SP: 'two-keys-pass' };
    const path = fx('jks/two-keys-and-trusted.jks');
    const r = await runCli(['keystore', 'export', path, '--storepass', 'env:SP'], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`certkit: ${path}: the keystore has 2 private key entries; choose one with --alias ('client-a', 'client-b')\n`);
    const b = await runCli(['keystore', 'export', path, '--storepass', 'env:SP', '--alias', 'CLIENT-B'], { env });
    expect(b.status).toBe(0);
    const want = fixture('jks/two-keys-and-trusted.jks').entries.find((e) => e.alias === 'client-b')!.chain!.map((c) => c.sha256);
    expect(decodePemAll(b.stdout).map((x) => sha256(x.der))).toEqual(want);
  });
});

describe('truststore create', () => {
  it('names up to ten aliases in its "wrote" line, then how many more', () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `ca ${i + 1}`);
    expect(aliasList(aliases.slice(0, 1))).toBe("'ca 1'");
    expect(aliasList(aliases.slice(0, 10))).toBe("'ca 1', 'ca 2', 'ca 3', 'ca 4', 'ca 5', 'ca 6', 'ca 7', 'ca 8', 'ca 9', 'ca 10'");
    expect(aliasList(aliases.slice(0, 11))).toBe("'ca 1', 'ca 2', 'ca 3', 'ca 4', 'ca 5', 'ca 6', 'ca 7', 'ca 8', 'ca 9', 'ca 10' and 1 more");
    expect(aliasList(aliases)).toBe("'ca 1', 'ca 2', 'ca 3', 'ca 4', 'ca 5', 'ca 6', 'ca 7', 'ca 8', 'ca 9', 'ca 10' and 140 more");
  });

  it('names entries by CN, drops duplicates, and keytool lists them as trustedCertEntry', async () => {
    const chain = await runCli(['keystore', 'export', fx(CHAIN), '--storepass', 'env:SP'], { env: CHAIN_ENV });
    const cas = decodePemAll(chain.stdout).slice(1);
    const pem = (i: number) => chain.stdout.split(/(?=-----BEGIN CERTIFICATE-----)/)[i]!;
    writeFileSync(join(dir, 'inter.pem'), pem(1));
    writeFileSync(join(dir, 'both.pem'), pem(2) + pem(1)); // root, and the intermediate again
    const out = join(dir, 'trust.jks');
    const r = await runCli(['truststore', 'create', '--cert', 'inter.pem', '--cert', 'both.pem', '--out', 'trust.jks', '--storepass', 'env:TP'], {
      env: { TP: 'trust-pass' },
      cwd: dir,
    });
    expect(r).toEqual({
      status: 0,
      stdout: '',
      stderr: "certkit: wrote trust.jks (JKS, 2 trusted certificates: 'certkit fixture intermediate ca', 'certkit fixture root ca')\n",
    });
    const l = await runCli(['keystore', 'list', out, '--storepass', 'env:TP', '--json'], { env: { TP: 'trust-pass' } });
    const doc = JSON.parse(l.stdout);
    expect(doc.entries.map((e: { alias: string; kind: string; chain: { sha256: string }[] }) => [e.alias, e.kind, e.chain[0]!.sha256]).sort()).toEqual(
      [
        ['certkit fixture intermediate ca', 'trusted-cert', sha256(cas[0]!.der)],
        ['certkit fixture root ca', 'trusted-cert', sha256(cas[1]!.der)],
      ].sort(),
    );
    if (haveTools('keytool')) {
      const kt = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', out, '-storepass', 'trust-pass']));
      expect(kt.map((e) => [e.alias, e.type]).sort()).toEqual([
        ['certkit fixture intermediate ca', 'trustedCertEntry'],
        ['certkit fixture root ca', 'trustedCertEntry'],
      ]);
    }
    // PKCS#12 truststores keep the CN's case.
    const p = await runCli(['truststore', 'create', '--cert', join(dir, 'both.pem'), '--out', join(dir, 'trust.p12'), '--storepass', 'env:TP'], { env: { TP: 'trust-pass' } });
    expect(p.status).toBe(0);
    if (haveTools('keytool')) {
      const kt = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', join(dir, 'trust.p12'), '-storepass', 'trust-pass']));
      expect(kt.map((e) => [e.alias, e.type]).sort()).toEqual([
        ['certkit fixture intermediate ca', 'trustedCertEntry'],
        ['certkit fixture root ca', 'trustedCertEntry'],
      ]);
    }
  });
});

describe('errors: one line, the right exit status', () => {
  it('wrong store password → 4 naming the file', async () => {
    const path = fx(CHAIN);
    const r = await runCli(['keystore', 'list', path, '--storepass', 'env:SP'], { env: { SP: 'wrong' } });
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`certkit: ${path}: keystore password was incorrect, or the file is corrupt (integrity digest does not match)\n`);
  });

  it('wrong key password → 4; truncated or random input → 3; a missing file → 3', async () => {
    const env = { SP: 'chain-storepass', KP: 'wrong' };
    const k = await runCli(['keystore', 'export', fx(CHAIN), '--storepass', 'env:SP', '--keypass', 'env:KP', '--key-out', '-'], { env });
    expect(k.status).toBe(4);
    expect(k.stdout).toBe('');
    expect(k.stderr.split('\n')).toHaveLength(2);
    expect(k.stderr.startsWith(`certkit: ${fx(CHAIN)}: `)).toBe(true);

    const bytes = readFileSync(fx(CHAIN));
    writeFileSync(join(dir, 'trunc.jks'), bytes.subarray(0, 100));
    const t = await runCli(['keystore', 'list', 'trunc.jks', '--storepass', 'env:SP'], { env, cwd: dir });
    expect(t.status).toBe(3);
    expect(t.stderr).toMatch(/^certkit: trunc\.jks: entry 1 'client'.*\n$/);
    writeFileSync(join(dir, 'empty.jks'), '');
    expect(await runCli(['keystore', 'list', 'empty.jks', '--storepass', 'env:SP'], { env, cwd: dir })).toEqual({
      status: 3,
      stdout: '',
      stderr: 'certkit: empty.jks: not a JKS, JCEKS or PKCS#12 keystore\n',
    });
    writeFileSync(join(dir, 'random.bin'), Buffer.from('this is not a keystore at all'));
    const x = await runCli(['keystore', 'list', 'random.bin', '--storepass', 'env:SP'], { env, cwd: dir });
    expect(x).toEqual({ status: 3, stdout: '', stderr: 'certkit: random.bin: not a JKS, JCEKS or PKCS#12 keystore\n' });
    const m = await runCli(['keystore', 'list', 'missing.jks', '--storepass', 'env:SP'], { env, cwd: dir });
    expect(m).toEqual({ status: 3, stdout: '', stderr: 'certkit: missing.jks: cannot read: no such file\n' });
  });

  it('existing output without --force → 6 and the file untouched; --force replaces it', async () => {
    const out = join(dir, 'exists.p12');
    writeFileSync(out, 'precious');
    const args = ['keystore', 'convert', fx(CHAIN), out, '--srcstorepass', 'env:SP', '--srckeypass', 'env:KP', '--deststorepass', 'env:SP'];
    const r = await runCli(args, { env: CHAIN_ENV });
    expect(r).toEqual({ status: 6, stdout: '', stderr: `certkit: ${out}: refusing to overwrite an existing file (use --force to replace it)\n` });
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const f = await runCli([...args, '--force'], { env: CHAIN_ENV });
    expect(f.status).toBe(0);
    expect(readFileSync(out).subarray(0, 1)).toEqual(Buffer.from([0x30]));
  });

  it('an output in a directory that cannot hold it → 7 and no temporary file left', async () => {
    copyFileSync(fx(CHAIN), join(dir, 'src.jks'));
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const before = readdirSync(dir).sort();
    const r = await runCli(['keystore', 'convert', 'src.jks', 'not-a-dir/out.p12', '--srcstorepass', 'env:SP', '--srckeypass', 'env:KP', '--deststorepass', 'env:SP'], {
      env: CHAIN_ENV,
      cwd: dir,
    });
    expect(r).toEqual({ status: 7, stdout: '', stderr: 'certkit: not-a-dir/out.p12: cannot write: a component of the path is not a directory\n' });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it.skipIf(process.platform !== 'linux' || !existsSync('/sys/fs'))('a directory nobody may write (sysfs, even for root) → 7 "permission denied"', async () => {
    const r = await runCli(['keystore', 'convert', fx(CHAIN), '/sys/fs/certkit-out.p12', '--srcstorepass', 'env:SP', '--srckeypass', 'env:KP', '--deststorepass', 'env:SP'], {
      env: CHAIN_ENV,
    });
    expect(r).toEqual({ status: 7, stdout: '', stderr: 'certkit: /sys/fs/certkit-out.p12: cannot write: permission denied\n' });
    expect(readdirSync('/sys/fs').filter((n) => n.includes('certkit-out'))).toEqual([]);
  });

  it('convert to a name that does not tell the type → 2 asking for --deststoretype', async () => {
    const r = await runCli(['keystore', 'convert', fx(CHAIN), join(dir, 'out.bin'), '--srcstorepass', 'env:SP', '--deststorepass', 'env:SP'], { env: CHAIN_ENV });
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr: `certkit: cannot tell the keystore type from the name '${join(dir, 'out.bin')}'; give --deststoretype jks or pkcs12\n`,
    });
  });
});
