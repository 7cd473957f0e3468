/**
 * The executable's entry point, bundled with everything it loads into `dist/bin/` by
 * `scripts/bundle.mjs` (`npm run build`); `bin/certkit` imports the bundle.
 *
 * It imports nothing but early-key.ts before it starts: `certkit client`'s key begins generating
 * on the thread pool first, and only then does the CLI (yargs, the command files) load.
 */
import { startEarlyKey } from './early-key.js';

const argv = process.argv.slice(2);
startEarlyKey(argv);
const { main } = await import('./main.js');
process.exitCode = await main(argv);
