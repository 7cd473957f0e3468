/**
 * lockDirectory (src/sinks/directory-lock.ts) with an injected process id, clock and liveness
 * check: one holder at a time, the second told who holds it; a lock of a dead process, or of this
 * process id from before a restart, taken over; an unreadable lock never guessed at; a release
 * removes only its own lock.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { exitStatusOf, formatError } from '../../src/errors.js';
import { LOCK_FILE, lockDirectory, processIsAlive, type LockOptions } from '../../src/sinks/directory-lock.js';
import { caseDirs } from '../support/tmp.js';

const { fresh } = caseDirs('certkit-lock-');
const T = new Date('2026-12-08T10:00:00.000Z');
const alive = new Set([101, 202]);
const env = (pid: number): LockOptions => ({ pid, now: () => T, isAlive: (p) => alive.has(p) });

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(exitStatusOf(e)).toBe(6);
  return formatError(e);
}

describe('lockDirectory', () => {
  it('writes {pid, startedAt}; a second run is refused naming the holder; after release the lock is free', async () => {
    const d = fresh();
    const lock = await lockDirectory(d, env(101));
    expect(readFileSync(join(d, LOCK_FILE), 'utf8')).toBe('{"pid":101,"startedAt":"2026-12-08T10:00:00.000Z"}\n');
    expect(readdirSync(d)).toEqual([LOCK_FILE]);
    expect(await refusal(lockDirectory(d, env(202)))).toBe(
      `certkit: ${d}: another certkit run (pid 101, since 2026-12-08T10:00:00.000Z) is writing to this directory (wait for it to end; if no certkit run is using it, delete ${join(d, LOCK_FILE)})`,
    );
    await lock.release();
    await lock.release(); // once
    expect(readdirSync(d)).toEqual([]);
    const next = await lockDirectory(d, env(202));
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toEqual({ pid: 202, startedAt: T.toISOString() });
    await next.release();
  });

  it('of runs racing for it, exactly one gets it', async () => {
    const d = fresh();
    const pids = [101, 202, 303, 404];
    for (const p of pids) alive.add(p);
    try {
      const results = await Promise.allSettled(pids.map((p) => lockDirectory(d, env(p))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(readdirSync(d)).toEqual([LOCK_FILE]);
    } finally {
      alive.delete(303);
      alive.delete(404);
    }
  });

  it.each([
    ['of a process that is no longer running', 999],
    ['of this very process id (a restarted container reuses ids)', 202],
  ])('a lock %s is taken over', async (_what, stalePid) => {
    const d = fresh();
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: stalePid, startedAt: '2026-01-01T00:00:00.000Z' }));
    const lock = await lockDirectory(d, env(202));
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toEqual({ pid: 202, startedAt: T.toISOString() });
    expect(readdirSync(d)).toEqual([LOCK_FILE]);
    await lock.release();
  });

  it.each([
    ['empty', () => '', 'does not say which run holds it'],
    ['not JSON', () => 'locked!', 'does not say which run holds it'],
    ['without a pid', () => JSON.stringify({ startedAt: 'x' }), 'does not say which run holds it'],
  ])('a lock file that is %s is not guessed at', async (_what, content, why) => {
    const d = fresh();
    writeFileSync(join(d, LOCK_FILE), content());
    expect(await refusal(lockDirectory(d, env(202)))).toBe(
      `certkit: ${d}: the directory is locked, but its lock file ${why} (if no certkit run is using the directory, delete ${join(d, LOCK_FILE)})`,
    );
    expect(readFileSync(join(d, LOCK_FILE), 'utf8')).toBe(content());
  });

  it('a lock file that is a symbolic link or a directory is not followed', async () => {
    const d = fresh();
    writeFileSync(join(d, 'elsewhere'), JSON.stringify({ pid: 999, startedAt: 'x' }));
    symlinkSync(join(d, 'elsewhere'), join(d, LOCK_FILE));
    expect(await refusal(lockDirectory(d, env(202)))).toContain('the directory is locked, but its lock file is a symbolic link');
    const e = fresh();
    mkdirSync(join(e, LOCK_FILE));
    expect(await refusal(lockDirectory(e, env(202)))).toContain('the directory is locked, but its lock file is a directory');
  });

  it('release leaves a lock that is no longer this one', async () => {
    const d = fresh();
    const lock = await lockDirectory(d, env(101));
    // Someone moved it away and another run locked the directory meanwhile.
    renameSync(join(d, LOCK_FILE), join(d, 'moved'));
    const other = await lockDirectory(d, env(202));
    await lock.release();
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')).pid).toBe(202);
    await other.release();
    expect(readdirSync(d)).toEqual(['moved']);
  });

  it('processIsAlive: this process is, a pid no process has is not', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(2 ** 22 + 12345)).toBe(false); // above Linux's pid_max limit
  });
});
