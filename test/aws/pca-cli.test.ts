/** `certkit pca issue` / `pca fetch` in process against moto_server (through the fault proxy). */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { runCli } from '../support/cli.js';
import { createActivatedCa, useMoto, type ActivatedCa } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run } from '../support/tools.js';

describe.skipIf(!haveTools('moto_server', 'openssl'))('certkit pca against moto_server', () => {
  const moto = useMoto();
  const dir = tempDir();
  let proxy: FaultProxy;
  let ca: ActivatedCa;
  let env: Record<string, string>;

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    ca = await createActivatedCa(moto().endpoint);
    writeFileSync(join(dir, 'root.pem'), ca.rootPem);
    run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'),
      '-subj', '/CN=glue-client', '-out', join(dir, 'csr.pem')]);
    // keytool's "NEW CERTIFICATE REQUEST" header, which the seed recipe strips with sed.
    writeFileSync(join(dir, 'csr-new.pem'), readFileSync(join(dir, 'csr.pem'), 'utf8').replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST'));
    env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL_ACM_PCA: proxy.endpoint };
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  beforeEach(() => proxy.reset());

  it('issue writes leaf then chain (0644) and prints the certificate ARN; openssl verifies it', async () => {
    const r = await runCli(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr-new.pem', '--template-arn', 'client-auth', '--out', 'client_cert.pem'], { env, cwd: dir });
    expect([r.status, r.stderr.split('\n')[0]!.startsWith('certkit: wrote client_cert.pem (leaf and 1 CA certificate(s); expires ')]).toEqual([0, true]);
    expect(r.stdout).toMatch(new RegExp(`^${ca.caArn}/certificate/[0-9a-f]{32}\\n$`));
    const out = join(dir, 'client_cert.pem');
    expect(statSync(out).mode & 0o777).toBe(0o644);
    const pem = readFileSync(out, 'utf8');
    expect(pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    expect(run('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), out])).toBe(`${out}: OK\n`);
    expect(run('openssl', ['x509', '-in', out, '-noout', '-subject'])).toBe('subject=CN = glue-client\n');
    // The EC client key under the RSA CA: the algorithm follows the CA, not the CSR.
    const body = JSON.parse(proxy.forwarded({ target: 'IssueCertificate' })[0]!.body.toString('utf8'));
    expect([body.SigningAlgorithm, body.Validity, body.TemplateArn]).toEqual([
      'SHA256WITHRSA', { Type: 'DAYS', Value: 300 }, 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1',
    ]);

    // fetch gives the same certificate for the ARN, checking the CSR's key.
    const f = await runCli(['pca', 'fetch', '--ca-arn', ca.caArn, '--certificate-arn', r.stdout.trim(), '--csr', 'csr.pem', '--out', '-'], { env, cwd: dir });
    expect([f.status, f.stdout, f.stderr]).toEqual([0, pem, '']);
  });

  it('issue --json: subject, issuer, serial and fingerprint as keytool prints them (as keystore list --json does)', async () => {
    const r = await runCli(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--out', 'json.pem', '--json'], { env, cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    const leaf = new X509Certificate(readFileSync(join(dir, 'json.pem')));
    // keytool's serial: lower-case hex without leading zeros (Node's has both).
    const serial = BigInt(`0x${leaf.serialNumber}`).toString(16);
    expect([doc.subject, doc.serial, doc.sha256, doc.chainLength]).toEqual(['CN=glue-client', serial, leaf.fingerprint256, 1]);
    expect(doc.issuer).toMatch(/^CN=/);
  });

  it('--out - with --json is refused (both on stdout; exit 2) before anything is sent', async () => {
    for (const verb of [['issue', '--csr', 'csr.pem'], ['fetch', '--certificate-arn', `${ca.caArn}/certificate/${'0'.repeat(32)}`]]) {
      const r = await runCli(['pca', ...verb, '--ca-arn', ca.caArn, '--out', '-', '--json'], { env, cwd: dir });
      expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'certkit: --json and --out - both print on stdout (write the chain to a file with --out FILE, or drop --json)\n']);
    }
    expect(proxy.requests).toHaveLength(0);
  });

  it('refuses an existing --out before sending anything (exit 6)', async () => {
    writeFileSync(join(dir, 'taken.pem'), 'x');
    const r = await runCli(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--out', 'taken.pem'], { env, cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([6, '', 'certkit: taken.pem: refusing to overwrite an existing file (use --force to replace it)\n']);
    expect(proxy.requests).toHaveLength(0);
  });

  it('a signing algorithm that does not suit the CA is a usage error (exit 2) and nothing is issued', async () => {
    const r = await runCli(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--signing-algorithm', 'sha384withecdsa', '--out', 'x.pem'], { env, cwd: dir });
    expect([r.status, r.stderr]).toEqual([
      2, "certkit: --signing-algorithm SHA384WITHECDSA does not match the CA's RSA_2048 key (use SHA256WITHRSA or SHA384WITHRSA or SHA512WITHRSA)\n",
    ]);
    expect(proxy.seen({ target: 'IssueCertificate' })).toHaveLength(0);
  });

  it('AWS errors are one line with the code and request id (exit 5)', async () => {
    proxy.addRule({ match: { target: 'DescribeCertificateAuthority' }, fault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'denied' } });
    const r = await runCli(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--out', 'y.pem'], { env, cwd: dir });
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(
      new RegExp(`^certkit: ${ca.caArn}: ACM PCA DescribeCertificateAuthority failed: AccessDeniedException: denied \\(request id certkit-fault-\\d+\\) \\(the credentials in use lack the permission this step needs\\)\\n$`),
    );
  });

  it('bad --validity and --ca-arn are usage errors before any request', async () => {
    const a = await runCli(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'csr.pem', '--validity', '0d', '--out', 'z.pem'], { env, cwd: dir });
    expect([a.status, a.stderr]).toEqual([
      2, "certkit: --validity '0d': not a validity period or an end date (use a period such as 300d, 12m or 1y, or an end date such as 2027-01-31)\n",
    ]);
    const b = await runCli(['pca', 'issue', '--ca-arn', 'arn:aws:acm:us-east-1:1:certificate/x', '--csr', 'csr.pem', '--out', 'z.pem'], { env, cwd: dir });
    expect([b.status, b.stderr]).toEqual([
      2, "certkit: --ca-arn 'arn:aws:acm:us-east-1:1:certificate/x' is not an ACM PCA certificate authority ARN: it is an ARN of the service 'acm', not acm-pca (an ACM certificate's ARN; the CA that issued it has an acm-pca ARN) (expected arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID)\n",
    ]);
    expect(proxy.requests).toHaveLength(0);
  });
});
