/**
 * `certkit client` in process (main with injected I/O): progress lines only on a terminal, the
 * generated passwords once on stdout and never on stderr, usage errors (exit 2) before anything
 * is created, and the local CA made on first use and reused after.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.js';
import { tempDir } from '../support/tmp.js';

function collector(isTTY: boolean) {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s), text: () => chunks.join(''), isTTY };
}

async function client(args: string[], cwd: string, tty: boolean) {
  const stdout = collector(false);
  const stderr = collector(tty);
  const status = await main(['client', ...args], { stdout, stderr, stdin: '', env: {}, cwd });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

describe('certkit client (in process)', () => {
  const cwd = tempDir('certkit-client-cmd-');

  it('on a terminal: one progress line per step on stderr; passwords only in the stdout summary', async () => {
    const r = await client(['--dname', 'CN=tty client', '--key-type', 'ec256', '--out', 'tty'], cwd, true);
    expect(r.status, r.stderr).toBe(0);
    // The local CA is made while the client key is generated, so its notice may come at either point.
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('certkit: '))).toEqual([
      'certkit: created a local development CA in certkit-ca (its certificate certkit-ca/ca.pem is what servers must trust)',
    ]);
    expect(lines.filter((l) => !l.startsWith('certkit: '))).toEqual([
      '[1/8] key  generating a ec256 key',
      '[2/8] csr  building the CSR for CN=tty client',
      '[3/8] issue  requesting the certificate from local-ca',
      '[4/8] check  checking the certificate against the key and the chain',
      '[5/8] write  writing 8 files to tty',
      '[8/8] record  recording the run in tty/certkit.json',
      '',
    ]);
    const store = /keystore password \(storepass\) {2}([A-Za-z0-9]{24})\n/.exec(r.stdout)![1]!;
    const key = /key password \(keypass\) {9}([A-Za-z0-9]{24})\n/.exec(r.stdout)![1]!;
    expect(r.stderr).not.toContain(store);
    expect(r.stderr).not.toContain(key);
    expect(r.stdout.split(store).length).toBe(2); // shown exactly once
    expect(readFileSync(join(cwd, 'tty', 'client.properties'), 'utf8')).toContain(`ssl.keystore.password=${store}\nssl.key.password=${key}\n`);
    expect(r.stdout.startsWith('certkit: issued CN=tty client (issuer: CN=certkit local development CA, O=certkit, by local-ca)\n')).toBe(true);
  });

  it('not on a terminal: no progress; the existing local CA is reused silently', async () => {
    const caBefore = readFileSync(join(cwd, 'certkit-ca', 'ca.pem'), 'utf8');
    const r = await client(['--out', 'pipe', '--formats', 'cert,ca', '--storepass', 'env:NOPE'], cwd, false);
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'certkit: --storepass: environment variable NOPE is not set (export NOPE, or give the password another way)\n' });
    const ok = await client(['--out', 'pipe', '--formats', 'cert,ca'], cwd, false);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    expect(readdirSync(join(cwd, 'pipe')).sort()).toEqual(['ca.pem', 'certkit.json', 'client_cert.pem']);
    expect(readFileSync(join(cwd, 'pipe', 'ca.pem'), 'utf8')).toBe(caBefore);
  });

  it('usage errors exit 2 before any key, CA or file is made', async () => {
    const fresh = tempDir('certkit-client-usage-');
    const cases: [string[], string][] = [
      [['--formats', 'jks,zip'], 'certkit: unknown format "zip" in --formats (choose from jks, p12, cert, key, csr, ca, secret, properties, or all)\n'],
      [['--s3-include', 'jks'], 'certkit: --s3-include needs --s3 (it says how to upload, and nothing is uploaded without --s3)\n'],
      [['--sse', 'AES256'], 'certkit: --sse needs --s3 (it says how to upload, and nothing is uploaded without --s3)\n'],
      [['--kms-key-id', 'alias/certs'], 'certkit: --kms-key-id needs --s3 (it says how to upload, and nothing is uploaded without --s3)\n'],
      [['--template-arn', 'client-auth'], 'certkit: --template-arn needs --ca-arn (ACM PCA templates; the local CA has none)\n'],
      [['--validity', '365'], "certkit: --validity '365' has no unit: did you mean 365d? (keytool's -validity counts days; certkit takes 300d, 12m or 1y)\n"],
      [['--s3', 's3://Bad_Bucket/certs/'], "certkit: --s3 's3://Bad_Bucket/certs/': a bucket name has lower-case letters, digits, dots and hyphens, and starts and ends with a letter or digit (expected s3://bucket/prefix/)\n"],
      [['--ca-arn', 'arn:aws:acm-pca:us-east-1:1:ca/x'], "certkit: --ca-arn 'arn:aws:acm-pca:us-east-1:1:ca/x' is not an ACM PCA certificate authority ARN: the account '1' is not 12 digits (expected arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID)\n"],
      [['--key-type', 'dsa'], 'certkit: unknown key type "dsa" (expected one of rsa2048, rsa3072, rsa4096, ec256, ec384)\n'],
      [['--validity', '0d'], "certkit: --validity '0d': not a validity period or an end date (use a period such as 300d, 12m or 1y, or an end date such as 2027-01-31)\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = await client(args, fresh, false);
      expect([args, r.status, r.stderr]).toEqual([args, 2, stderr]);
    }
    expect(existsSync(join(fresh, 'certkit-ca'))).toBe(false);
    expect(existsSync(join(fresh, 'certs'))).toBe(false);
  });

  it("--msk-uri on MSK's plaintext port (9092) is warned about, on stderr and in --json's warnings", async () => {
    const r = await client(['--out', 'plain', '--formats', 'cert', '--msk-uri', 'b-1.example:9094,b-2.example:9092', '--json'], cwd, false);
    const warning = "--msk-uri: 9092 is MSK's plaintext port; mutual TLS is on 9094";
    expect(r.status, r.stderr).toBe(0);
    // The local CA's MSK warning comes first: --msk-uri with the local CA.
    expect(r.stderr.split('\n').slice(1)).toEqual([`certkit: warning: ${warning}`, '']);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings[1]).toBe(warning);
  });
});
