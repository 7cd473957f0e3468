/**
 * Waits are bounded and visible. An endpoint that accepts connections and never answers (a VPC
 * endpoint whose security group drops the traffic) once cost 302 s of silence (5 attempts of a
 * 60 s stall, plus a connection timeout); every call now has one deadline for all its attempts.
 *
 * The bound itself is the configured values (asserted below): the deadline is 60 s, and within
 * it a stall ends an attempt after 20 s, so 3 attempts fit. The runs against a silent server use
 * a shortened deadline through CERTKIT_TEST_ONLY_AWS_CALL_DEADLINE_MS, a TEST ONLY variable, so
 * that they fail in a second: what they check is that the CLI fails, how, and with what exit.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CALL_DEADLINE_MS,
  callDeadline,
  clientConfig,
  CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  failureKind,
  TEST_CALL_DEADLINE_ENV,
} from '../../src/aws/config.js';
import { INTERRUPTED_LINE } from '../../src/cli/main.js';
import { certkitAsync } from '../e2e/cli.js';
import { BIN, builtCliExists } from '../support/cli.js';
import { FAKE_CREDENTIALS } from '../support/moto.js';
import { tempDir } from '../support/tmp.js';
import { deferred, withDeadline } from '../support/wait.js';

const CA_ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/12345678-1234-1234-1234-123456789012';
const CREDS = { AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey };

describe('the configured bounds', () => {
  it('10 s to connect, 20 s of stall per attempt, 5 attempts, 60 s per call in all', async () => {
    expect([CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, CALL_DEADLINE_MS]).toEqual([10_000, 20_000, 5, 60_000]);
    const c = await clientConfig('ACM_PCA', { region: 'us-east-1', env: {} });
    expect([c.requestHandler, c.maxAttempts]).toEqual([{ connectionTimeout: 10_000, requestTimeout: 20_000, throwOnRequestTimeout: true }, 5]);
    // A silent endpoint: stalled attempts end at 20 s each, so the deadline, not the attempts, ends the call.
    expect(Math.floor(CALL_DEADLINE_MS / DEFAULT_REQUEST_TIMEOUT_MS)).toBe(3);
    expect(callDeadline({ env: {} })).toBe(60_000);
    expect(callDeadline({ env: { [TEST_CALL_DEADLINE_ENV]: '1500' } })).toBe(1500);
    expect(callDeadline({ env: { [TEST_CALL_DEADLINE_ENV]: 'soon' } })).toBe(60_000);
  });

  it('names why an attempt failed, for the progress line', () => {
    expect([
      failureKind(Object.assign(new Error('x'), { name: 'TimeoutError' })),
      failureKind(Object.assign(new Error('x'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })),
      failureKind(Object.assign(new Error('x'), { code: 'ECONNRESET' })),
      failureKind(Object.assign(new Error('x'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } })),
      failureKind(new Error('x')),
    ]).toEqual(['a timeout', 'throttling', 'a broken connection', 'a server error (HTTP 503)', 'an error']);
  });
});

describe('an endpoint that accepts connections and never answers', () => {
  const cwd = tempDir('certkit-deadline-');
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];
  let connected = deferred();

  beforeAll(async () => {
    server = createServer((s) => {
      sockets.push(s); // accepted, read, never answered
      s.resume();
      connected.resolve();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const env = () => ({ ...CREDS, [TEST_CALL_DEADLINE_ENV]: '1500' });
  const noAnswer = (action: string) =>
    `${action} failed: no answer from ${endpoint} in 1.5 s (check the endpoint, the VPC endpoint's security group, or --endpoint-url)`;

  it.skipIf(!builtCliExists())('pca fetch (built CLI): exit 5 at the deadline, one line naming the endpoint and what to check', async () => {
    const r = await certkitAsync(
      ['pca', 'fetch', '--ca-arn', CA_ARN, '--certificate-arn', `${CA_ARN}/certificate/${'a'.repeat(32)}`, '--out', 'y.pem', '--endpoint-url', endpoint],
      { cwd, env: env() },
    );
    expect([r.status, r.stdout, r.stderr]).toEqual([5, '', `certkit: ${CA_ARN}/certificate/${'a'.repeat(32)}: ${noAnswer('ACM PCA GetCertificate')}\n`]);
  });

  it.skipIf(!builtCliExists())('SIGINT while it waits: one line, then the process ends by SIGINT (a shell reports 130)', async () => {
    connected = deferred();
    const child = spawn(
      process.execPath,
      [BIN, 'pca', 'fetch', '--ca-arn', CA_ARN, '--certificate-arn', `${CA_ARN}/certificate/${'b'.repeat(32)}`, '--out', 'z.pem', '--endpoint-url', endpoint],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...CREDS }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    // The handler re-raises the signal (src/cli/main.ts): a parent sees the signal, a shell 130.
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    await withDeadline(connected.promise, 'the CLI to connect to the silent endpoint');
    child.kill('SIGINT');
    expect([await withDeadline(closed, 'the CLI to exit after SIGINT'), stderr]).toEqual([[null, 'SIGINT'], `${INTERRUPTED_LINE}\n`]);
  });
});
