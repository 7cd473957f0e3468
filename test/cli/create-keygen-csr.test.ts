/** `certkit keystore create`, `keygen` and `csr`, judged by keytool and openssl. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { decodePem, decodePemAll } from '../../src/pem.js';
import { parseKeytoolList, runUtf8 } from '../keystore/keytool-list.js';
import { ROOT, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run, tool } from '../support/tools.js';

const dir = tempDir('certkit-cli-create-');
const fx = (p: string) => join(ROOT, 'fixtures', p);
const sha256 = (der: Buffer) => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
const mode = (p: string) => statSync(p).mode & 0o777;

/** The openssl fixture's chain (leaf, CA) as PEM blocks, exported by certkit from openssl's PKCS#12. */
async function opensslChain(): Promise<string[]> {
  const r = await runCli(['keystore', 'export', fx('pkcs12/openssl-default.p12'), '--storepass', 'env:P'], { env: { P: 'openssl-pass' } });
  expect(r.status).toBe(0);
  return r.stdout.split(/(?=-----BEGIN CERTIFICATE-----)/);
}

describe('keystore create', () => {
  it('orders a reversed chain, keeps store and key passwords apart (JKS), and exports back the same key and chain', async () => {
    const [leaf, ca] = await opensslChain();
    writeFileSync(join(dir, 'reversed.pem'), ca! + leaf!);
    const env = { SP: 'create-store', KP: 'create-key' };
    const r = await runCli(
      ['keystore', 'create', '--key', fx('keys/rsa-traditional.pem'), '--cert', 'reversed.pem', '--out', 'made.jks', '--storepass', 'env:SP', '--keypass', 'env:KP', '--alias', 'Glue-Client'],
      { env, cwd: dir },
    );
    expect(r).toEqual({ status: 0, stdout: '', stderr: "certkit: wrote made.jks (JKS, alias 'glue-client', chain of 2)\n" });
    expect(mode(join(dir, 'made.jks'))).toBe(0o600);
    const back = await runCli(['keystore', 'export', 'made.jks', '--storepass', 'env:SP', '--keypass', 'env:KP', '--cert-out', '-', '--key-out', '-'], { env, cwd: dir });
    expect(back.status).toBe(0);
    expect(back.stdout).toBe(leaf! + ca! + readFileSync(fx('keys/rsa-pkcs8.pem'), 'utf8'));
    if (haveTools('keytool')) {
      const kt = parseKeytoolList(runUtf8(tool('keytool')!, ['-list', '-v', '-keystore', join(dir, 'made.jks'), '-storepass', 'create-store']));
      expect(kt).toEqual([{ alias: 'glue-client', type: 'PrivateKeyEntry', sha256: [leaf!, ca!].map((p) => sha256(decodePem(p).der)) }]);
    }
  });

  it('makes a PKCS#12 (the default for other names) from an encrypted key and separate files, which openssl reads', async () => {
    const [leaf, ca] = await opensslChain();
    writeFileSync(join(dir, 'leaf.pem'), leaf!);
    writeFileSync(join(dir, 'ca.pem'), ca!);
    const passFile = join(dir, 'pem-pass.txt');
    // The encrypted fixture's passphrase, as the fixture script records it.
    const script = readFileSync(fx('make-fixtures.sh'), 'utf8');
    writeFileSync(passFile, /^KEYPASS_PEM=(\S+)$/m.exec(script)![1]! + '\n');
    const r = await runCli(
      ['keystore', 'create', '--key', fx('keys/rsa-pkcs8-encrypted.pem'), '--passin', `file:${passFile}`, '--cert', 'leaf.pem', '--cert', 'ca.pem', '--out', 'made.keystore', '--storepass', 'env:SP'],
      { env: { SP: 'p12-create' }, cwd: dir },
    );
    expect(r).toEqual({ status: 0, stdout: '', stderr: "certkit: wrote made.keystore (PKCS12, alias 'client', chain of 2)\n" });
    const l = await runCli(['keystore', 'list', 'made.keystore', '--storepass', 'env:SP', '--json'], { env: { SP: 'p12-create' }, cwd: dir });
    const doc = JSON.parse(l.stdout);
    expect(doc.type).toBe('pkcs12');
    expect(doc.entries.map((e: { alias: string; kind: string }) => [e.alias, e.kind])).toEqual([['client', 'private-key']]);
    if (haveTools('openssl')) {
      const out = run(tool('openssl')!, ['pkcs12', '-in', join(dir, 'made.keystore'), '-passin', 'pass:p12-create', '-nodes', '-nocerts']);
      const key = decodePemAll(out).find((b) => b.label === 'PRIVATE KEY')!;
      expect(key.der).toEqual(decodePem(readFileSync(fx('keys/rsa-pkcs8.pem'))).der);
    }
  });

  it('warns that a separate PKCS#12 key password is for the Java API only, and honours it', async () => {
    const [leaf, ca] = await opensslChain();
    writeFileSync(join(dir, 'chain-kp.pem'), leaf! + ca!);
    const env = { SP: 'p12-store', KP: 'p12-key' };
    const r = await runCli(
      ['keystore', 'create', '--key', fx('keys/rsa-pkcs8.pem'), '--cert', 'chain-kp.pem', '--out', 'kp.p12', '--storepass', 'env:SP', '--keypass', 'env:KP'],
      { env, cwd: dir },
    );
    expect(r).toEqual({
      status: 0,
      stdout: '',
      stderr:
        'certkit: warning: --keypass differs from the store password; in PKCS#12 only the Java KeyStore API reads such a key (keytool and openssl use the store password)\n' +
        "certkit: wrote kp.p12 (PKCS12, alias 'client', chain of 2)\n",
    });
    const k = await runCli(['keystore', 'export', 'kp.p12', '--storepass', 'env:SP', '--keypass', 'env:KP', '--key-out', '-'], { env, cwd: dir });
    expect(k).toEqual({ status: 0, stdout: readFileSync(fx('keys/rsa-pkcs8.pem'), 'utf8'), stderr: '' });
    const wrong = await runCli(['keystore', 'export', 'kp.p12', '--storepass', 'env:SP', '--key-out', '-'], { env, cwd: dir });
    expect(wrong.status).toBe(4);
    expect(wrong.stdout).toBe('');
  });

  it("takes the seed's openssl pkcs12 -nodes output (Bag Attributes and all) as both key and chain, and exports it clean", async () => {
    const pem = fx('pem/openssl-nodes-bag-attributes.pem');
    const env = { SP: 'bag-pass' };
    const r = await runCli(['keystore', 'create', '--key', pem, '--cert', pem, '--out', 'bag.jks', '--storepass', 'env:SP'], { env, cwd: dir });
    expect(r).toEqual({ status: 0, stdout: '', stderr: "certkit: wrote bag.jks (JKS, alias 'client', chain of 3)\n" });
    const back = await runCli(['keystore', 'export', 'bag.jks', '--storepass', 'env:SP', '--cert-out', '-', '--key-out', '-'], { env, cwd: dir });
    expect(back.status).toBe(0);
    expect(back.stdout).not.toMatch(/Bag Attributes|friendlyName|localKeyID|subject=|issuer=/);
    const original = decodePemAll(readFileSync(pem));
    const exported = decodePemAll(back.stdout);
    // Same key and certificates; the chain comes out leaf to root, the key last.
    expect(exported.find((b) => b.label === 'PRIVATE KEY')!.der).toEqual(original.find((b) => b.label === 'PRIVATE KEY')!.der);
    expect(exported.filter((b) => b.label === 'CERTIFICATE').map((b) => sha256(b.der)).sort()).toEqual(
      original.filter((b) => b.label === 'CERTIFICATE').map((b) => sha256(b.der)).sort(),
    );
  });

  it('refuses a key that does not match the leaf (exit 3) and writes nothing', async () => {
    const [leaf, ca] = await opensslChain();
    writeFileSync(join(dir, 'chain-for-rsa.pem'), leaf! + ca!);
    const r = await runCli(['keystore', 'create', '--key', fx('keys/ec-traditional.pem'), '--cert', 'chain-for-rsa.pem', '--out', 'never.p12', '--storepass', 'env:SP'], {
      env: { SP: 'x' },
      cwd: dir,
    });
    expect(r).toEqual({
      status: 3,
      stdout: '',
      stderr: `certkit: ${fx('keys/ec-traditional.pem')}: the key does not match the leaf certificate (check that chain-for-rsa.pem holds the certificate issued for this key)\n`,
    });
    expect(existsSync(join(dir, 'never.p12'))).toBe(false);
  });
});

