/**
 * One `certkit client` at a time per `--out` (bin/certkit, local CA). Two `--force` runs on one
 * directory used to interleave their files into a set whose keystore, certificate and record
 * came from different runs. Now the second fails at once, in one line naming the holder (exit 6),
 * and the set is the first run's throughout: certkit.json's fingerprint is the keystore's and
 * client_cert.pem's. A lock left by a killed run (its process gone) is taken over; one held by a
 * live process is respected.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initLocalCa } from '../../src/issuers/local-ca.js';
import { readKeyStore } from '../../src/keystore/keystore.js';
import { parseRecord, RECORD_FILE } from '../../src/record.js';
import { LOCK_FILE } from '../../src/sinks/directory-lock.js';
import { certkit } from '../e2e/cli.js';
import { builtCliExists } from '../support/cli.js';
import { caseDirs } from '../support/tmp.js';
import { startCertkit, type Child } from './process.js';
import { CRASH_DNAME, OUTPUTS, sameIdentity } from './support.js';

const { root, fresh } = caseDirs('certkit-crash-lock-');
const ENV = { SP: 'lock-store-pass', KP: 'lock-key-pass' };
const PAUSED = /paused before publishing (\S+)$/;
let caDir: string;
const args = () => ['client', '--ca-dir', caDir, '--dname', CRASH_DNAME, '--key-type', 'ec256', '--out', 'out', '--storepass', 'env:SP', '--keypass', 'env:KP', '--force'];
const busy = (pid: number, startedAt: string) =>
  `certkit: out: another certkit run (pid ${pid}, since ${startedAt}) is writing to this directory (wait for it to end; if no certkit run is using it, delete out/${LOCK_FILE})\n`;

beforeAll(async () => {
  caDir = join(root, 'ca');
  await initLocalCa(caDir, { keyType: 'ec256' });
});

/** The set in d/out is one run's: the record's fingerprint is the keystore's leaf and client_cert.pem's, and the key matches. */
async function consistent(d: string): Promise<string> {
  const out = join(d, 'out');
  expect(readdirSync(out).sort()).toEqual([...OUTPUTS].sort());
  sameIdentity(out);
  const record = parseRecord(readFileSync(join(out, RECORD_FILE)));
  const ks = await readKeyStore(readFileSync(join(out, 'kafka.client.keystore.jks')), { storePassword: ENV.SP, keyPassword: ENV.KP });
  const entry = ks.entries[0]!;
  expect(entry.kind).toBe('private-key');
  const leaf = entry.kind === 'private-key' ? new X509Certificate(entry.chain[0]!) : undefined;
  const pem = new X509Certificate(readFileSync(join(out, 'client_cert.pem')));
  expect([leaf?.fingerprint256, pem.fingerprint256]).toEqual([record.certificate.sha256, record.certificate.sha256]);
  return record.certificate.sha256;
}

/** Lets a child paused by the TEST ONLY hook go on at every pause, until it ends. */
async function stepToTheEnd(child: Child): ReturnType<() => Child['done']> {
  for (;;) {
    try {
      await child.waitFor(PAUSED);
    } catch {
      return child.done; // it ended
    }
    child.proc.kill('SIGUSR2');
  }
}

describe.skipIf(!builtCliExists())('one certkit client per --out', () => {
  it('two --force runs on one --out: the second fails at once naming the first; the set stays the first run’s', async () => {
    const d = fresh();
    expect(certkit(args(), { cwd: d, env: ENV }).status).toBe(0);
    const before = await consistent(d);

    const first = startCertkit(args(), { cwd: d, env: { ...ENV, CERTKIT_TEST_PAUSE_BEFORE_PUBLISH: '1' } });
    await first.waitFor(PAUSED); // it holds the lock and is writing
    const holder = JSON.parse(readFileSync(join(d, 'out', LOCK_FILE), 'utf8')) as { pid: number; startedAt: string };
    expect(holder.pid).toBe(first.proc.pid);
    const second = certkit(args(), { cwd: d, env: ENV });
    expect([second.status, second.stdout, second.stderr]).toEqual([6, '', busy(holder.pid, holder.startedAt)]);
    first.proc.kill('SIGUSR2');

    const r = await stepToTheEnd(first);
    expect([r.status, r.signal]).toEqual([0, null]);
    const after = await consistent(d);
    expect(after).not.toBe(before); // the first run's new certificate, everywhere
  }, 120_000);

  it('two --force runs started together: each succeeds or is refused in that line; the set is always one run’s', async () => {
    const d = fresh();
    expect(certkit(args(), { cwd: d, env: ENV }).status).toBe(0);
    const runs = [startCertkit(args(), { cwd: d, env: ENV }), startCertkit(args(), { cwd: d, env: ENV })];
    const results = await Promise.all(runs.map((c) => c.done));
    for (const [i, r] of results.entries()) {
      if (r.status === 0) continue;
      const other = runs[1 - i]!.proc.pid!;
      expect(r.status).toBe(6);
      expect(r.stderr).toMatch(new RegExp(`^certkit: out: another certkit run \\(pid ${other}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\) is writing to this directory `));
    }
    expect(results.some((r) => r.status === 0)).toBe(true);
    await consistent(d);
  }, 120_000);

  it('a lock whose process is gone is taken over; one whose process is alive is respected', async () => {
    const d = fresh();
    expect(certkit(args(), { cwd: d, env: ENV }).status).toBe(0);
    // A process that has ended: its id names no process now.
    const gone = spawn(process.execPath, ['-e', '']);
    const gonePid = gone.pid!;
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(join(d, 'out', LOCK_FILE), JSON.stringify({ pid: gonePid, startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
    const taken = certkit(args(), { cwd: d, env: ENV });
    expect([taken.status, taken.stderr]).toEqual([0, '']);
    await consistent(d);

    // A live process (a child of this test, waiting on its stdin) holding it.
    const sleeper = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      writeFileSync(join(d, 'out', LOCK_FILE), JSON.stringify({ pid: sleeper.pid, startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
      const refused = certkit(args(), { cwd: d, env: ENV });
      expect([refused.status, refused.stdout, refused.stderr]).toEqual([6, '', busy(sleeper.pid!, '2026-01-01T00:00:00.000Z')]);
    } finally {
      sleeper.stdin!.end();
      await new Promise((resolve) => sleeper.on('exit', resolve));
    }
  }, 120_000);
});
