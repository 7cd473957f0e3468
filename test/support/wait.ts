/**
 * Waiting for something concurrent, the one way the suite does it: for the event itself, with a
 * deadline that fails the test with a sentence naming what never happened. Never a fixed number
 * of timer turns or milliseconds: a machine whose cores are busy promises neither.
 *
 * The deadline is generous (a loaded 2-core machine can be many times slower than a quiet one);
 * it bounds a test that would otherwise hang, it is not a speed goal.
 */

export const DEADLINE_MS = 30_000;

/** A promise and the functions that settle it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `p`, or a rejection naming `what` if it has not settled within `ms`. */
export function withDeadline<T>(p: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}; it never happened`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once `check()` is true (checked at once, then every few milliseconds), or rejects
 * naming `what` after `ms`. For conditions that have no event of their own to await (a file
 * appearing, a request reaching a proxy).
 */
export async function until(what: string, check: () => boolean, ms = DEADLINE_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}; it never happened`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
