/**
 * SIGTERM and SIGINT while a write is in flight, as a real process: the CLI removes the temporary
 * file it was writing and ends by that signal (a shell's status 143 / 130), and nothing is published. The moment is caught with the
 * TEST ONLY hook CERTKIT_TEST_PAUSE_BEFORE_PUBLISH=1 (pauses after the temp is written and synced,
 * before publishing; SIGUSR2 goes on). For `certkit client` the signal comes at each of its writes
 * in turn: the outputs published before it are complete, the one in flight is absent, no temp is
 * left, and a rerun (with --force) completes.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { SIGNAL_EXIT_STATUS } from '../../src/cli/main.js';
import { initLocalCa } from '../../src/issuers/local-ca.js';
import { STATE_FILE } from '../../src/pipeline.js';
import { certkit } from '../e2e/cli.js';
import { builtCliExists } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { startCertkit } from './process.js';
import { checkOutputs, CRASH_DNAME, OUTPUTS, sameIdentity } from './support.js';

const root = tempDir('certkit-crash-signals-');
let n = 0;
const fresh = () => {
  const d = join(root, `case-${++n}`);
  mkdirSync(d);
  return d;
};
const PAUSE = { CERTKIT_TEST_PAUSE_BEFORE_PUBLISH: '1' };
const PAUSED = /paused before publishing (\S+)$/;
const ENV = { SP: 'signal-store-pass', KP: 'signal-key-pass' };
let caDir: string;

beforeAll(async () => {
  caDir = join(root, 'ca');
  await initLocalCa(caDir, { keyType: 'ec256' });
});

describe.skipIf(!builtCliExists())('signals while a write is in flight (bin/certkit)', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('keygen, %s while the temp file is written but not published: ended by it (status %i in a shell), no temp, no output', async (signal, status) => {
    const d = fresh();
    const child = startCertkit(['keygen', '--key-type', 'ec256', '--out', 'client.key'], { cwd: d, env: PAUSE });
    const [, tmp] = await child.waitFor(PAUSED);
    expect(tmp).toMatch(/\/\.client\.key\.tmp-[0-9a-f]{12}$/);
    expect(statSync(tmp!).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual([tmp!.slice(d.length + 1)]);
    child.proc.kill(signal);
    const r = await child.done;
    expect([r.status, r.signal, SIGNAL_EXIT_STATUS[signal]]).toEqual([null, signal, status]);
    expect(readdirSync(d)).toEqual([]);
  });

  it('the hook is inert unless the variable is exactly 1', () => {
    const d = fresh();
    const r = certkit(['keygen', '--key-type', 'ec256', '--out', 'client.key'], { cwd: d, env: { CERTKIT_TEST_PAUSE_BEFORE_PUBLISH: 'yes' } });
    expect([r.status, r.stderr]).toEqual([0, 'certkit: wrote client.key (EC P-256)\n']);
  });

  it('certkit client: SIGTERM at each of its 10 writes in turn leaves complete outputs or none, no temp; a rerun completes', async () => {
    const args = ['client', '--ca-dir', caDir, '--dname', CRASH_DNAME, '--key-type', 'ec256', '--out', 'out', '--storepass', 'env:SP', '--keypass', 'env:KP'];
    const summary: string[] = [];
    for (let k = 1; k <= 10; k++) {
      const d = fresh();
      const child = startCertkit(args, { cwd: d, env: { ...PAUSE, ...ENV } });
      let tmp = '';
      for (let i = 1; i <= k; i++) {
        tmp = (await child.waitFor(PAUSED))[1]!;
        if (i < k) child.proc.kill('SIGUSR2');
      }
      child.proc.kill('SIGTERM');
      const r = await child.done;
      expect([k, r.status, r.signal]).toEqual([k, null, 'SIGTERM']);
      expect(existsSync(tmp)).toBe(false);
      const out = join(d, 'out');
      const state = await checkOutputs(out, { storePassword: ENV.SP, keyPassword: ENV.KP, keystoreLocation: join(out, 'kafka.client.keystore.jks') });
      // Write 1 is the resume state; writes 2..9 the eight artifacts; write 10 certkit.json.
      expect([k, state.present.length, state.state]).toEqual([k, Math.max(0, k - 2), k >= 2]);
      summary.push(`${k}:${state.present.length}`);
      const again = certkit([...args, ...(state.present.length > 0 ? ['--force'] : [])], { cwd: d, env: ENV });
      expect([k, again.status, again.stderr]).toEqual([k, 0, '']);
      expect(readdirSync(out).sort()).toEqual([...OUTPUTS].sort());
      expect(existsSync(join(out, STATE_FILE))).toBe(false);
      sameIdentity(out);
      // A rerun after a signal at write >= 2 resumed with the same key the state held.
      if (k >= 2) expect(again.stdout).toContain('resumed an earlier, unfinished run');
    }
    console.log(`signals: SIGTERM at each of 10 client writes; outputs present after it: ${summary.join(' ')}; 0 temp files; 10 reruns completed`);
  }, 300_000);
});
