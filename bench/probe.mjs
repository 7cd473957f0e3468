/**
 * Measurements run in a fresh `node` process each, for bench/run.mjs's "where the time goes":
 *
 *   node bench/probe.mjs import SPEC...   imports each SPEC in turn (bare package names or paths
 *                                         relative to the repository), prints the milliseconds each
 *                                         import added, as JSON: {"SPEC": ms, ...}
 *   node bench/probe.mjs keygen SPEC N    generates N keys (rsa2048, ec256, ...) one after another with
 *                                         node:crypto, prints JSON {"ms": [..]}
 *
 * Timing starts at the first import, so the figures are what the module graph costs on top of
 * Node's own start-up (measured separately as `node -e 0`).
 */
import { generateKeyPair } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = new URL('../', import.meta.url);
const [mode, ...rest] = process.argv.slice(2);

if (mode === 'import') {
  const out = {};
  for (const spec of rest) {
    const target = spec.startsWith('.') || spec.startsWith('dist/') ? new URL(spec, root).href : spec;
    const t0 = performance.now();
    await import(target);
    out[spec] = +(performance.now() - t0).toFixed(2);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} else if (mode === 'keygen') {
  const [spec, n] = rest;
  const gen = promisify(generateKeyPair);
  const opts = {
    rsa2048: ['rsa', { modulusLength: 2048 }],
    rsa3072: ['rsa', { modulusLength: 3072 }],
    ec256: ['ec', { namedCurve: 'P-256' }],
  }[spec];
  if (opts === undefined) throw new Error(`unknown key spec ${spec}`);
  const ms = [];
  for (let i = 0; i < Number(n); i++) {
    const t0 = performance.now();
    await gen(...opts);
    ms.push(+(performance.now() - t0).toFixed(3));
  }
  process.stdout.write(JSON.stringify({ ms }) + '\n');
} else {
  process.stderr.write(`usage: node bench/probe.mjs import SPEC... | keygen SPEC N (${pathToFileURL('.').href})\n`);
  process.exitCode = 2;
}
