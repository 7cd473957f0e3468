/**
 * Shared pieces of the cloud-fault suites (no tests here): each suite file starts ONE
 * moto_server and ONE fault proxy in front of it, and every scenario runs the real SDK through
 * the proxy with a bounded retry budget (3 attempts) so the "does not clear" cases stay quick.
 */
import { CertkitError, exitStatusOf } from '../../src/errors.js';
import type { AwsOptions } from '../../src/aws/config.js';
import { awsOptionsFor } from '../support/moto.js';

/** Attempts per SDK call in these suites (the first try and two retries). */
export const ATTEMPTS = 3;

/** AWS options for the proxy: fake credentials, empty environment, {@link ATTEMPTS} attempts. */
export function viaProxy(endpoint: string, extra: Partial<AwsOptions> = {}): AwsOptions {
  return awsOptionsFor(endpoint, { maxAttempts: ATTEMPTS, ...extra });
}

/** The CertkitError `p` rejects with (anything else fails the test). */
export async function rejection(p: Promise<unknown>): Promise<CertkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** What a scenario asserts about a failure: code, exit status, the one-line message. */
export function outcome(e: CertkitError): { code: string; exit: number; message: string; oneLine: boolean } {
  return { code: e.code, exit: exitStatusOf(e), message: e.message, oneLine: !/[\r\n]/.test(e.message) };
}

/** The request id the proxy put on its n-th injected answer is `certkit-fault-<n>`. */
export const FAULT_ID = /\(request id certkit-fault-[0-9]+\)$/;
