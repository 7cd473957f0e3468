/**
 * SIGKILL at random moments of a real `certkit client` run (local CA, bin/certkit), 20 runs with
 * delays from a fixed seed, counted from its first write (out/ appearing) or its first artifact
 * write, and spread over the rest of the run (as measured by a probe run). After each kill:
 * - every output is absent or complete and valid (read back with the library readers), never partial;
 * - the only other files are the resume state (complete JSON with a key and CSR), the run's lock
 *   and hidden `.name.tmp-<hex>` leftovers, which no output name can match;
 * - a rerun (with --force when outputs exist) completes with a full, consistent set: it takes over
 *   the dead run's lock and removes its leftovers (ours by name and owner; nothing else).
 */
import { X509Certificate } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initLocalCa, loadLocalCa } from '../../src/issuers/local-ca.js';
import { ARTIFACT_FILES } from '../../src/artifacts.js';
import { STATE_FILE } from '../../src/pipeline.js';
import { LOCK_FILE } from '../../src/sinks/directory-lock.js';
import { certkit } from '../e2e/cli.js';
import { builtCliExists } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { startCertkit } from './process.js';
import { checkOutputs, CRASH_DNAME, OUTPUTS, sameIdentity } from './support.js';

const SEED = 0x5eed_c4a5;
const RUNS = 20;

/** mulberry32: a small seeded PRNG, so the kill moments are the same on every run of the suite. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const root = tempDir('certkit-crash-sigkill-');

/** True once any file but the resume state exists in `out` (an artifact's temp file counts). */
function artifactStarted(out: string): boolean {
  try {
    return readdirSync(out).some((n) => !n.startsWith(`.${STATE_FILE}`) && n !== STATE_FILE);
  } catch {
    return false;
  }
}
const ENV = { SP: 'kill-store-pass', KP: 'kill-key-pass' };
let caDir: string;
const args = () => ['client', '--ca-dir', caDir, '--dname', CRASH_DNAME, '--out', 'out', '--storepass', 'env:SP', '--keypass', 'env:KP'];
const expected = (out: string) => ({
  storePassword: ENV.SP,
  keyPassword: ENV.KP,
  keystoreLocation: join(out, 'kafka.client.keystore.jks'),
  allowTemps: true,
});

beforeAll(async () => {
  caDir = join(root, 'ca');
  await initLocalCa(caDir, { keyType: 'ec256' });
});

