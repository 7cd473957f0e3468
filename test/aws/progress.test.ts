/**
 * Waits are visible on a terminal: under a pseudo-terminal, `certkit pca issue` against
 * moto_server behind the fault proxy (throttling once, then "in progress" twice) shows one status
 * line rewritten in place for each call, retry and wait, and erases it before its result. Off a
 * terminal the same run prints none of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { certkitAsync } from '../e2e/cli.js';
import { builtCliExists } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { createActivatedCa, FAKE_CREDENTIALS, useMoto, type ActivatedCa } from '../support/moto.js';
import { certkitOnPty, havePty } from '../support/pty-session.js';
import { tempDir } from '../support/tmp.js';
import { haveTools, run } from '../support/tools.js';

const REWRITE = '\r\x1b[2K';

describe.skipIf(!haveTools('moto_server', 'openssl') || !havePty() || !builtCliExists())('progress lines on a terminal (pca issue, built CLI)', () => {
  const moto = useMoto();
  const cwd = tempDir('certkit-progress-');
  let proxy: FaultProxy;
  let ca: ActivatedCa;
  const env = () => ({ AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey, AWS_ENDPOINT_URL: proxy.endpoint });

  beforeAll(async () => {
    proxy = await startFaultProxy(moto().endpoint);
    ca = await createActivatedCa(moto().endpoint, { commonName: 'certkit progress root' });
    for (const name of ['tty', 'pipe']) {
      run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(cwd, `${name}.key`), '-subj', `/CN=progress-${name}`, '-out', join(cwd, `${name}.csr`)]);
    }
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  beforeEach(() => {
    proxy.reset();
    proxy.addRule({ match: { target: 'IssueCertificate' }, fault: { kind: 'throttle' } });
    proxy.addRule({ match: { target: 'GetCertificate' }, fault: { kind: 'requestInProgress' }, times: 2 });
  });

  it('each call, the retry after throttling and the wait, on one line rewritten in place, erased before the result', async () => {
    const pty = certkitOnPty(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'tty.csr', '--out', 'tty.pem'], { cwd, env: env() });
    const { status, output } = await pty.done;
    expect(status, output).toBe(0);
    const text = output.replaceAll('\r\n', '\n');
    const at = (op: string) => `asking ACM PCA (us-east-1): ${op}`;
    // Every status is written as REWRITE + text; the last REWRITE erases it before the result.
    const parts = text.split(REWRITE);
    expect(parts[0]).toBe('');
    const statuses = parts.slice(1, -1);
    expect(statuses.slice(0, 4)).toEqual([
      `${at('DescribeCertificateAuthority')}…`,
      `${at('IssueCertificate')}…`,
      `${at('IssueCertificate')}, attempt 2 of 5 after throttling…`,
      `${at('GetCertificate')}…`,
    ]);
    // Two polls answered "in progress": the wait, in seconds since it began; the polls under it are not shown.
    expect(statuses.slice(4).map((s) => s.replace(/[0-9]+ s$/, 'N s'))).toEqual(['waiting for the certificate, N s', 'waiting for the certificate, N s']);
    const leaf = readFileSync(join(cwd, 'tty.pem'), 'utf8');
    expect(leaf.startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
    expect(parts[parts.length - 1]).toMatch(new RegExp(`^${ca.caArn}/certificate/[0-9a-f]{32}\\ncertkit: wrote tty\\.pem \\(leaf and 1 CA certificate\\(s\\); expires [0-9TZ:.-]+\\)\\n$`));
  });

  it('off a terminal, the same run prints no progress: only its note', async () => {
    const r = await certkitAsync(['pca', 'issue', '--ca-arn', ca.caArn, '--csr', 'pipe.csr', '--out', 'pipe.pem'], { cwd, env: env() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^certkit: wrote pipe\.pem \(leaf and 1 CA certificate\(s\); expires [0-9TZ:.-]+\)\n$/);
    expect(proxy.seen({ target: 'IssueCertificate' }).map((q) => q.fault ?? 'ok')).toEqual(['throttle', 'ok']);
  });
});
