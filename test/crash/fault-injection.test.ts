/**
 * Fault injection at every file-system step of every artifact of a `certkit client` run (local
 * CA, the library pipeline with an injected `FsOps`).
 *
 * A clean run is recorded first: how many times it calls each step (open, fchmod, write, fsync,
 * close, link, rename, unlink, mkdir, chmod, and the directory's open and fsync) over all its
 * files: the resume state, the eight artifacts and certkit.json. Then, for every step and every
 * call of it, a run fails that one call with EIO, in a fresh directory (publish by link) and over
 * a previous complete set with --force (publish by rename). After each:
 * - the run either succeeded (only where the step is best effort: the directory fsync, or a
 *   temporary name that a retry removes) or failed with WRITE_FAILED (exit 7), one line naming a path;
 * - every output is absent, the previous version byte for byte, or complete and valid (keystores
 *   read back with their passwords, PEM decoded, JSON parsed, client.properties exact);
 * - no temporary file is left;
 * - a rerun (with --force when outputs exist) completes with a full, consistent set.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { cpSync as copyDir, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { exitStatusOf, formatError, isCertkitError } from '../../src/errors.js';
import { createLocalCaIssuer, initLocalCa, type LocalCa } from '../../src/issuers/local-ca.js';
import { runClientPipeline, STATE_FILE, type ClientPipelineOptions } from '../../src/pipeline.js';
import type { FsOps } from '../../src/sinks/directory.js';
import { LOCK_FILE } from '../../src/sinks/directory-lock.js';
import { tempDir } from '../support/tmp.js';
import { checkOutputs, CRASH_DNAME, FaultyFs, OUTPUTS, sameIdentity, STEPS, type Step } from './support.js';


const root = tempDir('certkit-crash-fault-');
let ca: LocalCa;
let key: KeyObject;
let caseNo = 0;

const STORE = 'crash-store-pass';
const KEYPASS = 'crash-key-pass';

function options(force: boolean): ClientPipelineOptions {
  return {
    dname: CRASH_DNAME,
    keyType: 'rsa2048',
    validity: '300d',
    alias: 'client',
    outDir: 'out',
    force,
    storePassword: STORE,
    keyPassword: KEYPASS,
  };
}

async function run(cwd: string, force: boolean, fs?: FsOps) {
  return runClientPipeline(options(force), {
    issuer: async () => createLocalCaIssuer(ca),
    caDir: ca.dir,
    cwd,
    generateKey: async () => key,
    ...(fs === undefined ? {} : { fs }),
  });
}

function expected(cwd: string, previous?: Map<string, Buffer>) {
  return {
    storePassword: STORE,
    keyPassword: KEYPASS,
    keystoreLocation: join(cwd, 'out', 'kafka.client.keystore.jks'),
    ...(previous === undefined ? {} : { previous }),
  };
}

function freshCwd(): string {
  const d = join(root, `case-${++caseNo}`);
  mkdirSync(d);
  return d;
}

/**
 * A fault the write must survive: the directory fsync (open, fsync, close) is best effort; a temp
 * name's removal is retried; the lock file's temporary copy is complete once written (its close
 * is best effort) and its removal at the end of the run is retried.
 */
function survivable(step: Step, path: string): boolean {
  const temp = /\.tmp-[0-9a-f]+$/.test(path);
  const name = basename(path);
  const lock = name === LOCK_FILE || name.startsWith(`.${LOCK_FILE}.tmp-`);
  return (
    step === 'dir-open' || step === 'dir-fsync' || (step === 'close' && (!temp || lock)) || (step === 'unlink' && (temp || lock))
  );
}

interface Outcome {
  step: Step;
  ordinal: number;
  failedAt: string;
  result: string;
}

async function faultCase(step: Step, ordinal: number, replace: boolean, template: string | undefined): Promise<Outcome> {
  const cwd = freshCwd();
  let previous: Map<string, Buffer> | undefined;
  if (replace) {
    copyDir(join(template!, 'out'), join(cwd, 'out'), { recursive: true });
    previous = new Map(OUTPUTS.map((n) => [n, readFileSync(join(cwd, 'out', n))]));
  }
  const fs = new FaultyFs({ step, ordinal, code: 'EIO' });
  let error: unknown;
  try {
    await run(cwd, replace, fs);
  } catch (e) {
    error = e;
  }
  expect(fs.fired, `${step} #${ordinal} was reached`).toBeDefined();
  const fired = fs.fired!;
  const label = `${replace ? 'force' : 'fresh'} ${step} #${ordinal} (${fired.path.slice(cwd.length + 1)})`;
  if (survivable(step, fired.path)) {
    expect(error, label).toBeUndefined();
  } else {
    expect(isCertkitError(error), `${label}: ${String(error)}`).toBe(true);
    if (!isCertkitError(error)) throw error;
    expect(error.code, label).toBe('WRITE_FAILED');
    expect(exitStatusOf(error)).toBe(7);
    const line = formatError(error);
    expect(line.split('\n')).toHaveLength(1);
    expect(line, label).toMatch(/^certkit: out(\/[^:]+)?: /);
  }

  const after = await checkOutputs(join(cwd, 'out'), expected(cwd, previous));
  if (error === undefined) expect(after.present.sort(), label).toEqual([...OUTPUTS].sort());

  // A rerun completes: with --force when anything is there to replace.
  await run(cwd, after.present.length > 0);
  const done = await checkOutputs(join(cwd, 'out'), expected(cwd));
  expect(done.present.sort(), label).toEqual([...OUTPUTS].sort());
  expect(done.state).toBe(false);
  sameIdentity(join(cwd, 'out'));
  expect(readdirSync(join(cwd, 'out')).sort()).toEqual([...OUTPUTS].sort());
  return {
    step,
    ordinal,
    failedAt: fired.path.slice(cwd.length + 1),
    result: error === undefined ? 'ok' : `exit 7 (${after.present.length} outputs, ${after.previous.length} previous${after.state ? ', state kept' : ''})`,
  };
}

