/** prefetch: starts every loader once, and a failing loader neither throws nor goes unhandled. */
import { describe, expect, it } from 'vitest';
import { prefetch } from '../../src/cli/prefetch.js';
import { deferred, withDeadline } from '../support/wait.js';

describe('prefetch', () => {
  it('starts each loader once and swallows failures, sync or async', async () => {
    const calls: string[] = [];
    const unhandled: unknown[] = [];
    const loaded = deferred();
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      prefetch(
        async () => calls.push('a'),
        () => {
          calls.push('b');
          return Promise.reject(new Error('module not found'));
        },
        () => {
          calls.push('c');
          throw new Error('thrown before a promise');
        },
        () => import('node:path').then(() => (calls.push('d'), loaded.resolve())),
      );
      await withDeadline(loaded.promise, 'the last loader to finish');
      // Node reports an unhandled rejection once the promise jobs of the turn that made it have
      // run, before the next turn of the event loop: by this immediate, any would have been seen.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect([calls.sort(), unhandled]).toEqual([['a', 'b', 'c', 'd'], []]);
  });
});
