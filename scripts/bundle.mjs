/**
 * Bundles the CLI (src/cli/bin.ts and all it loads, the AWS SDK included) into dist/bin/ with
 * esbuild: one file per lazily imported part, so `certkit --help` loads yargs and the command
 * files but no SDK, and `certkit client` loads each SDK client as one file instead of hundreds.
 * Loading hundreds of small modules through Node's ES loader cost more than all of certkit's own
 * work (see bench/RESULTS.md). The library (dist/index.js) stays the plain tsc build.
 *
 * Compiling those files was the next cost (~40 ms for the S3 client's alone), and Node 20 has no
 * code cache for ES modules. So each file esbuild splits out is turned into a CommonJS-style
 * script (X.cjs: `import` → the loader's `require`, `import()` → a promise of it), and
 * dist/bin/certkit.cjs is a small loader (`createLoader`, scripts/script-loader.mjs) that compiles
 * each script through `vm.Script` with a V8 code cache (X.cjs.cache) made at build time, by
 * running the bundled CLI through the commands users run most (scripts/train-cache.mjs, below),
 * so the caches hold what those runs compile, not only each file's set-up. yargs, the largest
 * part of every start-up, is one CommonJS file (dist/bin/yargs.cjs) whose cache is made after
 * running yargs through a help text and a parse. Nothing writes a cache at run time; a cache V8
 * rejects (another Node or V8 version, other flags) only means that script is compiled as
 * without one.
 *
 * Run by `npm run build` after tsc. Writes dist/bin/meta.json (esbuild's metafiles: which package
 * went into which file, named X.cjs), which the tests read to check what each command loads; the
 * yargs loader's input is named `vm-cached:dist/bin/yargs.cjs`, the output holding yargs.
 */
import { build, transformSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

import { createLoader, WRAP } from './script-loader.mjs';
import { startTrainingEndpoint, TRAINING_BUCKET, TRAINING_CA_ARN, TRAINING_CALLS, TRAINING_SECRET_NAME, trainingEnv } from './training-endpoint.mjs';

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
  plugins: [
    {
      // Two changes to yargs's platform shim (lib/platform-shims/esm.mjs), each checked to apply:
      // - yargs looks for the application's package.json upwards from `mainFilename`, which it
      //   derives from its own path inside node_modules. Bundled into dist/bin/ it found none, so it
      //   searched from the working directory, usually in vain, and built an AssertionError on every
      //   start. certkit's package.json (two levels above dist/bin/yargs.cjs) is the application's.
      //   It is named as a file, as yargs expects a main script: yargs takes the directory of
      //   anything with an extension, and a package root named like `certkit-0.1.0` or
      //   `tmp.x1y2` has one, which sent the search from its parent, in vain, again.
      // - The shim reads process.stdout.columns when it loads, which makes Node build
      //   process.stdout: for a pipe that loads node:net and the streams, ~5 ms of every start,
      //   although certkit writes stdout without them (src/cli/stdio.ts). yargs uses the width
      //   only for a help text whose .wrap() was never set, and certkit always sets it; the
      //   columns are read when asked for, as a getter.
      name: 'yargs-platform-shim',
      setup(b) {
        b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, ({ path }) => {
          const edits = [
            [
              "const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));",
              "const mainFilename = fileURLToPath(new URL('../../package.json', import.meta.url));",
              'computes mainFilename',
            ],
            [
              "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null",
              "get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null; }",
              'reads the terminal width',
            ],
          ];
          let source = readFileSync(path, 'utf8');
          for (const [from, to, what] of edits) {
            if (source.split(from).length !== 2) throw new Error(`${path}: yargs no longer ${what} as scripts/bundle.mjs expects`);
            source = source.replace(from, to);
          }
          return { contents: source, loader: 'js' };
        });
      },
    },
    {
      // cliui (yargs's help layout) asks process.stdout for the terminal's width whenever yargs
      // gives it none, which certkit always does (.wrap(null): certkit wraps the help itself,
      // src/cli/help-layout.ts): that built process.stdout, ~5 ms for a pipe, only to find no
      // `columns`. Only a terminal has columns, and a terminal is a character device: process.stdout
      // is asked only when fd 1 is one, so the answer is the same in every case.
      name: 'cliui-window-width',
      setup(b) {
        b.onLoad({ filter: /[\\/]cliui[\\/]build[\\/]lib[\\/]index\.js$/ }, ({ path }) => {
          const from = "if (typeof process === 'object' && process.stdout && process.stdout.columns) {";
          const to =
            "if (typeof process === 'object' && __certkitStdoutIsCharacterDevice() && process.stdout && process.stdout.columns) {";
          const helper = [
            "import { fstatSync as __certkitFstatSync } from 'node:fs';",
            'function __certkitStdoutIsCharacterDevice() {',
            '  try { return __certkitFstatSync(1).isCharacterDevice(); } catch { return true; }',
            '}',
          ].join('\n');
          const source = readFileSync(path, 'utf8');
          if (source.split(from).length !== 2) throw new Error(`${path}: cliui no longer reads the window width as scripts/bundle.mjs expects`);
          return { contents: `${helper}\n${source.replace(from, to)}`, loader: 'js' };
        });
      },
    },
    {
      // Once a command's handler has started, yargs renders that command's whole help text and
      // keeps it, for a caller that shows help after an asynchronous handler fails (yargs's own
      // fail path without a .fail() handler, or showHelp() from the handler). certkit does
      // neither: its .fail() throws a one-line usage error and --help is answered before any
      // handler runs. The rendering, ~1.5 ms of every command on the main thread, is left out.
      name: 'no-help-cache-after-handler',
      setup(b) {
        b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
          const from = 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
          const source = readFileSync(path, 'utf8');
          if (source.split(from).length !== 2) throw new Error(`${path}: yargs no longer caches the help text where scripts/bundle.mjs expects`);
          return { contents: source.replace(from, '/* certkit: no help text cached (scripts/bundle.mjs) */'), loader: 'js' };
        });
      },
    },
    {
      // yargs imports node:assert for its internal checks, and loading node:assert costs ~4 ms of
      // every start-up. yargs gets the two functions it uses, which load node:assert only when a
      // check fails (to throw its AssertionError); a passing check does what node:assert's does.
      name: 'assert-on-failure',
      setup(b) {
        b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
          // The shim's own require is the real node:assert.
          args.namespace === 'assert-on-failure' ? undefined : { path: 'assert', namespace: 'assert-on-failure' },
        );
        b.onLoad({ filter: /.*/, namespace: 'assert-on-failure' }, () => ({
          contents: [
            'export function strictEqual(actual, expected, message) {',
            "  if (!Object.is(actual, expected)) require('node:assert').strictEqual(actual, expected, message);",
            '}',
            'export function notStrictEqual(actual, expected, message) {',
            "  if (Object.is(actual, expected)) require('node:assert').notStrictEqual(actual, expected, message);",
            '}',
          ].join('\n'),
          loader: 'js',
        }));
      },
    },
  ],
});

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
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The SDK's ES builds (the `module` field), as Node's `import` would pick them.
  mainFields: ['module', 'main'],
  // Written below, once each file is turned into a script for the loader.
  write: false,
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

