/**
 * Test helpers for the JKS/JCEKS suites: run keytool with a UTF-8 locale (so non-ASCII aliases
 * survive argv and stdout under JDK 17), and parse `keytool -list -v` into what the tests assert.
 */
import { createHash } from 'node:crypto';
import { execFileSync, type SpawnSyncReturns } from 'node:child_process';
import { CertkitError, exitStatusOf } from '../../src/errors.js';

const UTF8_ENV = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };

/** Runs keytool (or any tool) under a UTF-8 locale; throws with its output when it fails. */
export function runUtf8(cmd: string, args: readonly string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', env: UTF8_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const r = e as SpawnSyncReturns<string>;
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
}

/** One entry as `keytool -list -v` prints it. */
export interface ListedEntry {
  alias: string;
  type: string;
  /** SHA-256 fingerprints of the chain (one for a trustedCertEntry; none for a SecretKeyEntry). */
  sha256: string[];
}

/** Parses `keytool -list -v` output, in the order keytool prints the entries. */
export function parseKeytoolList(out: string): ListedEntry[] {
  const blocks = out.split(/^Alias name: /m).slice(1);
  return blocks.map((b) => {
    const alias = b.slice(0, b.indexOf('\n'));
    const type = /^Entry type: (\S+)$/m.exec(b)?.[1] ?? '';
    const sha256 = [...b.matchAll(/^\s*SHA256: ([0-9A-F:]+)$/gm)].map((m) => m[1]!);
    return { alias, type, sha256 };
  });
}

/** The lines keytool -list -v and certkit both print, grouped by alias. */
export function comparable(listing: string): Map<string, string[]> {
  const keep = /^(Alias name|Creation date|Entry type|Certificate chain length|Certificate\[\d+\]|Owner|Issuer|Serial number|Valid from|\t SHA1|\t SHA256|Signature algorithm name|Subject Public Key Algorithm|Version):?/;
  const out = new Map<string, string[]>();
  for (const block of listing.split(/^(?=Alias name: )/m).slice(1)) {
    const alias = block.slice('Alias name: '.length, block.indexOf('\n'));
    out.set(alias, block.split('\n').filter((l) => keep.test(l)));
  }
  return out;
}

/** A certificate's SHA-256 fingerprint as keytool prints it. */
export function keytoolFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/** Calls `fn`, expecting a CertkitError; returns it (fails the test with what happened otherwise). */
export function catchCertkit(fn: () => unknown): CertkitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertkitError) return e;
    throw new Error(`expected a CertkitError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a CertkitError, but the call succeeded');
}

export { exitStatusOf };
