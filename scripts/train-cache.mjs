/**
 * Makes the V8 code caches of the bundled CLI (dist/bin/X.cjs.cache), in a process of its own,
 * run by scripts/bundle.mjs: `node scripts/train-cache.mjs <certkit arguments...>`.
 *
 * Every script in dist/bin/ is loaded through the same loader a user's run uses (so it compiles
 * the same source, under the same name and flags, and V8 takes the cache later), then cli.cjs runs
 * the CLI with the given arguments. When the CLI exits with status 0, each script's cache is
 * written; it then holds every function the run compiled: a file's set-up, and also what a real
 * run calls afterwards (the AWS SDK's request path, certkit's pipeline), which would otherwise be
 * compiled lazily on every run. Any other status writes nothing and fails the build.
 *
 * yargs.cjs is not handled here: it is loaded by its own stub in the bundle, and bundle.mjs makes
 * its cache.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

import { createLoader } from './script-loader.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bin`;

const scripts = new Map();
const load = createLoader(`${outdir}/`, {
  Script,
  readFileSync,
  nodeRequire: createRequire(`${outdir}/certkit.cjs`),
  pathToFileURL,
  // Named by their path in the package, not on this machine (what --debug stack traces show).
  scriptName: (file) => `dist/bin/${basename(file)}`,
  compiled: (name, script) => scripts.set(name, script),
});
for (const name of readdirSync(outdir).filter((f) => f.endsWith('.cjs') && !['yargs.cjs', 'certkit.cjs', 'cli.cjs'].includes(f))) {
  load(name);
}

// The CLI reads its arguments as bin/certkit would see them, and ends with process.exit.
process.argv = [process.argv[0], `${root}bin/certkit`, ...process.argv.slice(2)];
const exit = process.exit.bind(process);
process.exit = (status) => {
  if (status === 0) {
    for (const [name, script] of scripts) writeFileSync(`${outdir}/${name}.cache`, script.createCachedData());
  } else {
    process.stderr.write(`train-cache: certkit ${process.argv.slice(2).join(' ')} exited with status ${String(status)}; no cache written\n`);
  }
  exit(status === 0 ? 0 : 1);
};
load('cli.cjs');