describe('fault injection at every file-system step of every artifact (certkit client, local CA)', () => {
  let freshCounts: Map<Step, number>;
  let forceCounts: Map<Step, number>;
  let template: string;

  beforeAll(async () => {
    ca = await initLocalCa(join(root, 'ca'));
    key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    template = freshCwd();
    const clean = new FaultyFs();
    await run(template, false, clean);
    freshCounts = clean.counts;
    const again = freshCwd();
    copyDir(join(template, 'out'), join(again, 'out'), { recursive: true });
    const cleanForce = new FaultyFs();
    await run(again, true, cleanForce);
    forceCounts = cleanForce.counts;
  });

  it('a clean run calls every step for every file: the lock, 10 files (state, 8 artifacts, record) plus the state update', () => {
    // The lock: its temporary copy opened, written, closed, linked and removed; the lock removed
    // at the end (unlink). Then the state (rename, --force internally), 8 artifacts + record by
    // link, state removed by unlink; the directory is synced after each of the three writes
    // (state, the 8 artifacts together, record). out/ is made once, one level at a time (only
    // the missing ones: none over a previous set).
    expect(Object.fromEntries(STEPS.map((s) => [s, freshCounts.get(s) ?? 0]))).toEqual({
      mkdir: 1,
      chmod: 1,
      open: 11,
      fchmod: 10,
      write: 11,
      fsync: 10,
      close: 14,
      link: 10,
      rename: 1,
      unlink: 12,
      'dir-open': 3,
      'dir-fsync': 3,
    });
    expect(Object.fromEntries(STEPS.map((s) => [s, forceCounts.get(s) ?? 0]))).toEqual({
      mkdir: 0,
      chmod: 0,
      open: 11,
      fchmod: 10,
      write: 11,
      fsync: 10,
      close: 14,
      link: 1,
      rename: 10,
      unlink: 3,
      'dir-open': 3,
      'dir-fsync': 3,
    });
  });

  for (const replace of [false, true]) {
    it(`${replace ? 'over a previous set with --force' : 'into a fresh directory'}: every single fault leaves absent, previous or valid outputs, no temp, and a rerun completes`, async () => {
      const counts = replace ? forceCounts : freshCounts;
      const outcomes: Outcome[] = [];
      for (const step of STEPS) {
        for (let k = 1; k <= (counts.get(step) ?? 0); k++) outcomes.push(await faultCase(step, k, replace, template));
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      expect(outcomes).toHaveLength(total);
      const failed = outcomes.filter((o) => o.result !== 'ok').length;
      // Printed for the README's numbers.
      console.log(
        `crash fault matrix (${replace ? 'force' : 'fresh'}): ${outcomes.length} injected faults, ${failed} exit 7, ${outcomes.length - failed} survived (best-effort steps), 0 partial outputs, 0 temp files, ${outcomes.length} reruns completed`,
      );
      expect(outcomes.every((o) => o.failedAt.startsWith('out'))).toBe(true);
    }, 600_000);
  }

  it('the resume state is 0600 and removed after a finished run', async () => {
    const cwd = freshCwd();
    const fs = new FaultyFs({ step: 'open', ordinal: 1, code: 'EIO', file: 'kafka.client.keystore.jks' }); // the first artifact fails
    await expect(run(cwd, false, fs)).rejects.toMatchObject({ code: 'WRITE_FAILED', file: 'out/kafka.client.keystore.jks' });
    expect(readdirSync(join(cwd, 'out'))).toEqual([STATE_FILE]);
    expect(fs.temps.find((t) => basename(t.path).startsWith(`.${STATE_FILE}.tmp-`))!.modeAtCreate).toBe(0o600);
    await run(cwd, false);
    expect(readdirSync(join(cwd, 'out')).sort()).toEqual([...OUTPUTS].sort());
  });
});
