/**
 * moto_server for the AWS suites: started on a free loopback port, reached through the real
 * SDK with fake credentials passed explicitly (a developer's ~/.aws is never read), stopped
 * after the file's tests.
 *
 * The server and CA helpers live in bench/moto.mjs (plain JavaScript, shared with the benchmark,
 * which node runs without a compile step; see there for the facts about moto they rely on). This
 * file adds what only the tests need: the vitest hooks, AWS options for the library, and finding
 * moto_server through `tool()` (so a missing moto_server fails CI).
 * The fault proxy in fault-proxy.ts covers what moto does not emulate.
 */
import { afterAll, beforeAll } from 'vitest';
import { FAKE_CREDENTIALS, TEST_REGION, startMoto as startMotoAt, type MotoServer } from '../../bench/moto.mjs';
import type { AwsOptions } from '../../src/aws/config.js';
import { tool } from './tools.js';

export { FAKE_CREDENTIALS, TEST_REGION, createActivatedCa, freePort, type ActivatedCa, type MotoServer } from '../../bench/moto.mjs';

/** AWS options pointing at `endpoint` with fake credentials and an empty environment. */
export function awsOptionsFor(endpoint: string, extra: Partial<AwsOptions> = {}): AwsOptions {
  return {
    region: TEST_REGION,
    endpointUrl: endpoint,
    credentials: { ...FAKE_CREDENTIALS },
    maxAttempts: 3,
    env: {},
    ...extra,
  };
}

/** Starts moto_server on a free loopback port and waits until it answers (up to 30 s). */
export async function startMoto(): Promise<MotoServer> {
  const bin = tool('moto_server');
  if (bin === undefined) throw new Error('moto_server is not installed');
  return startMotoAt(bin);
}

/**
 * Starts moto_server before the file's tests and stops it after; returns a getter for the
 * running server (valid inside tests and hooks).
 */
export function useMoto(): () => MotoServer {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('moto_server is not running');
    return server;
  };
}