describe.skipIf(!builtCliExists())('SIGKILL at random moments of certkit client (bin/certkit, local CA)', () => {
  it(`${RUNS} runs killed at seeded moments: outputs absent or complete, reruns complete despite leftovers`, async () => {
    // How long a whole run takes here: the kill moments are spread over it (and a little past).
    // How long a whole run takes, and when it starts writing (out/ appears): the kill moments
    // are spread from a little before the first write to a little after the end.
    const probe = join(root, 'probe');
    mkdirSync(probe);
    const t0 = Date.now();
    let firstWrite = 0;
    let firstArtifact = 0;
    const poll = setInterval(() => {
      if (firstWrite === 0 && existsSync(join(probe, 'out'))) firstWrite = Date.now() - t0;
      if (firstArtifact === 0 && artifactStarted(join(probe, 'out'))) firstArtifact = Date.now() - t0;
    }, 1);
    const whole = await startCertkit(args(), { cwd: probe, env: ENV }).done;
    clearInterval(poll);
    const total = Date.now() - t0;
    expect(whole.status).toBe(0);
    // Kills are timed from a moment the child reaches, so they land among its writes whether the
    // machine is slower or faster than during the probe: even runs from out/ appearing (the
    // resume state; then issuing and building the keystores), odd runs from the first artifact
    // write (the artifacts and the record).
    expect(firstArtifact).toBeGreaterThan(0);
    const spans = [Math.max(1, total - firstWrite), Math.max(1, total - firstArtifact)] as const;

    const random = prng(SEED);
    const tally = { none: 0, partial: 0, all: 0, state: 0, temps: 0, locks: 0, finished: 0 };
    for (let i = 0; i < RUNS; i++) {
      const d = join(root, `run-${i}`);
      mkdirSync(d);
      const anchor = i % 2;
      const delay = Math.floor(random() * spans[anchor]!);
      const child = startCertkit(args(), { cwd: d, env: ENV });
      let timer: NodeJS.Timeout | undefined;
      const watch = setInterval(() => {
        if (timer === undefined && (anchor === 0 ? existsSync(join(d, 'out')) : artifactStarted(join(d, 'out')))) {
          clearInterval(watch);
          timer = setTimeout(() => child.proc.kill('SIGKILL'), delay);
        }
      }, 1);
      const r = await child.done;
      clearInterval(watch);
      clearTimeout(timer);
      if (r.signal === null) {
        expect([i, r.status]).toEqual([i, 0]); // finished before the kill
        tally.finished++;
      } else expect(r.signal).toBe('SIGKILL');

      const out = join(d, 'out');
      const after = await checkOutputs(out, expected(out));
      if (after.present.length === 0) tally.none++;
      else if (after.present.length === OUTPUTS.length) tally.all++;
      else tally.partial++;
      if (after.state) tally.state++;
      if (after.temps.length > 0) tally.temps++;
      if (after.lock) tally.locks++;
      for (const t of after.temps) expect(OUTPUTS).not.toContain(t);

      const again = certkit([...args(), ...(after.present.length > 0 ? ['--force'] : [])], { cwd: d, env: ENV });
      expect([i, delay, again.status, again.stderr]).toEqual([i, delay, 0, '']);
      const done = await checkOutputs(out, expected(out));
      expect(done.present.sort()).toEqual([...OUTPUTS].sort());
      expect(done.state).toBe(false);
      expect([done.temps, done.lock]).toEqual([[], false]); // the dead run's leftovers and lock are gone
      sameIdentity(out);
    }
    console.log(
      `sigkill: ${RUNS} runs (seed 0x${SEED.toString(16)}, kills 0..${spans[0]} ms after the first write or 0..${spans[1]} ms after the first artifact): ${tally.none} no outputs, ${tally.partial} some, ${tally.all} all; ` +
        `${tally.state} with resume state, ${tally.temps} with temp leftovers, ${tally.locks} with a stale lock, ${tally.finished} finished first; 0 partial files; ${RUNS} reruns completed and removed them`,
    );
    expect(tally.none + tally.partial + tally.all).toBe(RUNS);
  }, 600_000);

  // The local CA made on first use: both files are staged (temps written), then the key is
  // published first, the certificate second. Killed before the key's publication (nothing
  // published, both temps left), a rerun creates the CA; killed before the certificate's
  // (ca-key.pem published, ca.pem's temp left), a rerun completes the CA with the key left behind
  // (openLocalCa) instead of failing with EXISTS on ca-key.pem.
  it.each([
    [1, 'ca-key.pem', [] as string[], 'created a local development CA in new-ca (its certificate new-ca/ca.pem is what servers must trust)'],
    [2, 'ca.pem', ['ca-key.pem'], 'completed the unfinished local CA in new-ca (ca-key.pem had no ca.pem; its certificate new-ca/ca.pem is what servers must trust)'],
  ] as const)('a client killed at the local CA write %i (%s in flight): a rerun completes the CA', async (k, inFlight, left, notice) => {
    const d = join(root, `first-use-ca-${k}`);
    mkdirSync(d);
    const a = ['client', '--ca-dir', 'new-ca', '--dname', CRASH_DNAME, '--key-type', 'ec256', '--out', 'out', '--storepass', 'env:SP', '--keypass', 'env:KP'];
    const child = startCertkit(a, { cwd: d, env: { ...ENV, CERTKIT_TEST_PAUSE_BEFORE_PUBLISH: '1' } });
    let tmp = '';
    for (let i = 1; i <= k; i++) {
      tmp = (await child.waitFor(/paused before publishing (\S+)$/))[1]!;
      if (i < k) child.proc.kill('SIGUSR2');
    }
    expect(tmp.startsWith(join(d, 'new-ca', `.${inFlight}.tmp-`))).toBe(true);
    child.proc.kill('SIGKILL');
    expect((await child.done).signal).toBe('SIGKILL');
    const listed = readdirSync(join(d, 'new-ca'));
    expect(listed.filter((n) => !n.startsWith('.'))).toEqual(left);
    const temps = listed.filter((n) => n.startsWith('.'));
    expect(temps).toContain(tmp.slice(join(d, 'new-ca').length + 1));
    expect(temps.map((n) => n.replace(/\.tmp-[0-9a-f]{12}$/, '')).sort()).toEqual(k === 1 ? ['.ca-key.pem', '.ca.pem'] : ['.ca.pem']);
    const keyBefore = left.length > 0 ? readFileSync(join(d, 'new-ca', 'ca-key.pem'), 'utf8') : undefined;

    const again = certkit(a, { cwd: d, env: ENV });
    expect([again.status, again.stderr]).toEqual([0, `certkit: ${notice}\n`]);
    const ca = await loadLocalCa('new-ca', { cwd: d });
    if (keyBefore !== undefined) expect(readFileSync(join(d, 'new-ca', 'ca-key.pem'), 'utf8')).toBe(keyBefore); // completed, not replaced
    expect(new X509Certificate(ca.cert).subject).toBe('O=certkit\nCN=certkit local development CA');
    const out = join(d, 'out');
    const done = await checkOutputs(out, expected(out));
    expect(done.present.sort()).toEqual([...OUTPUTS].sort());
    sameIdentity(out);
    // The leaf is signed by the CA now on disk.
    expect(new X509Certificate(readFileSync(join(out, 'client_cert.pem'))).verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    // A third run just loads it: no notice.
    expect([certkit([...a, '--force'], { cwd: d, env: ENV }).stderr]).toEqual(['']);
  }, 120_000);

  it('the next run removes the temp files a killed run left (ours by name and owner), and only those', async () => {
    const d = join(root, 'leftovers');
    mkdirSync(join(d, 'out'), { recursive: true });
    const ours = [...OUTPUTS, STATE_FILE, LOCK_FILE].map((name) => `.${name}.tmp-0123456789ab`);
    for (const j of ours) writeFileSync(join(d, 'out', j), 'partial garbage', { mode: 0o600 });
    // Not ours: another name, not our suffix, not a regular file, and (as root) another user's.
    const others = ['.notes.txt.tmp-0123456789ab', `.${ARTIFACT_FILES.key}.tmp-xyz`, `.${ARTIFACT_FILES.cert}.tmp-00000000000a`];
    writeFileSync(join(d, 'out', others[0]!), 'x');
    writeFileSync(join(d, 'out', others[1]!), 'x');
    mkdirSync(join(d, 'out', others[2]!));
    if (process.geteuid?.() === 0) {
      others.push(`.${ARTIFACT_FILES.p12}.tmp-00000000000b`);
      writeFileSync(join(d, 'out', others[3]!), 'someone else\'s', { mode: 0o600 });
      chownSync(join(d, 'out', others[3]!), 4242, 4242);
    }
    for (const force of [false, true]) {
      const r = certkit([...args(), ...(force ? ['--force'] : [])], { cwd: d, env: ENV });
      expect([r.status, r.stderr]).toEqual([0, '']);
      const names = readdirSync(join(d, 'out'));
      expect(names.filter((n) => n.startsWith('.')).sort()).toEqual([...others].sort());
      expect(names.filter((n) => !n.startsWith('.')).sort()).toEqual([...OUTPUTS].sort());
    }
  }, 120_000);
});
