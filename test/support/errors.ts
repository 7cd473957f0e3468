/** Test helper: the CertkitError a call throws, as "CODE: message", for exact assertions. */
import { CertkitError } from '../../src/errors.js';

/**
 * Runs `fn` and returns the `CertkitError` it throws as `"CODE: message"`. Anything else it
 * throws is rethrown, and a call that succeeds fails the test: a parser that accepts hostile
 * input must not look like a pass.
 */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertkitError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('did not throw');
}
