/** prefetch: starts every loader once, and a failing loader neither throws nor goes unhandled. */
import { describe, expect, it } from 'vitest';
import { prefetch } from '../../src/cli/prefetch.js';

describe('prefetch', () => {
  it('starts each loader once and swallows failures, sync or async', async () => {
    const calls: string[] = [];
    const unhandled: unknown[] = [];
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
        () => import('node:path').then(() => calls.push('d')),
      );
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect([calls.sort(), unhandled]).toEqual([['a', 'b', 'c', 'd'], []]);
  });
});