describe('keygen', () => {
  it.each([
    ['rsa3072', 'RSA', 3072],
    ['ec384', 'EC', 384],
  ] as const)('--key-type %s writes a PKCS#8 key of that kind, 0600', async (spec, alg, bits) => {
    const out = join(dir, `${spec}.key`);
    const r = await runCli(['keygen', '--key-type', spec, '--out', out]);
    expect(r).toEqual({ status: 0, stdout: '', stderr: `certkit: wrote ${out} (${alg} ${alg === 'EC' ? `P-${bits}` : bits})\n` });
    expect(mode(out)).toBe(0o600);
    expect(decodePemAll(readFileSync(out)).map((b) => b.label)).toEqual(['PRIVATE KEY']);
    if (haveTools('openssl')) {
      const text = run(tool('openssl')!, ['pkey', '-in', out, '-noout', '-text']);
      expect(text.split('\n')[0]).toBe(alg === 'RSA' ? `Private-Key: (${bits} bit, 2 primes)` : `Private-Key: (${bits} bit)`);
    }
  });

  it('--passout encrypts the key (PBES2) so that openssl needs that password', async () => {
    const out = join(dir, 'enc.key');
    const r = await runCli(['keygen', '--key-type', 'ec256', '--out', out, '--passout', 'env:KEYPASS'], { env: { KEYPASS: 'kg-secret' } });
    expect(r.status).toBe(0);
    expect(decodePemAll(readFileSync(out)).map((b) => b.label)).toEqual(['ENCRYPTED PRIVATE KEY']);
    if (haveTools('openssl')) {
      expect(run(tool('openssl')!, ['pkey', '-in', out, '-passin', 'pass:kg-secret', '-noout', '-text']).split('\n')[0]).toBe('Private-Key: (256 bit)');
    }
  });
});

