/**
 * Bundles the CLI (src/cli/bin.ts and all it loads, the AWS SDK included) into dist/bin/ with
 * esbuild: one ES module per lazily imported part, so `certkit --help` loads yargs and the command
 * files but no SDK, and `certkit client` loads each SDK client as one file instead of hundreds.
 * Loading hundreds of small modules through Node's ES loader cost more than all of certkit's own
 * work (see bench/RESULTS.md). The library (dist/index.js) stays the plain tsc build.
 *
 * yargs, the largest part of every start-up, is one CommonJS file (dist/bin/yargs.cjs) compiled
 * through `vm.Script` with a V8 code cache (yargs.cjs.cache) made HERE, at build time, after
 * running yargs through a help text and a parse so the functions a start-up calls are in it.
 * Nothing writes a cache at run time; a cache V8 rejects (another Node or V8 version, other flags)
 * only means yargs is compiled as without one.
 *
 * Run by `npm run build` after tsc. Writes dist/bin/meta.json (esbuild's metafiles: which package
 * went into which file), which the tests read to check what each command loads; the yargs loader's
 * input is named `vm-cached:dist/bin/yargs.cjs`, the output holding yargs.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bin`;
rmSync(outdir, { recursive: true, force: true });

// ── yargs as one CommonJS file (its ES build, the one `import 'yargs'` picks). ──
const YARGS_CJS = 'dist/bin/yargs.cjs';
const yargsBuild = await build({
  absWorkingDir: root,
  stdin: { contents: "export { default } from 'yargs';", resolveDir: root, sourcefile: 'yargs-entry.mjs' },
  outfile: `${root}${YARGS_CJS}`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // yargs's ES shim locates itself (its y18n locale directory) from import.meta.url: keep that true.
  define: { 'import.meta.url': '__certkitModuleUrl' },
  banner: { js: "var __certkitModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

/** The CommonJS wrapper yargs.cjs is compiled in: the same source at build time and at run time. */
const WRAP = ['(function (exports, require, module, __filename, __dirname) { ', '\n})'];

/** What `import 'yargs'` is in the bundle: yargs.cjs, compiled with its code cache when V8 takes it. */
const YARGS_LOADER = `
import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { fileURLToPath } from 'node:url';
const file = fileURLToPath(new URL('./yargs.cjs', import.meta.url));
let cachedData;
try { cachedData = readFileSync(file + '.cache'); } catch {}
const script = new Script(${JSON.stringify(WRAP[0])} + readFileSync(file, 'utf8') + ${JSON.stringify(WRAP[1])}, { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, require, module, file, fileURLToPath(new URL('.', import.meta.url)));
export default module.exports.default;
`;

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
  plugins: [
    {
      name: 'yargs-code-cache',
      setup(b) {
        b.onResolve({ filter: /^yargs$/ }, () => ({ path: YARGS_CJS, namespace: 'vm-cached' }));
        b.onLoad({ filter: /.*/, namespace: 'vm-cached' }, () => ({ contents: YARGS_LOADER, loader: 'js', resolveDir: root }));
      },
    },
  ],
});
writeFileSync(
  `${outdir}/meta.json`,
  JSON.stringify({
    inputs: { ...yargsBuild.metafile.inputs, ...result.metafile.inputs },
    outputs: { ...yargsBuild.metafile.outputs, ...result.metafile.outputs },
  }),
);

// ── The code cache: compile yargs.cjs as the loader does, run it through what a start-up runs, save. ──
{
  const file = `${root}${YARGS_CJS}`;
  // Named by its path in the package, not on this machine: V8 does not check the name when it
  // takes a cache (only the source, its version and flags), but a script compiled from the cache
  // keeps it, so --debug stack traces name yargs's frames `dist/bin/yargs.cjs:LINE:COL`.
  const script = new Script(WRAP[0] + readFileSync(file, 'utf8') + WRAP[1], { filename: YARGS_CJS });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, outdir);
  const yargs = module.exports.default;
  const noop = () => {};
  const y = yargs()
    .scriptName('certkit')
    .usage('certkit <command> [options]')
    .option('debug', { type: 'boolean', describe: 'd', global: true })
    .version('0.0.0')
    .help()
    .alias('help', 'h')
    .strictOptions()
    .demandCommand(1, 'no command given')
    .recommendCommands()
    .wrap(null)
    .epilog('e')
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg ?? 'usage');
    })
    .command({
      command: 'one <file>',
      describe: 'd',
      builder: (c) =>
        c
          .positional('file', { type: 'string', describe: 'd' })
          .option('out', { type: 'string', describe: 'd', demandOption: true })
          .option('n', { type: 'number', default: 1, choices: [1, 2] })
          .example('certkit one x --out y', 'd')
          .check(() => true)
          .epilog('e'),
      handler: noop,
    })
    .command({
      command: 'group <command>',
      describe: 'd',
      builder: (g) =>
        g.command({ command: 'two <file>', describe: 'd', builder: (c) => c.positional('file', { type: 'string' }), handler: noop }).demandCommand(1, 'n'),
      handler: noop,
    });
  for (const argv of [['--help'], ['--version'], ['one', 'x', '--out', 'y'], ['one', '--help'], ['group', 'two', 'x'], ['group', '--help'], ['bad']]) {
    try {
      await y.parseAsync(argv, {}, noop);
    } catch {
      // usage errors are part of what is compiled
    }
  }
  writeFileSync(`${file}.cache`, script.createCachedData());
}