/**
 * The transform's interop copies every export of a file into a fresh object twice: once when the
 * file is loaded (`module.exports = __toCommonJS(x_exports)`) and again at every `import()` of it
 * (`__toESM(require('./x.js'))`), a getter per export each time (the S3 client's index has
 * hundreds). Every file here is an ES module turned into a script, so its exports object, marked
 * `__esModule`, already reads exactly like its namespace: it is used as it is (~8 ms of a
 * `certkit client`). A helper esbuild writes differently stops the build rather than go unseen.
 */
const TO_COMMONJS = 'var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);';
function withoutExportCopies(code, file) {
  const helpers = code.split(TO_COMMONJS).length - 1;
  if (helpers !== (code.includes('__toCommonJS(') ? 1 : 0)) throw new Error(`${file}: esbuild's __toCommonJS helper is not the one scripts/bundle.mjs expects`);
  return code
    .replace(TO_COMMONJS, 'var __toCommonJS = (mod) => __defProp(mod, "__esModule", { value: true });')
    .replace(/__toESM\((require\("\.\/[^"]+\.js"\))\)/g, '$1');
}

// ── Each ES module esbuild wrote becomes a CommonJS-style script (X.js → X.cjs) for the loader. ──
const toScript = (path) => path.replace(/\.js$/, '.cjs');
for (const out of result.outputFiles) {
  if (!out.path.endsWith('.js')) {
    writeFileSync(out.path, out.contents); // legal comments
    continue;
  }
  // esbuild's section comments (`// src/cli/main.ts`, which bench/bundle-map.mjs reads to attribute
  // profile frames) survive the transform as legal comments (`//! `), then are turned back.
  const section = /^\/\/(!?) ((?:src|node_modules)\/\S+)$/gm;
  const { code } = transformSync(out.text.replace(section, '//! $2'), {
    format: 'cjs',
    loader: 'js',
    legalComments: 'inline',
    target: 'node20.19',
    // import() becomes the loader's require(), so the whole CLI runs as scripts V8 can cache.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__certkitModuleUrl' },
    sourcefile: basename(out.path),
    logLevel: 'warning',
  });
  writeFileSync(toScript(out.path), withoutExportCopies(code.replace(section, '// $2'), basename(out.path)));
}
// The loader, as CommonJS: bin/certkit (CommonJS too, see bin/package.json) requires it, so Node
// starts certkit without initializing its ES module loader (~10 ms of every start-up).
writeFileSync(
  `${outdir}/certkit.cjs`,
  [
    "'use strict';",
    '// The executable\'s bundle: runs cli.cjs and the files it requires through the loader below',
    '// (see scripts/bundle.mjs), each compiled with the V8 code cache the build made for it.',
    "const { readFileSync } = require('node:fs');",
    "const { pathToFileURL } = require('node:url');",
    "const { Script } = require('node:vm');",
    `const WRAP = ${JSON.stringify(WRAP)};`,
    createLoader.toString(),
    "createLoader(__dirname + '/', { Script, readFileSync, nodeRequire: require, pathToFileURL })('cli.cjs');",
    '',
  ].join('\n'),
);
const renamed = (outputs) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [toScript(k), v]));
writeFileSync(
  `${outdir}/meta.json`,
  JSON.stringify({
    inputs: { ...yargsBuild.metafile.inputs, ...result.metafile.inputs },
    outputs: { ...yargsBuild.metafile.outputs, ...renamed(result.metafile.outputs) },
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

// ── The code caches of the loader's scripts, made by running the CLI (scripts/train-cache.mjs, a
// process per command) through what users run most: a whole `certkit client` with S3 and the
// Redshift secret against a local stand-in for AWS (scripts/training-endpoint.mjs), then the
// keystore commands on what it wrote. Each run starts from the caches the one before wrote, so
// they add up. A cache then holds what those commands compile, not only each file's set-up:
// ~65 ms off `certkit client`. Nothing writes a cache at run time. ──
{
  const lib = await import(pathToFileURL(`${root}dist/index.js`).href);
  const tmp = mkdtempSync(join(tmpdir(), 'certkit-train-'));
  const endpoint = await startTrainingEndpoint(lib, join(tmp, 'ca'));
  const out = (name) => join(tmp, 'out', name);
  const pass = 'env:CERTKIT_TRAINING_PASS';
  const train = async (args) => {
    const child = spawn(process.execPath, [`${root}scripts/train-cache.mjs`, ...args], {
      cwd: tmp,
      env: { ...trainingEnv(tmp), CERTKIT_TRAINING_PASS: 'training-password' },
      // stdout a pipe, as where scripts and CI run certkit (stdio.ts writes a pipe directly; a
      // terminal or /dev/null would train Node's stream instead). What it prints is not kept.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const status = await new Promise((resolve, reject) => child.once('error', reject).once('close', resolve));
    if (status !== 0) throw new Error(`the training run 'certkit ${args.join(' ')}' of the bundled CLI failed (status ${status})\n${stderr}`);
  };
  try {
    await train([
      'client',
      ...['--ca-arn', TRAINING_CA_ARN, '--endpoint-url', endpoint.url],
      ...['--s3', `s3://${TRAINING_BUCKET}/glue/`, '--secret-name', TRAINING_SECRET_NAME, '--msk-uri', 'b-1.example:9094'],
      ...['--key-type', 'ec256', '--dname', 'CN=certkit-training', '--out', join(tmp, 'out'), '--storepass', pass, '--keypass', pass],
    ]);
    // The client run must have gone through every service call it is there to train.
    const made = new Set(endpoint.requests.map((r) => r.replace(/^(S3 [A-Z]+) .*/, '$1')));
    const missing = TRAINING_CALLS.filter((call) => !made.has(call));
    if (missing.length > 0) throw new Error(`the training run never called ${missing.join(', ')}; requests: ${endpoint.requests.join(', ')}`);
    await train(['truststore', 'create', '--cert', out('ca.pem'), '--out', out('truststore.jks'), '--storepass', pass]);
    await train(['keystore', 'list', out('truststore.jks'), '--storepass', pass]);
    await train(['keystore', 'list', out('kafka.client.keystore.jks'), '--storepass', pass]);
    await train(['keystore', 'convert', out('kafka.client.keystore.jks'), out('converted.p12'), '--srcstorepass', pass, '--deststorepass', pass, '--deststoretype', 'pkcs12']);
  } finally {
    await endpoint.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
