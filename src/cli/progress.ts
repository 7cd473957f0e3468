/**
 * What a terminal shows while certkit waits on the network: one status line on stderr, rewritten
 * in place (`\r`, erase the line) as each call is sent, retried or waited on:
 *
 *   asking ACM PCA (us-east-1): IssueCertificate…
 *   asking ACM PCA (us-east-1): IssueCertificate, attempt 2 of 5 after throttling…
 *   waiting for the certificate, 12 s
 *
 * Lines that stay (the client's steps) are written through it too, so the status never runs into
 * them; `clear()` erases it before the result or an error is printed. Off a terminal (a pipe, a
 * log, CI) nothing of this is written: a log keeps the one line an error prints, and that line
 * names the call and how many attempts it had.
 */
import type { AwsAttempt } from '../aws/config.js';
import type { TextOut } from './command.js';

export interface Progress {
  /** A line that stays (a newline is added). */
  line(text: string): void;
  /** An AWS call's attempt (`AwsOptions.onProgress`). */
  attempt(e: AwsAttempt): void;
  /** A certificate still being issued, waited on for `seconds` (`AcmPcaIssuerOptions.onWaiting`). */
  waiting(seconds: number): void;
  /** Erases the status line, if one is shown. */
  clear(): void;
}

/** Carriage return, then erase the line (ECMA-48 EL 2). */
const REWRITE = '\r\x1b[2K';

/** The progress of one run on `out` (stderr): as above on a terminal, nothing otherwise. */
export function createProgress(out: TextOut): Progress {
  if (out.isTTY !== true) return { line: () => undefined, attempt: () => undefined, waiting: () => undefined, clear: () => undefined };
  let shown = false;
  let waitingShown = false;
  const status = (text: string) => {
    out.write(REWRITE + text);
    shown = true;
  };
  const clear = () => {
    if (shown) out.write(REWRITE);
    shown = false;
  };
  return {
    line(text) {
      clear();
      out.write(text + '\n');
    },
    attempt(e) {
      // The polls of a wait are its own: the waiting line stays while they go out.
      if (waitingShown && e.operation === 'GetCertificate' && e.attempt === 1) return;
      waitingShown = false;
      const retry = e.attempt > 1 ? `, attempt ${e.attempt} of ${e.maxAttempts}${e.after === undefined ? '' : ` after ${e.after}`}` : '';
      status(`asking ${e.service} (${e.region}): ${e.operation}${retry}…`);
    },
    waiting(seconds) {
      waitingShown = true;
      status(`waiting for the certificate, ${seconds} s`);
    },
    clear,
  };
}
