/**
 * `CERTKIT_TRACE_FILE=F node --import ./bench/trace-packages.mjs bin/certkit ...` appends to F,
 * one a line, the URL of every module that goes through the ES module loader, and the file URL
 * of every .js/.cjs/.mjs file the process reads with fs.readFileSync (a bundle may run a script
 * through node:vm, which the loader never sees). bench/run.mjs maps the bundle files among them
 * to their sources (dist/bin/meta.json) and counts them by package. CommonJS files required from
 * CommonJS are not seen, but the entry of every package imported from ESM is.
 */
import { appendFileSync } from 'node:fs';
import fs from 'node:fs';
import { register, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.CERTKIT_TRACE_FILE;
if (file) {
  register('./trace-hooks.mjs', { parentURL: import.meta.url, data: { file } });
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function tracedReadFileSync(path, ...rest) {
    if (typeof path === 'string' && /\.(c|m)?js$/.test(path)) appendFileSync(file, pathToFileURL(path).href + '\n');
    return readFileSync.call(this, path, ...rest);
  };
  // ES modules that import { readFileSync } from 'node:fs' see the traced one too.
  syncBuiltinESMExports();
}
