/**
 * Bundles the CLI (src/cli/bin.ts and all it loads, the AWS SDK included) into dist/bin/ with
 * esbuild: one ES module per lazily imported part, so `certkit --help` loads yargs and the command
 * files but no SDK, and `certkit client` loads each SDK client as one file instead of hundreds.
 * Loading hundreds of small modules through Node's ES loader cost more than all of certkit's own
 * work (see bench/RESULTS.md). The library (dist/index.js) stays the plain tsc build.
 *
 * Run by `npm run build` after tsc. Writes dist/bin/meta.json (esbuild's metafile: which package
 * went into which file), which the tests read to check what each command loads.
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bin`;
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { certkit: 'src/cli/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The SDK's ES builds (the `module` field), as Node's `import` would pick them.
  mainFields: ['module', 'main'],
  // CommonJS packages inside an ES bundle call require() for Node's built-ins.
  banner: { js: "import { createRequire as __certkitCreateRequire } from 'node:module'; const require = __certkitCreateRequire(import.meta.url);" },
  // Flat, so that main's `../../package.json` (its version) resolves from dist/bin/ as from dist/cli/.
  chunkNames: '[name]-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${outdir}/meta.json`, JSON.stringify(result.metafile));
