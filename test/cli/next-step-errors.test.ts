/**
 * Errors that say what to do next (the "habits" issue): a wrong key password names the option
 * that gives it (and the client.properties `certkit client` left beside the keystore); a file of
 * the wrong kind is named by its kind, with the command that turns one into the other. In
 * process, on keystores keytool made (fixtures/) and files certkit exported from them.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { ROOT, runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const JKS = join(ROOT, 'fixtures/jks/rsa2048-chain2-storepass-ne-keypass.jks');
const env = { SP: 'chain-storepass', KP: 'chain-keypass', WRONG: 'not-the-key-password' };

describe('errors that say what to do next', () => {
  const cwd = tempDir('certkit-next-step-');

  beforeAll(async () => {
    copyFileSync(JKS, join(cwd, 'x.jks'));
    mkdirSync(join(cwd, 'certs'));
    copyFileSync(JKS, join(cwd, 'certs', 'kafka.client.keystore.jks'));
    writeFileSync(join(cwd, 'certs', 'client.properties'), 'ssl.keystore.location=kafka.client.keystore.jks\n');
    const r = await runCli(['keystore', 'export', 'x.jks', '--storepass', 'env:SP', '--keypass', 'env:KP', '--cert-out', 'x.pem', '--key-out', 'x.key'], { cwd, env });
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(cwd, 'x.csr'), readFileSync(join(cwd, 'x.pem'), 'utf8').replaceAll('CERTIFICATE', 'CERTIFICATE REQUEST'));
  });

  it.each([
    [
      'keystore export without --keypass',
      ['keystore', 'export', 'x.jks', '--storepass', 'env:SP', '--key-out', 'k.pem'],
      "certkit: x.jks: entry 1 'client': key password was incorrect (the protected key does not decrypt with it) (give the key's own password with --keypass)\n",
    ],
    [
      'keystore convert with a wrong --srckeypass',
      ['keystore', 'convert', 'x.jks', 'x.p12', '--srcstorepass', 'env:SP', '--srckeypass', 'env:WRONG', '--deststorepass', 'env:SP'],
      "certkit: x.jks: entry 1 'client': key password was incorrect (the protected key does not decrypt with it) (give the key's own password with --srckeypass)\n",
    ],
    [
      'a keystore certkit client wrote: its client.properties has the password',
      ['keystore', 'export', 'certs/kafka.client.keystore.jks', '--storepass', 'env:SP', '--key-out', 'k.pem'],
      "certkit: certs/kafka.client.keystore.jks: entry 1 'client': key password was incorrect (the protected key does not decrypt with it) " +
        "(give the key's own password with --keypass; client.properties in certs has it (ssl.key.password))\n",
    ],
  ])('a wrong key password names the option: %s (exit 4)', async (_name, args, stderr) => {
    const r = await runCli(args, { cwd, env });
    expect([r.status, r.stdout, r.stderr]).toEqual([4, '', stderr]);
  });

  it.each([
    [['keystore', 'list', 'x.pem', '--storepass', 'env:SP'], 'x.pem is a PEM certificate, not a keystore: use certkit keystore create (with its key) or certkit truststore create'],
    [['keystore', 'export', 'x.key', '--storepass', 'env:SP'], 'x.key is a PEM private key, not a keystore: use certkit keystore create (with its certificate)'],
    [['keystore', 'list', 'x.csr', '--storepass', 'env:SP'], 'x.csr is a PEM certificate request (CSR), not a keystore: have it signed first (certkit pca issue, certkit sign)'],
    [['redshift-secret', '--cert', 'x.pem', '--key', 'x.jks'], 'x.jks is a JKS keystore, not a private key: use certkit keystore export --key-out to take the key out of it'],
    [['redshift-secret', '--cert', 'x.jks', '--key', 'x.key'], 'x.jks is a JKS keystore, not a certificate: use certkit keystore export --cert-out to take the chain out of it'],
    [['keystore', 'create', '--key', 'x.pem', '--cert', 'x.pem', '--out', 'n.p12', '--storepass', 'env:SP'], 'x.pem is a PEM certificate, not a private key: give the private key file (private_key.pem)'],
    [['keystore', 'create', '--key', 'x.key', '--cert', 'x.key', '--out', 'n.p12', '--storepass', 'env:SP'], 'x.key is a PEM private key, not a certificate: give the certificate file (client_cert.pem)'],
    [['truststore', 'create', '--cert', 'x.jks', '--out', 't.p12', '--storepass', 'env:SP'], 'x.jks is a JKS keystore, not a certificate: use certkit keystore export --cert-out to take the chain out of it'],
    [['verify', '--cert', 'x.csr'], 'x.csr is a PEM certificate request (CSR), not a certificate: have it signed first (certkit pca issue, certkit sign)'],
    [['verify', '--cert', 'x.pem', '--key', 'x.jks'], 'x.jks is a JKS keystore, not a private key: use certkit keystore export --key-out to take the key out of it'],
    [['csr', '--key', 'x.jks', '--dname', 'CN=a', '--out', '-'], 'x.jks is a JKS keystore, not a private key: use certkit keystore export --key-out to take the key out of it'],
  ])('a file of the wrong kind is named by its kind: %j (exit 3)', async (args, message) => {
    const r = await runCli(args, { cwd, env });
    expect([r.status, r.stdout, r.stderr]).toEqual([3, '', `certkit: ${message}\n`]);
  });

  it('a file that is no known kind keeps the parser\'s message', async () => {
    writeFileSync(join(cwd, 'noise.bin'), Buffer.from([1, 2, 3, 4, 5]));
    const r = await runCli(['keystore', 'list', 'noise.bin', '--storepass', 'env:SP'], { cwd, env });
    expect([r.status, r.stderr]).toEqual([3, 'certkit: noise.bin: not a JKS, JCEKS or PKCS#12 keystore\n']);
  });
});