describe('csr', () => {
  it('makes a new key (0600) and a CSR (0644) that openssl verifies, with the subject and SANs asked for', async () => {
    const r = await runCli(
      ['csr', '--dname', 'CN=glue-client, OU=data, O=Example', '--key-out', 'csr.key', '--key-type', 'ec256', '--san', 'dns:a.example.com,ip:10.0.0.1', '--out', 'new.csr'],
      { cwd: dir },
    );
    expect(r).toEqual({ status: 0, stdout: '', stderr: 'certkit: wrote csr.key and new.csr (EC P-256)\n' });
    expect(mode(join(dir, 'csr.key'))).toBe(0o600);
    expect(mode(join(dir, 'new.csr'))).toBe(0o644);
    const pem = readFileSync(join(dir, 'new.csr'), 'utf8');
    expect(pem.split('\n')[0]).toBe('-----BEGIN CERTIFICATE REQUEST-----');
    if (haveTools('openssl')) {
      const o = tool('openssl')!;
      const text = run(o, ['req', '-in', join(dir, 'new.csr'), '-noout', '-verify', '-subject', '-text', '-nameopt', 'RFC2253']);
      expect(text).toContain('subject=CN=glue-client,OU=data,O=Example\n');
      expect(text).toContain('DNS:a.example.com, IP Address:10.0.0.1');
      // The CSR's public key is the written key's.
      expect(run(o, ['req', '-in', join(dir, 'new.csr'), '-noout', '-pubkey'])).toBe(run(o, ['pkey', '-in', join(dir, 'csr.key'), '-pubout']));
    }
  });

  it('signs with an existing key and prints to stdout with --out -', async () => {
    const r = await runCli(['csr', '--dname', 'CN=existing', '--key', fx('keys/rsa-pkcs8.pem'), '--out', '-']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(decodePemAll(r.stdout).map((b) => b.label)).toEqual(['CERTIFICATE REQUEST']);
    if (haveTools('openssl')) {
      expect(run(tool('openssl')!, ['req', '-noout', '-verify', '-subject'], r.stdout)).toBe('subject=CN = existing\n');
    }
  });

  it('--fix rewrites a keytool CSR without NEW, keeping the request byte for byte', async () => {
    const src = readFileSync(fx('csr/keytool-new-header.csr'), 'latin1');
    expect(src.split(/\r?\n/)[0]).toBe('-----BEGIN NEW CERTIFICATE REQUEST-----');
    writeFileSync(join(dir, 'keytool.csr'), src);
    const r = await runCli(['csr', '--fix', 'keytool.csr'], { cwd: dir });
    expect(r).toEqual({ status: 0, stdout: '', stderr: 'certkit: rewrote keytool.csr\n' });
    const fixed = readFileSync(join(dir, 'keytool.csr'), 'utf8');
    expect(fixed.split('\n')[0]).toBe('-----BEGIN CERTIFICATE REQUEST-----');
    expect(fixed).not.toContain('\r');
    const der = Buffer.from(src.replace(/-----[^\n]*\n/g, '').replace(/\s/g, ''), 'base64');
    expect(decodePem(fixed).der).toEqual(der);
    const o = await runCli(['csr', '--fix', fx('csr/keytool-new-header.csr'), '--out', '-']);
    expect(o).toEqual({ status: 0, stdout: fixed, stderr: '' });
    // keytool -certreq writes CRLF inside the base64: the same request comes out.
    writeFileSync(join(dir, 'crlf.csr'), src.replace(/\r?\n/g, '\r\n'));
    const c = await runCli(['csr', '--fix', 'crlf.csr', '--out', 'crlf-fixed.csr'], { cwd: dir });
    expect(c).toEqual({ status: 0, stdout: '', stderr: 'certkit: wrote crlf-fixed.csr\n' });
    expect(readFileSync(join(dir, 'crlf-fixed.csr'), 'utf8')).toBe(fixed);
  });

  it('refuses to overwrite either output without --force (exit 6), writing neither', async () => {
    writeFileSync(join(dir, 'taken.csr'), 'old');
    const before = readdirSync(dir).sort();
    const r = await runCli(['csr', '--dname', 'CN=x', '--key-out', 'fresh.key', '--out', 'taken.csr'], { cwd: dir });
    expect(r).toEqual({ status: 6, stdout: '', stderr: 'certkit: taken.csr: refusing to overwrite an existing file (use --force to replace it)\n' });
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'taken.csr'), 'utf8')).toBe('old');
  });

  it('needs --dname and a key source', async () => {
    expect(await runCli(['csr', '--out', 'x.csr', '--key-out', 'x.key'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'certkit: give --dname for a new CSR (or --fix FILE to fix a keytool CSR)\n',
    });
    expect(await runCli(['csr', '--dname', 'CN=x', '--out', 'x.csr'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'certkit: give --key KEY.pem to use a key, or --key-out NEW.pem to generate one\n',
    });
  });
});
