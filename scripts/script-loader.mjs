/**
 * The loader of the bundled CLI, shared by scripts/bundle.mjs (which writes its source into
 * dist/bin/certkit.cjs, the file bin/certkit requires) and scripts/train-cache.mjs (which runs the
 * CLI through it at build time to make the code caches). Both must compile each script exactly
 * as a user's run does, or V8 would reject the caches.
 */
/** The CommonJS wrapper yargs.cjs is compiled in: the same source at build time and at run time. */
export const WRAP = ['(function (exports, require, module, __filename, __dirname, __certkitModuleUrl) { ', '\n})'];

/**
 * The loader bin/certkit runs the bundle with (its source is written into dist/bin/certkit.cjs):
 * `load(name)` compiles dist/bin/NAME (a CommonJS-style script) with NAME.cache as its V8 code
 * cache when there is one, runs it once, and returns its exports; a script's `require('./X.js')`
 * loads X.cjs the same way, anything else is Node's require (the built-ins). Compiling from a
 * cache skips parsing: ~5 ms instead of ~40 ms for the S3 client's file. A cache V8 rejects
 * (another Node version, other V8 flags) only means that script is compiled as without one.
 * `scriptName` names the compiled scripts (the build names them by their path in the package).
 */
export function createLoader(dir, { Script, readFileSync, nodeRequire, pathToFileURL, scriptName = (file) => file, compiled = () => {} }) {
  const modules = new Map();
  const require = (spec) => (spec.startsWith('./') ? load(spec.slice(2).replace(/\.js$/, '.cjs')) : nodeRequire(spec));
  require.resolve = nodeRequire.resolve;
  function load(name) {
    const loaded = modules.get(name);
    if (loaded !== undefined) return loaded.exports;
    const file = dir + name;
    let cachedData;
    try {
      cachedData = readFileSync(file + '.cache');
    } catch {
      // no cache: compiled from source
    }
    const script = new Script(WRAP[0] + readFileSync(file, 'utf8') + WRAP[1], { filename: scriptName(file), cachedData });
    compiled(name, script);
    const module = { exports: {} };
    modules.set(name, module);
    script.runInThisContext()(module.exports, require, module, file, dir, pathToFileURL(file).href);
    return module.exports;
  }
  return load;
}
