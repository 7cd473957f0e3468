/**
 * The executable's entry point, bundled with everything it loads into `dist/bin/` by
 * `scripts/bundle.mjs` (`npm run build`); `bin/certkit` requires the bundle.
 *
 * It imports nothing but early-key.ts before it starts: `certkit client`'s key begins generating
 * on the thread pool first, and only then does the CLI (yargs, the command files) load.
 */
import { startEarlyKey } from './early-key.js';

const argv = process.argv.slice(2);
startEarlyKey(argv);
// No top-level await: the bundle runs this file as a script (see scripts/bundle.mjs).
void import('./main.js').then(async ({ main }) => {
  const status = await main(argv);
  // Exit now, once stdout and stderr are flushed, rather than when the event loop drains: a timer
  // the older @smithy/node-http-handler (under client-acm-pca) leaves behind after a failed request
  // lasts requestTimeout + connectionTimeout (70 s) and would hold the finished process open.
  // (main wrote through stdio.ts, already loaded; it touches process.stdout only if it used it.)
  const { finishStdio } = await import('./stdio.js');
  process.exit(await finishStdio(status));
});
