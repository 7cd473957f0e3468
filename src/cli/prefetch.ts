/**
 * Starts loading modules a command will need a little later, so that loading them overlaps
 * a wait (a request in flight, key generation on the thread pool) instead of following it.
 * Failures are ignored here: the real `import()` at the point of use reports them.
 */
export function prefetch(...loads: ReadonlyArray<() => Promise<unknown>>): void {
  for (const load of loads) {
    try {
      load().catch(() => undefined);
    } catch {
      // a loader that throws synchronously: the point of use reports it
    }
  }
}
